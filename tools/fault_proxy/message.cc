#include "tools/fault_proxy/message.h"

#include <algorithm>
#include <utility>

#include "base/ascii.h"

namespace fault_proxy {

std::optional<std::string> Message::Get(std::string_view name) const {
  for (const Header& header : headers) {
    if (base::EqualsIgnoreCase(header.name, name)) return header.value;
  }
  return std::nullopt;
}

void Message::Set(std::string_view name, std::string_view value) {
  auto first = std::find_if(headers.begin(), headers.end(),
                            [&](const Header& h) { return base::EqualsIgnoreCase(h.name, name); });
  if (first == headers.end()) {
    headers.push_back({std::string(name), std::string(value)});
    return;
  }
  first->value = std::string(value);
  headers.erase(
      std::remove_if(first + 1, headers.end(),
                     [&](const Header& h) { return base::EqualsIgnoreCase(h.name, name); }),
      headers.end());
}

void Message::Remove(std::string_view name) {
  std::erase_if(headers, [&](const Header& h) { return base::EqualsIgnoreCase(h.name, name); });
}

void Message::SetBody(std::string new_body) {
  body = std::move(new_body);
  if (Has("Content-Length")) Set("Content-Length", std::to_string(body.size()));
}

std::string_view Request::Path() const {
  const std::string_view all = target;
  return all.substr(0, all.find('?'));
}

std::string_view Request::Query() const {
  const std::size_t mark = target.find('?');
  return mark == std::string::npos ? std::string_view() : std::string_view(target).substr(mark + 1);
}

void RemoveHopByHopHeaders(Message& message) {
  std::vector<std::string> named;
  for (const Header& header : message.headers) {
    if (!base::EqualsIgnoreCase(header.name, "Connection")) continue;
    std::size_t start = 0;
    while (start <= header.value.size()) {
      std::size_t comma = header.value.find(',', start);
      if (comma == std::string::npos) comma = header.value.size();
      std::string token = header.value.substr(start, comma - start);
      const auto not_space = [](unsigned char c) { return c != ' ' && c != '\t'; };
      token.erase(token.begin(), std::find_if(token.begin(), token.end(), not_space));
      token.erase(std::find_if(token.rbegin(), token.rend(), not_space).base(), token.end());
      if (!token.empty()) named.push_back(token);
      start = comma + 1;
    }
  }
  static constexpr std::string_view kHopByHop[] = {"Connection", "Keep-Alive", "Proxy-Connection",
                                                   "TE",         "Trailer",    "Transfer-Encoding",
                                                   "Upgrade"};
  for (std::string_view name : kHopByHop) message.Remove(name);
  for (const std::string& name : named) message.Remove(name);
}

Response JsonResponse(int status, std::string body) {
  Response response;
  response.status = status;
  response.headers.push_back({"Content-Type", "application/json"});
  response.headers.push_back({"Content-Length", std::to_string(body.size())});
  response.body = std::move(body);
  return response;
}

}  // namespace fault_proxy

#include "tools/fault_proxy/query.h"

namespace fault_proxy {

static int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string FormDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && HexDigit(text[i + 1]) >= 0 &&
               HexDigit(text[i + 2]) >= 0) {
      out += static_cast<char>(HexDigit(text[i + 1]) * 16 + HexDigit(text[i + 2]));
      i += 2;
    } else {
      // A broken escape stays literal: the upstream refuses it, which is
      // what a fault that does not target escapes should leave visible.
      out += c;
    }
  }
  return out;
}

std::vector<QueryPart> SplitQuery(std::string_view query) {
  std::vector<QueryPart> parts;
  if (query.empty()) return parts;
  std::size_t start = 0;
  while (true) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view raw = query.substr(start, end - start);
    const std::size_t equals = raw.find('=');
    QueryPart part;
    part.raw = std::string(raw);
    part.name = FormDecode(raw.substr(0, equals));
    if (equals != std::string_view::npos) part.value = FormDecode(raw.substr(equals + 1));
    parts.push_back(std::move(part));
    if (end == query.size()) break;
    start = end + 1;
  }
  return parts;
}

std::string JoinTarget(std::string_view path, const std::vector<QueryPart>& parts) {
  std::string target(path);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    target += i == 0 ? '?' : '&';
    target += parts[i].raw;
  }
  return target;
}

QueryPart MakeQueryPart(std::string_view name, std::string_view value) {
  return {std::string(name) + "=" + std::string(value), FormDecode(name), FormDecode(value)};
}

void SetRawValue(QueryPart& part, std::string_view encoded_value) {
  part.raw = part.raw.substr(0, part.raw.find('=')) + "=" + std::string(encoded_value);
  part.value = FormDecode(encoded_value);
}

}  // namespace fault_proxy

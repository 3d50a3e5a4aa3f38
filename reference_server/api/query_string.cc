#include "reference_server/api/query_string.h"

#include <unordered_set>

namespace api {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<std::string> PercentDecode(std::string_view text, std::string_view field) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c != '%') {
      out.push_back(c);
    } else {
      const int high = i + 1 < text.size() ? HexValue(text[i + 1]) : -1;
      const int low = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
      if (high < 0 || low < 0) {
        return MakeError(ErrorCode::kInvalidQuery, std::string(field),
                         "invalid percent-escape at offset " + std::to_string(i) +
                             ": '%' must be followed by two hex digits");
      }
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    }
  }
  return out;
}

Result<QueryParams> ParseQueryString(std::string_view query) {
  QueryParams params;
  std::unordered_set<std::string> names;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (part.empty()) continue;

    const std::size_t eq = part.find('=');
    auto name = PercentDecode(part.substr(0, eq), "query");
    if (!name) return name.error();
    const std::string field = "query." + name.value();
    auto value = PercentDecode(
        eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1), field);
    if (!value) return value.error();

    if (!names.insert(name.value()).second)
      return MakeError(ErrorCode::kInvalidQuery, field, "is given more than once");
    params.emplace_back(std::move(name).value(), std::move(value).value());
  }
  return params;
}

}  // namespace api

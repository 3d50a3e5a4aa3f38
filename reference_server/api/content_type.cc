#include "reference_server/api/content_type.h"

#include <string>

namespace api {
namespace {

std::string_view TrimBlanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

ApiError Unsupported(MediaType expected, std::string detail) {
  return MakeError(ErrorCode::kUnsupportedMediaType, "Content-Type",
                   "must be " + std::string(MediaTypeName(expected)) + " (" + detail + ")");
}

}  // namespace

std::string_view MediaTypeName(MediaType type) {
  return type == MediaType::kJson ? "application/json" : "text/plain";
}

std::optional<ApiError> CheckContentType(std::string_view header_value, MediaType expected) {
  std::string_view rest = header_value;
  const std::size_t semicolon = rest.find(';');
  const std::string_view essence = TrimBlanks(rest.substr(0, semicolon));
  if (essence.empty()) return Unsupported(expected, "the header is missing");
  if (!EqualsIgnoringAsciiCase(essence, MediaTypeName(expected))) {
    return Unsupported(expected, "got \"" + Excerpt(essence) + "\"");
  }
  rest = semicolon == std::string_view::npos ? std::string_view() : rest.substr(semicolon + 1);
  while (!rest.empty()) {
    const std::size_t next = rest.find(';');
    const std::string_view parameter = TrimBlanks(rest.substr(0, next));
    rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
    const std::size_t eq = parameter.find('=');
    if (eq == std::string_view::npos) continue;
    if (!EqualsIgnoringAsciiCase(TrimBlanks(parameter.substr(0, eq)), "charset")) continue;
    std::string_view charset = TrimBlanks(parameter.substr(eq + 1));
    if (charset.size() >= 2 && charset.front() == '"' && charset.back() == '"') {
      charset = charset.substr(1, charset.size() - 2);
    }
    if (!EqualsIgnoringAsciiCase(charset, "utf-8") &&
        !EqualsIgnoringAsciiCase(charset, "us-ascii")) {
      return Unsupported(expected, "charset must be utf-8, got \"" + Excerpt(charset) + "\"");
    }
  }
  return std::nullopt;
}

}  // namespace api

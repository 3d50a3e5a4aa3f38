#include "reference_server/api/filename.h"

#include "reference_server/api/utf8.h"

namespace api {

std::optional<std::string> FilenameViolation(std::string_view name, std::size_t max_bytes) {
  if (name.empty()) return "must not be empty";
  if (name.size() > max_bytes) {
    return "must be at most " + std::to_string(max_bytes) + " bytes long (is " +
           std::to_string(name.size()) + ")";
  }
  if (!IsValidUtf8(name)) return "must be valid UTF-8";
  if (name == ".") return "must not be '.'";
  if (name.find('/') != std::string_view::npos) return "must not contain '/'";
  if (name.find("..") != std::string_view::npos) return "must not contain '..'";
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    const bool c0_or_del = c < 0x20 || c == 0x7F;
    // In UTF-8, U+0080..U+009F are C2 80..C2 9F.
    const bool c1 =
        c == 0xC2 && i + 1 < name.size() && static_cast<unsigned char>(name[i + 1]) <= 0x9F;
    if (c0_or_del || c1) {
      return c == 0 ? std::string("must not contain NUL bytes")
                    : "must not contain control characters (byte offset " + std::to_string(i) + ")";
    }
  }
  return std::nullopt;
}

}  // namespace api

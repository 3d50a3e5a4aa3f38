#ifndef REFERENCE_SERVER_API_BASE64_H_
#define REFERENCE_SERVER_API_BASE64_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace api {

// Strict RFC 4648 section 4 base64 (the standard alphabet, padded). Text is
// accepted only when it is the one canonical encoding of its bytes:
//   1. the length is a multiple of 4 (padding is not optional);
//   2. every character is in A-Z a-z 0-9 + / (no whitespace, no line breaks,
//      no URL-safe '-' or '_');
//   3. '=' appears only as the last one or two characters;
//   4. the bits the padding leaves unused in the last data character are
//      zero (RFC 4648 3.5: "QQ==" decodes, "QR==" does not).
// The empty string is valid and decodes to no bytes.
struct Base64Error {
  std::size_t offset = 0;  // of the first offending character
  std::string reason;      // e.g. "character ' ' is not in the base64 alphabet"
};

// The number of bytes well-formed `text` decodes to (for other text, a
// bound). Lets callers enforce size limits before decoding anything.
constexpr std::size_t DecodedBase64Size(std::string_view text) {
  std::size_t size = text.size() / 4 * 3;
  for (std::size_t i = 0; i < 2 && i < text.size() && text[text.size() - 1 - i] == '='; ++i) {
    if (size > 0) --size;
  }
  return size;
}

// The decoded bytes, or nullopt with `error` describing the first violation.
std::optional<std::string> DecodeBase64(std::string_view text, Base64Error& error);

// Canonical padded encoding; DecodeBase64(EncodeBase64(b)) == b.
std::string EncodeBase64(std::string_view bytes);

}  // namespace api

#endif  // REFERENCE_SERVER_API_BASE64_H_

#include "fuzz/reference_base64.h"

namespace fuzz {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

std::string ReferenceEncodeBase64(std::string_view bytes) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    unsigned value = 0;
    std::size_t count = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      value <<= 8;
      if (i + k < bytes.size()) {
        value |= static_cast<unsigned char>(bytes[i + k]);
        ++count;
      }
    }
    for (std::size_t k = 0; k < 4; ++k) {
      out += k <= count ? kAlphabet[(value >> (18 - 6 * k)) & 63] : '=';
    }
  }
  return out;
}

std::optional<std::string> ReferenceDecodeBase64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 4) {
    unsigned value = 0;
    std::size_t padding = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const char c = text[i + k];
      value <<= 6;
      if (c == '=') {
        ++padding;
        continue;
      }
      if (padding > 0) return std::nullopt;  // data after '='
      const std::size_t digit = kAlphabet.find(c);
      if (digit == std::string_view::npos) return std::nullopt;
      value |= static_cast<unsigned>(digit);
    }
    if (padding > 2 || (padding > 0 && i + 4 != text.size())) return std::nullopt;
    for (std::size_t k = 0; k < 3 - padding; ++k) {
      out += static_cast<char>((value >> (16 - 8 * k)) & 0xFF);
    }
  }
  // Canonical only: non-zero padding bits would encode differently.
  if (ReferenceEncodeBase64(out) != text) return std::nullopt;
  return out;
}

}  // namespace fuzz

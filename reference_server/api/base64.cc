#include "reference_server/api/base64.h"

#include <array>
#include <cstdint>

namespace api {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::uint8_t kNotInAlphabet = 0xFF;

constexpr std::array<std::uint8_t, 256> MakeDecodeTable() {
  std::array<std::uint8_t, 256> table{};
  for (auto& entry : table) entry = kNotInAlphabet;
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::uint8_t>(i);
  }
  return table;
}
constexpr std::array<std::uint8_t, 256> kDecodeTable = MakeDecodeTable();

std::string DescribeBadCharacter(unsigned char c) {
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
    return "whitespace is not allowed in base64";
  }
  if (c == '-' || c == '_') {
    return std::string("character '") + static_cast<char>(c) +
           "' belongs to the URL-safe alphabet; use the standard alphabet ('+' and '/')";
  }
  if (c >= 0x21 && c <= 0x7E) {
    return std::string("character '") + static_cast<char>(c) + "' is not in the base64 alphabet";
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string hex = "0x";
  hex += kHex[c >> 4];
  hex += kHex[c & 0xF];
  return "byte " + hex + " is not in the base64 alphabet";
}

std::optional<std::string> Fail(Base64Error& error, std::size_t offset, std::string reason) {
  error.offset = offset;
  error.reason = std::move(reason);
  return std::nullopt;
}

}  // namespace

std::optional<std::string> DecodeBase64(std::string_view text, Base64Error& error) {
  // Characters are checked before the length so that a stray space or
  // newline is reported as such rather than as a length problem.
  std::size_t padding = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '=') {
      if (padding == 0 && text.size() - i > 2) {
        return Fail(error, i, "'=' padding may only end the text");
      }
      ++padding;
      continue;
    }
    if (kDecodeTable[c] == kNotInAlphabet) return Fail(error, i, DescribeBadCharacter(c));
    if (padding > 0) return Fail(error, i, "'=' padding may only end the text");
  }
  if (text.size() % 4 != 0) {
    return Fail(error, text.size(),
                "length " + std::to_string(text.size()) +
                    " is not a multiple of 4 (padding '=' is required)");
  }
  // With the length a multiple of 4 and '=' only in the last two places,
  // a quantum of "x===" cannot occur: three '=' would need i >= size - 2.

  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const std::size_t data_chars = (i + 4 == text.size()) ? 4 - padding : 4;
    std::uint32_t quantum = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const std::uint32_t sextet =
          k < data_chars ? kDecodeTable[static_cast<unsigned char>(text[i + k])] : 0;
      quantum = (quantum << 6) | sextet;
    }
    const std::size_t out_bytes = data_chars - 1;  // 4 -> 3, 3 -> 2, 2 -> 1
    // The low bits the padding leaves over must be zero (canonical form).
    const std::uint32_t unused_bits_mask = (1u << (8 * (3 - out_bytes))) - 1;
    if ((quantum & unused_bits_mask) != 0) {
      return Fail(error, i + data_chars - 1,
                  "non-canonical encoding: the bits after the last byte must be zero");
    }
    for (std::size_t b = 0; b < out_bytes; ++b) {
      out.push_back(static_cast<char>((quantum >> (16 - 8 * b)) & 0xFF));
    }
  }
  return out;
}

std::string EncodeBase64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = bytes.size() - i < 3 ? bytes.size() - i : 3;
    std::uint32_t quantum = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      const std::uint32_t byte = k < n ? static_cast<unsigned char>(bytes[i + k]) : 0;
      quantum = (quantum << 8) | byte;
    }
    for (std::size_t k = 0; k < 4; ++k) {
      out.push_back(k <= n ? kAlphabet[(quantum >> (18 - 6 * k)) & 0x3F] : '=');
    }
  }
  return out;
}

}  // namespace api

#include "reference_server/api/utf8.h"

namespace api {
namespace {

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

// Bounds of the second byte of a sequence, given its lead byte (Table 3-7);
// the bytes after the second are always 80..BF.
struct SecondByteRange {
  unsigned char low;
  unsigned char high;
};

// How many bytes a lead byte announces (0 when it cannot lead), and the
// range its second byte must fall in.
std::size_t SequenceLengthFor(unsigned char lead, SecondByteRange& second) {
  second = {0x80, 0xBF};
  if (lead <= 0x7F) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead == 0xE0) {
    second = {0xA0, 0xBF};
    return 3;
  }
  if (lead == 0xED) {
    second = {0x80, 0x9F};
    return 3;
  }  // no surrogates
  if (lead >= 0xE1 && lead <= 0xEF) return 3;
  if (lead == 0xF0) {
    second = {0x90, 0xBF};
    return 4;
  }
  if (lead == 0xF4) {
    second = {0x80, 0x8F};
    return 4;
  }  // <= U+10FFFF
  if (lead >= 0xF1 && lead <= 0xF3) return 4;
  return 0;
}

// Bytes of the longest prefix at text[pos] that could begin a well-formed
// sequence (at least 1), and whether the whole sequence is there.
std::size_t PrefixLength(std::string_view text, std::size_t pos, bool& complete) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  SecondByteRange second;
  const std::size_t length = SequenceLengthFor(lead, second);
  complete = false;
  if (length == 0) return 1;
  if (length == 1) {
    complete = true;
    return 1;
  }
  std::size_t i = 1;
  for (; i < length && pos + i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[pos + i]);
    const unsigned char low = i == 1 ? second.low : 0x80;
    const unsigned char high = i == 1 ? second.high : 0xBF;
    if (c < low || c > high) return i;
  }
  complete = i == length;
  return i;
}

}  // namespace

std::size_t WellFormedUtf8SequenceLength(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return 0;
  bool complete = false;
  const std::size_t length = PrefixLength(text, pos, complete);
  return complete ? length : 0;
}

bool IsValidUtf8(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t length = WellFormedUtf8SequenceLength(text, pos);
    if (length == 0) return false;
    pos += length;
  }
  return true;
}

std::string ReplaceInvalidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    bool complete = false;
    const std::size_t length = PrefixLength(text, pos, complete);
    if (complete) {
      out.append(text.substr(pos, length));
    } else {
      out.append(kReplacementCharacter);
    }
    pos += length;
  }
  return out;
}

}  // namespace api

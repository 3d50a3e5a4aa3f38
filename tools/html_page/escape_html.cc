// EscapeHtml: the one place where a Page's text becomes HTML.
#include <cstddef>
#include <string>
#include <string_view>

#include "tools/html_page/html_page.h"

namespace html_page {
namespace {

// The UTF-8 sequence at the start of a text: how many bytes it takes and,
// when valid, its code point. An invalid one is its maximal invalid prefix
// (Unicode's "maximal subpart"), so that one U+FFFD replaces it.
struct Sequence {
  std::size_t length = 1;
  char32_t code = 0;
  bool valid = false;
};

Sequence DecodeOne(std::string_view text) {
  const auto lead = static_cast<unsigned char>(text[0]);
  if (lead < 0x80) return {1, lead, true};
  std::size_t trailing = 0;
  // The range of the first continuation byte shuts out overlong forms
  // (E0, F0), surrogates (ED) and code points past U+10FFFF (F4).
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  char32_t code = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    trailing = 1;
    code = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    trailing = 2;
    code = lead & 0x0F;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    trailing = 3;
    code = lead & 0x07;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return {1, 0, false};  // a continuation byte, C0, C1 or F5..FF
  }
  for (std::size_t i = 1; i <= trailing; ++i) {
    if (i >= text.size()) return {i, 0, false};
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < low || byte > high) return {i, 0, false};
    code = (code << 6) | (byte & 0x3F);
    low = 0x80;
    high = 0xBF;
  }
  return {trailing + 1, code, true};
}

// C0 controls but tab and newline, DEL and the C1 controls: invisible or
// terminal commands, shown as text so that a reader sees they are there.
bool IsShownAsHex(char32_t code) {
  return (code < 0x20 && code != '\t' && code != '\n') || (code >= 0x7F && code <= 0x9F);
}

// The bidirectional formatting characters (embeddings, overrides,
// isolates, marks): a hostile answer could reorder how the text around
// them reads ("Trojan Source"), so they are shown, not obeyed.
bool IsBidiControl(char32_t code) {
  return (code >= 0x202A && code <= 0x202E) || (code >= 0x2066 && code <= 0x2069) ||
         code == 0x200E || code == 0x200F || code == 0x061C;
}

void AppendHex(char32_t code, std::string& out) {
  constexpr char kDigits[] = "0123456789ABCDEF";
  out += "\\x";
  out += kDigits[(code >> 4) & 0xF];
  out += kDigits[code & 0xF];
}

// "\u{202E}"
void AppendCodePoint(char32_t code, std::string& out) {
  constexpr char kDigits[] = "0123456789ABCDEF";
  out += "\\u{";
  for (int shift = 12; shift >= 0; shift -= 4) out += kDigits[(code >> shift) & 0xF];
  out += "}";
}

void AppendAscii(char c, std::string& out) {
  switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default:
      out += c;
  }
}

}  // namespace

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  while (!text.empty()) {
    const Sequence sequence = DecodeOne(text);
    if (!sequence.valid) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
    } else if (IsShownAsHex(sequence.code)) {
      AppendHex(sequence.code, out);
    } else if (IsBidiControl(sequence.code)) {
      AppendCodePoint(sequence.code, out);
    } else if (sequence.code < 0x80) {
      AppendAscii(text[0], out);
    } else {
      out.append(text.substr(0, sequence.length));
    }
    text.remove_prefix(sequence.length);
  }
  return out;
}

}  // namespace html_page

#ifndef REFERENCE_SERVER_API_UTF8_H_
#define REFERENCE_SERVER_API_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace api {

// Length of the well-formed UTF-8 sequence at text[pos] (1..4), or 0 when the
// bytes there are not one (overlong forms, surrogates and code points above
// U+10FFFF are not well-formed, per Unicode Table 3-7).
std::size_t WellFormedUtf8SequenceLength(std::string_view text, std::size_t pos);

bool IsValidUtf8(std::string_view text);

// Program output is arbitrary bytes but JSON strings are Unicode: each
// maximal ill-formed subpart is replaced with U+FFFD, the practice the
// Unicode Standard recommends (chapter 3, "U+FFFD Substitution of Maximal
// Subparts"), so "\xE2\x82" becomes one U+FFFD and "\xFF\xFF" two.
std::string ReplaceInvalidUtf8(std::string_view text);

}  // namespace api

#endif  // REFERENCE_SERVER_API_UTF8_H_

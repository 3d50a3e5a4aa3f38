#ifndef BASE_ASCII_H_
#define BASE_ASCII_H_

#include <string>
#include <string_view>

namespace base {

// ASCII only, whatever the locale: HTTP field names, schemes, tokens and
// media types are case-insensitive in ASCII alone (RFC 9110, 5.1).
char AsciiLower(char c);
std::string AsciiLowered(std::string_view text);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix);

}  // namespace base

#endif  // BASE_ASCII_H_

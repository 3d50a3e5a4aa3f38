#ifndef REFERENCE_SERVER_API_FILENAME_H_
#define REFERENCE_SERVER_API_FILENAME_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace api {

// Why `name` cannot name an input file, or nullopt when it can. A valid name
//   - is 1..max_bytes bytes long (bytes, not characters: the limit guards
//     the file system, whose NAME_MAX counts bytes);
//   - is well-formed UTF-8;
//   - contains no '/', and no ".." anywhere (the documentation's rule, read
//     literally, so "a..b" is refused too);
//   - contains no control character: C0 (U+0000-U+001F), DEL (U+007F) or
//     C1 (U+0080-U+009F);
//   - is not ".".
// Pure and total: any byte string may be passed (the fuzzer does).
std::optional<std::string> FilenameViolation(std::string_view name, std::size_t max_bytes);

}  // namespace api

#endif  // REFERENCE_SERVER_API_FILENAME_H_

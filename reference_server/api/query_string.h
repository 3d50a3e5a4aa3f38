#ifndef REFERENCE_SERVER_API_QUERY_STRING_H_
#define REFERENCE_SERVER_API_QUERY_STRING_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reference_server/api/result.h"

namespace api {

// Decodes one query component as application/x-www-form-urlencoded does
// (the encoding HTML forms and most HTTP client libraries use): "%XX" with
// two hex digits (either case) is the byte XX, '+' is a space. A '%' not
// followed by two hex digits is an error, not passed through.
Result<std::string> PercentDecode(std::string_view text, std::string_view field);

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Splits "a=1&b=2" at '&' and at the first '=' of each part, decoding both
// sides. Empty parts are skipped; a part with no '=' has an empty value; a
// name given twice is an error (which one would win is not obvious).
Result<QueryParams> ParseQueryString(std::string_view query);

}  // namespace api

#endif  // REFERENCE_SERVER_API_QUERY_STRING_H_

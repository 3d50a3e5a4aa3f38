#ifndef REFERENCE_SERVER_API_JSON_READER_H_
#define REFERENCE_SERVER_API_JSON_READER_H_

#include <rapidjson/document.h>

#include <cstddef>
#include <string_view>

#include "reference_server/api/result.h"

namespace api {

// Parses `text` as one JSON document under the rules of docs/API.md:
// RFC 8259 syntax with valid UTF-8, nothing but whitespace after the value,
// no object with two members of the same name, no NUL byte in a member name,
// and at most `max_depth` nested arrays/objects. Parsing is iterative, so
// hostile nesting cannot exhaust the stack; numbers use RapidJSON's default
// precision (its full-precision mode crashes 1.1.0 on some inputs).
// Errors are kMalformedJson or kDuplicateKey with `field` set to `what`
// ("body", "query.env") and the byte offset in the message.
Result<rapidjson::Document> ParseStrictJson(std::string_view text, std::string_view what,
                                            std::size_t max_depth);

}  // namespace api

#endif  // REFERENCE_SERVER_API_JSON_READER_H_

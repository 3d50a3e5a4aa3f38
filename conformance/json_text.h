#ifndef CONFORMANCE_JSON_TEXT_H_
#define CONFORMANCE_JSON_TEXT_H_

#include <cstddef>
#include <string>

#include "rapidjson/document.h"

namespace conformance {

// Compact JSON text of a value.
std::string ToJson(const rapidjson::Value& value);

// The same, cut to about `limit` bytes with a note of what was cut, for
// messages that must stay readable.
std::string ToShortJson(const rapidjson::Value& value, std::size_t limit = 200);

// `text` cut to `limit` bytes (at a UTF-8 boundary) plus "... (N bytes)".
std::string Shorten(const std::string& text, std::size_t limit);

// Parses JSON (iteratively: no recursion depth limit to hit; default
// precision: RapidJSON 1.1.0's full-precision mode crashes on some numbers).
// "" on success, else the error and its offset.
std::string ParseJson(const std::string& text, rapidjson::Document* document);

// The JSON type name of a value: null, boolean, integer, number, string,
// array, object (integer for numbers without fraction or exponent).
const char* JsonTypeName(const rapidjson::Value& value);

}  // namespace conformance

#endif  // CONFORMANCE_JSON_TEXT_H_

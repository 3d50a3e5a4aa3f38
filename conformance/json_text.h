#ifndef CONFORMANCE_JSON_TEXT_H_
#define CONFORMANCE_JSON_TEXT_H_

#include <cstddef>
#include <string>
#include <vector>

#include "base/expected.h"
#include "rapidjson/document.h"
#include "rapidjson/pointer.h"

namespace conformance {

// Compact JSON text of a value.
std::string ToJson(const rapidjson::Value& value);

// The same, cut to about `limit` bytes with a note of what was cut, for
// messages that must stay readable.
std::string ToShortJson(const rapidjson::Value& value, std::size_t limit = 200);

// `text` cut to `limit` bytes (at a UTF-8 boundary) plus "... (N bytes)".
std::string Shorten(const std::string& text, std::size_t limit);

// `text` with every ill-formed UTF-8 sequence replaced by U+FFFD, so that
// what a target sent can go into a JSON or XML report.
std::string ToValidUtf8(const std::string& text);

// `text` as XML character data or attribute value: valid UTF-8, markup
// escaped, and the control characters XML 1.0 cannot carry replaced by '?'.
std::string XmlEscape(const std::string& raw);

// Values nested deeper than this are refused by ParseJson: the code that
// walks them (writing, matching, schema validation) is recursive.
inline constexpr std::size_t kMaxJsonDepth = 256;

// True when arrays and objects nest more than `limit` levels (checked
// without recursion).
bool DepthExceeds(const rapidjson::Value& root, std::size_t limit);

// Parses JSON (iteratively: no recursion depth limit to hit; default
// precision: RapidJSON 1.1.0's full-precision mode crashes on some numbers)
// into `document`. Not JSON, or nested deeper than kMaxJsonDepth: a
// kInvalidArgument error saying why and at which byte.
base::Status ParseJson(const std::string& text, rapidjson::Document* document);

// The JSON type name of a value: null, boolean, integer, number, string,
// array, object ("integer" for what RapidJSON holds as a 64-bit integer:
// written without fraction or exponent, and within 64 bits).
const char* JsonTypeName(const rapidjson::Value& value);

// A JSON pointer as text, "(root)" for the empty one, for messages.
std::string PointerText(const rapidjson::Pointer& pointer);

// The *.json file names of a directory, sorted; none if it cannot be read.
std::vector<std::string> JsonFilesIn(const std::string& directory);

// The whole file; kNotFound (where = `path`) if it cannot be read.
base::Expected<std::string> ReadWholeFile(const std::string& path);

}  // namespace conformance

#endif  // CONFORMANCE_JSON_TEXT_H_

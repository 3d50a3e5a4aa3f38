#ifndef CONFORMANCE_TEMPLATING_H_
#define CONFORMANCE_TEMPLATING_H_

#include <map>
#include <string>
#include <string_view>

#include "base/expected.h"
#include "rapidjson/document.h"

namespace conformance {

// Values a case refers to as ${name}: what earlier steps captured, and
// what the runner provides (language, code, probe_host, probe_port, ...).
using Vars = std::map<std::string, std::string>;

// `text` with every ${name} replaced. An unknown name is a kInvalidArgument
// error, "unknown variable ${name}" (where = "${name}").
base::Expected<std::string> SubstituteVars(std::string_view text, const Vars& vars);

// A deep copy of `in` with ${name} substituted in every string, and
// generators expanded. A generator is an object with one member whose name
// starts with '$':
//   {"$repeat": ["ab", 3]}      -> "ababab"
//   {"$base64": "text"}         -> base64 of the text
//   {"$base64_zeros": 5}        -> base64 of 5 zero bytes
//   {"$items": [template, 3]}   -> an array of 3 copies, ${i} = 0, 1, 2
//   {"$json": value}            -> the compact JSON text of value
// so that a fixture can say "a 5 MiB file" or "11 files" without holding
// them. A bad part is a kInvalidArgument error whose message starts with
// its path ("/files/1/$repeat: ...", "(root): ..."), which is its `where`.
base::Status ExpandTemplate(const rapidjson::Value& in, const Vars& vars,
                            rapidjson::Document::AllocatorType& allocator, rapidjson::Value* out);

// Standard base64 (RFC 4648 section 4) with padding.
std::string Base64Encode(std::string_view bytes);

// application/x-www-form-urlencoded encoding of one name or value.
std::string FormEncode(std::string_view text);

}  // namespace conformance

#endif  // CONFORMANCE_TEMPLATING_H_

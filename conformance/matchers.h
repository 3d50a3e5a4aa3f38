#ifndef CONFORMANCE_MATCHERS_H_
#define CONFORMANCE_MATCHERS_H_

#include <string>
#include <vector>

#include "base/expected.h"
#include "conformance/schema_store.h"
#include "conformance/templating.h"
#include "rapidjson/document.h"

namespace conformance {

struct MatchContext {
  const SchemaStore* schemas = nullptr;
  const Vars* vars = nullptr;
};

// The operations one matcher object may hold (docs/CONFORMANCE.md;
// "regex" is POSIX extended, "length" counts a string's bytes), besides "path" and
// "because"; the fixture loader refuses any other member.
const std::vector<std::string>& MatcherOperations();

// Checks `actual` (nullptr: absent) against the operations of `ops` (an
// object: {"equals": 1}, {"type": "string", "regex": "^a"}, ...). Appends
// one line per broken operation to `mismatches`, each starting with
// `label` (the JSON pointer or header name). True when all hold.
bool CheckOperations(const rapidjson::Value& ops, const rapidjson::Value* actual,
                     const std::string& label, const MatchContext& context,
                     std::vector<std::string>* mismatches);

// Checks a list of matchers ({"path": "/stdout", "equals": "hi\n"}, ...)
// against a JSON body.
bool CheckBody(const rapidjson::Value& matchers, const rapidjson::Value& body,
               const MatchContext& context, std::vector<std::string>* mismatches);

// Whether `pattern` compiles as a POSIX extended regex: if not, a
// kInvalidArgument error "bad regex /PATTERN/: why".
base::Status CheckRegex(const std::string& pattern);

// Whether `pattern` (POSIX extended) matches somewhere in `text`; the
// error of CheckRegex for a bad pattern. ${var} values are escaped before
// they reach a pattern.
base::Expected<bool> RegexMatches(const std::string& pattern, const std::string& text);

// The value at a JSON pointer ("" is the root), or nullptr.
const rapidjson::Value* ValueAt(const rapidjson::Value& root, const std::string& pointer);

}  // namespace conformance

#endif  // CONFORMANCE_MATCHERS_H_

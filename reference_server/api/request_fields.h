#ifndef REFERENCE_SERVER_API_REQUEST_FIELDS_H_
#define REFERENCE_SERVER_API_REQUEST_FIELDS_H_

#include <rapidjson/document.h>

#include <string>
#include <string_view>

#include "reference_server/api/limits.h"
#include "reference_server/api/request.h"
#include "reference_server/api/result.h"

// Validation of the request fields that /execute (JSON) and /run (query
// string) share, so both endpoints apply one rule set. `field` is the path
// reported in errors ("ttl", "query.ttl", ...).
namespace api {

// Lower-cases ASCII and checks 1..max_language_bytes of [a-z0-9+#._-].
Result<std::string> ValidateLanguage(std::string_view language, std::string_view field,
                                     const RequestLimits& limits);

// "zerotrust" or "semitrusted", exactly (case-sensitive, as documented).
Result<NetworkMode> ParseNetworkMode(std::string_view value, std::string_view field);

// A JSON number that is an integer within [min_ttl, max_ttl].
Result<int> TtlFromJson(const rapidjson::Value& value, std::string_view field,
                        const RequestLimits& limits);

// Decimal digits only, within [min_ttl, max_ttl].
Result<int> TtlFromText(std::string_view text, std::string_view field, const RequestLimits& limits);

// "true", "false", "1" or "0".
Result<bool> BoolFromText(std::string_view text, std::string_view field);

// A JSON object of string values. Names match [A-Za-z_][A-Za-z0-9_]* (they
// become environment variable names inside the sandbox); values hold no
// NUL byte (execve could not pass it); count and total size are bounded.
Result<EnvVars> EnvFromJson(const rapidjson::Value& value, std::string_view field,
                            const RequestLimits& limits);

// The scalar JSON types a field may be required to have.
enum class JsonKind { kString, kBoolean };

// The member `name` of `object`, or of its alias (the spelling public
// clients send, e.g. "network" for "network_mode"); nullptr when neither is
// there. Each spelling present must be of `kind` (kWrongType, naming that
// spelling); both present with different values: kConflictingFields. Types
// are checked first, so only scalars are ever compared (comparing objects
// would cost quadratic time).
Result<const rapidjson::Value*> AliasedMember(const rapidjson::Value& object,
                                              std::string_view path_prefix, std::string_view name,
                                              std::string_view alias, JsonKind kind);

// The JSON type of `value` as the documentation names types ("string",
// "integer", "number", "boolean", "object", "array", "null").
std::string_view JsonTypeName(const rapidjson::Value& value);

// "must be a string (got integer)".
ApiError WrongType(std::string_view field, std::string_view expected, const rapidjson::Value& got);

}  // namespace api

#endif  // REFERENCE_SERVER_API_REQUEST_FIELDS_H_

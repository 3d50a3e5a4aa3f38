#ifndef REFERENCE_SERVER_API_SERIALIZE_H_
#define REFERENCE_SERVER_API_SERIALIZE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "reference_server/api/error.h"
#include "reference_server/api/response.h"

// JSON text for each response shape. Members appear in a fixed order and
// only when present (see response.h). Every string is escaped per RFC 8259;
// bytes that are not UTF-8 (program output, artifact names) are replaced
// with U+FFFD, maximal subpart by subpart (utf8.h), so the output is always
// valid JSON in valid UTF-8.
namespace api {

std::string ToJson(const ExecutionResult& result);
std::string ToJson(const AsyncAccepted& accepted);
std::string ToJson(const JobView& job);
// {"jobs": [...]}, the shape the documentation's response example shows.
std::string ToJson(const std::vector<JobSummary>& jobs);
std::string ToJson(const CancelAnswer& answer);

// The error body of every non-2xx answer:
//   {"success": false, "error": "<field>: <rule>", "code": "<code>",
//    "field": "<field>"}   ("field" omitted when no field is at fault).
// "success" and "error" are what the documented clients read from any
// answer, so they print a useful message for errors too.
std::string ToJson(const ApiError& error);

// {"languages": [{"name", "aliases", "compiled", "artifact"?,
// "wasm_artifact"?}, ...]} and the /health object (reference extensions).
std::string ToJson(const std::vector<LanguageInfo>& languages);
std::string ToJson(const HealthInfo& health);

// "2024-01-15T10:30:00Z". Seconds outside years 1970..9999 are clamped.
std::string FormatIso8601Utc(std::int64_t unix_seconds);

}  // namespace api

#endif  // REFERENCE_SERVER_API_SERIALIZE_H_

#ifndef REFERENCE_SERVER_API_ERROR_H_
#define REFERENCE_SERVER_API_ERROR_H_

#include <string>
#include <string_view>

namespace api {

// Stable machine-readable error codes. Their spelling is part of the public
// contract (docs/API.md, "Errors"): clients and the conformance suite match
// on them, so existing names never change meaning.
enum class ErrorCode {
  kMalformedJson,         // 400: not JSON, invalid UTF-8, trailing data, too deep
  kDuplicateKey,          // 400: an object names the same key twice
  kMissingField,          // 400: a required field is absent
  kWrongType,             // 400: a field has the wrong JSON type
  kInvalidValue,          // 400: right type, value outside its domain
  kConflictingFields,     // 400: two spellings of one field disagree
  kInvalidBase64,         // 400: input file content is not strict base64
  kInvalidFilename,       // 400: an input file name breaks a naming rule
  kDuplicateFilename,     // 400: two input files share a name
  kInvalidQuery,          // 400: malformed query string or percent-escape
  kBadRequest,            // 400: not a well-formed HTTP/1.1 request
  kLanguageNotDetected,   // 400: /run body has no usable shebang
  kUnsupportedLanguage,   // 400: language not installed on this server
  kUnauthorized,          // 401: missing or unknown API key
  kNotFound,              // 404: unknown path, or a job this key cannot see
  kMethodNotAllowed,      // 405
  kRequestTimeout,        // 408: the request did not arrive in time
  kJobFinished,           // 409: cancelling a job that already ended
  kTooManyFiles,          // 413: more input files than allowed
  kFileTooLarge,          // 413: one decoded input file over its limit
  kPayloadTooLarge,       // 413: body, code, env or total input size over its limit
  kUnsupportedMediaType,  // 415
  kQueueFull,             // 429
  kHeadersTooLarge,       // 431: the request's header section is over its limit
  kInternal,              // 500
  kShuttingDown,          // 503
  kServerBusy,            // 503: too many answers are waiting to be read
  kNetworkUnavailable,    // 503: a semitrusted run's network could not be set up
};

// The snake_case name used on the wire, e.g. "invalid_filename".
std::string_view ErrorCodeName(ErrorCode code);

// The HTTP status an error of this code is answered with.
int HttpStatusFor(ErrorCode code);

// A rejected request: which field (a path such as "input_files[3].filename",
// empty when the request as a whole is at fault) broke which rule.
struct ApiError {
  ErrorCode code;
  std::string field;
  std::string message;  // the rule, e.g. "must not contain '..'"

  int http_status() const { return HttpStatusFor(code); }

  // "input_files[3].filename: must not contain '..'", or just the message
  // when no field is at fault.
  std::string Describe() const;
};

ApiError MakeError(ErrorCode code, std::string field, std::string message);

// `text` cut to its first 64 bytes (plus "..." when cut), for quoting client
// input in messages: a hostile 5 MB key must not become a 5 MB error body.
// A cut may split a UTF-8 sequence; serialization repairs that (utf8.h).
std::string Excerpt(std::string_view text);

}  // namespace api

#endif  // REFERENCE_SERVER_API_ERROR_H_

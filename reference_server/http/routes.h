#ifndef REFERENCE_SERVER_HTTP_ROUTES_H_
#define REFERENCE_SERVER_HTTP_ROUTES_H_

#include <optional>
#include <string>
#include <string_view>

namespace http {

enum class Endpoint {
  kExecute,       // POST /execute
  kExecuteAsync,  // POST /execute/async
  kRun,           // POST /run
  kRunAsync,      // POST /run/async
  kJobs,          // GET /jobs
  kJob,           // GET, DELETE /jobs/{id}
  kLanguages,     // GET /languages
  kHealth,        // GET /health
};

struct Route {
  Endpoint endpoint;
  std::string job_id;  // kJob only
};

// The endpoint of a path (the target without its query), or nullopt.
// Paths match exactly: no trailing slash, no percent-decoding (no valid
// path needs it), and a job id is one non-empty segment of at most 128
// bytes.
std::optional<Route> MatchPath(std::string_view path);

// Whether `method` is allowed on the endpoint, and the Allow header value.
bool MethodAllowed(Endpoint endpoint, std::string_view method);
const char* AllowedMethods(Endpoint endpoint);

// A request target in absolute-form ("http://host:port/path?query"), which
// a server must accept (RFC 9112 section 3.2.2), as its origin-form
// ("/path?query"); any other target unchanged. The authority is not
// checked: every name of this server serves the same API.
std::string OriginForm(std::string_view target);

// The target split at its first '?'.
std::string_view PathOf(std::string_view target);
std::string_view QueryOf(std::string_view target);

}  // namespace http

#endif  // REFERENCE_SERVER_HTTP_ROUTES_H_

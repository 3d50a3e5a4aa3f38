#include "reference_server/http/routes.h"

#include "base/ascii.h"

namespace http {

std::optional<Route> MatchPath(std::string_view path) {
  if (path == "/execute") return Route{Endpoint::kExecute, {}};
  if (path == "/execute/async") return Route{Endpoint::kExecuteAsync, {}};
  if (path == "/run") return Route{Endpoint::kRun, {}};
  if (path == "/run/async") return Route{Endpoint::kRunAsync, {}};
  if (path == "/jobs") return Route{Endpoint::kJobs, {}};
  if (path == "/languages") return Route{Endpoint::kLanguages, {}};
  if (path == "/health") return Route{Endpoint::kHealth, {}};
  constexpr std::string_view kJobsPrefix = "/jobs/";
  if (path.substr(0, kJobsPrefix.size()) == kJobsPrefix) {
    const std::string_view id = path.substr(kJobsPrefix.size());
    if (id.empty() || id.size() > 128 || id.find('/') != std::string_view::npos) {
      return std::nullopt;
    }
    return Route{Endpoint::kJob, std::string(id)};
  }
  return std::nullopt;
}

const char* AllowedMethods(Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::kExecute:
    case Endpoint::kExecuteAsync:
    case Endpoint::kRun:
    case Endpoint::kRunAsync:
      return "POST";
    case Endpoint::kJob:
      return "GET, DELETE";
    case Endpoint::kJobs:
    case Endpoint::kLanguages:
    case Endpoint::kHealth:
      return "GET";
  }
  return "";
}

bool MethodAllowed(Endpoint endpoint, std::string_view method) {
  switch (endpoint) {
    case Endpoint::kExecute:
    case Endpoint::kExecuteAsync:
    case Endpoint::kRun:
    case Endpoint::kRunAsync:
      return method == "POST";
    case Endpoint::kJob:
      return method == "GET" || method == "DELETE";
    case Endpoint::kJobs:
    case Endpoint::kLanguages:
    case Endpoint::kHealth:
      return method == "GET";
  }
  return false;
}

std::string OriginForm(std::string_view target) {
  std::size_t scheme_end = 0;
  for (std::string_view scheme : {"http://", "https://"}) {
    if (base::StartsWithIgnoreCase(target, scheme)) scheme_end = scheme.size();
  }
  if (scheme_end == 0) return std::string(target);
  const std::size_t rest = target.find_first_of("/?", scheme_end);
  if (rest == std::string_view::npos) return "/";
  // An empty path is "/" (RFC 9112 section 3.2.1): "http://h?x" is "/?x".
  if (target[rest] == '?') return "/" + std::string(target.substr(rest));
  return std::string(target.substr(rest));
}

std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

std::string_view QueryOf(std::string_view target) {
  const std::size_t mark = target.find('?');
  return mark == std::string_view::npos ? std::string_view() : target.substr(mark + 1);
}

}  // namespace http

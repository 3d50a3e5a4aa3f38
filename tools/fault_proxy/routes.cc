#include "tools/fault_proxy/routes.h"

#include <string_view>

namespace fault_proxy {

Route Classify(const Request& request) {
  const std::string_view path = request.Path();
  const std::string_view method = request.method;
  Route route;
  if (method == "POST") {
    if (path == "/execute") route.endpoint = Endpoint::kExecute;
    if (path == "/execute/async") route.endpoint = Endpoint::kExecuteAsync;
    if (path == "/run") route.endpoint = Endpoint::kRun;
    if (path == "/run/async") route.endpoint = Endpoint::kRunAsync;
    return route;
  }
  if (method == "GET" && path == "/jobs") {
    route.endpoint = Endpoint::kListJobs;
    return route;
  }
  constexpr std::string_view kJobs = "/jobs/";
  if (path.substr(0, kJobs.size()) != kJobs) return route;
  const std::string_view id = path.substr(kJobs.size());
  if (id.empty() || id.find('/') != std::string_view::npos) return route;
  if (method == "GET") route.endpoint = Endpoint::kGetJob;
  if (method == "DELETE") route.endpoint = Endpoint::kCancelJob;
  if (route.endpoint != Endpoint::kOther) route.job_id = std::string(id);
  return route;
}

}  // namespace fault_proxy

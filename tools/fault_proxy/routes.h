#ifndef TOOLS_FAULT_PROXY_ROUTES_H_
#define TOOLS_FAULT_PROXY_ROUTES_H_

#include <string>

#include "tools/fault_proxy/message.h"

namespace fault_proxy {

// The API calls the faults tell apart (docs/API.md). Paths match exactly,
// as the server matches them: no trailing slash, no percent-decoding.
enum class Endpoint {
  kOther,
  kExecute,       // POST /execute
  kExecuteAsync,  // POST /execute/async
  kRun,           // POST /run
  kRunAsync,      // POST /run/async
  kListJobs,      // GET /jobs
  kGetJob,        // GET /jobs/{id}
  kCancelJob,     // DELETE /jobs/{id}
};

struct Route {
  Endpoint endpoint = Endpoint::kOther;
  std::string job_id;  // for kGetJob and kCancelJob
};

Route Classify(const Request& request);

inline bool IsExecute(Endpoint e) {
  return e == Endpoint::kExecute || e == Endpoint::kExecuteAsync;
}
inline bool IsRun(Endpoint e) { return e == Endpoint::kRun || e == Endpoint::kRunAsync; }

}  // namespace fault_proxy

#endif  // TOOLS_FAULT_PROXY_ROUTES_H_

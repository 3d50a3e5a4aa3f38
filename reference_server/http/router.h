#ifndef REFERENCE_SERVER_HTTP_ROUTER_H_
#define REFERENCE_SERVER_HTTP_ROUTER_H_

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "reference_server/api/limits.h"
#include "reference_server/api/response.h"
#include "reference_server/http/api_keys.h"
#include "reference_server/http/message.h"
#include "reference_server/jobs/job_store.h"
#include "reference_server/languages/registry.h"

namespace http {

struct RouterOptions {
  api::RequestLimits limits;
  int retry_after_seconds = 1;  // sent with 429 queue_full
  // For GET /health.
  int workers = 0;
  std::size_t queue_capacity = 0;
  std::vector<std::pair<std::string, std::string>> enforced;
  // The sandbox pool's counts, read at each GET /health (none: no pool).
  std::function<api::PoolHealth()> pool;
};

// The API's endpoints (docs/API.md): authentication, routing, validation,
// and turning requests into jobs. Knows nothing of sockets: the session
// gives it requests and writes its answers, so tests and fuzzers drive it
// directly. Thread-safe.
class Router {
 public:
  using Reply = std::function<void(Answer)>;
  using Abandon = std::function<void()>;

  Router(const ApiKeys& keys, const languages::Registry& registry, jobs::JobStore& store,
         RouterOptions options);

  // The answer when the request line and headers alone decide it (unknown
  // path, wrong method, bad key, wrong content type), so the session can
  // answer before reading a body; nullopt when the body is needed.
  std::optional<Answer> Screen(const std::string& method, const std::string& target,
                               const std::string& authorization,
                               const std::string& content_type) const;

  // Answers `request` by calling `reply` exactly once: before returning, or
  // later from a job worker when the answer waits for a run (a synchronous
  // execution, the cancel of a running job). Returns what to call if the
  // client goes away before that (it cancels a synchronous run), or an
  // empty function.
  Abandon Handle(const Request& request, Reply reply);

  // /health then reports "draining".
  void SetDraining() { draining_ = true; }

 private:
  Abandon Execute(const std::string& owner, const Request& request, bool async, Reply& reply);
  Abandon Run(const std::string& owner, const Request& request, bool async, Reply& reply);
  Abandon Start(const std::string& owner, jobs::JobSpec spec, bool async, Reply& reply);
  void GetJob(const std::string& owner, const std::string& id, Reply& reply);
  void CancelJob(const std::string& owner, const std::string& id, Reply& reply);
  Answer Languages() const;
  Answer Health();

  const ApiKeys& keys_;
  const languages::Registry& registry_;
  jobs::JobStore& store_;
  const RouterOptions options_;
  std::atomic<bool> draining_{false};
};

// An error answer: the status of its code and the JSON error body.
Answer ErrorAnswer(const api::ApiError& error);

}  // namespace http

#endif  // REFERENCE_SERVER_HTTP_ROUTER_H_

#ifndef REFERENCE_SERVER_API_RESPONSE_H_
#define REFERENCE_SERVER_API_RESPONSE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reference_server/api/error.h"
#include "reference_server/api/request.h"

// The response shapes of docs/API.md. The documentation shows two
// generations of the result object (see fixtures/documentation/); every
// member is optional here so that both can be produced exactly, and the
// reference server fills in the union of the two.
namespace api {

// Serialized as {"filename": ..., "content_base64": ..., "size": N}, the
// object the API's own command-line clients read.
struct Artifact {
  std::string filename;
  std::string content;  // raw bytes
};

struct ExecutionResult {
  bool success = false;
  std::optional<std::string> stdout_text;  // "stdout"
  std::optional<std::string> stderr_text;  // "stderr"
  std::optional<int> exit_code;
  // Outer optional: is the member present at all. Inner: null or a message.
  std::optional<std::optional<std::string>> error;
  std::optional<std::string> language;
  std::optional<std::string> detected_language;  // /run only
  std::optional<std::string> job_id;
  std::optional<std::vector<Artifact>> artifacts;
  std::optional<std::string> execution_mode;
  std::optional<NetworkMode> network_mode;
  std::optional<std::int64_t> total_time_ms;
  // Reference extension, sent only when non-empty: why a requested artifact
  // is missing ("return_wasm_artifact: no WebAssembly recipe for python").
  std::vector<std::string> warnings;
  // Not serialized: the program could not run at all, for a reason a client
  // should get as an error answer (network_unavailable). A synchronous
  // request is answered with this error instead of a result.
  std::optional<ApiError> refused;
};

enum class JobStatus { kPending, kRunning, kCompleted, kTimeout, kCancelled };

// "pending", "running", "completed", "timeout", "cancelled".
std::string_view JobStatusName(JobStatus status);

// True for completed, timeout and cancelled: no transition leaves them.
bool IsFinal(JobStatus status);

// 202 answer to /execute/async and /run/async.
struct AsyncAccepted {
  std::string job_id;
  JobStatus status = JobStatus::kPending;
};

// GET /jobs/{id}. Timestamps are Unix seconds, present once they happened;
// `result` is present once the job is final.
struct JobView {
  std::string job_id;
  JobStatus status = JobStatus::kPending;
  std::optional<std::int64_t> created_at;
  std::optional<std::int64_t> started_at;
  std::optional<std::int64_t> completed_at;
  std::optional<ExecutionResult> result;
};

// One entry of GET /jobs; submitted_at is serialized as ISO-8601 UTC.
struct JobSummary {
  std::string job_id;
  JobStatus status = JobStatus::kPending;
  std::string language;
  std::int64_t submitted_at = 0;  // Unix seconds
};

// DELETE /jobs/{id}.
struct CancelAnswer {
  std::string message = "Job cancelled";
  std::string job_id;
  std::optional<ExecutionResult> result;
};

// One entry of GET /languages (reference extension).
struct LanguageInfo {
  std::string name;
  std::vector<std::string> aliases;
  bool compiled = false;                     // has a build step
  std::optional<std::string> artifact;       // what return_artifact returns
  std::optional<std::string> wasm_artifact;  // what return_wasm_artifact returns
};

// GET /health (reference extension): liveness, load, and how each sandbox
// limit is enforced on this host.
// The pool of ready sandboxes (docs/PERFORMANCE.md), counted since start.
struct PoolHealth {
  int per_class = 0;  // 0: no pool, every sandbox is built on its request
  int classes = 0;
  std::int64_t ready = 0;
  std::int64_t building = 0;
  std::int64_t in_use = 0;
  std::int64_t hits = 0;
  std::int64_t misses = 0;
  std::int64_t refills = 0;
  std::int64_t refill_failures = 0;
  std::int64_t discarded = 0;
  std::string last_failure;  // why the last build ahead failed ("": none did)
};

struct HealthInfo {
  std::string status = "ok";  // "ok", or "draining" during shutdown
  int workers = 0;
  std::size_t pending = 0;
  std::size_t running = 0;
  std::size_t queue_capacity = 0;                             // jobs that may wait for a worker
  std::vector<std::pair<std::string, std::string>> enforced;  // limit -> how
  PoolHealth pool;
};

}  // namespace api

#endif  // REFERENCE_SERVER_API_RESPONSE_H_

#ifndef REFERENCE_SERVER_JOBS_RUNNER_H_
#define REFERENCE_SERVER_JOBS_RUNNER_H_

#include <optional>
#include <string>

#include "reference_server/api/request.h"
#include "reference_server/api/response.h"

namespace jobs {

// What a job runs: a validated request whose language the server has
// already resolved.
struct JobSpec {
  api::ExecuteRequest request;
  std::string language;                          // the resolved name
  std::optional<std::string> detected_language;  // /run and /run/async only
};

// How a run ended, which decides the job's final status.
enum class Ending {
  kFinished,   // the program ran to its end (whatever its exit code): completed
  kTimedOut,   // the ttl ran out: timeout
  kCancelled,  // cancel_fd fired and the run was killed: cancelled
};

struct RunOutcome {
  api::ExecutionResult result;
  Ending ending = Ending::kFinished;
};

// The result of a job whose program did not run (cancelled while pending,
// a server error), with every member a run's result has, so that clients
// read it the same way: no output, exit_code -1, `error`.
api::ExecutionResult ResultWithoutRun(const JobSpec& spec, const std::string& job_id,
                                      const std::string& error);

// Runs one job to its end. The job store calls it from its worker threads,
// several at once. `cancel_fd` becomes readable when the job is cancelled;
// the run must then stop promptly and report Ending::kCancelled with what it
// captured so far. The server's runner is SandboxRunner; tests and fuzzers
// use doubles.
class Runner {
 public:
  virtual ~Runner() = default;
  virtual RunOutcome Run(const JobSpec& spec, const std::string& job_id, int cancel_fd) = 0;
};

}  // namespace jobs

#endif  // REFERENCE_SERVER_JOBS_RUNNER_H_

#ifndef REFERENCE_SERVER_JOBS_SANDBOX_RUNNER_H_
#define REFERENCE_SERVER_JOBS_SANDBOX_RUNNER_H_

#include "reference_server/jobs/runner.h"
#include "reference_server/languages/registry.h"
#include "reference_server/sandbox/sandbox.h"

namespace jobs {

// The server's Runner: each job in its own sandbox run, built by the
// language's recipe (languages/executor.h).
class SandboxRunner final : public Runner {
 public:
  SandboxRunner(const languages::Registry& registry, sandbox::Sandbox& sandbox,
                sandbox::Limits base_limits)
      : registry_(registry), sandbox_(sandbox), base_limits_(base_limits) {}

  RunOutcome Run(const JobSpec& spec, const std::string& job_id, int cancel_fd) override;

 private:
  const languages::Registry& registry_;
  sandbox::Sandbox& sandbox_;
  const sandbox::Limits base_limits_;
};

}  // namespace jobs

#endif  // REFERENCE_SERVER_JOBS_SANDBOX_RUNNER_H_

#include "reference_server/jobs/sandbox_runner.h"

#include <stdexcept>

#include "reference_server/languages/executor.h"

namespace jobs {

RunOutcome SandboxRunner::Run(const JobSpec& spec, const std::string& job_id, int cancel_fd) {
  const languages::Language* language = registry_.Find(spec.language);
  // The server resolved the language before queueing the job.
  if (language == nullptr) throw std::logic_error("unknown language " + spec.language);
  const sandbox::Limits limits = languages::MakeLimits(*language, spec.request, base_limits_);
  const sandbox::Network network = spec.request.network_mode == api::NetworkMode::kSemiTrusted
                                       ? sandbox::Network::kSemiTrusted
                                       : sandbox::Network::kZeroTrust;
  const sandbox::RunResult run =
      sandbox_.Run(languages::MakeRunSpec(*language, spec.request), limits, network, cancel_fd);
  RunOutcome outcome;
  outcome.result = languages::ToExecutionResult(*language, spec.request, limits, run);
  outcome.result.job_id = job_id;
  outcome.result.detected_language = spec.detected_language;
  outcome.ending = run.cancelled   ? Ending::kCancelled
                   : run.timed_out ? Ending::kTimedOut
                                   : Ending::kFinished;
  return outcome;
}

}  // namespace jobs

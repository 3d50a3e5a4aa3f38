#include "reference_server/jobs/sandbox_runner.h"

#include "reference_server/api/error.h"
#include "reference_server/languages/executor.h"

namespace jobs {

RunOutcome SandboxRunner::Run(const JobSpec& spec, const std::string& job_id, int cancel_fd) {
  const languages::Language* language = registry_.Find(spec.language);
  RunOutcome outcome;
  if (language == nullptr) {
    // The server resolves the language before queueing the job: a bug.
    const std::string why = "unknown language " + spec.language;
    outcome.result = ResultWithoutRun(spec, job_id, "Server error: " + why);
    outcome.result.refused = api::MakeError(api::ErrorCode::kInternal, "language", why);
    return outcome;
  }
  languages::RunEnding ending;
  outcome.result =
      languages::Execute(*language, spec.request, sandbox_, base_limits_, cancel_fd, &ending);
  outcome.result.job_id = job_id;
  outcome.result.detected_language = spec.detected_language;
  outcome.ending = ending.cancelled   ? Ending::kCancelled
                   : ending.timed_out ? Ending::kTimedOut
                                      : Ending::kFinished;
  return outcome;
}

}  // namespace jobs

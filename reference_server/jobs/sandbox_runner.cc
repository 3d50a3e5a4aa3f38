#include "reference_server/jobs/sandbox_runner.h"

#include <stdexcept>

#include "reference_server/languages/executor.h"

namespace jobs {

RunOutcome SandboxRunner::Run(const JobSpec& spec, const std::string& job_id, int cancel_fd) {
  const languages::Language* language = registry_.Find(spec.language);
  // The server resolved the language before queueing the job.
  if (language == nullptr) throw std::logic_error("unknown language " + spec.language);
  languages::RunEnding ending;
  RunOutcome outcome;
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

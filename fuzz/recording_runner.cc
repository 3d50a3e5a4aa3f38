#include "fuzz/recording_runner.h"

namespace fuzz {

jobs::RunOutcome RecordingRunner::Run(const jobs::JobSpec& spec, const std::string& job_id,
                                      int /*cancel_fd*/) {
  ++runs_;
  jobs::RunOutcome outcome;
  outcome.result = jobs::ResultWithoutRun(spec, job_id, "");
  outcome.result.success = true;
  outcome.result.exit_code = 0;
  outcome.result.error = std::optional<std::string>();
  outcome.result.stdout_text = spec.request.code;
  outcome.ending = jobs::Ending::kFinished;
  return outcome;
}

}  // namespace fuzz

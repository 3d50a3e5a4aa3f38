#include "reference_server/jobs/runner.h"

namespace jobs {

api::ExecutionResult ResultWithoutRun(const JobSpec& spec, const std::string& job_id,
                                      const std::string& error) {
  api::ExecutionResult result;
  result.success = false;
  result.stdout_text = "";
  result.stderr_text = "";
  result.exit_code = -1;
  result.error = error;
  result.language = spec.language;
  result.detected_language = spec.detected_language;
  result.job_id = job_id;
  result.artifacts = std::vector<api::Artifact>{};
  result.execution_mode = "pooled";
  result.network_mode = spec.request.network_mode;
  result.total_time_ms = 0;
  return result;
}

}  // namespace jobs

#ifndef FUZZ_RECORDING_RUNNER_H_
#define FUZZ_RECORDING_RUNNER_H_

// A stand-in for the sandbox that runs nothing: for fuzzing the HTTP
// layer without spawning processes. It must never reach a real server.
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#error "recording_runner.h is for fuzzing builds only"
#endif

#include <atomic>
#include <string>

#include "reference_server/jobs/runner.h"

namespace fuzz {

// Answers every run at once as if the program printed its code, and counts
// the runs, so a fuzzer can check what reached the executor.
class RecordingRunner final : public jobs::Runner {
 public:
  jobs::RunOutcome Run(const jobs::JobSpec& spec, const std::string& job_id,
                       int cancel_fd) override;
  int runs() const { return runs_.load(); }

 private:
  std::atomic<int> runs_{0};
};

}  // namespace fuzz

#endif  // FUZZ_RECORDING_RUNNER_H_

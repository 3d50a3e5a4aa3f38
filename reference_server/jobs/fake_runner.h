#ifndef REFERENCE_SERVER_JOBS_FAKE_RUNNER_H_
#define REFERENCE_SERVER_JOBS_FAKE_RUNNER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "reference_server/jobs/clock.h"
#include "reference_server/jobs/runner.h"

namespace jobs {

// A Runner for tests and fuzzers that runs nothing: the job's code says
// what happens.
//   "block..."    waits until the job is cancelled (Ending::kCancelled, with
//                 stdout "partial output") or Release() is called (finished);
//   "timeout..."  ends as if its ttl ran out (Ending::kTimedOut);
//   "fail..."     finishes with exit code 1;
//   "nonet..."    could not run: network_unavailable, as a semitrusted run
//                 whose network cannot be set up;
//   anything else finishes at once, echoing the code to stdout.
// Every job it was given is recorded, in order.
class FakeRunner final : public Runner {
 public:
  FakeRunner();
  ~FakeRunner() override;

  RunOutcome Run(const JobSpec& spec, const std::string& job_id, int cancel_fd) override;

  // Waits (at most `limit`) until `count` "block" jobs are running at once.
  bool WaitForBlocked(std::size_t count,
                      std::chrono::milliseconds limit = std::chrono::seconds(30));
  // Lets every blocked job, present and future, finish.
  void ReleaseAll();

  std::vector<std::string> ran_job_ids();
  std::size_t runs() { return runs_.load(); }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t blocked_ = 0;
  std::vector<std::string> ran_;
  std::atomic<std::size_t> runs_{0};
  int release_fd_ = -1;  // an eventfd that, once written, stays readable
};

// A clock that moves only when told to.
class FakeClock final : public Clock {
 public:
  std::int64_t UnixSeconds() const override { return unix_seconds_.load(); }
  std::chrono::steady_clock::time_point Monotonic() const override {
    return std::chrono::steady_clock::time_point(std::chrono::seconds(monotonic_.load()));
  }
  void Advance(std::chrono::seconds by) {
    unix_seconds_ += by.count();
    monotonic_ += by.count();
  }

 private:
  std::atomic<std::int64_t> unix_seconds_{1700000000};
  std::atomic<std::int64_t> monotonic_{1000};
};

}  // namespace jobs

#endif  // REFERENCE_SERVER_JOBS_FAKE_RUNNER_H_

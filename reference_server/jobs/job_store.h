#ifndef REFERENCE_SERVER_JOBS_JOB_STORE_H_
#define REFERENCE_SERVER_JOBS_JOB_STORE_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "reference_server/api/response.h"
#include "reference_server/api/result.h"
#include "reference_server/jobs/clock.h"
#include "reference_server/jobs/runner.h"

namespace jobs {

struct StoreOptions {
  int workers = 1;
  // Jobs waiting for a worker. Submissions beyond either bound are refused
  // (queue_full) rather than accepted and never run.
  std::size_t max_pending = 64;
  std::size_t max_pending_bytes = 256 * 1024 * 1024;  // code, env and files
  // Finished jobs stay readable this long, then are forgotten (404).
  std::chrono::seconds retention{3600};
  // Finished jobs are also forgotten, oldest first, while their results
  // together take more than this, so memory stays bounded however many jobs
  // pass through within the retention period.
  std::size_t max_retained_bytes = 256 * 1024 * 1024;
};

enum class CancelReason {
  kUser,        // DELETE /jobs/{id}
  kClientGone,  // the client of a synchronous execution disconnected
};

enum class CancelStatus {
  kNotFound,         // no such job for this owner
  kAlreadyFinished,  // the job had reached a final status; `job` shows it
  kCancelled,        // the job is now cancelled; `job` holds its result
};

struct CancelResult {
  CancelStatus status = CancelStatus::kNotFound;
  api::JobView job;
};

struct StoreStats {
  std::size_t pending = 0;
  std::size_t running = 0;
  std::size_t retained = 0;  // finished jobs still readable
  std::size_t retained_bytes = 0;
};

// Every job of the server: a bounded queue, a pool of workers that run jobs
// with a Runner, and finished jobs kept for a retention period. Jobs belong
// to an owner (an API key's identity) and are invisible to every other
// owner. Thread-safe. Callbacks are invoked without the store's lock held,
// on a worker thread or on the calling thread, exactly once each.
//
// Statuses move only pending -> running -> completed | timeout | cancelled,
// or pending -> cancelled.
class JobStore {
 public:
  using FinalCallback = std::function<void(const api::JobView&)>;
  using CancelCallback = std::function<void(const CancelResult&)>;

  JobStore(StoreOptions options, Runner& runner, const Clock& clock);
  ~JobStore();  // Shutdown(0) if not done yet
  JobStore(const JobStore&) = delete;
  JobStore& operator=(const JobStore&) = delete;

  // Queues a job and returns its id, or kQueueFull / kShuttingDown.
  // `on_final` (optional) is called once the job reaches a final status.
  api::Result<std::string> Submit(const std::string& owner, JobSpec spec,
                                  FinalCallback on_final = {});

  // The owner's job, or nullopt when it does not exist, belongs to another
  // owner, or has been forgotten.
  std::optional<api::JobView> Get(const std::string& owner, const std::string& id);

  // The owner's pending and running jobs, in submission order.
  std::vector<api::JobSummary> ListActive(const std::string& owner);

  // Cancels the owner's job. A pending job is cancelled at once; a running
  // one has its run killed, and `done` is called when the run has stopped,
  // with the output captured until then. Should the run end on its own
  // before the kill lands, `done` reports kAlreadyFinished.
  void Cancel(const std::string& owner, const std::string& id, CancelReason reason,
              CancelCallback done);

  StoreStats Stats();

  // Refuses new jobs (kShuttingDown), cancels pending ones, lets running
  // ones finish for up to `drain`, cancels those still running, and joins
  // the workers. Every callback has been called when it returns.
  void Shutdown(std::chrono::milliseconds drain);

 private:
  struct Job;
  using JobPtr = std::shared_ptr<Job>;
  // Callbacks gathered under the lock, run after it is released.
  using Deferred = std::vector<std::function<void()>>;

  void WorkerLoop();
  void Finish(const JobPtr& job, RunOutcome outcome, Deferred& deferred);
  void CancelPending(JobPtr job, const std::string& reason, Deferred& deferred);
  void SignalCancel(const JobPtr& job, const std::string& reason);
  void Forget(std::chrono::steady_clock::time_point now);
  api::JobView ViewOf(const Job& job) const;
  JobPtr FindLocked(const std::string& owner, const std::string& id) const;

  const StoreOptions options_;
  Runner& runner_;
  const Clock& clock_;

  std::mutex mutex_;
  std::condition_variable work_ready_;  // a job was queued, or stopping
  std::condition_variable job_ended_;   // a running job finished
  std::unordered_map<std::string, JobPtr> jobs_;
  std::deque<JobPtr> pending_;
  std::map<std::uint64_t, JobPtr> active_;  // pending and running, by submission
  std::deque<JobPtr> finished_;             // in the order they finished
  std::size_t pending_bytes_ = 0;
  std::size_t retained_bytes_ = 0;
  std::size_t running_ = 0;
  std::uint64_t next_sequence_ = 0;
  bool accepting_ = true;
  bool shutdown_started_ = false;
  bool stopping_ = false;  // workers exit once the queue is empty
  bool joined_ = false;
  std::condition_variable joined_cv_;  // later Shutdown() calls wait on it
  std::vector<std::thread> workers_;
};

}  // namespace jobs

#endif  // REFERENCE_SERVER_JOBS_JOB_STORE_H_

#include "reference_server/jobs/job_store.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <exception>
#include <utility>

#include "reference_server/api/error.h"
#include "reference_server/jobs/job_id.h"

namespace jobs {

namespace {

constexpr char kCancelledByUser[] = "Job cancelled by user";
constexpr char kCancelledClientGone[] = "Job cancelled: the client disconnected";
constexpr char kCancelledShutdown[] = "Job cancelled: the server is shutting down";
// A job's bookkeeping besides its strings (map nodes, the Job, its result
// object, allocator overhead).
constexpr std::size_t kJobOverheadBytes = 1536;  // measured: about 1.2 KiB of RSS per job

std::size_t SpecBytes(const JobSpec& spec) {
  std::size_t bytes = kJobOverheadBytes + spec.request.code.size();
  for (const auto& [name, value] : spec.request.env) bytes += name.size() + value.size();
  for (const api::InputFile& file : spec.request.input_files) {
    bytes += file.filename.size() + file.content.size();
  }
  return bytes;
}

std::size_t ResultBytes(const api::ExecutionResult& result) {
  std::size_t bytes = kJobOverheadBytes;
  if (result.stdout_text) bytes += result.stdout_text->size();
  if (result.stderr_text) bytes += result.stderr_text->size();
  if (result.error && *result.error) bytes += (*result.error)->size();
  if (result.artifacts) {
    for (const api::Artifact& artifact : *result.artifacts) {
      bytes += artifact.filename.size() + artifact.content.size();
    }
  }
  for (const std::string& warning : result.warnings) bytes += warning.size();
  return bytes;
}

std::string ReasonText(CancelReason reason) {
  return reason == CancelReason::kUser ? kCancelledByUser : kCancelledClientGone;
}

}  // namespace

struct JobStore::Job {
  std::string id;
  std::string owner;
  std::uint64_t sequence = 0;
  std::string language;
  JobSpec spec;  // handed to the worker when the job starts
  std::size_t spec_bytes = 0;
  api::JobStatus status = api::JobStatus::kPending;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> started_at;
  std::optional<std::int64_t> completed_at;
  std::optional<api::ExecutionResult> result;
  int cancel_fd = -1;         // an eventfd while running
  std::string cancel_reason;  // set once a cancel was requested
  std::vector<FinalCallback> on_final;
  std::vector<CancelCallback> on_cancel;
  std::chrono::steady_clock::time_point finished_at;
  std::size_t result_bytes = 0;
};

JobStore::JobStore(StoreOptions options, Runner& runner, const Clock& clock)
    : options_(options), runner_(runner), clock_(clock) {
  const int workers = std::max(1, options_.workers);
  workers_.reserve(static_cast<std::size_t>(workers));
  for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

JobStore::~JobStore() { Shutdown(std::chrono::milliseconds(0)); }

api::Result<std::string> JobStore::Submit(const std::string& owner, JobSpec spec,
                                          FinalCallback on_final) {
  const std::size_t bytes = SpecBytes(spec);
  {
    std::lock_guard lock(mutex_);
    Forget(clock_.Monotonic());
    if (!accepting_) {
      return api::MakeError(api::ErrorCode::kShuttingDown, "",
                            "the server is shutting down and accepts no new jobs");
    }
    // Capacity counts running jobs too, so whether a job is accepted does
    // not depend on how quickly a worker picked up the one before.
    const std::size_t capacity = workers_.size() + options_.max_pending;
    const bool bytes_over =
        !pending_.empty() && pending_bytes_ + bytes > options_.max_pending_bytes;
    if (active_.size() >= capacity || bytes_over) {
      return api::MakeError(api::ErrorCode::kQueueFull, "",
                            "the job queue is full (" + std::to_string(pending_.size()) +
                                " jobs waiting for " + std::to_string(workers_.size()) +
                                " workers); retry later");
    }
    auto job = std::make_shared<Job>();
    do {
      job->id = NewJobId();
    } while (jobs_.count(job->id) != 0);
    job->owner = owner;
    job->sequence = next_sequence_++;
    job->language = spec.language;
    job->spec = std::move(spec);
    job->spec_bytes = bytes;
    job->created_at = clock_.UnixSeconds();
    if (on_final) job->on_final.push_back(std::move(on_final));
    jobs_.emplace(job->id, job);
    active_.emplace(job->sequence, job);
    pending_.push_back(job);
    pending_bytes_ += bytes;
    work_ready_.notify_one();
    return job->id;
  }
}

std::optional<api::JobView> JobStore::Get(const std::string& owner, const std::string& id) {
  std::lock_guard lock(mutex_);
  Forget(clock_.Monotonic());
  const JobPtr job = FindLocked(owner, id);
  if (!job) return std::nullopt;
  return ViewOf(*job);
}

std::vector<api::JobSummary> JobStore::ListActive(const std::string& owner) {
  std::lock_guard lock(mutex_);
  std::vector<api::JobSummary> list;
  for (const auto& [sequence, job] : active_) {
    if (job->owner != owner) continue;
    list.push_back({job->id, job->status, job->language, job->created_at});
  }
  return list;
}

void JobStore::Cancel(const std::string& owner, const std::string& id, CancelReason reason,
                      CancelCallback done) {
  Deferred deferred;
  std::optional<CancelResult> answer;
  {
    std::lock_guard lock(mutex_);
    Forget(clock_.Monotonic());
    const JobPtr job = FindLocked(owner, id);
    if (!job) {
      answer = CancelResult{CancelStatus::kNotFound, {}};
    } else if (api::IsFinal(job->status)) {
      answer = CancelResult{CancelStatus::kAlreadyFinished, ViewOf(*job)};
    } else if (job->status == api::JobStatus::kPending) {
      CancelPending(job, ReasonText(reason), deferred);
      answer = CancelResult{CancelStatus::kCancelled, ViewOf(*job)};
    } else {
      if (job->cancel_reason.empty()) SignalCancel(job, ReasonText(reason));
      if (done) job->on_cancel.push_back(std::move(done));
    }
  }
  for (auto& callback : deferred) callback();
  if (answer && done) done(*answer);
}

StoreStats JobStore::Stats() {
  std::lock_guard lock(mutex_);
  Forget(clock_.Monotonic());
  return {pending_.size(), running_, finished_.size(), retained_bytes_};
}

void JobStore::Shutdown(std::chrono::milliseconds drain) {
  Deferred deferred;
  {
    std::unique_lock lock(mutex_);
    if (shutdown_started_) {
      // Returns, as promised, only when the first call is done.
      joined_cv_.wait(lock, [this] { return joined_; });
      return;
    }
    shutdown_started_ = true;
    accepting_ = false;
    while (!pending_.empty()) CancelPending(pending_.front(), kCancelledShutdown, deferred);
  }
  // Clients of cancelled pending jobs hear it now, not after the drain.
  for (auto& callback : deferred) callback();
  deferred.clear();
  {
    std::unique_lock lock(mutex_);
    // Running jobs get the drain period to end on their own; the wait ends
    // as soon as the last one does.
    job_ended_.wait_for(lock, drain, [this] { return running_ == 0; });
    for (const auto& [sequence, job] : active_) {
      if (job->status == api::JobStatus::kRunning && job->cancel_reason.empty()) {
        SignalCancel(job, kCancelledShutdown);
      }
    }
    stopping_ = true;
  }
  work_ready_.notify_all();
  for (std::thread& worker : workers_) worker.join();
  {
    std::lock_guard lock(mutex_);
    joined_ = true;
  }
  joined_cv_.notify_all();
}

void JobStore::WorkerLoop() {
  for (;;) {
    JobPtr job;
    JobSpec spec;
    int cancel_fd = -1;
    {
      std::unique_lock lock(mutex_);
      work_ready_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
      if (pending_.empty()) return;
      job = pending_.front();
      pending_.pop_front();
      pending_bytes_ -= job->spec_bytes;
      job->status = api::JobStatus::kRunning;
      job->started_at = clock_.UnixSeconds();
      ++running_;
      spec = std::move(job->spec);
      job->spec = JobSpec{};
      job->cancel_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
      cancel_fd = job->cancel_fd;
    }
    RunOutcome outcome;
    if (cancel_fd < 0) {
      // Without a way to cancel it, the run could not be stopped: refuse it.
      outcome.result = ResultWithoutRun(spec, job->id, "Server error: cannot create eventfd");
    } else {
      try {
        outcome = runner_.Run(spec, job->id, cancel_fd);
      } catch (const std::exception& e) {
        outcome = {ResultWithoutRun(spec, job->id, std::string("Server error: ") + e.what()),
                   Ending::kFinished};
      }
    }
    spec = JobSpec{};  // the request's memory goes before the job is recorded
    Deferred deferred;
    {
      std::lock_guard lock(mutex_);
      Finish(job, std::move(outcome), deferred);
    }
    for (auto& callback : deferred) callback();
  }
}

void JobStore::Finish(const JobPtr& job, RunOutcome outcome, Deferred& deferred) {
  switch (outcome.ending) {
    case Ending::kFinished:
      job->status = api::JobStatus::kCompleted;
      break;
    case Ending::kTimedOut:
      job->status = api::JobStatus::kTimeout;
      break;
    case Ending::kCancelled:
      job->status = api::JobStatus::kCancelled;
      break;
  }
  if (outcome.ending == Ending::kCancelled && !job->cancel_reason.empty()) {
    outcome.result.error = job->cancel_reason;
  }
  outcome.result.job_id = job->id;
  job->result_bytes = ResultBytes(outcome.result);
  job->result = std::move(outcome.result);
  job->completed_at = clock_.UnixSeconds();
  job->finished_at = clock_.Monotonic();
  if (job->cancel_fd >= 0) close(job->cancel_fd);
  job->cancel_fd = -1;
  --running_;
  active_.erase(job->sequence);
  finished_.push_back(job);
  retained_bytes_ += job->result_bytes;

  const api::JobView view = ViewOf(*job);
  for (FinalCallback& callback : job->on_final) {
    deferred.push_back([callback = std::move(callback), view] { callback(view); });
  }
  const CancelStatus cancel_status = job->status == api::JobStatus::kCancelled
                                         ? CancelStatus::kCancelled
                                         : CancelStatus::kAlreadyFinished;
  for (CancelCallback& callback : job->on_cancel) {
    deferred.push_back([callback = std::move(callback), cancel_status, view] {
      callback({cancel_status, view});
    });
  }
  job->on_final.clear();
  job->on_cancel.clear();
  job_ended_.notify_all();
  Forget(job->finished_at);
}

void JobStore::CancelPending(JobPtr job, const std::string& reason, Deferred& deferred) {
  pending_.erase(std::find(pending_.begin(), pending_.end(), job));
  pending_bytes_ -= job->spec_bytes;
  const api::ExecutionResult result = ResultWithoutRun(job->spec, job->id, reason);
  job->spec = JobSpec{};
  job->cancel_reason = reason;
  // Finish() does the bookkeeping of a running job's end; a pending job
  // was not counted as running.
  ++running_;
  Finish(job, {result, Ending::kCancelled}, deferred);
}

void JobStore::SignalCancel(const JobPtr& job, const std::string& reason) {
  job->cancel_reason = reason;
  const std::uint64_t one = 1;
  // An eventfd write of 1 cannot block or fail short of overflow.
  [[maybe_unused]] const ssize_t written = write(job->cancel_fd, &one, sizeof one);
}

void JobStore::Forget(std::chrono::steady_clock::time_point now) {
  while (!finished_.empty()) {
    const JobPtr& oldest = finished_.front();
    const bool expired = oldest->finished_at + options_.retention <= now;
    const bool over_budget = retained_bytes_ > options_.max_retained_bytes;
    if (!expired && !over_budget) break;
    retained_bytes_ -= oldest->result_bytes;
    jobs_.erase(oldest->id);
    finished_.pop_front();
  }
}

api::JobView JobStore::ViewOf(const Job& job) const {
  api::JobView view;
  view.job_id = job.id;
  view.status = job.status;
  view.created_at = job.created_at;
  view.started_at = job.started_at;
  view.completed_at = job.completed_at;
  if (api::IsFinal(job.status)) view.result = job.result;
  return view;
}

JobStore::JobPtr JobStore::FindLocked(const std::string& owner, const std::string& id) const {
  const auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second->owner != owner) return nullptr;
  return it->second;
}

}  // namespace jobs

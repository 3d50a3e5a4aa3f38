#include "reference_server/jobs/fake_runner.h"

#include <errno.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <stdexcept>

namespace jobs {

namespace {

bool StartsWith(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

api::ExecutionResult ResultFor(const JobSpec& spec, const std::string& job_id, int exit_code,
                               std::string stdout_text, std::optional<std::string> error) {
  api::ExecutionResult result = ResultWithoutRun(spec, job_id, "");
  result.success = exit_code == 0 && !error;
  result.stdout_text = std::move(stdout_text);
  result.exit_code = exit_code;
  result.error = error;
  return result;
}

}  // namespace

FakeRunner::FakeRunner() : release_fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (release_fd_ < 0) throw std::runtime_error("eventfd failed");
}

FakeRunner::~FakeRunner() { close(release_fd_); }

RunOutcome FakeRunner::Run(const JobSpec& spec, const std::string& job_id, int cancel_fd) {
  ++runs_;
  {
    std::lock_guard lock(mutex_);
    ran_.push_back(job_id);
  }
  const std::string& code = spec.request.code;
  if (StartsWith(code, "timeout")) {
    return {
        ResultFor(spec, job_id, -1, "partial output",
                  "Execution timed out after " + std::to_string(spec.request.ttl_seconds) + " s"),
        Ending::kTimedOut};
  }
  if (StartsWith(code, "fail")) {
    return {ResultFor(spec, job_id, 1, "", "Process exited with code 1"), Ending::kFinished};
  }
  if (StartsWith(code, "nonet")) {
    const std::string why = "semitrusted networking could not be set up: fake";
    RunOutcome outcome{ResultFor(spec, job_id, -1, "", "network_unavailable: " + why),
                       Ending::kFinished};
    outcome.result.refused =
        api::MakeError(api::ErrorCode::kNetworkUnavailable, "network_mode", why);
    return outcome;
  }
  if (!StartsWith(code, "block")) {
    return {ResultFor(spec, job_id, 0, code, std::nullopt), Ending::kFinished};
  }
  {
    std::lock_guard lock(mutex_);
    ++blocked_;
  }
  changed_.notify_all();
  pollfd fds[2] = {{cancel_fd, POLLIN, 0}, {release_fd_, POLLIN, 0}};
  while (poll(fds, 2, -1) < 0) {
    if (errno != EINTR) throw std::runtime_error("poll failed");
  }
  {
    std::lock_guard lock(mutex_);
    --blocked_;
  }
  changed_.notify_all();
  if (fds[0].revents != 0) {
    return {ResultFor(spec, job_id, -1, "partial output", "Job cancelled by user"),
            Ending::kCancelled};
  }
  return {ResultFor(spec, job_id, 0, "released", std::nullopt), Ending::kFinished};
}

bool FakeRunner::WaitForBlocked(std::size_t count, std::chrono::milliseconds limit) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, limit, [&] { return blocked_ >= count; });
}

void FakeRunner::ReleaseAll() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t written = write(release_fd_, &one, sizeof one);
}

std::vector<std::string> FakeRunner::ran_job_ids() {
  std::lock_guard lock(mutex_);
  return ran_;
}

}  // namespace jobs

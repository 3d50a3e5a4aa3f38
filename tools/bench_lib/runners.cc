#include "tools/bench_lib/runners.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <string>
#include <utility>
#include <vector>

#include "base/system_error.h"
#include "tools/http_client/client.h"

extern char** environ;

namespace exec_latency {
namespace {

using base::ErrorCode;

base::Error Failed(std::string message, std::string where) {
  return base::MakeError(ErrorCode::kInternal, std::move(message), std::move(where));
}

double MillisSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// The last `limit` bytes of `text`, on one line.
std::string Tail(std::string text, std::size_t limit = 600) {
  if (text.size() > limit) text = "..." + text.substr(text.size() - limit);
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

// A memory file the child writes one of its outputs to, emptied before
// each run.
class MemoryFile {
 public:
  explicit MemoryFile(const char* name) : fd_(memfd_create(name, MFD_CLOEXEC)) {}
  ~MemoryFile() {
    if (fd_ >= 0) close(fd_);
  }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  int fd() const { return fd_; }
  bool Reset() { return ftruncate(fd_, 0) == 0 && lseek(fd_, 0, SEEK_SET) == 0; }
  std::string Read(std::size_t limit = 1 << 20) const {
    std::string text(limit, '\0');
    const ssize_t n = pread(fd_, text.data(), limit, 0);
    text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    return text;
  }

 private:
  int fd_;
};

class SpawnRunner : public Runner {
 public:
  SpawnRunner(const SeriesSpec& spec, std::chrono::milliseconds timeout)
      : spec_(spec), timeout_(timeout), out_("stdout"), err_("stderr") {
    for (const std::string& arg : spec_.argv) argv_.push_back(const_cast<char*>(arg.c_str()));
    argv_.push_back(nullptr);
    posix_spawn_file_actions_init(&actions_);
    posix_spawn_file_actions_addopen(&actions_, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions_, out_.fd(), 1);
    posix_spawn_file_actions_adddup2(&actions_, err_.fd(), 2);
  }
  ~SpawnRunner() override { posix_spawn_file_actions_destroy(&actions_); }

  base::Expected<double> RunOnce() override {
    if (out_.fd() < 0 || err_.fd() < 0 || !out_.Reset() || !err_.Reset()) {
      return base::ErrnoError(errno, spec_.name, "memory file:");
    }
    const auto start = Clock::now();
    pid_t pid;
    if (int error = posix_spawnp(&pid, argv_[0], &actions_, nullptr, argv_.data(), environ)) {
      return base::ErrnoError(error, spec_.name, std::string("cannot run ") + argv_[0] + ":");
    }
    base::Expected<int> status = Wait(pid);
    const double ms = MillisSince(start);
    if (!status.ok()) return status.error();
    if (!WIFEXITED(status.value()) || WEXITSTATUS(status.value()) != 0) {
      const std::string how = WIFEXITED(status.value())
                                  ? "exit status " + std::to_string(WEXITSTATUS(status.value()))
                                  : "signal " + std::to_string(WTERMSIG(status.value()));
      return Failed(how + "; stderr: " + Tail(err_.Read()) + "; stdout: " + Tail(out_.Read()),
                    spec_.name);
    }
    if (!spec_.expect.empty()) {
      const std::string output = out_.Read();
      if (const std::string* text = MissingText(spec_, output)) {
        return Failed("stdout lacks '" + *text + "': " + Tail(output), spec_.name);
      }
    }
    return ms;
  }

 private:
  // Waits for `pid` at most timeout_ (a pidfd, polled); past it, kills it.
  base::Expected<int> Wait(pid_t pid) {
    const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
    if (pidfd < 0) {
      const int error = errno;
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
      return base::ErrnoError(error, spec_.name, "pidfd_open:");
    }
    pollfd ready{pidfd, POLLIN, 0};
    int polled;
    do {
      polled = poll(&ready, 1, static_cast<int>(timeout_.count()));
    } while (polled < 0 && errno == EINTR);
    close(pidfd);
    const bool late = polled == 0;
    if (late) kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (late) {
      return base::MakeError(ErrorCode::kDeadlineExceeded,
                             "a run took over " + std::to_string(timeout_.count()) + " ms",
                             spec_.name);
    }
    return status;
  }

  const SeriesSpec& spec_;
  std::chrono::milliseconds timeout_;
  MemoryFile out_, err_;
  std::vector<char*> argv_;
  posix_spawn_file_actions_t actions_;
};

class HttpRunner : public Runner {
 public:
  HttpRunner(const SeriesSpec& spec, std::chrono::milliseconds timeout)
      : spec_(spec), client_(spec.host, spec.port, ClientOptions(timeout)) {
    request_.method = "POST";
    request_.target = spec.target;
    request_.headers = {{"Host", spec.host + ":" + spec.port},
                        {"Content-Type", "application/json"},
                        {"Authorization", "Bearer " + spec.key}};
    request_.body = spec.body;
  }

  base::Expected<double> RunOnce() override {
    const auto start = Clock::now();
    base::Expected<http_client::Response> answer = client_.Send(request_);
    const double ms = MillisSince(start);
    if (!answer.ok()) return base::WithContext(answer.error(), spec_.name + ": ");
    if (answer->status < 200 || answer->status > 299) {
      return Failed("status " + std::to_string(answer->status) + ": " + Tail(answer->body),
                    spec_.name);
    }
    if (const std::string* text = MissingText(spec_, answer->body)) {
      return Failed("the answer lacks '" + *text + "': " + Tail(answer->body), spec_.name);
    }
    return ms;
  }

 private:
  static http_client::Options ClientOptions(std::chrono::milliseconds timeout) {
    http_client::Options options;
    options.connect_timeout = std::min(timeout, std::chrono::milliseconds(30000));
    options.send_timeout = timeout;
    options.answer_timeout = timeout;
    return options;
  }

  const SeriesSpec& spec_;
  http_client::Client client_;
  http_client::Request request_;
};

}  // namespace

std::unique_ptr<Runner> MakeRunner(const SeriesSpec& spec, std::chrono::milliseconds timeout) {
  if (spec.is_http()) return std::make_unique<HttpRunner>(spec, timeout);
  return std::make_unique<SpawnRunner>(spec, timeout);
}

}  // namespace exec_latency

#include "reference_server/testing/server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

namespace server_test {

namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::string ServerProcess::BinaryPath() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const std::string root = srcdir ? std::string(srcdir) + "/execprobe/" : "";
  return root + "reference_server/reference_server";
}

base::Expected<std::unique_ptr<ServerProcess>> ServerProcess::Start(
    std::vector<std::string> flags) {
  std::unique_ptr<ServerProcess> process(new ServerProcess());
  // On failure the process is destroyed here, which stops the child.
  if (base::Status started = process->Launch(std::move(flags)); !started) {
    return std::move(started).error();
  }
  return process;
}

base::Status ServerProcess::Launch(std::vector<std::string> flags) {
  static int counter = 0;
  const char* tmp = std::getenv("TEST_TMPDIR");
  log_path_ = std::string(tmp ? tmp : "/tmp") + "/server-" + std::to_string(getpid()) + "-" +
              std::to_string(counter++) + ".log";
  const std::string binary = BinaryPath();
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    return base::MakeError(base::ErrorCode::kInternal,
                           std::string("pipe failed: ") + std::strerror(errno), binary);
  }
  std::vector<std::string> args = {binary, "--listen", "127.0.0.1:0"};
  args.insert(args.end(), flags.begin(), flags.end());
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    const int log = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (log >= 0) dup2(log, STDERR_FILENO);
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  if (pid_ < 0) {
    const std::string why = std::strerror(errno);
    close(out[0]);
    close(out[1]);
    return base::MakeError(base::ErrorCode::kInternal, "fork failed: " + why, binary);
  }
  close(out[1]);
  pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  const base::Status listening = ReadListeningLine(out[0]);
  close(out[0]);
  return listening;
}

// The first line of `out`, within a bound: the server prints it once
// listening.
base::Status ServerProcess::ReadListeningLine(int out) {
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd fd{out, POLLIN, 0};
    if (poll(&fd, 1, 1000) <= 0) continue;
    char buffer[256];
    const ssize_t n = read(out, buffer, sizeof buffer);
    if (n <= 0) break;
    line.append(buffer, static_cast<std::size_t>(n));
  }
  listening_line_ = line.substr(0, line.find('\n'));
  const std::string prefix = "listening on http://127.0.0.1:";
  if (listening_line_.rfind(prefix, 0) != 0) {
    return base::MakeError(
        base::ErrorCode::kUnavailable,
        "no 'listening on' line (got '" + listening_line_ + "'); stderr:\n" + Log(), BinaryPath());
  }
  port_ = static_cast<std::uint16_t>(std::atoi(listening_line_.substr(prefix.size()).c_str()));
  return base::Ok();
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Stop(SIGTERM, std::chrono::seconds(60));
  if (pidfd_ >= 0) close(pidfd_);
}

int ServerProcess::Stop(int signal, std::chrono::milliseconds limit) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  pollfd fd{pidfd_, POLLIN, 0};
  int status = 0;
  if (pidfd_ >= 0 && poll(&fd, 1, static_cast<int>(limit.count())) <= 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return -1;
  }
  waitpid(pid_, &status, 0);
  pid_ = -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::string ServerProcess::Log() const { return ReadAll(log_path_); }

}  // namespace server_test

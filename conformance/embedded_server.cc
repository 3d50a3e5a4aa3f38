#include "conformance/embedded_server.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace conformance {

namespace {

std::string RandomKey(const char* prefix) {
  unsigned char bytes[18];
  std::size_t got = 0;
  while (got < sizeof bytes) {
    const ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
    if (n > 0) got += static_cast<std::size_t>(n);
  }
  std::string key = prefix;
  for (const unsigned char b : bytes)
    key += "0123456789abcdef"[b >> 4], key += "0123456789abcdef"[b & 15];
  return key;
}

std::string Tail(const std::string& path, std::size_t limit) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  const std::string all = text.str();
  return all.size() > limit ? "..." + all.substr(all.size() - limit) : all;
}

// Waits for one line on `fd`, at most `timeout`; "" on timeout or EOF.
std::string ReadLine(int fd, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string line;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return "";
    pollfd pfd{fd, POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(left.count())) <= 0) continue;
    char c;
    const ssize_t n = read(fd, &c, 1);
    if (n <= 0) return "";
    if (c == '\n') return line;
    line += c;
  }
}

}  // namespace

std::string FindReferenceServer(const std::string& argv0) {
  std::vector<std::string> candidates;
  for (const char* variable : {"RUNFILES_DIR", "TEST_SRCDIR"}) {
    if (const char* dir = std::getenv(variable)) {
      candidates.push_back(std::string(dir) + "/execprobe/reference_server/reference_server");
    }
  }
  candidates.push_back(argv0 + ".runfiles/execprobe/reference_server/reference_server");
  // bazel-bin/conformance/conformance -> bazel-bin/reference_server/reference_server
  const std::size_t slash = argv0.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : argv0.substr(0, slash);
  candidates.push_back(dir + "/../reference_server/reference_server");
  for (const std::string& path : candidates) {
    if (access(path.c_str(), X_OK) == 0) return path;
  }
  return "";
}

namespace {

base::Error Internal(std::string message, std::string where = "") {
  return base::MakeError(base::ErrorCode::kInternal, std::move(message), std::move(where));
}

}  // namespace

base::Status EmbeddedServer::WriteKeys(const std::string& path) {
  primary_key_ = RandomKey("conformance-a-");
  second_key_ = RandomKey("conformance-b-");
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Internal("cannot write the key file", path);
  const std::string keys = primary_key_ + "\n" + second_key_ + "\n";
  const bool written = write(fd, keys.data(), keys.size()) == static_cast<ssize_t>(keys.size());
  close(fd);
  if (!written) return Internal("cannot write the key file", path);
  return base::Ok();
}

base::Status EmbeddedServer::Start(const std::string& binary,
                                   const std::vector<std::string>& extra_flags) {
  char pattern[] = "/tmp/conformance-server-XXXXXX";
  if (mkdtemp(pattern) == nullptr) return Internal("cannot create a temporary directory");
  directory_ = pattern;
  const std::string keys_path = directory_ + "/keys";
  if (base::Status keys = WriteKeys(keys_path); !keys.ok()) return keys;
  log_path_ = directory_ + "/server.log";

  std::vector<std::string> args = {binary, "--listen", "127.0.0.1:0", "--api-keys-file", keys_path};
  args.insert(args.end(), extra_flags.begin(), extra_flags.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return Internal("pipe failed");
  const int log = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) return Internal("fork failed");
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);
    dup2(out[1], STDOUT_FILENO);
    if (log >= 0) dup2(log, STDERR_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  if (log >= 0) close(log);
  const std::string line = ReadLine(out[0], std::chrono::seconds(120));
  close(out[0]);
  const std::string prefix = "listening on ";
  if (line.rfind(prefix, 0) != 0) {
    Stop();
    return base::MakeError(
        base::ErrorCode::kUnavailable,
        "the reference server (" + binary + ") did not start; its log:\n" + Tail(log_path_, 3000),
        binary);
  }
  url_ = line.substr(prefix.size());
  return base::Ok();
}

int EmbeddedServer::Stop() {
  int result = -1;
  if (pid_ > 0) {
    // The server drains running jobs for up to --shutdown-drain (10 s).
    const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
    kill(pid_, SIGTERM);
    if (pidfd >= 0) {
      pollfd pfd{pidfd, POLLIN, 0};
      poll(&pfd, 1, 30'000);
      close(pidfd);
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      result = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (result < 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
  }
  return result;
}

EmbeddedServer::~EmbeddedServer() {
  Stop();
  if (!directory_.empty()) {
    unlink((directory_ + "/keys").c_str());
    unlink(log_path_.c_str());
    rmdir(directory_.c_str());
  }
}

base::Status ResolveTarget(const std::string& argv0, const std::string& url,
                           const std::string& api_key, const std::string& second_api_key,
                           const std::vector<std::string>& server_flags, EmbeddedServer& server,
                           Target* target) {
  std::string text = url;
  if (url.empty()) {
    const std::string binary = FindReferenceServer(argv0);
    if (binary.empty()) {
      return base::MakeError(base::ErrorCode::kNotFound,
                             "no --target, and the reference server is not beside this binary "
                             "(build //reference_server, or use `bazel run`)",
                             "--target");
    }
    if (geteuid() != 0) {
      return base::MakeError(base::ErrorCode::kPermissionDenied,
                             "no --target given, and the embedded reference server needs root "
                             "(its sandbox maps each run to its own host uid; docs/SANDBOX.md)",
                             "--target");
    }
    if (base::Status started = server.Start(binary, server_flags); !started.ok()) return started;
    text = server.url();
    target->primary_key = server.primary_key();
    target->second_key = server.second_key();
  } else {
    target->primary_key = api_key;
    target->second_key = second_api_key;
  }
  base::Expected<TargetUrl> parsed = ParseTargetUrl(text);
  if (!parsed.ok()) {
    base::Error error = base::WithContext(parsed.error(), "--target " + text + ": ");
    error.where = "--target";
    return error;
  }
  target->url = std::move(parsed).value();
  return base::Ok();
}

}  // namespace conformance

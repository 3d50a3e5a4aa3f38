#include "reference_server/sandbox/network_helper.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <utility>

#include "base/system_error.h"
#include "reference_server/sandbox/run_pipes.h"

namespace sandbox {
namespace {

// The descriptors the helper is started with.
enum HelperFd : int {
  kReadyFd = 3,   // slirp4netns writes one byte once the interface is up
  kExitFd = 4,    // slirp4netns exits when its other end closes
  kStatusFd = 5,  // the filter's listener number, before exec
  kGoFd = 6,      // one byte: the server holds the listener; exec
  kFirstUnused = 7,
};

constexpr std::size_t kMaxOutputShown = 400;
// Killed helpers waiting to be reaped before a run's end waits for them.

// Everything the child needs, prepared before fork(): the parent may be
// multi-threaded, so the child only makes system calls.
struct ChildArgs {
  std::array<int, kFirstUnused> fds;  // what becomes 0..6
  const char* binary;
  char* const* argv;
  char* const* envp;
  const sock_fprog* filter;
  rlim_t address_space_limit;  // 0: none (a memory cgroup bounds it)
};

void WriteAll(int fd, const char* text) {
  if (write(fd, text, strlen(text)) < 0) {
    // Nothing to do: this is the last word of a dying child.
  }
}

[[noreturn]] void Die(const char* step) {
  const char* name = strerrorname_np(errno);  // a table: no locale, no lock
  WriteAll(STDERR_FILENO, step);
  WriteAll(STDERR_FILENO, ": ");
  WriteAll(STDERR_FILENO, name != nullptr ? name : "unknown error");
  WriteAll(STDERR_FILENO, "\n");
  _exit(127);
}

[[noreturn]] void RunChild(const ChildArgs& args) {
  // Its own session: kill(0) and kill(-pgid) reach only the helper's group.
  setsid();
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  // The forking thread's mask would outlive exec.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  std::array<int, kFirstUnused> moved;
  for (int i = 0; i < kFirstUnused; ++i) {
    moved[i] = fcntl(args.fds[i], F_DUPFD, kFirstUnused);
    if (moved[i] < 0) _exit(127);
  }
  for (int i = 0; i < kFirstUnused; ++i) {
    if (dup2(moved[i], i) < 0) _exit(127);
  }
  close_range(kFirstUnused, ~0U, 0);
  const rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  if (args.address_space_limit != 0) {
    const rlimit space{args.address_space_limit, args.address_space_limit};
    setrlimit(RLIMIT_AS, &space);
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) Die("no_new_privs");
  const int listener = static_cast<int>(
      syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, args.filter));
  if (listener < 0) Die("seccomp user notification");
  if (write(kStatusFd, &listener, sizeof listener) != sizeof listener) _exit(127);
  char go = 0;
  if (read(kGoFd, &go, 1) != 1) _exit(127);
  // The helper must not hold its own judge's descriptor.
  close(listener);
  close(kStatusFd);
  close(kGoFd);
  execve(args.binary, args.argv, args.envp);
  Die(args.binary);
}

struct Fd {
  int fd = -1;
  ~Fd() { Reset(); }
  void Reset() {
    if (fd >= 0) close(fd);
    fd = -1;
  }
  int Release() {
    const int released = fd;
    fd = -1;
    return released;
  }
};

std::vector<std::string> HelperArguments(const HelperSettings& settings, pid_t target) {
  return {
      settings.binary,
      "--configure",
      "--mtu=65520",
      // Without it, 10.0.2.2 is the host's 127.0.0.1.
      "--disable-host-loopback",
      "--enable-sandbox",
      "--enable-seccomp",
      "--ready-fd=" + std::to_string(kReadyFd),
      "--exit-fd=" + std::to_string(kExitFd),
      std::to_string(target),
      kHelperInterface,
  };
}

// Waits for `fd` to become readable; false once `deadline` has passed.
bool WaitReadable(int fd, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    const int n = poll(&p, 1, static_cast<int>(left.count()));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return true;  // let the read report it
  }
}

}  // namespace

// Everything the helper is started with; what the server keeps is
// released from here, the rest closes when Start returns.
struct NetworkHelper::Descriptors {
  Fd devnull, log;
  Pipe ready, exit, status, go;

  bool Open() {
    devnull.fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    log.fd = memfd_create("network-helper-log", MFD_CLOEXEC);
    return devnull.fd >= 0 && log.fd >= 0 && ready.Open() && exit.Open() && status.Open() &&
           go.Open();
  }
};

base::Status NetworkHelper::Start(const HelperSettings& settings,
                                  const std::vector<sock_filter>& filter, pid_t target,
                                  const CgroupHost& cgroups, const std::string& cgroup_name) {
  Descriptors fds;
  if (!fds.Open()) return base::ErrnoError(errno, "", "creating the helper's descriptors: ");
  if (base::Status spawned = Spawn(settings, filter, target, cgroups.memory(), fds);
      !spawned.ok()) {
    return spawned;
  }
  // One deadline for the whole start.
  const Deadline deadline = std::chrono::steady_clock::now() + settings.ready_timeout;
  if (base::Status attached = Attach(fds, deadline, settings, cgroups, cgroup_name);
      !attached.ok()) {
    return attached;
  }
  return AwaitReady(fds, deadline, settings);
}

base::Status NetworkHelper::Spawn(const HelperSettings& settings,
                                  const std::vector<sock_filter>& filter, pid_t target,
                                  bool memory_cgroup, Descriptors& fds) {
  std::vector<std::string> arguments = HelperArguments(settings, target);
  std::vector<std::string> environment = {"PATH=/usr/bin:/bin", "LANG=C.UTF-8"};
  std::vector<char*> argv, envp;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  for (std::string& variable : environment) envp.push_back(variable.data());
  envp.push_back(nullptr);
  const sock_fprog program{static_cast<unsigned short>(filter.size()),
                           const_cast<sock_filter*>(filter.data())};
  const ChildArgs args{{fds.devnull.fd, fds.devnull.fd, fds.log.fd, fds.ready.write, fds.exit.read,
                        fds.status.write, fds.go.read},
                       settings.binary.c_str(),
                       argv.data(),
                       envp.data(),
                       &program,
                       // Without a memory cgroup, a generous address-space bound.
                       memory_cgroup ? 0 : 4 * settings.memory_bytes};
  const pid_t pid = fork();
  if (pid < 0) return base::ErrnoError(errno, "fork");
  if (pid == 0) RunChild(args);
  pid_ = pid;
  log_ = fds.log.Release();
  exit_write_ = std::exchange(fds.exit.write, -1);
  fds.ready.CloseWrite();
  fds.exit.CloseRead();
  fds.status.CloseWrite();
  fds.go.CloseRead();
  return base::Ok();
}

base::Status NetworkHelper::Attach(const Descriptors& fds, Deadline deadline,
                                   const HelperSettings& settings, const CgroupHost& cgroups,
                                   const std::string& cgroup_name) {
  int listener_number = -1;
  if (!WaitReadable(fds.status.read, deadline) ||
      read(fds.status.read, &listener_number, sizeof listener_number) != sizeof listener_number) {
    return Fail(base::ErrorCode::kUnavailable, "the helper did not start");
  }
  Fd pidfd, listener;
  pidfd.fd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd.fd >= 0) {
    listener.fd = static_cast<int>(syscall(SYS_pidfd_getfd, pidfd.fd, listener_number, 0));
  }
  if (listener.fd < 0) return Fail(base::ErrnoError(errno, "", "taking the helper's listener: "));
  if (cgroups.memory() || cgroups.pids()) {
    auto cgroup =
        RunCgroup::Create(cgroups, cgroup_name, settings.memory_bytes, settings.max_processes);
    if (!cgroup.ok()) return Fail(std::move(cgroup).error());
    cgroup_ = std::move(cgroup).value();
    if (base::Status joined = cgroup_->AddProcess(pid_); !joined.ok()) {
      return Fail(std::move(joined).error());
    }
  }
  supervisor_ = std::make_unique<EgressSupervisor>(listener.Release(), pidfd.Release(), pid_,
                                                   CurrentEgressRules);
  return base::Ok();
}

base::Status NetworkHelper::AwaitReady(Descriptors& fds, Deadline deadline,
                                       const HelperSettings& settings) {
  const char byte = 'g';
  if (write(fds.go.write, &byte, 1) != 1) {
    return Fail(base::ErrorCode::kUnavailable, "starting the helper");
  }
  fds.go.CloseWrite();
  char ready_byte = 0;
  if (!WaitReadable(fds.ready.read, deadline)) {
    return Fail(base::ErrorCode::kDeadlineExceeded,
                "the helper's interface was not up within " +
                    std::to_string(settings.ready_timeout.count()) + " ms");
  }
  if (read(fds.ready.read, &ready_byte, 1) != 1) {
    return Fail(base::ErrorCode::kUnavailable, "the helper exited");
  }
  supervisor_->EndSetup();
  return base::Ok();
}

std::string NetworkHelper::HelperOutput() const {
  if (log_ < 0) return "";
  char buffer[kMaxOutputShown + 1];
  const ssize_t n = pread(log_, buffer, kMaxOutputShown, 0);
  if (n <= 0) return "";
  std::string text(buffer, static_cast<std::size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  for (char& c : text) {
    if (c == '\n') c = ';';
  }
  return text;
}

base::Error NetworkHelper::Fail(base::Error error) {
  const std::string output = HelperOutput();
  Stop();
  if (!output.empty()) error.message += " (" + output + ")";
  return error;
}

base::Error NetworkHelper::Fail(base::ErrorCode code, std::string why) {
  return Fail(base::MakeError(code, std::move(why)));
}

void NetworkHelper::Kill() {
  if (pid_ <= 0) return;
  if (exit_write_ >= 0) close(exit_write_);
  exit_write_ = -1;
  // The whole session: slirp4netns and the child that configures the
  // interface, should it still be there.
  kill(-pid_, SIGKILL);
  kill(pid_, SIGKILL);
}

void NetworkHelper::Stop() {
  Kill();
  // Before the reap: the supervisor compares pids with the helper's, which
  // must not be reused meanwhile.
  supervisor_.reset();
  if (pid_ > 0) {
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }
  cgroup_.reset();  // kills a descendant that left the helper's session
  if (log_ >= 0) close(log_);
  log_ = -1;
}

}  // namespace sandbox

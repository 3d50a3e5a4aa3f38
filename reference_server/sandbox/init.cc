#include "reference_server/sandbox/init.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <initializer_list>

#include "reference_server/sandbox/child_plan.h"
#include "reference_server/sandbox/child_report.h"
#include "reference_server/sandbox/init_plan.h"
#include "reference_server/sandbox/init_report.h"
#include "reference_server/sandbox/init_request.h"
#include "reference_server/sandbox/mount_namespace.h"
#include "reference_server/sandbox/network.h"
#include "reference_server/sandbox/privileges.h"
#include "reference_server/sandbox/work_files.h"

namespace sandbox {
namespace {

// A step's process: stdio, limits, privileges, filter, execve.
// A build step's stdout joins stderr: what a compiler prints is diagnostics,
// and the program's stdout stays the program's alone.
[[noreturn]] void ExecStep(const ChildPlan& plan, const InitRequestView& run, char* const* argv,
                           bool build_step) {
  int error = 0;
  setpgid(0, 0);
  // init closed 0-2, so /dev/null may well land on 0 itself.
  const int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd < 0 || (null_fd != 0 && dup2(null_fd, 0) < 0) ||
      dup2(build_step ? plan.stderr_write : plan.stdout_write, 1) < 0 ||
      dup2(plan.stderr_write, 2) < 0) {
    Die(plan, Stage::kExec, errno);
  }
  // Signal state is inherited across execve: start from the defaults.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) signal(sig, SIG_DFL);
  }
  // Nothing but stdio crosses execve; status_write stays usable until then
  // for reporting a failed exec.
  close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
  if (chdir("/work") != 0) Die(plan, Stage::kChdir, errno);
  Limits limits = plan.limits;  // the sandbox's, with the run's per-step limits
  limits.cpu_seconds = static_cast<int>(run.cpu_seconds);
  limits.max_file_bytes = static_cast<std::size_t>(run.max_file_bytes);
  limits.max_open_files = static_cast<int>(run.max_open_files);
  Stage stage = ApplyRlimits(limits, plan.rlimit_memory, error);
  if (stage == Stage::kDone) stage = DropPrivileges(plan.last_capability, error);
  if (stage == Stage::kDone) stage = LoadSeccomp(*plan.seccomp, error);
  if (stage != Stage::kDone) Die(plan, stage, error);
  execve(argv[0], argv, run.envp);
  Die(plan, Stage::kExec, errno);
}

// Reaps every process until `program` has exited, then kills whatever the
// step left behind (background processes do not outlive it) and reaps
// those too. Returns the program's wait status.
int ReapUntil(pid_t program) {
  int program_status = 0;
  bool program_done = false;
  for (;;) {
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;  // ECHILD: every process of the step is gone
    }
    if (pid == program) {
      program_status = status;
      program_done = true;
      kill(-1, SIGKILL);
    }
  }
  return program_done ? program_status : 0;
}

// Streams one file of /work to the artifact pipe, framed by an
// ArtifactHeader: no symlinks (one path component, O_NOFOLLOW), no FIFOs
// or devices, bounded size. Every process of the run is dead by now, so
// the file cannot change underneath.
void SendArtifact(const ChildPlan& plan, std::uint64_t max_bytes, int work, const char* name) {
  ArtifactHeader header;
  const int fd = openat(work, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  struct stat st;
  if (fd < 0) {
    header.error = static_cast<std::uint32_t>(errno);
  } else if (fstat(fd, &st) != 0) {
    header.error = static_cast<std::uint32_t>(errno);
  } else if (!S_ISREG(st.st_mode)) {
    header.error = EINVAL;
  } else if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    header.error = EFBIG;
  } else {
    header.size = static_cast<std::uint64_t>(st.st_size);
  }
  WriteAll(plan.artifact_write, reinterpret_cast<const char*>(&header), sizeof header);
  char buffer[16384];
  for (std::uint64_t left = header.error == 0 ? header.size : 0; left > 0;) {
    const ssize_t n = read(fd, buffer, left < sizeof buffer ? left : sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the host sees a short artifact and drops it
    if (!WriteAll(plan.artifact_write, buffer, static_cast<std::size_t>(n))) break;
    left -= static_cast<std::uint64_t>(n);
  }
  if (fd >= 0) close(fd);
}

// User and system time of this process and of every process it reaped:
// the whole run's, every process of it having been reaped by now.
std::int64_t CpuMilliseconds() {
  std::int64_t total = 0;
  for (const int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    rusage usage{};
    if (getrusage(who, &usage) != 0) continue;
    for (const timeval& t : {usage.ru_utime, usage.ru_stime}) {
      total += static_cast<std::int64_t>(t.tv_sec) * 1000 + t.tv_usec / 1000;
    }
  }
  return total;
}

struct Step {
  const ChildPlan* plan;
  const InitRequestView* run;
  char* const* argv;
  bool build_step;
};

int StepMain(void* step) {
  const Step& s = *static_cast<const Step*>(step);
  ExecStep(*s.plan, *s.run, s.argv, s.build_step);
}

// Starts a step's process the way posix_spawn does: sharing init's memory,
// with init suspended until the step execs or fails (CLONE_VFORK), on a
// stack of its own, so that no page table is copied on the run's path. The
// step only makes system calls and writes its own stack until it execs; it
// shares nothing else with init (no CLONE_FILES, CLONE_FS, CLONE_SIGHAND).
pid_t SpawnStep(const ChildPlan& plan, const InitRequestView& run, char* const* argv,
                bool build_step) {
  constexpr std::size_t kStepStackBytes = 256 * 1024;
  // One for every step: with CLONE_VFORK it is free again once clone returns.
  static void* stack = nullptr;
  if (stack == nullptr) {
    void* mapped = mmap(nullptr, kStepStackBytes, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (mapped == MAP_FAILED) return -1;
    stack = mapped;
  }
  Step step{&plan, &run, argv, build_step};
  return clone(StepMain, static_cast<char*>(stack) + kStepStackBytes,
               CLONE_VM | CLONE_VFORK | SIGCHLD, &step);
}

// Sets up everything that does not depend on the run: hardening,
// hostname, loopback, the new root. The launch has mapped the ids and made
// this process root inside.
void BuildSandbox(const ChildPlan& plan) {
  // The exec kept the parent-death signal (no set-id, no file
  // capabilities); set it again all the same, then make sure the host did
  // not die in between (its end of the status pipe).
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || !HostAlive(plan.status_write)) {
    Die(plan, Stage::kParentDeathSignal, errno);
  }
  // The programs of the run are root inside too: nothing may read or
  // write this process's memory through /proc/1 (the exec made it dumpable).
  if (prctl(PR_SET_DUMPABLE, 0) != 0) Die(plan, Stage::kNotDumpable, errno);
  // The host has moved this process into the run's cgroup: make that the
  // root of what the run can see of cgroups.
  if (unshare(CLONE_NEWCGROUP) != 0) Die(plan, Stage::kCgroupNamespace, errno);
  if (sethostname(plan.hostname.data(), plan.hostname.size()) != 0) {
    Die(plan, Stage::kHostname, errno);
  }
  if (const int error = BringUpLoopback()) Die(plan, Stage::kLoopback, error);
  int error = 0;
  const Stage stage = BuildRootAndPivot(plan, error);
  if (stage != Stage::kDone) Die(plan, stage, error);
}

// Runs the steps, then the after-steps; returns the reported status of
// the last step that ran, and its index in `step`.
int RunSteps(const ChildPlan& plan, const InitRequestView& run, int& step) {
  // Only the steps (and what they start) may hold the output pipes, so
  // that they reach end-of-file when the last of those processes is gone.
  int last_status = 0;
  const int main_steps = static_cast<int>(run.main_steps);
  for (step = 0; step < main_steps; ++step) {
    const bool last = step + 1 == main_steps;
    const pid_t program = SpawnStep(plan, run, run.steps[step], !last);
    if (program < 0) Die(plan, Stage::kFork, errno);
    last_status = ReapUntil(program);
    if (last || !WIFEXITED(last_status) || WEXITSTATUS(last_status) != 0) break;
  }
  if (step == main_steps) step = main_steps - 1;
  for (std::size_t after = run.main_steps; after < run.step_count; ++after) {
    const pid_t helper = SpawnStep(plan, run, run.steps[after], true);
    if (helper < 0) break;
    ReapUntil(helper);
  }
  return last_status;
}

// Builds the sandbox, reports kReady, then carries out its one run.
[[noreturn]] void Serve(const ChildPlan& plan) {
  BuildSandbox(plan);
  Report(plan.status_write, Stage::kReady, 0, 0);

  InitRequestView run;
  if (const int error = ReceiveInitRequest(plan.request_read, run)) {
    Die(plan, Stage::kRequest, error);
  }
  close(plan.request_read);
  const int work = open("/work", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (work < 0) Die(plan, Stage::kWorkFiles, errno);
  if (const int error = WriteWorkFiles(work, run.files, run.file_count)) {
    Die(plan, Stage::kWorkFiles, error);
  }
  int step = 0;
  const int last_status = RunSteps(plan, run, step);
  close(plan.stdout_write);
  close(plan.stderr_write);
  for (std::size_t i = 0; i < run.artifact_count; ++i) {
    SendArtifact(plan, run.artifact_max_bytes, work, run.artifacts[i]);
  }
  close(work);
  close(plan.artifact_write);
  Report(plan.status_write, Stage::kDone, 0, last_status, step, CpuMilliseconds());
  // The host has all it needs: end of file now, not once the exit is done.
  close(plan.status_write);
  _exit(0);
}

}  // namespace

void InitMain() {
  // Only the descriptors the launch put in place.
  close_range(kInitImageFd, ~0U, 0);
  ChildPlan plan;
  plan.status_write = kInitStatusFd;
  auto received = ReceiveInitPlan(kInitRequestFd);
  if (!received.ok()) Die(plan, Stage::kPlan, EINVAL);
  ChildPlan& built = (*received)->plan;
  built.status_write = kInitStatusFd;
  built.request_read = kInitRequestFd;
  built.stdout_write = kInitStdoutFd;
  built.stderr_write = kInitStderrFd;
  built.artifact_write = kInitArtifactFd;
  Serve(built);
}

}  // namespace sandbox

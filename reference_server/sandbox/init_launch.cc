#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <initializer_list>

#include "reference_server/sandbox/child_plan.h"
#include "reference_server/sandbox/child_report.h"
#include "reference_server/sandbox/init.h"
#include "reference_server/sandbox/init_report.h"
#include "reference_server/sandbox/user_namespace.h"

namespace sandbox {
namespace {

// Closes every descriptor but `keep` (-1 entries ignored): this process is
// a copy of the host's, whose other descriptors (sockets, files opened by
// other threads without O_CLOEXEC) must not reach the program.
void CloseAllBut(std::initializer_list<int> keep) {
  int sorted[8];
  int count = 0;
  for (int fd : keep) {
    if (fd >= 0 && count < 8) sorted[count++] = fd;
  }
  for (int i = 1; i < count; ++i) {  // insertion sort: a handful of fds
    for (int j = i; j > 0 && sorted[j - 1] > sorted[j]; --j) {
      const int swap = sorted[j];
      sorted[j] = sorted[j - 1];
      sorted[j - 1] = swap;
    }
  }
  unsigned int next = 0;
  for (int i = 0; i < count; ++i) {
    const auto fd = static_cast<unsigned int>(sorted[i]);
    if (fd > next) close_range(next, fd - 1, 0);
    next = fd + 1;
  }
  close_range(next, ~0U, 0);
}

// Puts the descriptors init keeps at the numbers sandbox_init expects (see
// init.h), /dev/null on 0 to 2, and closes everything else. Each is first
// moved above them all, so that none is overwritten on the way.
bool PlaceDescriptors(const ChildPlan& plan) {
  constexpr int kAbove = 100;
  const int from[] = {plan.status_write, plan.request_read,   plan.stdout_write,
                      plan.stderr_write, plan.artifact_write, plan.init_image};
  const int to[] = {kInitStatusFd, kInitRequestFd,  kInitStdoutFd,
                    kInitStderrFd, kInitArtifactFd, kInitImageFd};
  int moved[6];
  for (int i = 0; i < 6; ++i) {
    moved[i] = fcntl(from[i], F_DUPFD, kAbove);
    if (moved[i] < 0) return false;
  }
  close_range(0, kAbove - 1, 0);
  if (open("/dev/null", O_RDWR) != 0 || dup2(0, 1) != 1 || dup2(0, 2) != 2) return false;
  for (int i = 0; i < 6; ++i) {
    if (dup2(moved[i], to[i]) != to[i]) return false;
  }
  close_range(kAbove, ~0U, 0);
  return true;
}

}  // namespace

int LaunchInit(void* raw_plan) {
  const ChildPlan& plan = *static_cast<const ChildPlan*>(raw_plan);
  CloseAllBut({plan.go_read, plan.status_write, plan.request_read, plan.stdout_write,
               plan.stderr_write, plan.artifact_write, plan.init_image});
  // If the host process goes away, so does the whole run (pid 1 dying
  // kills every process of its pid namespace).
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) Die(plan, Stage::kParentDeathSignal, errno);
  char go = 0;
  if (read(plan.go_read, &go, 1) != 1) Die(plan, Stage::kSync, errno);
  close(plan.go_read);
  // Root inside before the exec, which then keeps every capability of the
  // user namespace (an exec by an unmapped uid would drop them).
  if (const int error = BecomeRootInside()) Die(plan, Stage::kBecomeRoot, error);
  // The uid change cleared the parent-death signal: set it again, then make
  // sure the host did not die in between (its end of the status pipe).
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || !HostAlive(plan.status_write)) {
    Die(plan, Stage::kParentDeathSignal, errno);
  }
  if (!PlaceDescriptors(plan)) _exit(126);  // the status pipe may be gone: nothing to say
  // This process is a copy of the host's memory until this exec: no
  // argument and no environment of the host's go on.
  char name[] = "sandbox-init";
  char* const argv[] = {name, nullptr};
  char* const envp[] = {nullptr};
  syscall(SYS_execveat, kInitImageFd, "", argv, envp, AT_EMPTY_PATH);
  ChildPlan placed;
  placed.status_write = kInitStatusFd;
  Die(placed, Stage::kExecInit, errno);
}

}  // namespace sandbox

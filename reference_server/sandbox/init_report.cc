#include "reference_server/sandbox/init_report.h"

#include <poll.h>
#include <unistd.h>

#include "reference_server/sandbox/work_files.h"

namespace sandbox {

void Report(int fd, Stage stage, int error, int wait_status, int step, std::int64_t cpu_ms) {
  const ChildReport report{stage, error, wait_status, step, cpu_ms};
  WriteAll(fd, reinterpret_cast<const char*>(&report), sizeof report);
}

void Die(const ChildPlan& plan, Stage stage, int error) {
  Report(plan.status_write, stage, error, 0);
  _exit(127);
}

bool HostAlive(int status_write) {
  pollfd fd{status_write, POLLOUT, 0};
  return poll(&fd, 1, 0) >= 0 && (fd.revents & (POLLERR | POLLHUP)) == 0;
}

}  // namespace sandbox

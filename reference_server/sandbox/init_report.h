#ifndef REFERENCE_SERVER_SANDBOX_INIT_REPORT_H_
#define REFERENCE_SERVER_SANDBOX_INIT_REPORT_H_

#include <cstdint>

#include "reference_server/sandbox/child_plan.h"
#include "reference_server/sandbox/child_report.h"

// What init says to the host, before and after its exec. No allocation.
namespace sandbox {

void Report(int fd, Stage stage, int error, int wait_status, int step = 0, std::int64_t cpu_ms = 0);

// Reports the failed stage and exits.
[[noreturn]] void Die(const ChildPlan& plan, Stage stage, int error);

// The write end of a pipe reports POLLERR once its reader is gone.
bool HostAlive(int status_write);

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_INIT_REPORT_H_

#ifndef REFERENCE_SERVER_SANDBOX_RUN_PLAN_H_
#define REFERENCE_SERVER_SANDBOX_RUN_PLAN_H_

#include <linux/filter.h>

#include <string>
#include <vector>

#include "base/expected.h"
#include "reference_server/sandbox/child_plan.h"
#include "reference_server/sandbox/policy.h"
#include "reference_server/sandbox/run.h"

namespace sandbox {

// Ok when `spec` can run; otherwise kInvalidArgument saying why ("nothing
// to run", a relative argv[0]), `where` naming the bind at fault.
base::Status CheckSpec(const RunSpec& spec);

// The steps, then the after-steps: every argv init will exec, in order.
std::vector<std::vector<std::string>> AllSteps(const RunSpec& spec);

// The first phase of a run: everything its processes need, prepared on
// the host before clone() (they must not allocate). The plan points into
// `spec`, `all_steps` and `seccomp`, which must outlive it; the pipe ends
// are filled in by the launch.
ChildPlan PlanRun(const Policy& policy, const RunSpec& spec,
                  const std::vector<std::vector<std::string>>& all_steps, const Limits& limits,
                  Network network, bool memory_cgroup, const std::vector<sock_filter>& seccomp,
                  int last_capability);

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_RUN_PLAN_H_

#ifndef REFERENCE_SERVER_SANDBOX_RUN_PLAN_H_
#define REFERENCE_SERVER_SANDBOX_RUN_PLAN_H_

#include <linux/filter.h>

#include <cstddef>
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

// What is fixed when a sandbox is built, before its run is known: two runs
// of one class can be given either of two sandboxes built for it. What is
// not here is the run's own (files, steps, environment, per-step limits,
// wall time) and travels in its request (init_request.h).
struct SandboxClass {
  Network network = Network::kZeroTrust;
  std::size_t memory_bytes = 0;
  int max_processes = 0;
  std::size_t tmp_bytes = 0;
  std::size_t work_dir_bytes = 0;
  std::vector<std::string> binds;  // the run's own, besides the policy's

  // Equal for equal classes, different otherwise: the pool's key.
  std::string Key() const;
};

SandboxClass ClassOf(const RunSpec& spec, const Limits& limits, Network network);

// The program's whole environment, "NAME=value": a fixed base (PATH, HOME,
// LANG, TMPDIR) that the spec's variables extend or override.
std::vector<std::string> BuildEnvironment(const RunSpec& spec);

// Everything init needs to build a sandbox of `sandbox_class`, prepared on
// the host before clone() (init must not allocate). The plan points into
// `seccomp`, which must outlive it; the pipe ends are filled in by the
// launch.
ChildPlan PlanSandbox(const Policy& policy, const SandboxClass& sandbox_class, bool memory_cgroup,
                      const std::vector<sock_filter>& seccomp, int last_capability);

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_RUN_PLAN_H_

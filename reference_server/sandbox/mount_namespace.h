#ifndef REFERENCE_SERVER_SANDBOX_MOUNT_NAMESPACE_H_
#define REFERENCE_SERVER_SANDBOX_MOUNT_NAMESPACE_H_

#include <string>
#include <vector>

#include "reference_server/sandbox/child_plan.h"
#include "reference_server/sandbox/child_report.h"

namespace sandbox {

// Host side: the steps that build the sandbox's root under `staging` from
// the policy's binds and the run's own `extra_binds` (optional; a host
// symlink becomes the same symlink), the generated /etc files and the /dev
// device files.
std::vector<MountStep> PlanRoot(const Policy& policy, const std::vector<std::string>& extra_binds,
                                Network network, const std::string& staging);

// Inside the new mount namespace (no allocation): mounts a tmpfs root at
// plan.staging, carries out plan.steps, mounts /dev, /proc, /tmp and /work,
// pivots into the new root, detaches the old one and makes the root
// read-only (/work and /tmp stay writable: the run's files come later). Returns kDone, or the
// failed stage with errno in `error`.
Stage BuildRootAndPivot(const ChildPlan& plan, int& error);

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_MOUNT_NAMESPACE_H_

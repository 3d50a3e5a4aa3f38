#ifndef REFERENCE_SERVER_SANDBOX_LEFTOVERS_H_
#define REFERENCE_SERVER_SANDBOX_LEFTOVERS_H_

// What a sandbox test looks for on the host once its runs are over: a run
// must not outlive itself (docs/SANDBOX.md, threat model), so after every
// test no process of its runs' uids, no network helper and no run cgroup
// may remain, and the host's mounts must be as they were. Also the one
// set-up every such test program shares: a network namespace of its own.
// Test-only.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "reference_server/sandbox/cgroup.h"

namespace sandbox {

// Host uids given to one test program's runs, [first, first + count): a
// range of its own, so that another test program running in parallel is
// never taken for a leftover.
struct UidRange {
  std::uint32_t first = 0;
  std::uint32_t count = 0;

  bool Contains(std::uint32_t uid) const { return uid >= first && uid - first < count; }
};

// Host processes owned by a uid of `uids`: inits (of runs and of ready
// sandboxes) and the programs they started.
std::vector<pid_t> RunPids(UidRange uids);
int RunProcesses(UidRange uids);
// Those that are not pid 1 of their pid namespace: programs a run started.
std::vector<pid_t> ProgramPids(UidRange uids);
int ProgramProcesses(UidRange uids);

// Whether `pid` is a live network helper (slirp4netns); a dead one has no
// executable link.
bool IsNetworkHelper(pid_t pid);
// Live network helpers whose parent is `parent`: leaves other test
// programs' helpers out.
std::vector<pid_t> NetworkHelpersOf(pid_t parent);

// Where a Sandbox makes its runs' cgroups, kept as paths so that they can
// still be looked at once the Sandbox is gone.
std::vector<std::string> RunCgroupParents(const CgroupHost& cgroups);
// Run cgroups (run-*) still present under `parents`.
int RunCgroups(const std::vector<std::string>& parents);

// The host's mount table as this process sees it, to compare before and
// after.
std::string HostMounts();

// Gives the calling process a network namespace of its own with only
// loopback, up, so that no packet of any run leaves the machine in either
// network mode (semitrusted runs reach out through this namespace). A
// namespace is per thread: call it on the main thread before any other
// starts. "" on success, else what failed.
std::string EnterLoopbackOnlyNetwork();

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_LEFTOVERS_H_

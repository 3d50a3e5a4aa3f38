#ifndef REFERENCE_SERVER_SANDBOX_CGROUP_VERSION_H_
#define REFERENCE_SERVER_SANDBOX_CGROUP_VERSION_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "base/expected.h"

// What differs between cgroup v1 (a hierarchy per controller) and v2 (one
// unified hierarchy), behind one interface. Each works on the tree it is
// given: /sys/fs/cgroup on a host, a fake tree of plain files in tests.
namespace sandbox {

// A run's (or this server's) directories: memory and pids ("" where the
// controller is unavailable). The same directory twice on v2.
struct CgroupDirs {
  std::string memory, pids;
};

// This server's directories, and whether both controllers got one: a
// controller unavailable is no failure (runs fall back on rlimits), but
// `controllers` says why, for the start-up report (kFailedPrecondition: the
// host lacks it; an errno's code when its directory cannot be made).
struct ServerDirs {
  CgroupDirs dirs;
  base::Status controllers;
};

class CgroupVersion {
 public:
  virtual ~CgroupVersion() = default;

  virtual int number() const = 0;
  // Creates this server's directories (`<own cgroup>/execprobe-<pid>`)
  // under which its runs go.
  virtual ServerDirs MakeServerDirs(int pid) const = 0;
  // Where the directories of servers (dead ones included) are.
  virtual std::vector<std::string> ServerBases() const = 0;
  // Creates a run's directories `name` under `server` with its limits:
  // memory (and swap, where swap is accounted: none) and processes. On
  // failure, what it made is removed again.
  virtual base::Expected<CgroupDirs> MakeRun(const CgroupDirs& server, const std::string& name,
                                             std::size_t memory_bytes, int max_processes) const = 0;
  // The memory directory's file whose "oom_kill N" counts OOM kills.
  virtual const char* OomEventsFile() const = 0;
};

// `root` holds the v1 hierarchies (root/memory, root/pids) or the v2 one;
// `proc_self_cgroup` is the text of /proc/self/cgroup.
std::unique_ptr<CgroupVersion> MakeCgroupV1(std::string root, std::string proc_self_cgroup);
std::unique_ptr<CgroupVersion> MakeCgroupV2(std::string root, std::string proc_self_cgroup);

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_CGROUP_VERSION_H_

#ifndef REFERENCE_SERVER_SANDBOX_CGROUP_H_
#define REFERENCE_SERVER_SANDBOX_CGROUP_H_

#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <string>
#include <utility>

#include "base/expected.h"
#include "reference_server/sandbox/cgroup_version.h"

namespace sandbox {

// What cgroups can do for runs on this host, probed once at start-up.
// Runs get cgroups below a directory of this process's own cgroup
// ("execprobe-<pid>"), in v1's memory and pids hierarchies or in v2's
// unified one.
class CgroupHost {
 public:
  CgroupHost();   // probes and creates the parent directories
  ~CgroupHost();  // removes them (runs have removed theirs)
  CgroupHost(const CgroupHost&) = delete;
  CgroupHost& operator=(const CgroupHost&) = delete;

  bool memory() const { return !parents_.memory.empty(); }
  bool pids() const { return !parents_.pids.empty(); }
  int version() const { return version_->number(); }
  // E.g. "cgroup v1: memory, pids", or why a controller is missing.
  const std::string& report() const { return report_; }

  const std::string& memory_parent() const { return parents_.memory; }
  const std::string& pids_parent() const { return parents_.pids; }
  const CgroupVersion& layout() const { return *version_; }
  const CgroupDirs& parents() const { return parents_; }

 private:
  std::unique_ptr<CgroupVersion> version_;
  CgroupDirs parents_;
  std::string report_;
};

// Removes the cgroup directories of sandbox hosts (execprobe-<pid>) whose
// process is dead, with their runs' directories: what a crashed or killed
// server left. Every CgroupHost does this when it starts.
void RemoveStaleCgroups();

// One run's cgroup(s): created with its limits, removed on destruction
// (its processes are gone by then: the run's pid namespace is dead).
class RunCgroup {
 public:
  // Makes the directories `name` with the limits, or says why they cannot
  // be made (nothing is left behind then).
  static base::Expected<std::unique_ptr<RunCgroup>> Create(const CgroupHost& host,
                                                           const std::string& name,
                                                           std::size_t memory_bytes,
                                                           int max_processes);
  ~RunCgroup();
  RunCgroup(const RunCgroup&) = delete;
  RunCgroup& operator=(const RunCgroup&) = delete;

  base::Status AddProcess(pid_t pid);
  // True when the kernel killed a process of the run for memory.
  bool OomKilled() const;

 private:
  RunCgroup(const CgroupHost& host, CgroupDirs dirs) : host_(host), dirs_(std::move(dirs)) {}

  const CgroupHost& host_;
  CgroupDirs dirs_;
};

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_CGROUP_H_

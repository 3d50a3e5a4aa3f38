#include "reference_server/sandbox/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <linux/magic.h>
#include <signal.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "reference_server/sandbox/cgroup_files.h"
#include "reference_server/sandbox/cgroup_parse.h"

namespace sandbox {
namespace {

constexpr const char* kRoot = "/sys/fs/cgroup";

// The version this host mounts at /sys/fs/cgroup, for this process.
std::unique_ptr<CgroupVersion> HostVersion() {
  struct statfs fs;
  const bool unified = statfs(kRoot, &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
  std::string own = ReadCgroupFile("/proc/self/cgroup");
  return unified ? MakeCgroupV2(kRoot, std::move(own)) : MakeCgroupV1(kRoot, std::move(own));
}

// A server that died without cleaning up (killed, crashed) leaves
// execprobe-<pid> directories whose runs are gone: remove them.
void RemoveStaleParents(const std::string& base) {
  DIR* dir = opendir(base.c_str());
  if (dir == nullptr) return;
  std::vector<std::string> stale;
  while (dirent* entry = readdir(dir)) {
    const std::string name = entry->d_name;
    if (!name.starts_with("execprobe-")) continue;
    const long pid = std::atol(name.c_str() + 10);
    if (pid > 0 && kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
      stale.push_back(base + "/" + name);
    }
  }
  closedir(dir);
  for (const std::string& parent : stale) {
    if (DIR* runs = opendir(parent.c_str())) {
      std::vector<std::string> children;
      while (dirent* entry = readdir(runs)) {
        if (std::string(entry->d_name).starts_with("run-")) children.push_back(entry->d_name);
      }
      closedir(runs);
      for (const std::string& child : children) KillAndRemove(parent + "/" + child);
    }
    rmdir(parent.c_str());
  }
}

}  // namespace

void RemoveStaleCgroups() {
  for (const std::string& base : HostVersion()->ServerBases()) RemoveStaleParents(base);
}

CgroupHost::CgroupHost() : version_(HostVersion()) {
  RemoveStaleCgroups();
  std::string why;
  parents_ = version_->MakeServerDirs(getpid(), why);
  report_ = "cgroup v" + std::to_string(version()) + ": memory " +
            (memory() ? "enforced" : "unavailable") + ", pids " +
            (pids() ? "enforced" : "unavailable") + (why.empty() ? "" : " (" + why + ")");
}

CgroupHost::~CgroupHost() {
  if (!parents_.memory.empty()) rmdir(parents_.memory.c_str());
  if (!parents_.pids.empty() && parents_.pids != parents_.memory) rmdir(parents_.pids.c_str());
}

RunCgroup::RunCgroup(const CgroupHost& host, const std::string& name, std::size_t memory_bytes,
                     int max_processes)
    : host_(host),
      dirs_(host.layout().MakeRun(host.parents(), name, memory_bytes, max_processes, error_)) {}

RunCgroup::~RunCgroup() {
  if (!dirs_.memory.empty()) KillAndRemove(dirs_.memory);
  if (!dirs_.pids.empty() && dirs_.pids != dirs_.memory) KillAndRemove(dirs_.pids);
}

bool RunCgroup::AddProcess(pid_t pid) {
  const std::string value = std::to_string(pid);
  bool ok = true;
  if (!dirs_.memory.empty()) ok = WriteCgroupFile(dirs_.memory + "/cgroup.procs", value) && ok;
  if (!dirs_.pids.empty() && dirs_.pids != dirs_.memory) {
    ok = WriteCgroupFile(dirs_.pids + "/cgroup.procs", value) && ok;
  }
  return ok;
}

bool RunCgroup::OomKilled() const {
  if (dirs_.memory.empty()) return false;
  const std::string events = ReadCgroupFile(dirs_.memory + "/" + host_.layout().OomEventsFile());
  return KeyedValue(events, "oom_kill") > 0;
}

}  // namespace sandbox

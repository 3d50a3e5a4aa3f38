#include "reference_server/sandbox/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <linux/magic.h>
#include <signal.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <mutex>
#include <string>
#include <utility>
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

namespace {

// Every CgroupHost of this process shares its execprobe-<pid> directories
// (a test or bench may make two Sandboxes): the last one removes them.
std::mutex hosts_mutex;
int live_hosts = 0;

}  // namespace

CgroupHost::CgroupHost() : version_(HostVersion()) {
  RemoveStaleCgroups();
  std::lock_guard lock(hosts_mutex);
  ++live_hosts;
  const ServerDirs server = version_->MakeServerDirs(getpid());
  parents_ = server.dirs;
  report_ = "cgroup v" + std::to_string(version()) + ": memory " +
            (memory() ? "enforced" : "unavailable") + ", pids " +
            (pids() ? "enforced" : "unavailable") +
            (server.controllers.ok() ? "" : " (" + server.controllers.error().Describe() + ")");
}

CgroupHost::~CgroupHost() {
  std::lock_guard lock(hosts_mutex);
  if (--live_hosts > 0) return;
  if (!parents_.memory.empty()) rmdir(parents_.memory.c_str());
  if (!parents_.pids.empty() && parents_.pids != parents_.memory) rmdir(parents_.pids.c_str());
}

base::Expected<std::unique_ptr<RunCgroup>> RunCgroup::Create(const CgroupHost& host,
                                                             const std::string& name,
                                                             std::size_t memory_bytes,
                                                             int max_processes) {
  base::Expected<CgroupDirs> dirs =
      host.layout().MakeRun(host.parents(), name, memory_bytes, max_processes);
  if (!dirs.ok()) return std::move(dirs).error();
  return std::unique_ptr<RunCgroup>(new RunCgroup(host, std::move(dirs).value()));
}

RunCgroup::~RunCgroup() { RemoveRunDirectories(dirs_); }

base::Status RunCgroup::AddProcess(pid_t pid) {
  const std::string value = std::to_string(pid);
  std::string failed;
  if (!dirs_.memory.empty() && !WriteCgroupFile(dirs_.memory + "/cgroup.procs", value)) {
    failed = dirs_.memory;
  }
  if (!dirs_.pids.empty() && dirs_.pids != dirs_.memory &&
      !WriteCgroupFile(dirs_.pids + "/cgroup.procs", value)) {
    failed = dirs_.pids;
  }
  if (failed.empty()) return base::Ok();
  return base::MakeError(base::ErrorCode::kInternal, "joining the cgroup failed", failed);
}

bool RunCgroup::OomKilled() const {
  if (dirs_.memory.empty()) return false;
  const std::string events = ReadCgroupFile(dirs_.memory + "/" + host_.layout().OomEventsFile());
  return KeyedValue(events, "oom_kill") > 0;
}

}  // namespace sandbox

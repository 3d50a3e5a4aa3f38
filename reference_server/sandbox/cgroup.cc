#include "reference_server/sandbox/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>

#include <vector>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include <linux/magic.h>

namespace sandbox {
namespace {

constexpr const char* kRoot = "/sys/fs/cgroup";

// O_CLOEXEC: a cgroup.procs descriptor open in one thread must not reach a
// run cloned by another at that moment.
bool WriteFile(const std::string& path, const std::string& value) {
  const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = write(fd, value.data(), value.size()) == static_cast<ssize_t>(value.size());
  close(fd);
  return ok;
}

std::string ReadFile(const std::string& path) {
  std::string text;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return text;
  char buffer[4096];
  for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;) {
    text.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
  return text;
}

// This process's cgroup path in the hierarchy that has `controller` (v1),
// or in the unified hierarchy when `controller` is empty (v2).
std::string OwnCgroup(const std::string& controller) {
  std::istringstream lines(ReadFile("/proc/self/cgroup"));
  std::string line;
  while (std::getline(lines, line)) {
    const std::size_t first = line.find(':');
    const std::size_t second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const bool match = controller.empty()
                           ? controllers.empty()
                           : ("," + controllers + ",").find("," + controller + ",") !=
                                 std::string::npos;
    if (match) return line.substr(second + 1);
  }
  return "";
}

bool IsFilesystem(const std::string& path, long magic) {
  struct statfs fs;
  return statfs(path.c_str(), &fs) == 0 && fs.f_type == magic;
}

// Kills whatever is still in the cgroup `dir`, then removes it, retrying
// briefly while the kernel reaps. Used for runs that ended (their pid
// namespace is dead; a network helper's escaped descendant is not) and for
// the runs of a dead server: nothing of either may live on.
void KillAndRemove(const std::string& dir) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::ifstream procs(dir + "/cgroup.procs");
    pid_t pid = 0;
    while (procs >> pid) kill(pid, SIGKILL);
    if (rmdir(dir.c_str()) == 0 || errno == ENOENT) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // the kernel reaps the killed
  }
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

std::string Base(const std::string& hierarchy, const std::string& own) {
  return hierarchy + (own == "/" ? "" : own);
}

// Creates `<hierarchy><own cgroup>/execprobe-<pid>`; returns it or "".
std::string MakeParent(const std::string& hierarchy, const std::string& own, std::string& why) {
  const std::string base = Base(hierarchy, own);
  const std::string dir = base + "/execprobe-" + std::to_string(getpid());
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    why = dir + ": " + strerror(errno);
    return "";
  }
  return dir;
}

long CountAfter(const std::string& text, const std::string& key) {
  const std::size_t at = text.find(key + " ");
  return at == std::string::npos ? 0 : std::atol(text.c_str() + at + key.size() + 1);
}

}  // namespace

void RemoveStaleCgroups() {
  if (IsFilesystem(kRoot, CGROUP2_SUPER_MAGIC)) {
    RemoveStaleParents(Base(kRoot, OwnCgroup("")));
    return;
  }
  for (const char* controller : {"memory", "pids"}) {
    const std::string hierarchy = std::string(kRoot) + "/" + controller;
    if (IsFilesystem(hierarchy, CGROUP_SUPER_MAGIC)) {
      RemoveStaleParents(Base(hierarchy, OwnCgroup(controller)));
    }
  }
}

CgroupHost::CgroupHost() {
  RemoveStaleCgroups();
  std::string why;
  if (IsFilesystem(kRoot, CGROUP2_SUPER_MAGIC)) {
    version_ = 2;
    const std::string parent = MakeParent(kRoot, OwnCgroup(""), why);
    if (!parent.empty() &&
        WriteFile(parent + "/cgroup.subtree_control", "+memory +pids")) {
      memory_parent_ = pids_parent_ = parent;
    } else if (why.empty()) {
      why = "cannot enable memory and pids controllers under " + parent;
      rmdir(parent.c_str());
    }
  } else {
    version_ = 1;
    const std::string memory = std::string(kRoot) + "/memory";
    const std::string pids = std::string(kRoot) + "/pids";
    if (IsFilesystem(memory, CGROUP_SUPER_MAGIC)) {
      memory_parent_ = MakeParent(memory, OwnCgroup("memory"), why);
    } else {
      why = "no v1 memory hierarchy at " + memory;
    }
    if (IsFilesystem(pids, CGROUP_SUPER_MAGIC)) {
      pids_parent_ = MakeParent(pids, OwnCgroup("pids"), why);
    } else if (why.empty()) {
      why = "no v1 pids hierarchy at " + pids;
    }
  }
  report_ = "cgroup v" + std::to_string(version_) + ": memory " +
            (memory() ? "enforced" : "unavailable") + ", pids " +
            (pids() ? "enforced" : "unavailable") + (why.empty() ? "" : " (" + why + ")");
}

CgroupHost::~CgroupHost() {
  if (!memory_parent_.empty()) rmdir(memory_parent_.c_str());
  if (!pids_parent_.empty() && pids_parent_ != memory_parent_) rmdir(pids_parent_.c_str());
}

RunCgroup::RunCgroup(const CgroupHost& host, const std::string& name, std::size_t memory_bytes,
                     int max_processes)
    : host_(host) {
  const auto make = [&](const std::string& parent, std::string& dir) {
    dir = parent + "/" + name;
    if (mkdir(dir.c_str(), 0755) != 0) {
      error_ = dir + ": " + strerror(errno);
      dir.clear();
      return false;
    }
    return true;
  };
  if (host.memory() && make(host.memory_parent(), memory_dir_)) {
    const std::string bytes = std::to_string(memory_bytes);
    const bool ok = host.version() == 2
                        ? WriteFile(memory_dir_ + "/memory.max", bytes) &&
                              WriteFile(memory_dir_ + "/memory.swap.max", "0")
                        : WriteFile(memory_dir_ + "/memory.limit_in_bytes", bytes);
    // With swap accounting (v1), memory+swap gets the same bound.
    if (host.version() == 1 && access((memory_dir_ + "/memory.memsw.limit_in_bytes").c_str(), F_OK) == 0) {
      WriteFile(memory_dir_ + "/memory.memsw.limit_in_bytes", bytes);
    }
    if (!ok) error_ = "setting the memory limit in " + memory_dir_ + " failed";
  }
  if (host.pids()) {
    if (host.version() == 2) {
      pids_dir_ = memory_dir_;
    } else {
      make(host.pids_parent(), pids_dir_);
    }
    if (!pids_dir_.empty() &&
        !WriteFile(pids_dir_ + "/pids.max", std::to_string(max_processes))) {
      error_ = "setting pids.max in " + pids_dir_ + " failed";
    }
  }
}

RunCgroup::~RunCgroup() {
  for (const std::string* dir : {&memory_dir_, &pids_dir_}) {
    if (dir->empty() || (dir == &pids_dir_ && pids_dir_ == memory_dir_)) continue;
    KillAndRemove(*dir);
  }
}

bool RunCgroup::AddProcess(pid_t pid) {
  const std::string value = std::to_string(pid);
  bool ok = true;
  if (!memory_dir_.empty()) ok = WriteFile(memory_dir_ + "/cgroup.procs", value) && ok;
  if (!pids_dir_.empty() && pids_dir_ != memory_dir_) {
    ok = WriteFile(pids_dir_ + "/cgroup.procs", value) && ok;
  }
  return ok;
}

bool RunCgroup::OomKilled() const {
  if (memory_dir_.empty()) return false;
  const std::string events = ReadFile(
      memory_dir_ + (host_.version() == 2 ? "/memory.events" : "/memory.oom_control"));
  return CountAfter(events, "oom_kill") > 0;
}

}  // namespace sandbox

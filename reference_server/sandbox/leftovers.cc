#include "reference_server/sandbox/leftovers.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string_view>

#include "reference_server/sandbox/network.h"

namespace sandbox {
namespace {

// Calls `visit(pid, "/proc/PID")` for every process of the host.
template <typename Visit>
void ForEachProcess(Visit visit) {
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return;
  while (dirent* entry = readdir(proc)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    visit(static_cast<pid_t>(std::atol(entry->d_name)), std::string("/proc/") + entry->d_name);
  }
  closedir(proc);
}

bool OwnedBy(UidRange uids, const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && uids.Contains(st.st_uid);
}

// Whether the process is pid 1 of its own pid namespace ("NSpid: 4321 1").
bool IsNamespaceInit(const std::string& path) {
  std::ifstream status(path + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("NSpid:")) return line.ends_with("\t1") || line.ends_with(" 1");
  }
  return false;
}

// The value of "PPid:" in the process's status, or -1.
pid_t ParentOf(const std::string& path) {
  std::ifstream status(path + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("PPid:")) return static_cast<pid_t>(std::atol(line.c_str() + 5));
  }
  return -1;
}

// The network interfaces this process sees, space-separated.
std::string InterfaceNames() {
  std::string names;
  if (struct if_nameindex* interfaces = if_nameindex()) {
    for (const struct if_nameindex* i = interfaces; i->if_index != 0; ++i) {
      names += (names.empty() ? "" : " ") + std::string(i->if_name);
    }
    if_freenameindex(interfaces);
  }
  return names;
}

}  // namespace

std::vector<pid_t> RunPids(UidRange uids) {
  std::vector<pid_t> pids;
  ForEachProcess([&](pid_t pid, const std::string& path) {
    if (OwnedBy(uids, path)) pids.push_back(pid);
  });
  return pids;
}

int RunProcesses(UidRange uids) { return static_cast<int>(RunPids(uids).size()); }

std::vector<pid_t> ProgramPids(UidRange uids) {
  std::vector<pid_t> pids;
  ForEachProcess([&](pid_t pid, const std::string& path) {
    if (OwnedBy(uids, path) && !IsNamespaceInit(path)) pids.push_back(pid);
  });
  return pids;
}

int ProgramProcesses(UidRange uids) { return static_cast<int>(ProgramPids(uids).size()); }

bool IsNetworkHelper(pid_t pid) {
  char exe[PATH_MAX];
  const std::string link = "/proc/" + std::to_string(pid) + "/exe";
  const ssize_t length = readlink(link.c_str(), exe, sizeof exe);
  return length >= 0 &&
         std::string_view(exe, static_cast<std::size_t>(length)) == "/usr/bin/slirp4netns";
}

std::vector<pid_t> NetworkHelpersOf(pid_t parent) {
  std::vector<pid_t> helpers;
  ForEachProcess([&](pid_t pid, const std::string& path) {
    if (IsNetworkHelper(pid) && ParentOf(path) == parent) helpers.push_back(pid);
  });
  return helpers;
}

std::vector<std::string> RunCgroupParents(const CgroupHost& cgroups) {
  std::vector<std::string> parents;
  for (const std::string& parent : {cgroups.memory_parent(), cgroups.pids_parent()}) {
    // Cgroup v2 keeps both controllers in one directory.
    if (!parent.empty() && (parents.empty() || parents[0] != parent)) parents.push_back(parent);
  }
  return parents;
}

int RunCgroups(const std::vector<std::string>& parents) {
  int count = 0;
  for (const std::string& parent : parents) {
    DIR* dir = opendir(parent.c_str());
    if (dir == nullptr) continue;
    while (dirent* entry = readdir(dir)) {
      if (std::string(entry->d_name).starts_with("run-")) ++count;
    }
    closedir(dir);
  }
  return count;
}

std::string HostMounts() {
  std::ifstream in("/proc/self/mountinfo");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string EnterLoopbackOnlyNetwork() {
  if (unshare(CLONE_NEWNET) != 0) return std::string("unshare(CLONE_NEWNET): ") + strerror(errno);
  if (const int error = BringUpLoopback(); error != 0) {
    return std::string("bringing loopback up: ") + strerror(error);
  }
  const std::string interfaces = InterfaceNames();
  if (interfaces != "lo") return "interfaces other than loopback: " + interfaces;
  return "";
}

}  // namespace sandbox

#include "reference_server/testing/host_traces.h"

#include <dirent.h>
#include <linux/magic.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace server_test {
namespace {

constexpr char kCgroupRoot[] = "/sys/fs/cgroup";

// Walks /proc/<pid>/status of every process; `keep` sees the uid and the
// state letter (R, S, Z...).
template <typename Keep>
std::vector<pid_t> ProcessesWhere(Keep keep) {
  std::vector<pid_t> found;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return found;
  while (dirent* entry = readdir(proc)) {
    const pid_t pid = std::atoi(entry->d_name);
    if (pid <= 0) continue;
    std::ifstream status("/proc/" + std::string(entry->d_name) + "/status");
    char state = '?';
    std::string line;
    while (std::getline(status, line)) {
      // "State:" comes before "Uid:".
      if (line.rfind("State:", 0) == 0) {
        const std::size_t at = line.find_first_not_of(" \t", 6);
        if (at != std::string::npos) state = line[at];
      } else if (line.rfind("Uid:", 0) == 0) {
        const auto uid = static_cast<std::uint32_t>(std::strtoul(line.c_str() + 4, nullptr, 10));
        if (keep(uid, state)) found.push_back(pid);
        break;
      }
    }
  }
  closedir(proc);
  return found;
}

// The path of `controller`'s line in a /proc/<pid>/cgroup text
// ("id:list,of,controllers:/path"); "" names v2's line (empty list).
bool CgroupPathOf(const std::string& text, const std::string& controller, std::string& path) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const std::size_t first = line.find(':');
    const std::size_t second = first == std::string::npos ? first : line.find(':', first + 1);
    if (second == std::string::npos) continue;
    const std::string list = "," + line.substr(first + 1, second - first - 1) + ",";
    const bool match =
        controller.empty() ? list == ",," : list.find("," + controller + ",") != std::string::npos;
    if (!match) continue;
    path = line.substr(second + 1);
    if (path == "/") path.clear();
    return true;
  }
  return false;
}

}  // namespace

std::vector<pid_t> ProcessesWithUids(std::uint32_t first, std::uint32_t count) {
  return ProcessesWhere(
      [&](std::uint32_t uid, char) { return uid >= first && uid - first < count; });
}

std::vector<pid_t> LiveProcessesWithUids(std::uint32_t first, std::uint32_t count) {
  return ProcessesWhere([&](std::uint32_t uid, char state) {
    return uid >= first && uid - first < count && state != 'Z' && state != 'X';
  });
}

std::vector<std::string> CgroupsOfProcess(pid_t pid) {
  std::vector<std::string> found;
  const std::string name = "execprobe-" + std::to_string(pid);
  std::error_code ec;
  auto it = std::filesystem::recursive_directory_iterator(
      kCgroupRoot, std::filesystem::directory_options::skip_permission_denied, ec);
  for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it.depth() >= 4) it.disable_recursion_pending();
    if (it->path().filename() == name) found.push_back(it->path().string());
  }
  return found;
}

base::Expected<std::vector<std::string>> ServerCgroupDirs(pid_t server) {
  const std::string file = "/proc/" + std::to_string(server) + "/cgroup";
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in || text.str().empty()) {
    return base::MakeError(base::ErrorCode::kNotFound, "cannot read it", file);
  }
  const std::string name = "/execprobe-" + std::to_string(server);
  std::vector<std::string> dirs;
  std::string path;
  struct statfs fs;
  if (statfs(kCgroupRoot, &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC) {
    if (CgroupPathOf(text.str(), "", path)) dirs.push_back(kCgroupRoot + path + name);
  } else {
    for (const char* controller : {"memory", "pids"}) {
      const std::string hierarchy = std::string(kCgroupRoot) + "/" + controller;
      if (access((hierarchy + "/cgroup.procs").c_str(), F_OK) != 0) continue;
      if (CgroupPathOf(text.str(), controller, path)) dirs.push_back(hierarchy + path + name);
    }
  }
  if (dirs.empty()) {
    return base::MakeError(base::ErrorCode::kFailedPrecondition,
                           "neither cgroup v1 memory or pids hierarchies nor cgroup v2 here",
                           kCgroupRoot);
  }
  return dirs;
}

}  // namespace server_test

// cgroup v2: one unified hierarchy, so a run has one directory for both
// controllers, enabled for runs in this server's cgroup.subtree_control.
#include <unistd.h>

#include "reference_server/sandbox/cgroup_files.h"
#include "reference_server/sandbox/cgroup_parse.h"
#include "reference_server/sandbox/cgroup_version.h"

namespace sandbox {
namespace {

class CgroupV2 final : public CgroupVersion {
 public:
  CgroupV2(std::string root, std::string proc_self_cgroup)
      : root_(std::move(root)), own_(std::move(proc_self_cgroup)) {}

  int number() const override { return 2; }

  CgroupDirs MakeServerDirs(int pid, std::string& why) const override {
    const std::string dir = MakeServerDirectory(ServerBases().front(), pid, why);
    if (dir.empty()) return {};
    if (!WriteCgroupFile(dir + "/cgroup.subtree_control", "+memory +pids")) {
      why = "cannot enable memory and pids controllers under " + dir;
      rmdir(dir.c_str());
      return {};
    }
    return {dir, dir};
  }

  std::vector<std::string> ServerBases() const override {
    return {JoinCgroupPath(root_, OwnCgroupPath(own_, ""))};
  }

  CgroupDirs MakeRun(const CgroupDirs& server, const std::string& name, std::size_t memory_bytes,
                     int max_processes, std::string& error) const override {
    if (server.memory.empty()) return {};
    const std::string dir = server.memory + "/" + name;
    if (!MakeRunDirectory(dir, error)) return {};
    if (!WriteCgroupFile(dir + "/memory.max", std::to_string(memory_bytes))) {
      error = "setting the memory limit in " + dir + " failed";
    }
    // Only where swap is accounted (as v1's memsw): a host without it has
    // no memory.swap.max, and writing one would fail every run.
    if (CgroupFileExists(server.memory + "/memory.swap.max") &&
        !WriteCgroupFile(dir + "/memory.swap.max", "0")) {
      error = "setting memory.swap.max in " + dir + " failed";
    }
    if (!WriteCgroupFile(dir + "/pids.max", std::to_string(max_processes))) {
      error = "setting pids.max in " + dir + " failed";
    }
    return {dir, dir};
  }

  const char* OomEventsFile() const override { return "memory.events"; }

 private:
  std::string root_, own_;
};

}  // namespace

std::unique_ptr<CgroupVersion> MakeCgroupV2(std::string root, std::string proc_self_cgroup) {
  return std::make_unique<CgroupV2>(std::move(root), std::move(proc_self_cgroup));
}

}  // namespace sandbox

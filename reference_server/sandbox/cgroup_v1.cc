// cgroup v1: a hierarchy per controller (root/memory, root/pids), so a run
// has a directory in each.

#include "reference_server/sandbox/cgroup_files.h"
#include "reference_server/sandbox/cgroup_parse.h"
#include "reference_server/sandbox/cgroup_version.h"

namespace sandbox {
namespace {

// A run's directory in one hierarchy: `made` is set once it exists.
bool MakeHierarchyDir(const std::string& dir, std::string& made, std::string& error) {
  if (!MakeRunDirectory(dir, error)) return false;
  made = dir;
  return true;
}

class CgroupV1 final : public CgroupVersion {
 public:
  CgroupV1(std::string root, std::string proc_self_cgroup)
      : root_(std::move(root)), own_(std::move(proc_self_cgroup)) {}

  int number() const override { return 1; }

  CgroupDirs MakeServerDirs(int pid, std::string& why) const override {
    CgroupDirs dirs;
    for (const char* controller : {"memory", "pids"}) {
      const std::string hierarchy = root_ + "/" + controller;
      // A mounted hierarchy's root always has cgroup.procs.
      if (!CgroupFileExists(hierarchy + "/cgroup.procs")) {
        if (why.empty()) why = "no v1 " + std::string(controller) + " hierarchy at " + hierarchy;
        continue;
      }
      const std::string base = JoinCgroupPath(hierarchy, OwnCgroupPath(own_, controller));
      (std::string(controller) == "memory" ? dirs.memory : dirs.pids) =
          MakeServerDirectory(base, pid, why);
    }
    return dirs;
  }

  std::vector<std::string> ServerBases() const override {
    std::vector<std::string> bases;
    for (const char* controller : {"memory", "pids"}) {
      const std::string hierarchy = root_ + "/" + controller;
      if (CgroupFileExists(hierarchy + "/cgroup.procs")) {
        bases.push_back(JoinCgroupPath(hierarchy, OwnCgroupPath(own_, controller)));
      }
    }
    return bases;
  }

  CgroupDirs MakeRun(const CgroupDirs& server, const std::string& name, std::size_t memory_bytes,
                     int max_processes, std::string& error) const override {
    CgroupDirs run;
    if (!server.memory.empty() && MakeHierarchyDir(server.memory + "/" + name, run.memory, error)) {
      const std::string bytes = std::to_string(memory_bytes);
      if (!WriteCgroupFile(run.memory + "/memory.limit_in_bytes", bytes)) {
        error = "setting the memory limit in " + run.memory + " failed";
      }
      // With swap accounting, memory + swap gets the same bound: no swap.
      if (CgroupFileExists(server.memory + "/memory.memsw.limit_in_bytes")) {
        WriteCgroupFile(run.memory + "/memory.memsw.limit_in_bytes", bytes);
      }
    }
    if (!server.pids.empty() && MakeHierarchyDir(server.pids + "/" + name, run.pids, error) &&
        !WriteCgroupFile(run.pids + "/pids.max", std::to_string(max_processes))) {
      error = "setting pids.max in " + run.pids + " failed";
    }
    return run;
  }

  const char* OomEventsFile() const override { return "memory.oom_control"; }

 private:
  std::string root_, own_;
};

}  // namespace

std::unique_ptr<CgroupVersion> MakeCgroupV1(std::string root, std::string proc_self_cgroup) {
  return std::make_unique<CgroupV1>(std::move(root), std::move(proc_self_cgroup));
}

}  // namespace sandbox

// cgroup v1: a hierarchy per controller (root/memory, root/pids), so a run
// has a directory in each.

#include <utility>

#include "reference_server/sandbox/cgroup_files.h"
#include "reference_server/sandbox/cgroup_parse.h"
#include "reference_server/sandbox/cgroup_version.h"

namespace sandbox {
namespace {

// A run's directory in one hierarchy, with `limit` written to `file`:
// `made` is set once the directory exists, so that a failure removes it.
base::Status MakeHierarchyDir(const std::string& dir, const char* file, const std::string& limit,
                              std::string& made) {
  if (base::Status status = MakeRunDirectory(dir); !status.ok()) return status;
  made = dir;
  return WriteLimit(dir, file, limit);
}

class CgroupV1 final : public CgroupVersion {
 public:
  CgroupV1(std::string root, std::string proc_self_cgroup)
      : root_(std::move(root)), own_(std::move(proc_self_cgroup)) {}

  int number() const override { return 1; }

  ServerDirs MakeServerDirs(int pid) const override {
    ServerDirs server;
    for (const char* controller : {"memory", "pids"}) {
      const std::string hierarchy = root_ + "/" + controller;
      // A mounted hierarchy's root always has cgroup.procs.
      if (!CgroupFileExists(hierarchy + "/cgroup.procs")) {
        if (server.controllers.ok()) {
          server.controllers =
              base::MakeError(base::ErrorCode::kFailedPrecondition,
                              "no v1 " + std::string(controller) + " hierarchy at " + hierarchy);
        }
        continue;
      }
      const std::string parent = JoinCgroupPath(hierarchy, OwnCgroupPath(own_, controller));
      const base::Expected<std::string> made = MakeServerDirectory(parent, pid);
      if (made.ok()) {
        (std::string(controller) == "memory" ? server.dirs.memory : server.dirs.pids) =
            made.value();
      } else {
        server.controllers = made.error();
      }
    }
    return server;
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

  base::Expected<CgroupDirs> MakeRun(const CgroupDirs& server, const std::string& name,
                                     std::size_t memory_bytes, int max_processes) const override {
    CgroupDirs run;
    const std::string bytes = std::to_string(memory_bytes);
    base::Status status;
    if (!server.memory.empty()) {
      status =
          MakeHierarchyDir(server.memory + "/" + name, "memory.limit_in_bytes", bytes, run.memory);
      // With swap accounting, memory + swap gets the same bound: no swap.
      if (status.ok() && CgroupFileExists(server.memory + "/memory.memsw.limit_in_bytes")) {
        WriteCgroupFile(run.memory + "/memory.memsw.limit_in_bytes", bytes);
      }
    }
    if (status.ok() && !server.pids.empty()) {
      status = MakeHierarchyDir(server.pids + "/" + name, "pids.max", std::to_string(max_processes),
                                run.pids);
    }
    if (!status.ok()) {
      RemoveRunDirectories(run);
      return std::move(status).error();
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

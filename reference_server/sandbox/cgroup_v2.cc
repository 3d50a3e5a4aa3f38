// cgroup v2: one unified hierarchy, so a run has one directory for both
// controllers, enabled for runs in this server's cgroup.subtree_control.
#include <unistd.h>

#include <utility>

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

  ServerDirs MakeServerDirs(int pid) const override {
    const base::Expected<std::string> made = MakeServerDirectory(ServerBases().front(), pid);
    if (!made.ok()) return {{}, made.error()};
    const std::string& dir = made.value();
    if (!WriteCgroupFile(dir + "/cgroup.subtree_control", "+memory +pids")) {
      rmdir(dir.c_str());
      return {{},
              base::MakeError(base::ErrorCode::kFailedPrecondition,
                              "cannot enable memory and pids controllers under " + dir)};
    }
    return {{dir, dir}, base::Ok()};
  }

  std::vector<std::string> ServerBases() const override {
    return {JoinCgroupPath(root_, OwnCgroupPath(own_, ""))};
  }

  base::Expected<CgroupDirs> MakeRun(const CgroupDirs& server, const std::string& name,
                                     std::size_t memory_bytes, int max_processes) const override {
    if (server.memory.empty()) return CgroupDirs{};
    const std::string dir = server.memory + "/" + name;
    if (base::Status made = MakeRunDirectory(dir); !made.ok()) return std::move(made).error();
    base::Status status = WriteLimit(dir, "memory.max", std::to_string(memory_bytes));
    // Only where swap is accounted (as v1's memsw): a host without it has
    // no memory.swap.max, and writing one would fail every run.
    if (status.ok() && CgroupFileExists(server.memory + "/memory.swap.max")) {
      status = WriteLimit(dir, "memory.swap.max", "0");
    }
    if (status.ok()) status = WriteLimit(dir, "pids.max", std::to_string(max_processes));
    if (!status.ok()) {
      KillAndRemove(dir);
      return std::move(status).error();
    }
    return CgroupDirs{dir, dir};
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

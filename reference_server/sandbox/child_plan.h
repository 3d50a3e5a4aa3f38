#ifndef REFERENCE_SERVER_SANDBOX_CHILD_PLAN_H_
#define REFERENCE_SERVER_SANDBOX_CHILD_PLAN_H_

#include <linux/filter.h>

#include <string>
#include <vector>

#include "reference_server/sandbox/policy.h"
#include "reference_server/sandbox/run.h"

namespace sandbox {

// One step of building the new root, prepared on the host side.
struct MountStep {
  enum class Kind {
    kSymlink,        // symlink source -> target
    kFile,           // write `source` as the content of target
    kBindDirectory,  // read-only bind of host `source` on a new directory
    kBindFile,       // read-only bind of host `source` on a new empty file
    kDevice,         // writable bind of host device `source` on a new file
  };
  Kind kind;
  std::string target;  // absolute, under the staging root
  std::string source;
};

// Everything init needs to build a sandbox, prepared on the host. The
// launch, a copy of a possibly multi-threaded host where malloc may be
// locked, reads only its descriptors and makes system calls; the rest
// reaches sandbox_init on `request_read` (init_plan.h), and the run itself
// (files, steps, environment) later (init_request.h): a sandbox may be
// built before its run is known.
struct ChildPlan {
  int go_read = -1;       // one byte arrives once the id maps are written
  int status_write = -1;  // ChildReport records
  int request_read = -1;  // the run (init_request.h)
  int stdout_write = -1;
  int stderr_write = -1;
  int artifact_write = -1;  // framed artifacts (see ArtifactHeader)
  int init_image = -1;      // sandbox_init, exec'd by the launch (init.h)

  std::string hostname;
  // Where the new root is assembled, and its parts (all under staging).
  std::string staging, dev_dir, proc_dir, tmp_dir, work_dir, old_root;
  std::string root_options, dev_options, tmp_options, work_options;  // tmpfs
  std::vector<MountStep> steps;  // binds, symlinks, generated files, devices

  // The sandbox's limits; the run's request overrides those applied per
  // step (CPU time, file size, open files).
  Limits limits;
  bool rlimit_memory = true;  // RLIMIT_AS only where no cgroup bounds memory
  const std::vector<sock_filter>* seccomp = nullptr;
  int last_capability = 40;
};

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_CHILD_PLAN_H_

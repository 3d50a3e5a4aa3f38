#ifndef REFERENCE_SERVER_SANDBOX_CGROUP_FILES_H_
#define REFERENCE_SERVER_SANDBOX_CGROUP_FILES_H_

#include <string>

#include "base/expected.h"
#include "reference_server/sandbox/cgroup_version.h"

// File operations on a cgroup tree, shared by both versions.
namespace sandbox {

// Writes `value` to a control file. O_CLOEXEC: a cgroup.procs descriptor
// open in one thread must not reach a run cloned by another at that
// moment. O_CREAT only matters in a fake tree (tests): cgroupfs files exist.
bool WriteCgroupFile(const std::string& path, const std::string& value);

// WriteCgroupFile of a run's limit `file` in `dir`, as a status naming
// the directory.
base::Status WriteLimit(const std::string& dir, const char* file, const std::string& value);

// The whole file, or "" when it cannot be read.
std::string ReadCgroupFile(const std::string& path);

bool CgroupFileExists(const std::string& path);

// Creates `<base>/execprobe-<pid>` (or finds it), this server's parent of
// its runs, and returns it.
base::Expected<std::string> MakeServerDirectory(const std::string& base, int pid);

// Creates a run's cgroup directory `dir`. One that exists already is an
// error: names are unique.
base::Status MakeRunDirectory(const std::string& dir);

// Kills whatever is still in the cgroup `dir`, then removes it, retrying
// briefly while the kernel reaps. Used for runs that ended (their pid
// namespace is dead; a network helper's escaped descendant is not) and for
// the runs of a dead server: nothing of either may live on.
void KillAndRemove(const std::string& dir);

// KillAndRemove for each of a run's directories (once on v2).
void RemoveRunDirectories(const CgroupDirs& dirs);

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_CGROUP_FILES_H_

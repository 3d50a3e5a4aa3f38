#ifndef REFERENCE_SERVER_SANDBOX_CGROUP_FILES_H_
#define REFERENCE_SERVER_SANDBOX_CGROUP_FILES_H_

#include <string>

// File operations on a cgroup tree, shared by both versions.
namespace sandbox {

// Writes `value` to a control file. O_CLOEXEC: a cgroup.procs descriptor
// open in one thread must not reach a run cloned by another at that
// moment. O_CREAT only matters in a fake tree (tests): cgroupfs files exist.
bool WriteCgroupFile(const std::string& path, const std::string& value);

// The whole file, or "" when it cannot be read.
std::string ReadCgroupFile(const std::string& path);

bool CgroupFileExists(const std::string& path);

// Creates `<base>/execprobe-<pid>`, this server's parent of its runs;
// returns it, or "" with `why` set.
std::string MakeServerDirectory(const std::string& base, int pid, std::string& why);

// Creates a run's cgroup directory `dir`; false with `error` naming it
// when it cannot be (one that exists already is an error: names are unique).
bool MakeRunDirectory(const std::string& dir, std::string& error);

// Kills whatever is still in the cgroup `dir`, then removes it, retrying
// briefly while the kernel reaps. Used for runs that ended (their pid
// namespace is dead; a network helper's escaped descendant is not) and for
// the runs of a dead server: nothing of either may live on.
void KillAndRemove(const std::string& dir);

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_CGROUP_FILES_H_

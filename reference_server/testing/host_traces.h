#ifndef REFERENCE_SERVER_TESTING_HOST_TRACES_H_
#define REFERENCE_SERVER_TESTING_HOST_TRACES_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/expected.h"

namespace server_test {

// What a sandbox host leaves on this host, read from /proc and
// /sys/fs/cgroup: how its tests tell that nothing was left behind.

// Processes on this host running as uids [first, first + count), zombies
// included (a running server must reap its own).
std::vector<pid_t> ProcessesWithUids(std::uint32_t first, std::uint32_t count);

// The same without zombies. Children of a server that was killed are
// reparented to the host's init, whose reaping no test can hasten: once
// they are zombies, they hold nothing.
std::vector<pid_t> LiveProcessesWithUids(std::uint32_t first, std::uint32_t count);

// Cgroup directories named execprobe-<pid> anywhere under /sys/fs/cgroup
// (searched a few levels deep): what a sandbox host left behind.
std::vector<std::string> CgroupsOfProcess(pid_t pid);

// The execprobe-<server> directories a sandbox host would make below its
// own cgroup (as /proc/<server>/cgroup names it, so `server` must be
// alive): one per v1 memory and pids hierarchy mounted, or the one of v2.
// Whether they exist is not checked. kFailedPrecondition when this host has
// neither; kNotFound when the process is gone.
base::Expected<std::vector<std::string>> ServerCgroupDirs(pid_t server);

}  // namespace server_test

#endif  // REFERENCE_SERVER_TESTING_HOST_TRACES_H_

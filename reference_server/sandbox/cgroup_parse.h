#ifndef REFERENCE_SERVER_SANDBOX_CGROUP_PARSE_H_
#define REFERENCE_SERVER_SANDBOX_CGROUP_PARSE_H_

#include <string>
#include <string_view>

// Pure readers of cgroup files' text, unit-tested without root.
namespace sandbox {

// This process's cgroup path ("/a/b") in the v1 hierarchy that has
// `controller`, or in the unified (v2) hierarchy when `controller` is
// empty, from the text of /proc/self/cgroup; "" when there is none.
std::string OwnCgroupPath(std::string_view proc_self_cgroup, std::string_view controller);

// The number of the line "key N" of a flat-keyed cgroup file
// (memory.events, memory.oom_control); 0 when the key is absent.
long KeyedValue(std::string_view text, std::string_view key);

// `hierarchy` joined with a cgroup path ("/" is the hierarchy itself).
std::string JoinCgroupPath(const std::string& hierarchy, const std::string& path);

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_CGROUP_PARSE_H_

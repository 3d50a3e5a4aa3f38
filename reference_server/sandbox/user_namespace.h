#ifndef REFERENCE_SERVER_SANDBOX_USER_NAMESPACE_H_
#define REFERENCE_SERVER_SANDBOX_USER_NAMESPACE_H_

#include <sys/types.h>

#include <cstdint>

#include "base/expected.h"

namespace sandbox {

// Host side: maps uid and gid 0 of `pid`'s new user namespace to
// `host_id` and nothing else (setgroups is denied first). The error names
// the /proc file that could not be written.
base::Status WriteIdMaps(pid_t pid, std::uint32_t host_id);

// Inside: become uid/gid 0, i.e. host_id on the host. Returns errno or 0.
int BecomeRootInside();

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_USER_NAMESPACE_H_

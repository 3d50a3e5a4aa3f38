#ifndef REFERENCE_SERVER_SANDBOX_INIT_PLAN_H_
#define REFERENCE_SERVER_SANDBOX_INIT_PLAN_H_

#include <linux/filter.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"
#include "reference_server/sandbox/child_plan.h"

namespace sandbox {

// How a sandbox is to be built, as the host sends it to the sandbox's init
// (sandbox_init, a program of its own, exec'd in the new namespaces: it
// shares no memory with the host, so the plan travels on a socket, ahead
// of the run's request). Everything of a ChildPlan but its descriptors.

// Host side: a length-prefixed message (u64 length, then the payload).
std::string EncodeInitPlan(const ChildPlan& plan);

// A decoded plan; `plan.seccomp` points into `seccomp`, so it is not
// copied or moved.
struct ReceivedPlan {
  ReceivedPlan() = default;
  ReceivedPlan(const ReceivedPlan&) = delete;
  ReceivedPlan& operator=(const ReceivedPlan&) = delete;
  ChildPlan plan;
  std::vector<sock_filter> seccomp;
};

// Inside (the exec'd init may allocate): the payload, without its length
// prefix. kInvalidArgument naming the field when it is malformed.
base::Expected<std::unique_ptr<ReceivedPlan>> DecodeInitPlan(std::string_view payload);

// Inside: reads one message from `fd` (at most 16 MiB) and decodes it.
base::Expected<std::unique_ptr<ReceivedPlan>> ReceiveInitPlan(int fd);

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_INIT_PLAN_H_

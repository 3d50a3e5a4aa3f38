#ifndef REFERENCE_SERVER_SANDBOX_HELPER_FILTER_H_
#define REFERENCE_SERVER_SANDBOX_HELPER_FILTER_H_

#include <linux/filter.h>

#include <vector>

#include "base/expected.h"
#include "reference_server/sandbox/policy.h"

namespace sandbox {

// The seccomp filter the network helper runs under (BPF, built once):
// every connect, sendto with an address, sendmsg and sendmmsg, and every
// signal sent, stops in the kernel until an EgressSupervisor has judged it;
// pidfds, ptrace, process_vm_*, io_uring, F_SETOWN, calls on other
// processes' limits and priorities, source routing, SCTP, MPTCP, DCCP and
// families other than unix, IPv4, IPv6 and netlink are refused outright.
// kFailedPrecondition when libseccomp cannot build it.
base::Expected<std::vector<sock_filter>> BuildHelperFilter();

// Whether semitrusted runs can get their network on this host: the helper
// binary must be executable (kNotFound when it is missing, with a hint to
// install it; kPermissionDenied when it cannot be executed), and its filter
// must build. The filter, or why not.
base::Expected<std::vector<sock_filter>> PrepareNetworkHelper(const HelperSettings& settings);

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_HELPER_FILTER_H_

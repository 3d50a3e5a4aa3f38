#ifndef REFERENCE_SERVER_SANDBOX_SECCOMP_FILTER_H_
#define REFERENCE_SERVER_SANDBOX_SECCOMP_FILTER_H_

#include <linux/filter.h>
#include <seccomp.h>

#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"

namespace sandbox {

// The system calls every run is refused (EPERM), with the reason for each;
// docs/SANDBOX.md lists them. clone is refused only with a CLONE_NEW* flag.
struct DeniedSyscall {
  std::string_view name;
  std::string_view why;
};
const std::vector<DeniedSyscall>& DeniedSyscalls();

// The filter as a BPF program, built once with libseccomp on the host side
// (libseccomp allocates, which the run's processes must not).
base::Expected<std::vector<sock_filter>> BuildSeccompProgram();

// A libseccomp filter as a BPF program.
base::Expected<std::vector<sock_filter>> ExportBpf(scmp_filter_ctx ctx);

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_SECCOMP_FILTER_H_

#ifndef REFERENCE_SERVER_SANDBOX_SECCOMP_FILTER_H_
#define REFERENCE_SERVER_SANDBOX_SECCOMP_FILTER_H_

#include <linux/filter.h>
#include <seccomp.h>

#include <string>
#include <string_view>
#include <vector>

namespace sandbox {

// The system calls every run is refused (EPERM), with the reason for each;
// docs/SANDBOX.md lists them. clone is refused only with a CLONE_NEW* flag.
struct DeniedSyscall {
  std::string_view name;
  std::string_view why;
};
const std::vector<DeniedSyscall>& DeniedSyscalls();

// The filter as a BPF program, built once with libseccomp on the host side
// (libseccomp allocates, which the run's processes must not). Empty with
// `error` set when libseccomp fails.
std::vector<sock_filter> BuildSeccompProgram(std::string& error);

// A libseccomp filter as a BPF program; empty with `error` set on failure.
std::vector<sock_filter> ExportBpf(scmp_filter_ctx ctx, std::string& error);

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_SECCOMP_FILTER_H_

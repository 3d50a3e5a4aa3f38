#include "reference_server/sandbox/privileges.h"

#include <errno.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <linux/securebits.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace sandbox {
namespace {

bool SetLimit(int resource, rlim_t soft, rlim_t hard) {
  const rlimit limit{soft, hard};
  return setrlimit(resource, &limit) == 0;
}

Stage Fail(Stage stage, int& error) {
  error = errno;
  return stage;
}

}  // namespace

Stage ApplyRlimits(const Limits& limits, bool limit_address_space, int& error) {
  const auto cpu = static_cast<rlim_t>(limits.cpu_seconds);
  const rlim_t address_space = limit_address_space ? limits.memory_bytes : RLIM_INFINITY;
  // The soft CPU limit sends SIGXCPU; a second later the hard one kills.
  const bool ok = SetLimit(RLIMIT_CPU, cpu, cpu + 1) &&
                  SetLimit(RLIMIT_AS, address_space, address_space) &&
                  SetLimit(RLIMIT_NPROC, static_cast<rlim_t>(limits.max_processes),
                           static_cast<rlim_t>(limits.max_processes)) &&
                  SetLimit(RLIMIT_FSIZE, limits.max_file_bytes, limits.max_file_bytes) &&
                  SetLimit(RLIMIT_NOFILE, static_cast<rlim_t>(limits.max_open_files),
                           static_cast<rlim_t>(limits.max_open_files)) &&
                  SetLimit(RLIMIT_CORE, 0, 0);
  return ok ? Stage::kDone : Fail(Stage::kRlimits, error);
}

Stage DropPrivileges(int last_capability, int& error) {
  for (int cap = 0; cap <= last_capability; ++cap) {
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) {
      return Fail(Stage::kDropCapabilities, error);
    }
  }
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
    return Fail(Stage::kDropCapabilities, error);
  }
  // uid 0 inside would otherwise get full capabilities back at execve.
  constexpr unsigned long kSecureBits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
                                        SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED |
                                        SECBIT_KEEP_CAPS_LOCKED | SECBIT_NO_CAP_AMBIENT_RAISE |
                                        SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED;
  if (prctl(PR_SET_SECUREBITS, kSecureBits, 0, 0, 0) != 0) {
    return Fail(Stage::kDropCapabilities, error);
  }
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capset, &header, data) != 0) return Fail(Stage::kDropCapabilities, error);
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return Fail(Stage::kNoNewPrivs, error);
  return Stage::kDone;
}

Stage LoadSeccomp(const std::vector<sock_filter>& program, int& error) {
  sock_fprog fprog{static_cast<unsigned short>(program.size()),
                   const_cast<sock_filter*>(program.data())};
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) != 0) {
    return Fail(Stage::kSeccomp, error);
  }
  return Stage::kDone;
}

}  // namespace sandbox

#ifndef REFERENCE_SERVER_SANDBOX_PRIVILEGES_H_
#define REFERENCE_SERVER_SANDBOX_PRIVILEGES_H_

#include <linux/filter.h>

#include <vector>

#include "reference_server/sandbox/child_report.h"
#include "reference_server/sandbox/policy.h"

// What the program's own process does to itself just before execve: limits,
// then privileges, then the syscall filter. No allocation.
namespace sandbox {

// RLIMIT_CPU, _AS, _NPROC, _FSIZE, _NOFILE, and _CORE = 0.
// RLIMIT_AS is left unlimited unless `limit_address_space`.
Stage ApplyRlimits(const Limits& limits, bool limit_address_space, int& error);

// Empties the bounding and ambient sets, locks the securebits so that
// root inside cannot regain capabilities through execve or setuid, clears
// every capability, and sets no_new_privs.
Stage DropPrivileges(int last_capability, int& error);

// Loads the filter built by BuildSeccompProgram (seccomp_filter.h).
Stage LoadSeccomp(const std::vector<sock_filter>& program, int& error);

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_PRIVILEGES_H_

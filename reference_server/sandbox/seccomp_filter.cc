#include "reference_server/sandbox/seccomp_filter.h"

#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <utility>

#include "base/system_error.h"

namespace sandbox {

const std::vector<DeniedSyscall>& DeniedSyscalls() {
  static const std::vector<DeniedSyscall> kDenied = {
      {"ptrace", "inspecting or controlling other processes"},
      {"process_vm_readv", "reading another process's memory"},
      {"process_vm_writev", "writing another process's memory"},
      {"kcmp", "probing other processes' kernel objects"},
      {"pidfd_getfd", "stealing another process's file descriptors"},
      {"mount", "changing the file system layout"},
      {"umount2", "uncovering what mounts hide"},
      {"pivot_root", "changing the root"},
      {"chroot", "changing the root"},
      {"move_mount", "new mount API"},
      {"open_tree", "new mount API"},
      {"fsopen", "new mount API"},
      {"fsconfig", "new mount API"},
      {"fsmount", "new mount API"},
      {"fspick", "new mount API"},
      {"mount_setattr", "new mount API"},
      {"setns", "joining other namespaces"},
      {"unshare", "new namespaces, a common first step of kernel exploits"},
      {"clone3",
       "its flags are out of the filter's reach; refused with ENOSYS, so libc falls back to clone"},
      {"kexec_load", "replacing the kernel"},
      {"kexec_file_load", "replacing the kernel"},
      {"init_module", "loading kernel code"},
      {"finit_module", "loading kernel code"},
      {"delete_module", "unloading kernel code"},
      {"bpf", "kernel programs, a frequent exploit vector"},
      {"perf_event_open", "side channels and a frequent exploit vector"},
      {"keyctl", "the kernel keyring, shared beyond the sandbox"},
      {"add_key", "the kernel keyring"},
      {"request_key", "the kernel keyring"},
      {"userfaultfd", "stalling the kernel mid-copy, an exploit primitive"},
      {"open_by_handle_at", "opening files outside the mount namespace"},
      {"name_to_handle_at", "preparing open_by_handle_at"},
      {"reboot", "rebooting"},
      {"swapon", "changing swap"},
      {"swapoff", "changing swap"},
      {"acct", "process accounting"},
      {"quotactl", "disk quotas"},
      {"syslog", "reading the kernel log"},
      {"iopl", "raw port I/O"},
      {"ioperm", "raw port I/O"},
      {"settimeofday", "changing the clock"},
      {"clock_settime", "changing the clock"},
      {"clock_adjtime", "changing the clock"},
      {"adjtimex", "changing the clock"},
      {"sethostname", "the hostname is the sandbox's"},
      {"setdomainname", "the domain name is the sandbox's"},
      {"io_uring_setup", "a large kernel attack surface"},
      {"io_uring_enter", "a large kernel attack surface"},
      {"io_uring_register", "a large kernel attack surface"},
      {"fanotify_init", "watching file access"},
      {"lookup_dcookie", "kernel profiling"},
      {"vhangup", "terminal control"},
  };
  return kDenied;
}

namespace {

base::Error Failed(std::string message) {
  return base::MakeError(base::ErrorCode::kInternal, std::move(message));
}

// Every rule of the filter, into `ctx`; the error names the rule that failed.
base::Status AddRules(scmp_filter_ctx ctx) {
  for (const DeniedSyscall& denied : DeniedSyscalls()) {
    const std::string name(denied.name);
    const int number = seccomp_syscall_resolve_name(name.c_str());
    if (number == __NR_SCMP_ERROR) continue;  // not on this architecture
    // clone3 must look absent (ENOSYS), or libc would not fall back to clone.
    const int errno_value = name == "clone3" ? ENOSYS : EPERM;
    if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(errno_value), number, 0) != 0) {
      return Failed("seccomp rule for " + name + " failed");
    }
  }
  // Newer than libseccomp 2.5.4, so unknown to it by name, yet allowed by
  // default: refused by number (x86-64).
#if defined(__x86_64__)
  for (int number : {457 /* statmount */, 458 /* listmount */, 467 /* open_tree_attr */}) {
    if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), number, 0) != 0) {
      return Failed("seccomp rule for syscall " + std::to_string(number) + " failed");
    }
  }
#endif
  // clone with any namespace flag: one rule per flag (rules are OR'ed).
  constexpr unsigned long kNamespaceFlags[] = {CLONE_NEWNS,    CLONE_NEWUTS, CLONE_NEWIPC,
                                               CLONE_NEWUSER,  CLONE_NEWPID, CLONE_NEWNET,
                                               CLONE_NEWCGROUP};
  for (unsigned long flag : kNamespaceFlags) {
    if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                         SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag)) != 0) {
      return Failed("seccomp rule for clone failed");
    }
  }
  return base::Ok();
}

}  // namespace

base::Expected<std::vector<sock_filter>> BuildSeccompProgram() {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (ctx == nullptr) return Failed("seccomp_init failed");
  base::Status rules = AddRules(ctx);
  base::Expected<std::vector<sock_filter>> program =
      rules.ok() ? ExportBpf(ctx) : base::Expected<std::vector<sock_filter>>(rules.error());
  seccomp_release(ctx);
  return program;
}

base::Expected<std::vector<sock_filter>> ExportBpf(scmp_filter_ctx ctx) {
  std::vector<sock_filter> program;
  const int fd = memfd_create("seccomp", MFD_CLOEXEC);
  if (fd < 0) return base::ErrnoError(errno, "memfd_create");
  if (seccomp_export_bpf(ctx, fd) == 0) {
    const off_t size = lseek(fd, 0, SEEK_END);
    program.resize(static_cast<std::size_t>(size) / sizeof(sock_filter));
    if (pread(fd, program.data(), program.size() * sizeof(sock_filter), 0) != size) {
      program.clear();
    }
  }
  close(fd);
  if (program.empty()) return Failed("exporting a seccomp filter failed");
  return program;
}

}  // namespace sandbox

#include "reference_server/sandbox/helper_filter.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <utility>

#include "base/system_error.h"
#include "reference_server/sandbox/seccomp_filter.h"

namespace sandbox {
namespace {

// Adds rules to a filter, and remembers whether libseccomp took them all.
class Rules {
 public:
  explicit Rules(scmp_filter_ctx ctx) : ctx_(ctx) {}

  void Add(std::uint32_t action, int number, std::vector<scmp_arg_cmp> compare = {}) {
    ok_ = ok_ && seccomp_rule_add_array(ctx_, action, number, static_cast<unsigned>(compare.size()),
                                        compare.empty() ? nullptr : compare.data()) == 0;
  }
  bool ok() const { return ok_; }

 private:
  scmp_filter_ctx ctx_;
  bool ok_ = true;
};

constexpr std::uint32_t kRefuse = SCMP_ACT_ERRNO(EPERM);

// What the supervisor judges: sends to an address, and signals.
void AddJudged(Rules& rules) {
  for (int number :
       {SCMP_SYS(connect), SCMP_SYS(sendmsg), SCMP_SYS(sendmmsg), SCMP_SYS(kill), SCMP_SYS(tkill),
        SCMP_SYS(tgkill), SCMP_SYS(rt_sigqueueinfo), SCMP_SYS(rt_tgsigqueueinfo)}) {
    rules.Add(SCMP_ACT_NOTIFY, number);
  }
  // send() is sendto() without an address: the socket's destination was
  // judged at connect().
  rules.Add(SCMP_ACT_NOTIFY, SCMP_SYS(sendto), {SCMP_A4(SCMP_CMP_NE, 0)});
}

// The helper is uid 0 without capabilities. These would let it reach
// other root processes (the server among them) or the kernel's bigger
// surfaces, and slirp4netns uses none of them.
void AddProcessRefusals(Rules& rules) {
  for (int number : {SCMP_SYS(pidfd_open), SCMP_SYS(pidfd_send_signal), SCMP_SYS(pidfd_getfd),
                     SCMP_SYS(ptrace), SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev),
                     SCMP_SYS(process_madvise), SCMP_SYS(kcmp), SCMP_SYS(io_uring_setup),
                     SCMP_SYS(io_uring_enter), SCMP_SYS(io_uring_register), SCMP_SYS(bpf),
                     SCMP_SYS(perf_event_open), SCMP_SYS(userfaultfd)}) {
    rules.Add(kRefuse, number);
  }
  // Same-uid calls on another process: limits, priorities, CPUs, I/O
  // priority, memory placement. Its own (pid 0) stay allowed.
  for (int number : {SCMP_SYS(prlimit64), SCMP_SYS(sched_setaffinity), SCMP_SYS(sched_setscheduler),
                     SCMP_SYS(sched_setparam), SCMP_SYS(sched_setattr), SCMP_SYS(migrate_pages),
                     SCMP_SYS(move_pages)}) {
    rules.Add(kRefuse, number, {SCMP_A0(SCMP_CMP_NE, 0)});
  }
  rules.Add(kRefuse, SCMP_SYS(setpriority), {SCMP_A1(SCMP_CMP_NE, 0)});
  rules.Add(kRefuse, SCMP_SYS(ioprio_set), {SCMP_A1(SCMP_CMP_NE, 0)});
  // SIGIO to a chosen process is a signal too.
  for (int command : {F_SETOWN, F_SETOWN_EX, F_SETSIG}) {
    rules.Add(kRefuse, SCMP_SYS(fcntl), {SCMP_A1(SCMP_CMP_EQ, static_cast<scmp_datum_t>(command))});
  }
  for (unsigned long request :
       {static_cast<unsigned long>(FIOSETOWN), static_cast<unsigned long>(SIOCSPGRP)}) {
    rules.Add(kRefuse, SCMP_SYS(ioctl), {SCMP_A1(SCMP_CMP_EQ, request)});
  }
}

// Ways to put a packet on the wire to an address connect() did not name:
// source routing makes the first hop the destination; SCTP and MPTCP
// connect to further addresses by themselves; DCCP and packet sockets are
// not slirp4netns's. Families other than unix, IPv4, IPv6 and netlink are
// refused whole.
void AddSocketRefusals(Rules& rules) {
  rules.Add(kRefuse, SCMP_SYS(setsockopt),
            {SCMP_A1(SCMP_CMP_EQ, IPPROTO_IP), SCMP_A2(SCMP_CMP_EQ, IP_OPTIONS)});
  for (int option : {IPV6_RTHDR, IPV6_2292RTHDR, IPV6_2292PKTOPTIONS}) {
    rules.Add(kRefuse, SCMP_SYS(setsockopt),
              {SCMP_A1(SCMP_CMP_EQ, IPPROTO_IPV6),
               SCMP_A2(SCMP_CMP_EQ, static_cast<scmp_datum_t>(option))});
  }
  for (int protocol : {IPPROTO_SCTP, IPPROTO_MPTCP}) {
    rules.Add(kRefuse, SCMP_SYS(socket),
              {SCMP_A2(SCMP_CMP_EQ, static_cast<scmp_datum_t>(protocol))});
  }
  for (int type : {SOCK_DCCP, SOCK_PACKET}) {
    rules.Add(kRefuse, SCMP_SYS(socket),
              {SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, static_cast<scmp_datum_t>(type))});
  }
  rules.Add(kRefuse, SCMP_SYS(socket), {SCMP_A0(SCMP_CMP_GT, AF_NETLINK)});
  for (int family = 0; family < AF_NETLINK; ++family) {
    if (family == AF_UNIX || family == AF_INET || family == AF_INET6) continue;
    rules.Add(kRefuse, SCMP_SYS(socket), {SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(family))});
  }
}

}  // namespace

base::Expected<std::vector<sock_filter>> BuildHelperFilter() {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (ctx == nullptr) {
    return base::MakeError(base::ErrorCode::kFailedPrecondition, "seccomp_init failed");
  }
  Rules rules(ctx);
  AddJudged(rules);
  AddProcessRefusals(rules);
  AddSocketRefusals(rules);
  base::Expected<std::vector<sock_filter>> program =
      rules.ok() ? ExportBpf(ctx)
                 : base::MakeError(base::ErrorCode::kFailedPrecondition,
                                   "building the network helper's seccomp filter failed");
  seccomp_release(ctx);
  if (program.ok()) return program;
  // Whatever failed inside, the host cannot give the helper its filter.
  base::Error error = std::move(program).error();
  error.code = base::ErrorCode::kFailedPrecondition;
  return error;
}

base::Expected<std::vector<sock_filter>> PrepareNetworkHelper(const HelperSettings& settings) {
  if (access(settings.binary.c_str(), X_OK) != 0) {
    base::Error error = base::ErrnoError(errno, settings.binary);
    error.message += " (Debian's slirp4netns; tools/setup installs it)";
    return error;
  }
  return BuildHelperFilter();
}

}  // namespace sandbox

#include "reference_server/sandbox/egress_supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <seccomp.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace sandbox {
namespace {

// The most a datagram can carry, with room for TCP Fast Open data.
constexpr std::size_t kMaxSendBytes = 256 * 1024;
constexpr std::size_t kKeptRefusals = 8;

std::vector<sock_filter> Export(scmp_filter_ctx ctx, std::string& error) {
  std::vector<sock_filter> program;
  const int fd = memfd_create("helper-seccomp", MFD_CLOEXEC);
  if (fd < 0) {
    error = std::string("memfd_create: ") + strerror(errno);
    return program;
  }
  if (seccomp_export_bpf(ctx, fd) == 0) {
    const off_t size = lseek(fd, 0, SEEK_END);
    program.resize(static_cast<std::size_t>(size) / sizeof(sock_filter));
    if (pread(fd, program.data(), program.size() * sizeof(sock_filter), 0) != size) {
      program.clear();
    }
  }
  close(fd);
  if (program.empty()) error = "exporting the network helper's seccomp filter failed";
  return program;
}

bool ReadMemory(pid_t pid, std::uint64_t address, void* out, std::size_t length) {
  if (length == 0) return true;
  iovec local{out, length};
  iovec remote{reinterpret_cast<void*>(address), length};
  return process_vm_readv(pid, &local, 1, &remote, 1, 0) == static_cast<ssize_t>(length);
}

pid_t ParentOf(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("PPid:")) return static_cast<pid_t>(std::atoi(line.c_str() + 5));
  }
  return -1;
}

pid_t ThreadGroupOf(pid_t tid) {
  std::ifstream status("/proc/" + std::to_string(tid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("Tgid:")) return static_cast<pid_t>(std::atoi(line.c_str() + 5));
  }
  return -1;
}

std::string SyscallName(int number) {
  char* name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, number);
  std::string text = name != nullptr ? name : "syscall " + std::to_string(number);
  free(name);
  return text;
}

}  // namespace

std::vector<sock_filter> BuildHelperFilter(std::string& error) {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (ctx == nullptr) {
    error = "seccomp_init failed";
    return {};
  }
  bool ok = true;
  const auto add = [&](std::uint32_t action, int number, unsigned count,
                       const scmp_arg_cmp* compare = nullptr) {
    ok = ok && seccomp_rule_add_array(ctx, action, number, count, compare) == 0;
  };
  for (int number : {SCMP_SYS(connect), SCMP_SYS(sendmsg), SCMP_SYS(sendmmsg), SCMP_SYS(kill),
                     SCMP_SYS(tkill), SCMP_SYS(tgkill), SCMP_SYS(rt_sigqueueinfo),
                     SCMP_SYS(rt_tgsigqueueinfo)}) {
    add(SCMP_ACT_NOTIFY, number, 0);
  }
  // send() is sendto() without an address: the socket's destination was
  // judged at connect().
  const scmp_arg_cmp has_address = SCMP_A4(SCMP_CMP_NE, 0);
  add(SCMP_ACT_NOTIFY, SCMP_SYS(sendto), 1, &has_address);
  // The helper is uid 0 without capabilities: these would let it reach
  // other root processes (the server among them) or the kernel's bigger
  // surfaces, and slirp4netns uses none of them.
  for (int number : {SCMP_SYS(pidfd_open), SCMP_SYS(pidfd_send_signal), SCMP_SYS(pidfd_getfd),
                     SCMP_SYS(ptrace), SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev),
                     SCMP_SYS(process_madvise), SCMP_SYS(kcmp), SCMP_SYS(io_uring_setup),
                     SCMP_SYS(io_uring_enter), SCMP_SYS(io_uring_register), SCMP_SYS(bpf),
                     SCMP_SYS(perf_event_open), SCMP_SYS(userfaultfd)}) {
    add(SCMP_ACT_ERRNO(EPERM), number, 0);
  }
  // SIGIO to a chosen process is a signal too.
  for (int command : {F_SETOWN, F_SETOWN_EX, F_SETSIG}) {
    const scmp_arg_cmp is_command = SCMP_A1(SCMP_CMP_EQ, static_cast<scmp_datum_t>(command));
    add(SCMP_ACT_ERRNO(EPERM), SCMP_SYS(fcntl), 1, &is_command);
  }
  for (unsigned long request : {static_cast<unsigned long>(FIOSETOWN),
                                static_cast<unsigned long>(SIOCSPGRP)}) {
    const scmp_arg_cmp is_request = SCMP_A1(SCMP_CMP_EQ, request);
    add(SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1, &is_request);
  }
  std::vector<sock_filter> program;
  if (!ok) {
    error = "building the network helper's seccomp filter failed";
  } else {
    program = Export(ctx, error);
  }
  seccomp_release(ctx);
  return program;
}

EgressRules CurrentEgressRules() {
  EgressRules rules;
  ifaddrs* addresses = nullptr;
  if (getifaddrs(&addresses) == 0) {
    for (const ifaddrs* entry = addresses; entry != nullptr; entry = entry->ifa_next) {
      if (entry->ifa_addr == nullptr) continue;
      const std::size_t length = entry->ifa_addr->sa_family == AF_INET6 ? sizeof(sockaddr_in6)
                                                                        : sizeof(sockaddr_in);
      const auto address = EndpointFromSockaddr(entry->ifa_addr, length);
      if (!address) continue;
      HostNetwork network{*address, address->family == AF_INET ? 32 : 128};
      if (entry->ifa_netmask != nullptr) {
        if (const auto mask = EndpointFromSockaddr(entry->ifa_netmask, length)) {
          network.prefix_length = PrefixLength(*mask);
        }
      }
      rules.host_networks.push_back(network);
    }
    freeifaddrs(addresses);
  }
  std::ifstream resolv_conf("/etc/resolv.conf");
  std::ostringstream text;
  text << resolv_conf.rdbuf();
  rules.resolvers = ParseResolvers(text.str());
  return rules;
}

EgressSupervisor::EgressSupervisor(int listener, int helper_pidfd, pid_t helper,
                                   RulesSource rules)
    : listener_(listener), pidfd_(helper_pidfd), helper_(helper), rules_(std::move(rules)) {
  stop_ = eventfd(0, EFD_CLOEXEC);
  thread_ = std::thread([this] { Serve(); });
}

EgressSupervisor::~EgressSupervisor() {
  const std::uint64_t one = 1;
  if (write(stop_, &one, sizeof one) != sizeof one) {
    // eventfd writes of 1 cannot fail short of a counter overflow.
  }
  thread_.join();
  close(stop_);
  close(listener_);
  close(pidfd_);
}

std::vector<std::string> EgressSupervisor::refused() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

void EgressSupervisor::Refuse(std::string why) {
  refusals_.fetch_add(1);
  std::lock_guard lock(mutex_);
  if (refused_.size() < kKeptRefusals) refused_.push_back(std::move(why));
}

void EgressSupervisor::Serve() {
  seccomp_notif_sizes sizes{};
  if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0) return;
  // The kernel may know larger structures than these headers.
  std::vector<char> notif_buffer(std::max<std::size_t>(sizes.seccomp_notif, sizeof(seccomp_notif)));
  std::vector<char> resp_buffer(
      std::max<std::size_t>(sizes.seccomp_notif_resp, sizeof(seccomp_notif_resp)));
  auto* notif = reinterpret_cast<seccomp_notif*>(notif_buffer.data());
  auto* resp = reinterpret_cast<seccomp_notif_resp*>(resp_buffer.data());

  const auto in_family = [this](pid_t pid) {
    return pid == helper_ || (pid > 0 && ParentOf(pid) == helper_);
  };
  // Judges one notification; fills *resp.
  const auto judge = [&]() {
    resp->id = notif->id;
    resp->val = 0;
    resp->error = 0;
    resp->flags = 0;
    const int nr = notif->data.nr;
    const auto& args = notif->data.args;
    const auto cont = [&] { resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE; };
    const auto refuse = [&](int error, const std::string& why) {
      resp->error = -error;
      Refuse(SyscallName(nr) + ": " + why);
    };
    // Signals: arguments are registers, so the check cannot be raced.
    if (nr == SCMP_SYS(kill)) {
      const auto pid = static_cast<pid_t>(args[0]);
      if (pid == 0 || pid == -helper_ || in_family(pid)) return cont();
      return refuse(EPERM, "signal to pid " + std::to_string(pid));
    }
    if (nr == SCMP_SYS(tkill)) {
      const auto tid = static_cast<pid_t>(args[0]);
      if (in_family(ThreadGroupOf(tid))) return cont();
      return refuse(EPERM, "signal to thread " + std::to_string(tid));
    }
    if (nr == SCMP_SYS(tgkill) || nr == SCMP_SYS(rt_sigqueueinfo) ||
        nr == SCMP_SYS(rt_tgsigqueueinfo)) {
      const auto pid = static_cast<pid_t>(args[0]);
      if (in_family(pid)) return cont();
      return refuse(EPERM, "signal to pid " + std::to_string(pid));
    }
    if (!setup_done_.load()) return cont();
    if (nr == SCMP_SYS(sendmsg) || nr == SCMP_SYS(sendmmsg)) {
      return refuse(EACCES, "not used by the helper once its interface is up");
    }
    const bool is_connect = nr == SCMP_SYS(connect);
    if (!is_connect && nr != SCMP_SYS(sendto)) return cont();  // the filter sends no other
    const std::uint64_t address_pointer = is_connect ? args[1] : args[4];
    const std::uint64_t address_length = is_connect ? args[2] : args[5];
    sockaddr_storage address{};
    if (address_length > sizeof address) return refuse(EINVAL, "address too long");
    if (!ReadMemory(notif->pid, address_pointer, &address, address_length)) {
      return refuse(EFAULT, "unreadable address");
    }
    std::vector<char> payload;
    if (!is_connect) {
      if (args[2] > kMaxSendBytes) return refuse(EMSGSIZE, "datagram too large");
      payload.resize(args[2]);
      if (!ReadMemory(notif->pid, args[1], payload.data(), payload.size())) {
        return refuse(EFAULT, "unreadable data");
      }
    }
    // The reads above were of the process the notification named.
    if (ioctl(listener_, SECCOMP_IOCTL_NOTIF_ID_VALID, &notif->id) != 0) return;
    const bool disconnect = is_connect && address.ss_family == AF_UNSPEC;
    if (!disconnect) {
      const auto to = EndpointFromSockaddr(&address, address_length);
      if (!to) {
        return refuse(EACCES, "address family " + std::to_string(address.ss_family) +
                                  " is not routed");
      }
      if (const auto why = RefusalReason(*to, rules_())) {
        return refuse(EACCES, ToString(*to) + ": " + *why);
      }
    }
    const int fd = static_cast<int>(syscall(SYS_pidfd_getfd, pidfd_, static_cast<int>(args[0]), 0));
    if (fd < 0) return refuse(EBADF, std::string("pidfd_getfd: ") + strerror(errno));
    int type = 0;
    socklen_t type_length = sizeof type;
    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &type_length);
    // A blocking connect would hold this thread; slirp4netns's are not.
    if (is_connect && type == SOCK_STREAM && (fcntl(fd, F_GETFL) & O_NONBLOCK) == 0) {
      close(fd);
      return refuse(EACCES, "blocking connect");
    }
    const auto* target = reinterpret_cast<const sockaddr*>(&address);
    const auto target_length = static_cast<socklen_t>(address_length);
    const ssize_t result =
        is_connect ? connect(fd, target, target_length)
                   : sendto(fd, payload.data(), payload.size(),
                            static_cast<int>(args[3]) | MSG_DONTWAIT | MSG_NOSIGNAL, target,
                            target_length);
    resp->val = result < 0 ? -1 : result;
    resp->error = result < 0 ? -errno : 0;
    close(fd);
  };

  pollfd fds[2] = {{listener_, POLLIN, 0}, {stop_, POLLIN, 0}};
  for (;;) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)) return;  // the helper is gone
    if ((fds[0].revents & POLLIN) == 0) continue;
    memset(notif, 0, notif_buffer.size());
    if (ioctl(listener_, SECCOMP_IOCTL_NOTIF_RECV, notif) != 0) continue;
    memset(resp, 0, resp_buffer.size());
    judge();
    // ENOENT: the caller died or was interrupted meanwhile; nothing to answer.
    ioctl(listener_, SECCOMP_IOCTL_NOTIF_SEND, resp);
  }
}

}  // namespace sandbox

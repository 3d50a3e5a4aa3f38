#include "reference_server/sandbox/egress_supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/kcmp.h>
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
#include <set>
#include <sstream>
#include <string_view>

#include "reference_server/sandbox/seccomp_filter.h"

namespace sandbox {
namespace {

// The most a datagram can carry, with room for TCP Fast Open data.
constexpr std::size_t kMaxSendBytes = 256 * 1024;
constexpr std::size_t kKeptRefusals = 8;
// What the supervisor passes on of a sendto's flags. MSG_ZEROCOPY above all
// must not pass: the kernel would send from the supervisor's own pages,
// reused by the server once sendto returns.
constexpr int kSendFlags = MSG_DONTWAIT | MSG_MORE | MSG_FASTOPEN | MSG_OOB | MSG_EOR |
                           MSG_CONFIRM | MSG_NOSIGNAL | MSG_DONTROUTE;
// A connect or send never holds the supervisor longer, whatever the helper
// does to its socket meanwhile.
constexpr timeval kSocketTimeout{1, 0};
// The host's addresses and resolvers are read again after this long.
constexpr auto kRulesLifetime = std::chrono::seconds(1);

bool ReadMemory(pid_t pid, std::uint64_t address, void* out, std::size_t length) {
  if (length == 0) return true;
  iovec local{out, length};
  iovec remote{reinterpret_cast<void*>(address), length};
  return process_vm_readv(pid, &local, 1, &remote, 1, 0) == static_cast<ssize_t>(length);
}

// A number field of /proc/PID/status ("PPid", "Tgid"), or -1.
pid_t StatusField(pid_t pid, std::string_view key) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.size() > key.size() && line.starts_with(key) && line[key.size()] == ':') {
      return static_cast<pid_t>(std::atoi(line.c_str() + key.size() + 1));
    }
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

EgressRules CurrentEgressRules() {
  EgressRules rules;
  ifaddrs* addresses = nullptr;
  if (getifaddrs(&addresses) == 0) {
    for (const ifaddrs* entry = addresses; entry != nullptr; entry = entry->ifa_next) {
      if (entry->ifa_addr == nullptr) continue;
      const std::size_t length =
          entry->ifa_addr->sa_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
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

EgressSupervisor::EgressSupervisor(int listener, int helper_pidfd, pid_t helper, RulesSource rules)
    : listener_(listener), pidfd_(helper_pidfd), helper_(helper), rules_source_(std::move(rules)) {
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
  std::lock_guard lock(mutex_);
  if (refused_.size() < kKeptRefusals) refused_.push_back(std::move(why));
}

const EgressRules& EgressSupervisor::Rules() {
  const auto now = std::chrono::steady_clock::now();
  if (!rules_read_ || now - *rules_read_ > kRulesLifetime) {
    rules_ = rules_source_();
    rules_read_ = now;
  }
  return rules_;
}

// Signals: the arguments are registers, so the checks cannot be raced, and
// a pid that is not the helper's own is pinned with a pidfd before it is
// judged, so a reused pid cannot slip through.
void EgressSupervisor::JudgeSignal(const seccomp_notif& notif, seccomp_notif_resp& resp) {
  const int nr = notif.data.nr;
  const auto target = static_cast<pid_t>(notif.data.args[0]);
  const auto pass = [&] { resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE; };
  if (nr == SCMP_SYS(tkill)) {
    if (target == static_cast<pid_t>(notif.pid)) return pass();  // raise(): the calling thread
  } else if (nr != SCMP_SYS(kill)) {
    // tgkill and rt_tgsigqueueinfo reach only threads of the group named,
    // rt_sigqueueinfo only that process.
    if (target == helper_) return pass();
  } else if (target == 0 || target == helper_ || target == -helper_) {
    return pass();  // itself, or its own process group (it leads its session)
  } else if (target > 0) {
    // One of its children (the interface's configurator): sent by the
    // supervisor itself, through a pidfd.
    const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, target, 0));
    if (pidfd >= 0) {
      const bool child = StatusField(target, "PPid") == helper_ &&
                         syscall(SYS_pidfd_send_signal, pidfd, 0, nullptr, 0) == 0;
      const int sent =
          child ? static_cast<int>(syscall(SYS_pidfd_send_signal, pidfd,
                                           static_cast<int>(notif.data.args[1]), nullptr, 0))
                : -1;
      const int error = errno;
      close(pidfd);
      if (child) {
        resp.error = sent == 0 ? 0 : -error;
        return;
      }
    }
  }
  resp.error = -EPERM;
  Refuse(SyscallName(nr) + ": signal to pid " + std::to_string(target));
}

void EgressSupervisor::JudgeSend(const seccomp_notif& notif, seccomp_notif_resp& resp) {
  const int nr = notif.data.nr;
  const auto& args = notif.data.args;
  const auto refuse = [&](int error, const std::string& why) {
    resp.error = -error;
    Refuse(SyscallName(nr) + ": " + why);
  };
  if (nr == SCMP_SYS(sendmsg) || nr == SCMP_SYS(sendmmsg)) {
    return refuse(EACCES, "not used by the helper once its interface is up");
  }
  const bool is_connect = nr == SCMP_SYS(connect);
  // The descriptor is looked up in the helper's table: the caller must share it.
  if (static_cast<pid_t>(notif.pid) != helper_ &&
      syscall(SYS_kcmp, helper_, notif.pid, KCMP_FILES, 0, 0) != 0) {
    return refuse(EACCES, "the caller does not share the helper's descriptors");
  }
  const std::uint64_t address_pointer = is_connect ? args[1] : args[4];
  const std::uint64_t address_length = is_connect ? args[2] : args[5];
  sockaddr_storage address{};
  if (address_length > sizeof address) return refuse(EINVAL, "address too long");
  if (!ReadMemory(notif.pid, address_pointer, &address, address_length)) {
    return refuse(EFAULT, "unreadable address");
  }
  std::vector<char> payload;
  int flags = 0;
  if (!is_connect) {
    flags = static_cast<int>(args[3]);
    if ((flags & ~kSendFlags) != 0) return refuse(EINVAL, "send flags beyond the allowed ones");
    if (args[2] > kMaxSendBytes) return refuse(EMSGSIZE, "datagram too large");
    payload.resize(args[2]);
    if (!ReadMemory(notif.pid, args[1], payload.data(), payload.size())) {
      return refuse(EFAULT, "unreadable data");
    }
  }
  // The reads above were of the process the notification named.
  if (ioctl(listener_, SECCOMP_IOCTL_NOTIF_ID_VALID, &notif.id) != 0) {
    resp.error = -ESRCH;
    return;
  }
  const bool disconnect = is_connect && address.ss_family == AF_UNSPEC;
  if (!disconnect) {
    const auto to = EndpointFromSockaddr(&address, address_length);
    if (!to) {
      return refuse(EACCES,
                    "address family " + std::to_string(address.ss_family) + " is not routed");
    }
    if (const auto why = RefusalReason(*to, Rules())) {
      return refuse(EACCES, ToString(*to) + ": " + *why);
    }
  }
  const int fd = static_cast<int>(syscall(SYS_pidfd_getfd, pidfd_, static_cast<int>(args[0]), 0));
  if (fd < 0) return refuse(EBADF, std::string("pidfd_getfd: ") + strerror(errno));
  int type = 0;
  socklen_t type_length = sizeof type;
  getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &type_length);
  // slirp4netns's sockets are non-blocking; a blocking connect would hold
  // this thread (and the timeout below bounds one that turns blocking).
  if (is_connect && type == SOCK_STREAM && (fcntl(fd, F_GETFL) & O_NONBLOCK) == 0) {
    close(fd);
    return refuse(EACCES, "blocking connect");
  }
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &kSocketTimeout, sizeof kSocketTimeout);
  const auto* target = reinterpret_cast<const sockaddr*>(&address);
  const auto target_length = static_cast<socklen_t>(address_length);
  const ssize_t result = is_connect
                             ? connect(fd, target, target_length)
                             : sendto(fd, payload.data(), payload.size(),
                                      flags | MSG_DONTWAIT | MSG_NOSIGNAL, target, target_length);
  resp.val = result < 0 ? -1 : result;
  resp.error = result < 0 ? -errno : 0;
  close(fd);
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
  const std::set<int> signals = {SCMP_SYS(kill), SCMP_SYS(tkill), SCMP_SYS(tgkill),
                                 SCMP_SYS(rt_sigqueueinfo), SCMP_SYS(rt_tgsigqueueinfo)};
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
    resp->id = notif->id;
    if (signals.count(notif->data.nr) != 0) {
      JudgeSignal(*notif, *resp);
    } else if (!setup_done_.load()) {
      resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    } else {
      JudgeSend(*notif, *resp);
    }
    // ENOENT: the caller died or was interrupted meanwhile; nothing to answer.
    ioctl(listener_, SECCOMP_IOCTL_NOTIF_SEND, resp);
  }
}

}  // namespace sandbox

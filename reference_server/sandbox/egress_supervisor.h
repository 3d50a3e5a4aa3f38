#ifndef REFERENCE_SERVER_SANDBOX_EGRESS_SUPERVISOR_H_
#define REFERENCE_SERVER_SANDBOX_EGRESS_SUPERVISOR_H_

#include <linux/seccomp.h>
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "reference_server/sandbox/egress_policy.h"

namespace sandbox {

// The addresses of this host's interfaces (in the calling thread's network
// namespace) and the nameservers of its /etc/resolv.conf, read now.
EgressRules CurrentEgressRules();

// Judges the system calls the helper's filter hands over, on a thread of
// its own, so that the program's packets reach only what the egress policy
// allows. A destination allowed is reached by the supervisor itself, on a
// copy of the helper's socket (pidfd_getfd) and a copy of the address: a
// compromised helper cannot change the address between the check and the
// use. Until EndSetup(), connect, sendto and sendmsg pass unjudged: the
// helper has not yet seen a packet of the run, and configures its
// interface with them. Signals are judged from the start.
class EgressSupervisor {
 public:
  using RulesSource = std::function<EgressRules()>;
  // Takes ownership of `listener` (the filter's notification descriptor)
  // and `helper_pidfd`.
  EgressSupervisor(int listener, int helper_pidfd, pid_t helper, RulesSource rules);
  ~EgressSupervisor();  // stops the thread
  EgressSupervisor(const EgressSupervisor&) = delete;
  EgressSupervisor& operator=(const EgressSupervisor&) = delete;

  void EndSetup() { setup_done_.store(true); }
  // The first refusals' reasons (a few), e.g. "connect to 10.9.9.9:80: ...".
  std::vector<std::string> refused() const;

 private:
  void Serve();
  void JudgeSignal(const seccomp_notif& notif, seccomp_notif_resp& resp);
  void JudgeSend(const seccomp_notif& notif, seccomp_notif_resp& resp);
  // The host's addresses and resolvers, read at most once a second: a
  // datagram flood must not become a netlink dump per datagram.
  const EgressRules& Rules();
  void Refuse(std::string why);

  int listener_;
  int pidfd_;
  pid_t helper_;
  RulesSource rules_source_;
  EgressRules rules_;  // the supervisor thread's only
  std::optional<std::chrono::steady_clock::time_point> rules_read_;
  int stop_ = -1;  // eventfd
  std::atomic<bool> setup_done_{false};
  mutable std::mutex mutex_;
  std::vector<std::string> refused_;
  std::thread thread_;
};

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_EGRESS_SUPERVISOR_H_

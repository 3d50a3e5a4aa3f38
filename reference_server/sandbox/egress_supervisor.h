#ifndef REFERENCE_SERVER_SANDBOX_EGRESS_SUPERVISOR_H_
#define REFERENCE_SERVER_SANDBOX_EGRESS_SUPERVISOR_H_

#include <linux/filter.h>
#include <sys/types.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "reference_server/sandbox/egress_policy.h"

namespace sandbox {

// The seccomp filter the network helper runs under (BPF, built once):
// every connect, sendto with an address, sendmsg and sendmmsg, and every
// signal sent, stops in the kernel until an EgressSupervisor has judged it;
// pidfds, ptrace, process_vm_*, io_uring and F_SETOWN are refused outright.
// Empty on failure, with `error` set.
std::vector<sock_filter> BuildHelperFilter(std::string& error);

// The addresses of this host's interfaces (in the calling thread's network
// namespace) and the nameservers of its /etc/resolv.conf, read now.
EgressRules CurrentEgressRules();

// Judges the system calls the helper's filter hands over, on a thread of
// its own, so that the program's packets reach only what the egress policy
// allows. A destination allowed is reached by the supervisor itself, on a
// copy of the helper's socket (pidfd_getfd) and a copy of the address: a
// compromised helper cannot change the address between the check and the
// use. Until EndSetup(), calls pass unjudged: the helper has not yet seen
// a packet of the run, and configures its interface with them.
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
  int refusals() const { return refusals_.load(); }
  // The first refusals' reasons (a few), e.g. "connect to 10.9.9.9:80: ...".
  std::vector<std::string> refused() const;

 private:
  void Serve();
  void Refuse(std::string why);

  int listener_;
  int pidfd_;
  pid_t helper_;
  RulesSource rules_;
  int stop_ = -1;  // eventfd
  std::atomic<bool> setup_done_{false};
  std::atomic<int> refusals_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> refused_;
  std::thread thread_;
};

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_EGRESS_SUPERVISOR_H_

#ifndef REFERENCE_SERVER_SANDBOX_NETWORK_HELPER_H_
#define REFERENCE_SERVER_SANDBOX_NETWORK_HELPER_H_

#include <linux/filter.h>
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "base/expected.h"
#include "reference_server/sandbox/cgroup.h"
#include "reference_server/sandbox/disposer.h"
#include "reference_server/sandbox/egress_supervisor.h"
#include "reference_server/sandbox/policy.h"

namespace sandbox {

// One run's user-mode network stack: slirp4netns attached to the network
// namespace of the run's init, in a session and cgroup of its own, under
// the helper filter with an EgressSupervisor judging its traffic. Started
// before the program, stopped (killed and reaped) with the run; it also
// exits by itself when the server dies (its exit descriptor closes, and
// its parent-death signal is SIGKILL).
class NetworkHelper {
 public:
  NetworkHelper() = default;
  ~NetworkHelper() { Stop(); }
  NetworkHelper(const NetworkHelper&) = delete;
  NetworkHelper& operator=(const NetworkHelper&) = delete;

  // Starts the helper for `target`'s network namespace and waits until its
  // interface is up; on failure the helper is gone, and the error says why
  // (kDeadlineExceeded: never up in time; kUnavailable: it exited or did
  // not start), with the helper's first words on stderr.
  base::Status Start(const HelperSettings& settings, const std::vector<sock_filter>& filter,
                     pid_t target, const CgroupHost& cgroups, const std::string& cgroup_name);
  // Kills the helper and its process group at once; Stop() still reaps.
  void Kill();
  // Kills the helper and its process group, reaps it, removes its cgroup.
  // Reaping can take tens of milliseconds: the kernel unregisters the
  // run's interface as the helper's descriptors close.
  void Stop();

  pid_t pid() const { return pid_; }
  const EgressSupervisor* supervisor() const { return supervisor_.get(); }

 private:
  using Deadline = std::chrono::steady_clock::time_point;
  struct Descriptors;  // network_helper.cc

  // The phases of Start: fork the helper under its filter; take its
  // filter's listener and put it in its cgroup under a supervisor; let it
  // exec and wait for its interface.
  base::Status Spawn(const HelperSettings& settings, const std::vector<sock_filter>& filter,
                     pid_t target, bool memory_cgroup, Descriptors& fds);
  base::Status Attach(const Descriptors& fds, Deadline deadline, const HelperSettings& settings,
                      const CgroupHost& cgroups, const std::string& cgroup_name);
  base::Status AwaitReady(Descriptors& fds, Deadline deadline, const HelperSettings& settings);
  // Stops the helper; `error` with what the helper said.
  base::Error Fail(base::Error error);
  base::Error Fail(base::ErrorCode code, std::string why);
  std::string HelperOutput() const;

  pid_t pid_ = -1;
  int exit_write_ = -1;  // slirp4netns exits when this closes
  int log_ = -1;         // its stderr (a memfd: writes never block)
  std::unique_ptr<RunCgroup> cgroup_;
  std::unique_ptr<EgressSupervisor> supervisor_;
};

// Reaps killed helpers on a thread of its own, so that a run's answer does
// not wait for the kernel to take its interface down. A helper handed over
// is killed at once; everything handed over is reaped and its cgroup
// removed before the destructor returns.
class HelperReaper {
 public:
  void Bury(std::unique_ptr<NetworkHelper> helper) {
    helper->Kill();
    disposer_.Dispose(std::move(helper));  // Stop(): reaps, removes the cgroup
  }
  // Waits until every helper handed over so far is reaped.
  void AwaitBuried() { disposer_.AwaitDisposed(); }

 private:
  Disposer disposer_;
};

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_NETWORK_HELPER_H_

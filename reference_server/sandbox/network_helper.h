#ifndef REFERENCE_SERVER_SANDBOX_NETWORK_HELPER_H_
#define REFERENCE_SERVER_SANDBOX_NETWORK_HELPER_H_

#include <linux/filter.h>
#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "reference_server/sandbox/cgroup.h"
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
  // interface is up. "" on success, else why not (the helper is then gone).
  std::string Start(const HelperSettings& settings, const std::vector<sock_filter>& filter,
                    pid_t target, const CgroupHost& cgroups, const std::string& cgroup_name);
  // Kills the helper and its process group, reaps it, removes its cgroup.
  void Stop();

  pid_t pid() const { return pid_; }
  const EgressSupervisor* supervisor() const { return supervisor_.get(); }

 private:
  std::string Fail(const std::string& why);
  std::string HelperOutput() const;

  pid_t pid_ = -1;
  int exit_write_ = -1;  // slirp4netns exits when this closes
  int log_ = -1;         // its stderr (a memfd: writes never block)
  std::optional<RunCgroup> cgroup_;
  std::unique_ptr<EgressSupervisor> supervisor_;
};

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_NETWORK_HELPER_H_

#ifndef REFERENCE_SERVER_SANDBOX_SANDBOX_H_
#define REFERENCE_SERVER_SANDBOX_SANDBOX_H_

#include <linux/filter.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/expected.h"
#include "reference_server/sandbox/cgroup.h"
#include "reference_server/sandbox/child_plan.h"
#include "reference_server/sandbox/network_helper.h"
#include "reference_server/sandbox/policy.h"
#include "reference_server/sandbox/run.h"
#include "reference_server/sandbox/run_pipes.h"

namespace sandbox {

// Runs programs, one per call, each in new user, pid, mount, network, ipc
// and uts namespaces, on a fresh read-only root, with rlimits, no
// capabilities, no_new_privs and a seccomp filter; a semitrusted run also
// gets its own user-mode network stack (network_helper.h). See
// docs/SANDBOX.md. Thread-safe: runs may go on in parallel.
class Sandbox {
 public:
  // Checks the policy's required paths and builds the seccomp filter once:
  // an error when no program can run on this host (kNotFound: a required
  // path is missing). Semitrusted networking that cannot be had is not one
  // (see semitrusted()).
  static base::Expected<std::unique_ptr<Sandbox>> Create(Policy policy);
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  const Policy& policy() const { return policy_; }
  // Which cgroup controllers bound the runs, said once at start-up.
  const CgroupHost& cgroups() const { return *cgroups_; }
  // Ok when semitrusted runs can get their network; otherwise why not
  // (kNotFound: the helper binary is missing; kPermissionDenied: it cannot
  // be executed; kFailedPrecondition: its filter cannot be built). They
  // then fail with RunResult::network_unavailable.
  const base::Status& semitrusted() const { return semitrusted_; }
  // The semitrusted policy in force, for /health and the start-up report.
  std::string SemitrustedPolicy() const;
  // Waits until the network helpers of finished runs are reaped (they are
  // killed as their run ends; reaping happens off the run's path).
  void AwaitNetworkHelpersReaped() { reaper_->AwaitBuried(); }

  // Runs spec.argv under `limits` and `network` (which override the
  // policy's). `cancel_fd` (optional): when it becomes readable, the run is
  // killed and reported cancelled with the output captured so far.
  RunResult Run(const RunSpec& spec, const Limits& limits, Network network, int cancel_fd = -1);

 private:
  // A run between its launch and its end.
  struct LaunchedRun {
    pid_t init = -1;
    std::unique_ptr<RunCgroup> cgroup;
    std::unique_ptr<NetworkHelper> network;
  };

  Sandbox(Policy policy, std::vector<sock_filter> seccomp);

  std::uint32_t NextHostUid();
  // The second phase: clones init into its namespaces, maps its ids, puts
  // it in its cgroup, starts its network, and lets it go. False, with
  // result.setup_error (and nothing left running), when it cannot.
  bool Launch(ChildPlan& plan, RunPipes& pipes, const Limits& limits, Network network,
              LaunchedRun& run, RunResult& result);
  // Launch's steps: init in its namespaces, waiting for the go byte; its
  // ids and cgroup; its network.
  base::Status CloneInit(ChildPlan& plan, RunPipes& pipes, LaunchedRun& run);
  base::Status Confine(const Limits& limits, const std::string& name, LaunchedRun& run);
  base::Status StartNetwork(const std::string& name, LaunchedRun& run);
  // The third: captures the output until the run ends, its deadline passes
  // or `cancel_fd` fires, reaps it, and fills in the result.
  void Collect(const RunSpec& spec, const Limits& limits, RunPipes& pipes, LaunchedRun& run,
               int cancel_fd, std::chrono::steady_clock::time_point deadline, RunResult& result);

  Policy policy_;
  std::vector<sock_filter> seccomp_;
  base::Status semitrusted_;
  std::vector<sock_filter> helper_filter_;
  std::unique_ptr<CgroupHost> cgroups_;
  // After cgroups_: reaping removes helper cgroups, so it ends first.
  std::unique_ptr<HelperReaper> reaper_ = std::make_unique<HelperReaper>();
  std::atomic<std::uint64_t> runs_{0};
  int last_capability_ = 40;
  std::atomic<std::uint32_t> next_uid_{0};
};

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_SANDBOX_H_

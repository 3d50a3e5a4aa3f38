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
#include "reference_server/sandbox/disposer.h"
#include "reference_server/sandbox/host_uids.h"
#include "reference_server/sandbox/network_helper.h"
#include "reference_server/sandbox/policy.h"
#include "reference_server/sandbox/ready_pool.h"
#include "reference_server/sandbox/run.h"
#include "reference_server/sandbox/run_pipes.h"
#include "reference_server/sandbox/run_plan.h"

namespace sandbox {

// Runs programs, one per call, each in new user, pid, mount, network, ipc
// and uts namespaces, on a fresh read-only root, with rlimits, no
// capabilities, no_new_privs and a seccomp filter; a semitrusted run also
// gets its own user-mode network stack (network_helper.h). See
// docs/SANDBOX.md. Thread-safe: runs may go on in parallel.
//
// With a pool (PoolOptions::per_class > 0), sandboxes are built ahead, per
// class (run_plan.h: network mode, memory, processes, tmpfs sizes, binds),
// on the pool's threads: a run given a ready one only sends its files and
// steps. Each is used by one run and destroyed; a run that finds none
// ready builds its own. The policy's own class (zerotrust, its limits, no
// binds) is built from the start; others once a run asks for them.
class Sandbox {
 public:
  // Checks the policy's required paths and builds the seccomp filter once:
  // an error when no program can run on this host (kNotFound: a required
  // path is missing). Semitrusted networking that cannot be had is not one
  // (see semitrusted()).
  static base::Expected<std::unique_ptr<Sandbox>> Create(Policy policy, PoolOptions pool = {});
  // Destroys the ready sandboxes first.
  ~Sandbox();
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
  // Waits until the sandboxes and network helpers of finished runs are
  // reaped and their cgroups removed (they are killed as their run ends;
  // the rest happens off the run's path).
  void AwaitReaped() {
    disposer_->AwaitDisposed();
    reaper_->AwaitBuried();
  }

  const PoolOptions& pool_options() const { return pool_options_; }
  // All zero without a pool.
  PoolStats pool_stats() const;
  // Waits (at most `timeout`) until every class of the pool is full: true
  // when it is, or when there is no pool.
  bool AwaitPoolFull(std::chrono::milliseconds timeout);
  // Starts keeping sandboxes for runs like this one ready, before any such
  // run asks (nothing without a pool, or for semitrusted runs when their
  // network cannot be had).
  void KeepReady(const RunSpec& spec, const Limits& limits, Network network);

  // Runs spec.argv under `limits` and `network` (which override the
  // policy's). `cancel_fd` (optional): when it becomes readable, the run is
  // killed and reported cancelled with the output captured so far.
  RunResult Run(const RunSpec& spec, const Limits& limits, Network network, int cancel_fd = -1);

 private:
  // A sandbox from its launch to its end: init in its namespaces, cgroup
  // and network, building its root or waiting for its run. Destroying it
  // kills whatever is left of it.
  struct Built : Pooled {
    Built(HelperReaper& reaper, HostUids& uids) : reaper(reaper), uids(uids) {}
    ~Built() override;
    HelperReaper& reaper;
    HostUids& uids;
    std::uint32_t host_uid = 0;  // 0: none held
    pid_t init = -1;
    RunPipes pipes;
    std::unique_ptr<RunCgroup> cgroup;
    std::unique_ptr<NetworkHelper> network;
    std::string enforcement;
  };
  // Why a sandbox could not be built; `network` when its network could not
  // be made (the run then fails with network_unavailable).
  struct BuildFailure {
    std::string message;
    bool network = false;
  };

  Sandbox(Policy policy, std::vector<sock_filter> seccomp, int init_image, PoolOptions pool);

  // Clones init into its namespaces, maps its ids, puts it in its cgroup,
  // starts its network, and lets it build its root; nothing is left running
  // when it fails.
  base::Expected<std::unique_ptr<Built>, BuildFailure> Build(const SandboxClass& sandbox_class);
  // Build's steps: init in its namespaces, waiting for the go byte; its
  // ids and cgroup; its network.
  base::Status CloneInit(ChildPlan& plan, Built& built);
  base::Status Confine(const SandboxClass& sandbox_class, const std::string& name, Built& built);
  base::Status StartNetwork(const std::string& name, Built& built);
  // For the pool: Build, then wait until init says its root is ready.
  base::Expected<std::unique_ptr<Pooled>> BuildReady(const SandboxClass& sandbox_class);
  // What the pool calls to build a ready sandbox of the class (Prime, Take).
  ReadyPool::Make ReadyBuilder(const SandboxClass& sandbox_class);
  // Whether runs of the class are taken from the pool.
  bool Pools(const SandboxClass& sandbox_class) const;
  // A sandbox of the class, from the pool or built now.
  base::Expected<std::unique_ptr<Built>, BuildFailure> Obtain(const SandboxClass& sandbox_class,
                                                              bool& pooled);
  // Captures the output until the run ends, its deadline passes or
  // `cancel_fd` fires, reaps it, and fills in the result.
  void Collect(const RunSpec& spec, const Limits& limits, Built& built, int cancel_fd,
               std::chrono::steady_clock::time_point deadline, RunResult& result);

  Policy policy_;
  std::vector<sock_filter> seccomp_;
  int init_image_ = -1;  // sandbox_init (init_image.h)
  base::Status semitrusted_;
  std::vector<sock_filter> helper_filter_;
  std::unique_ptr<CgroupHost> cgroups_;
  // After cgroups_: reaping removes helper cgroups, so it ends first.
  std::unique_ptr<HelperReaper> reaper_ = std::make_unique<HelperReaper>();
  int last_capability_ = 40;
  HostUids host_uids_;
  PoolOptions pool_options_;
  // After what finished sandboxes use (reaper, cgroups, uids): they go
  // first.
  std::unique_ptr<Disposer> disposer_ = std::make_unique<Disposer>();
  // Last: its ready sandboxes go before everything they use.
  std::unique_ptr<ReadyPool> pool_;
};

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_SANDBOX_H_

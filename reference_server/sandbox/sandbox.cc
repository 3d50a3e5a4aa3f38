#include "reference_server/sandbox/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <utility>

#include "base/system_error.h"
#include "reference_server/sandbox/child_plan.h"
#include "reference_server/sandbox/child_report.h"
#include "reference_server/sandbox/egress_policy.h"
#include "reference_server/sandbox/helper_filter.h"
#include "reference_server/sandbox/init.h"
#include "reference_server/sandbox/init_image.h"
#include "reference_server/sandbox/init_plan.h"
#include "reference_server/sandbox/init_request.h"
#include "reference_server/sandbox/mount_namespace.h"
#include "reference_server/sandbox/network_helper.h"
#include "reference_server/sandbox/output_capture.h"
#include "reference_server/sandbox/run_plan.h"
#include "reference_server/sandbox/seccomp_filter.h"
#include "reference_server/sandbox/user_namespace.h"

namespace sandbox {
namespace {

constexpr std::size_t kInitStackBytes = 256 * 1024;
// After a kill, the pipes close as soon as the kernel has torn the
// namespace down; this bounds the wait for that.
constexpr auto kDrainAfterKill = std::chrono::seconds(5);
// How long the pool waits for a sandbox it builds to say it is ready.
constexpr int kReadyTimeoutMs = 10000;

// Names of run cgroups, unique in the process (two Sandboxes share its
// cgroup directory).
std::atomic<std::uint64_t> sandboxes_built{0};

int ReadLastCapability() {
  std::ifstream in("/proc/sys/kernel/cap_last_cap");
  int last = 40;
  in >> last;
  return last;
}

std::string ArtifactProblem(int error) {
  switch (error) {
    case ENOENT:
      return "was not produced";
    case ELOOP:
      return "is a symbolic link";
    case EINVAL:
      return "is not a regular file";
    case EFBIG:
      return "is larger than the file size limit";
    default:
      return strerror(error);
  }
}

std::vector<ArtifactResult> ParseArtifacts(const std::vector<std::string>& names,
                                           const std::string& bytes) {
  std::vector<ArtifactResult> artifacts;
  std::size_t at = 0;
  for (const std::string& name : names) {
    ArtifactResult& artifact = artifacts.emplace_back();
    artifact.name = name;
    ArtifactHeader header;
    if (at + sizeof header > bytes.size()) {
      artifact.error = "could not be read";
      continue;
    }
    memcpy(&header, bytes.data() + at, sizeof header);
    at += sizeof header;
    if (header.error != 0) {
      artifact.error = ArtifactProblem(static_cast<int>(header.error));
      continue;
    }
    if (header.size > bytes.size() - at) {
      artifact.error = "could not be read";
      at = bytes.size();
      continue;
    }
    artifact.found = true;
    artifact.content = bytes.substr(at, header.size);
    at += header.size;
  }
  return artifacts;
}

void ApplyReports(const std::string& bytes, RunResult& result) {
  for (std::size_t at = 0; at + sizeof(ChildReport) <= bytes.size(); at += sizeof(ChildReport)) {
    ChildReport report;
    memcpy(&report, bytes.data() + at, sizeof report);
    if (report.stage == Stage::kReady) continue;
    if (report.stage != Stage::kDone) {
      if (result.setup_error.empty()) {
        result.setup_error = std::string(StageName(report.stage)) + ": " + strerror(report.error);
      }
      continue;
    }
    const int status = report.wait_status;
    result.step = report.step;
    result.cpu_ms = report.cpu_ms;
    result.exited = WIFEXITED(status);
    result.exit_code = result.exited ? WEXITSTATUS(status) : -1;
    result.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  }
}

std::int64_t Milliseconds(const timeval& t) {
  return static_cast<std::int64_t>(t.tv_sec) * 1000 + t.tv_usec / 1000;
}

// send(2) until everything is sent; false (EPIPE) when init is gone, which
// its report then explains.
bool SendAll(int fd, const std::string& bytes) {
  std::size_t at = 0;
  while (at < bytes.size()) {
    const ssize_t n = send(fd, bytes.data() + at, bytes.size() - at, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    at += static_cast<std::size_t>(n);
  }
  return true;
}

// Waits for init's first report: kReady once its root is built, or the
// stage that failed.
base::Status AwaitReadyReport(int status_read) {
  pollfd fd{status_read, POLLIN, 0};
  int polled;
  while ((polled = poll(&fd, 1, kReadyTimeoutMs)) < 0 && errno == EINTR) {
  }
  if (polled == 0) {
    return base::MakeError(base::ErrorCode::kDeadlineExceeded, "the sandbox was not ready in time");
  }
  ChildReport report;
  ssize_t n;
  while ((n = read(status_read, &report, sizeof report)) < 0 && errno == EINTR) {
  }
  if (n != static_cast<ssize_t>(sizeof report)) {
    return base::MakeError(base::ErrorCode::kInternal,
                           "the sandbox's init ended before it was ready");
  }
  if (report.stage != Stage::kReady) {
    return base::MakeError(base::ErrorCode::kInternal,
                           std::string(StageName(report.stage)) + ": " + strerror(report.error));
  }
  return base::Ok();
}

}  // namespace

base::Expected<std::unique_ptr<Sandbox>> Sandbox::Create(Policy policy, PoolOptions pool) {
  for (const Bind& bind : policy.binds) {
    struct stat st;
    if (bind.required && lstat(bind.path.c_str(), &st) != 0) {
      return base::ErrnoError(errno, bind.path, "a required path is missing: ");
    }
  }
  base::Expected<std::vector<sock_filter>> seccomp = BuildSeccompProgram();
  if (!seccomp.ok()) return std::move(seccomp).error();
  base::Expected<int> init_image = OpenInitImage();
  if (!init_image.ok()) return std::move(init_image).error();
  std::unique_ptr<Sandbox> sandbox(
      new Sandbox(std::move(policy), std::move(seccomp).value(), *init_image, pool));
  if (pool.per_class > 0) {
    sandbox->pool_ = std::make_unique<ReadyPool>(pool);
    sandbox->KeepReady(RunSpec{}, sandbox->policy_.limits, Network::kZeroTrust);
  }
  return sandbox;
}

Sandbox::Sandbox(Policy policy, std::vector<sock_filter> seccomp, int init_image, PoolOptions pool)
    : policy_(std::move(policy)),
      seccomp_(std::move(seccomp)),
      init_image_(init_image),
      cgroups_(std::make_unique<CgroupHost>()),
      last_capability_(ReadLastCapability()),
      host_uids_(policy_.first_host_uid, policy_.host_uid_count),
      pool_options_(pool) {
  base::Expected<std::vector<sock_filter>> helper = PrepareNetworkHelper(policy_.network_helper);
  if (helper.ok()) {
    helper_filter_ = std::move(helper).value();
  } else {
    semitrusted_ = std::move(helper).error();
  }
}

Sandbox::~Sandbox() {
  pool_.reset();
  disposer_.reset();  // before the image: nothing is launched any more anyway
  close(init_image_);
}

Sandbox::Built::~Built() {
  if (init > 0) {
    kill(init, SIGKILL);  // pid 1 gone: the kernel kills the whole namespace
    while (waitpid(init, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  if (network != nullptr) reaper.Bury(std::move(network));
  // Every process of the sandbox died with its init.
  if (host_uid != 0) uids.Release(host_uid);
  // The cgroup goes with the members, once init is dead.
}

void Sandbox::KeepReady(const RunSpec& spec, const Limits& limits, Network network) {
  const SandboxClass sandbox_class = ClassOf(spec, limits, network);
  if (!Pools(sandbox_class)) return;
  pool_->Prime(sandbox_class.Key(), ReadyBuilder(sandbox_class));
}

ReadyPool::Make Sandbox::ReadyBuilder(const SandboxClass& sandbox_class) {
  return [this, sandbox_class] { return BuildReady(sandbox_class); };
}

bool Sandbox::Pools(const SandboxClass& sandbox_class) const {
  // Without its network a semitrusted sandbox cannot be built: retrying
  // once a second in the background would only cost.
  return pool_ != nullptr && (sandbox_class.network == Network::kZeroTrust || semitrusted_.ok());
}

PoolStats Sandbox::pool_stats() const { return pool_ ? pool_->stats() : PoolStats{}; }

bool Sandbox::AwaitPoolFull(std::chrono::milliseconds timeout) {
  return pool_ == nullptr || pool_->AwaitFull(timeout);
}

std::string Sandbox::SemitrustedPolicy() const {
  if (!semitrusted_.ok()) {
    return "unavailable, semitrusted runs fail with network_unavailable: " +
           semitrusted_.error().Describe();
  }
  return "own network namespace; " + policy_.network_helper.binary + " (user-mode stack, " +
         "egress judged by a seccomp supervisor); " + DescribeEgressPolicy();
}

RunResult Sandbox::Run(const RunSpec& spec, const Limits& limits, Network network, int cancel_fd) {
  RunResult result;
  result.exit_code = -1;
  if (base::Status valid = CheckSpec(spec); !valid.ok()) {
    result.setup_error = valid.error().Describe();
    return result;
  }
  const auto start = std::chrono::steady_clock::now();
  const SandboxClass sandbox_class = ClassOf(spec, limits, network);
  const std::string request = EncodeInitRequest(spec, BuildEnvironment(spec), limits);
  bool pooled = false;
  auto built = Obtain(sandbox_class, pooled);
  // A ready sandbox killed while it waited (by hand, by the host's OOM
  // killer) refuses the request: this run gets one built now instead.
  if (built.ok() && !SendAll((*built)->pipes.request.write, request) && pooled) {
    built->reset();
    pool_->Release();
    pooled = false;
    built = Build(sandbox_class);
    // A failed send now means init died building its root; Collect reads why.
    if (built.ok()) SendAll((*built)->pipes.request.write, request);
  }
  if (!built.ok()) {
    result.setup_error = built.error().message;
    result.network_unavailable = built.error().network;
    return result;
  }
  Built& sandbox = **built;
  result.enforcement = sandbox.enforcement;
  sandbox.pipes.request.CloseWrite();
  Collect(spec, limits, sandbox, cancel_fd, start + std::chrono::seconds(limits.wall_seconds),
          result);
  disposer_->Dispose(std::move(built).value());
  if (pooled) pool_->Release();
  result.wall_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - start)
                       .count();
  return result;
}

base::Expected<std::unique_ptr<Sandbox::Built>, Sandbox::BuildFailure> Sandbox::Obtain(
    const SandboxClass& sandbox_class, bool& pooled) {
  if (Pools(sandbox_class)) {
    std::unique_ptr<Pooled> ready = pool_->Take(sandbox_class.Key(), ReadyBuilder(sandbox_class));
    if (ready != nullptr) {
      pooled = true;
      return std::unique_ptr<Built>(static_cast<Built*>(ready.release()));
    }
  }
  return Build(sandbox_class);
}

base::Expected<std::unique_ptr<Pooled>> Sandbox::BuildReady(const SandboxClass& sandbox_class) {
  auto built = Build(sandbox_class);
  if (!built.ok()) return base::MakeError(base::ErrorCode::kUnavailable, built.error().message);
  if (base::Status ready = AwaitReadyReport((*built)->pipes.status.read); !ready.ok()) {
    return std::move(ready).error();
  }
  return std::unique_ptr<Pooled>(std::move(built).value());
}

base::Expected<std::unique_ptr<Sandbox::Built>, Sandbox::BuildFailure> Sandbox::Build(
    const SandboxClass& sandbox_class) {
  auto built = std::make_unique<Built>(*reaper_, host_uids_);
  ChildPlan plan =
      PlanSandbox(policy_, sandbox_class, cgroups_->memory(), seccomp_, last_capability_);
  plan.init_image = init_image_;
  if (base::Status cloned = CloneInit(plan, *built); !cloned.ok()) {
    return BuildFailure{cloned.error().Describe()};
  }
  // Read once sandbox_init runs; a failure shows as init's report.
  SendAll(built->pipes.request.write, EncodeInitPlan(plan));
  const std::string name = "run-" + std::to_string(sandboxes_built.fetch_add(1));
  if (base::Status confined = Confine(sandbox_class, name, *built); !confined.ok()) {
    return BuildFailure{"setting up the run: " + confined.error().Describe()};
  }
  if (sandbox_class.network == Network::kSemiTrusted) {
    if (base::Status started = StartNetwork(name, *built); !started.ok()) {
      return BuildFailure{
          "semitrusted networking could not be set up: " + started.error().Describe(), true};
    }
  }
  const std::string cgroup_name = "cgroup v" + std::to_string(cgroups_->version());
  built->enforcement =
      std::string("memory: ") + (cgroups_->memory() ? cgroup_name : "RLIMIT_AS") +
      "; processes: " + (cgroups_->pids() ? cgroup_name + " + RLIMIT_NPROC" : "RLIMIT_NPROC");
  const char byte = 'g';
  if (write(built->pipes.go.write, &byte, 1) != 1) kill(built->init, SIGKILL);
  built->pipes.go.CloseWrite();
  return built;
}

base::Status Sandbox::CloneInit(ChildPlan& plan, Built& built) {
  RunPipes& pipes = built.pipes;
  if (!pipes.Open()) return base::ErrnoError(errno, "pipe");
  plan.go_read = pipes.go.read;
  plan.status_write = pipes.status.write;
  plan.request_read = pipes.request.read;
  plan.stdout_write = pipes.out.write;
  plan.stderr_write = pipes.err.write;
  plan.artifact_write = pipes.artifact.write;
  void* stack = mmap(nullptr, kInitStackBytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) return base::ErrnoError(errno, "mmap");
  // The cgroup namespace comes later, from init, once it is in its cgroup.
  const int flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC |
                    CLONE_NEWUTS | SIGCHLD;
  built.init = clone(LaunchInit, static_cast<char*>(stack) + kInitStackBytes, flags, &plan);
  const int clone_errno = errno;
  munmap(stack, kInitStackBytes);  // the child has its own copy
  if (built.init < 0) return base::ErrnoError(clone_errno, "clone");
  pipes.CloseChildEnds();
  return base::Ok();
}

base::Status Sandbox::Confine(const SandboxClass& sandbox_class, const std::string& name,
                              Built& built) {
  base::Expected<std::uint32_t> uid = host_uids_.Acquire();
  if (!uid.ok()) return std::move(uid).error();
  built.host_uid = *uid;
  if (base::Status mapped = WriteIdMaps(built.init, built.host_uid); !mapped.ok()) return mapped;
  if (!cgroups_->memory() && !cgroups_->pids()) return base::Ok();
  auto cgroup =
      RunCgroup::Create(*cgroups_, name, sandbox_class.memory_bytes, sandbox_class.max_processes);
  if (!cgroup.ok()) return std::move(cgroup).error();
  built.cgroup = std::move(cgroup).value();
  return built.cgroup->AddProcess(built.init);
}

base::Status Sandbox::StartNetwork(const std::string& name, Built& built) {
  if (!semitrusted_.ok()) return semitrusted_;
  built.network = std::make_unique<NetworkHelper>();
  return built.network->Start(policy_.network_helper, helper_filter_, built.init, *cgroups_,
                              name + "-network");
}

void Sandbox::Collect(const RunSpec& spec, const Limits& limits, Built& built, int cancel_fd,
                      std::chrono::steady_clock::time_point deadline, RunResult& result) {
  RunPipes& pipes = built.pipes;
  CappedText stdout_text{{}, limits.max_output_bytes, false};
  CappedText stderr_text{{}, limits.max_output_bytes, false};
  // Reports are a few fixed-size records; the artifact is bounded by init.
  CappedText reports{{}, 1 << 16, false};
  CappedText artifact_bytes{
      {}, spec.artifacts.size() * (limits.max_file_bytes + sizeof(ArtifactHeader)), false};
  Stream streams[] = {{pipes.out.read, &stdout_text},
                      {pipes.err.read, &stderr_text},
                      {pipes.status.read, &reports},
                      {pipes.artifact.read, &artifact_bytes}};
  const bool wants_artifact = !spec.artifacts.empty();
  const int stream_count = wants_artifact ? 4 : 3;
  const PumpEnd end = PumpStreams(streams, stream_count, cancel_fd, deadline);
  if (end != PumpEnd::kEndOfFile) {
    result.timed_out = end == PumpEnd::kDeadline;
    result.cancelled = end == PumpEnd::kCancelled;
    if (end == PumpEnd::kError) result.setup_error = "reading the run's output failed";
    kill(built.init, SIGKILL);  // pid 1 gone: the kernel kills the whole namespace
    PumpStreams(streams, stream_count, -1, std::chrono::steady_clock::now() + kDrainAfterKill);
  }
  ApplyReports(reports.text, result);
  if (end != PumpEnd::kEndOfFile || result.step < 0) {
    // Killed, or ended without its report: reaped here, for its status.
    int init_status = 0;
    rusage usage{};
    while (wait4(built.init, &init_status, 0, &usage) < 0 && errno == EINTR) {
    }
    built.init = -1;
    result.cpu_ms = Milliseconds(usage.ru_utime) + Milliseconds(usage.ru_stime);
    if (result.step < 0 && result.setup_error.empty() && end == PumpEnd::kEndOfFile) {
      // Neither the program's status nor a failed stage: init itself was
      // killed (by hand, by the host's OOM killer).
      result.setup_error =
          "the sandbox's init ended before the run did (" +
          (WIFSIGNALED(init_status) ? "signal " + std::to_string(WTERMSIG(init_status))
                                    : "exit " + std::to_string(WEXITSTATUS(init_status))) +
          ")";
    }
  }
  // Otherwise init has reported and is exiting: the disposer reaps it.
  // The program is gone: its network goes too.
  if (built.network != nullptr) {
    if (const EgressSupervisor* supervisor = built.network->supervisor()) {
      result.network_refusals = supervisor->refused();
    }
    reaper_->Bury(std::move(built.network));
  }
  if (wants_artifact && !result.timed_out && !result.cancelled) {
    result.artifacts = ParseArtifacts(spec.artifacts, artifact_bytes.text);
  }
  result.memory_limit_hit = built.cgroup != nullptr && built.cgroup->OomKilled();
  if (result.timed_out || result.cancelled) {
    result.exited = false;
    result.exit_code = -1;
    result.signal = SIGKILL;
  }
  result.stdout_text = std::move(stdout_text.text);
  result.stderr_text = std::move(stderr_text.text);
  result.stdout_truncated = stdout_text.truncated;
  result.stderr_truncated = stderr_text.truncated;
}

}  // namespace sandbox

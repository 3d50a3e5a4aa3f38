#include "reference_server/sandbox/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <utility>

#include "base/system_error.h"
#include "reference_server/sandbox/child_plan.h"
#include "reference_server/sandbox/child_report.h"
#include "reference_server/sandbox/egress_policy.h"
#include "reference_server/sandbox/helper_filter.h"
#include "reference_server/sandbox/init.h"
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
    if (report.stage != Stage::kDone) {
      if (result.setup_error.empty()) {
        result.setup_error = std::string(StageName(report.stage)) + ": " + strerror(report.error);
      }
      continue;
    }
    const int status = report.wait_status;
    result.step = report.step;
    result.exited = WIFEXITED(status);
    result.exit_code = result.exited ? WEXITSTATUS(status) : -1;
    result.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  }
}

std::int64_t Milliseconds(const timeval& t) {
  return static_cast<std::int64_t>(t.tv_sec) * 1000 + t.tv_usec / 1000;
}

}  // namespace

base::Expected<std::unique_ptr<Sandbox>> Sandbox::Create(Policy policy) {
  for (const Bind& bind : policy.binds) {
    struct stat st;
    if (bind.required && lstat(bind.path.c_str(), &st) != 0) {
      return base::ErrnoError(errno, bind.path, "a required path is missing: ");
    }
  }
  base::Expected<std::vector<sock_filter>> seccomp = BuildSeccompProgram();
  if (!seccomp.ok()) return std::move(seccomp).error();
  return std::unique_ptr<Sandbox>(new Sandbox(std::move(policy), std::move(seccomp).value()));
}

Sandbox::Sandbox(Policy policy, std::vector<sock_filter> seccomp)
    : policy_(std::move(policy)),
      seccomp_(std::move(seccomp)),
      cgroups_(std::make_unique<CgroupHost>()),
      last_capability_(ReadLastCapability()) {
  base::Expected<std::vector<sock_filter>> helper = PrepareNetworkHelper(policy_.network_helper);
  if (helper.ok()) {
    helper_filter_ = std::move(helper).value();
  } else {
    semitrusted_ = std::move(helper).error();
  }
}

std::string Sandbox::SemitrustedPolicy() const {
  if (!semitrusted_.ok()) {
    return "unavailable, semitrusted runs fail with network_unavailable: " +
           semitrusted_.error().Describe();
  }
  return "own network namespace; " + policy_.network_helper.binary + " (user-mode stack, " +
         "egress judged by a seccomp supervisor); " + DescribeEgressPolicy();
}

std::uint32_t Sandbox::NextHostUid() {
  return policy_.first_host_uid + next_uid_.fetch_add(1) % policy_.host_uid_count;
}

RunResult Sandbox::Run(const RunSpec& spec, const Limits& limits, Network network, int cancel_fd) {
  RunResult result;
  result.exit_code = -1;
  if (base::Status valid = CheckSpec(spec); !valid.ok()) {
    result.setup_error = valid.error().Describe();
    return result;
  }
  const auto start = std::chrono::steady_clock::now();
  const std::vector<std::vector<std::string>> all_steps = AllSteps(spec);
  ChildPlan plan = PlanRun(policy_, spec, all_steps, limits, network, cgroups_->memory(), seccomp_,
                           last_capability_);
  RunPipes pipes;
  LaunchedRun run;
  if (!Launch(plan, pipes, limits, network, run, result)) return result;
  Collect(spec, limits, pipes, run, cancel_fd, start + std::chrono::seconds(limits.wall_seconds),
          result);
  result.wall_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - start)
                       .count();
  return result;
}

bool Sandbox::Launch(ChildPlan& plan, RunPipes& pipes, const Limits& limits, Network network,
                     LaunchedRun& run, RunResult& result) {
  if (base::Status cloned = CloneInit(plan, pipes, run); !cloned.ok()) {
    result.setup_error = cloned.error().Describe();
    return false;
  }
  const std::string name = "run-" + std::to_string(runs_.fetch_add(1));
  base::Status ready = Confine(limits, name, run);
  if (!ready.ok()) {
    result.setup_error = "setting up the run: " + ready.error().Describe();
  } else if (network == Network::kSemiTrusted) {
    ready = StartNetwork(name, run);
    if (!ready.ok()) {
      result.setup_error =
          "semitrusted networking could not be set up: " + ready.error().Describe();
      result.network_unavailable = true;
    }
  }
  if (!ready.ok()) {
    kill(run.init, SIGKILL);
    waitpid(run.init, nullptr, 0);
    return false;
  }
  const std::string cgroup_name = "cgroup v" + std::to_string(cgroups_->version());
  result.enforcement =
      std::string("memory: ") + (cgroups_->memory() ? cgroup_name : "RLIMIT_AS") +
      "; processes: " + (cgroups_->pids() ? cgroup_name + " + RLIMIT_NPROC" : "RLIMIT_NPROC");
  const char byte = 'g';
  if (write(pipes.go.write, &byte, 1) != 1) kill(run.init, SIGKILL);
  pipes.go.CloseWrite();
  return true;
}

base::Status Sandbox::CloneInit(ChildPlan& plan, RunPipes& pipes, LaunchedRun& run) {
  if (!pipes.Open(!plan.artifact_names->empty())) return base::ErrnoError(errno, "pipe");
  plan.go_read = pipes.go.read;
  plan.status_write = pipes.status.write;
  plan.stdout_write = pipes.out.write;
  plan.stderr_write = pipes.err.write;
  plan.artifact_write = pipes.artifact.write;
  void* stack = mmap(nullptr, kInitStackBytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) return base::ErrnoError(errno, "mmap");
  // The cgroup namespace comes later, from init, once it is in its cgroup.
  const int flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC |
                    CLONE_NEWUTS | SIGCHLD;
  run.init = clone(RunInit, static_cast<char*>(stack) + kInitStackBytes, flags, &plan);
  const int clone_errno = errno;
  munmap(stack, kInitStackBytes);  // the child has its own copy
  if (run.init < 0) return base::ErrnoError(clone_errno, "clone");
  pipes.CloseChildEnds();
  return base::Ok();
}

base::Status Sandbox::Confine(const Limits& limits, const std::string& name, LaunchedRun& run) {
  if (base::Status mapped = WriteIdMaps(run.init, NextHostUid()); !mapped.ok()) return mapped;
  if (!cgroups_->memory() && !cgroups_->pids()) return base::Ok();
  auto cgroup = RunCgroup::Create(*cgroups_, name, limits.memory_bytes, limits.max_processes);
  if (!cgroup.ok()) return std::move(cgroup).error();
  run.cgroup = std::move(cgroup).value();
  return run.cgroup->AddProcess(run.init);
}

base::Status Sandbox::StartNetwork(const std::string& name, LaunchedRun& run) {
  if (!semitrusted_.ok()) return semitrusted_;
  run.network = std::make_unique<NetworkHelper>();
  return run.network->Start(policy_.network_helper, helper_filter_, run.init, *cgroups_,
                            name + "-network");
}

void Sandbox::Collect(const RunSpec& spec, const Limits& limits, RunPipes& pipes, LaunchedRun& run,
                      int cancel_fd, std::chrono::steady_clock::time_point deadline,
                      RunResult& result) {
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
    kill(run.init, SIGKILL);  // pid 1 gone: the kernel kills the whole namespace
    PumpStreams(streams, stream_count, -1, std::chrono::steady_clock::now() + kDrainAfterKill);
  }
  int init_status = 0;
  rusage usage{};
  while (wait4(run.init, &init_status, 0, &usage) < 0 && errno == EINTR) {
  }
  ApplyReports(reports.text, result);
  // The program is gone: its network goes too.
  if (run.network != nullptr) {
    if (const EgressSupervisor* supervisor = run.network->supervisor()) {
      result.network_refusals = supervisor->refused();
    }
    reaper_->Bury(std::move(run.network));
  }
  if (wants_artifact && !result.timed_out && !result.cancelled) {
    result.artifacts = ParseArtifacts(spec.artifacts, artifact_bytes.text);
  }
  result.memory_limit_hit = run.cgroup != nullptr && run.cgroup->OomKilled();
  if (result.timed_out || result.cancelled) {
    result.exited = false;
    result.exit_code = -1;
    result.signal = SIGKILL;
  }
  result.stdout_text = std::move(stdout_text.text);
  result.stderr_text = std::move(stderr_text.text);
  result.stdout_truncated = stdout_text.truncated;
  result.stderr_truncated = stderr_text.truncated;
  result.cpu_ms = Milliseconds(usage.ru_utime) + Milliseconds(usage.ru_stime);
}

}  // namespace sandbox

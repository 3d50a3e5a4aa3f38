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
#include <optional>
#include <fstream>

#include "reference_server/sandbox/child_plan.h"
#include "reference_server/sandbox/child_report.h"
#include "reference_server/sandbox/init.h"
#include "reference_server/sandbox/egress_policy.h"
#include "reference_server/sandbox/mount_namespace.h"
#include "reference_server/sandbox/network_helper.h"
#include "reference_server/sandbox/output_capture.h"
#include "reference_server/sandbox/seccomp_filter.h"
#include "reference_server/sandbox/user_namespace.h"

namespace sandbox {
namespace {

constexpr std::size_t kInitStackBytes = 256 * 1024;
constexpr const char* kStaging = "/tmp";  // covered by the new root, inside only
// After a kill, the pipes close as soon as the kernel has torn the
// namespace down; this bounds the wait for that.
constexpr auto kDrainAfterKill = std::chrono::seconds(5);

int ReadLastCapability() {
  std::ifstream in("/proc/sys/kernel/cap_last_cap");
  int last = 40;
  in >> last;
  return last;
}

// Closes the descriptors it holds when it goes out of scope.
struct Pipe {
  int read = -1;
  int write = -1;
  bool Open() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return false;
    read = fds[0];
    write = fds[1];
    return true;
  }
  void CloseRead() { if (read >= 0) close(read); read = -1; }
  void CloseWrite() { if (write >= 0) close(write); write = -1; }
  ~Pipe() { CloseRead(); CloseWrite(); }
};

std::string TmpfsOptions(std::size_t bytes, const char* mode) {
  return "size=" + std::to_string(bytes) + ",mode=" + mode;
}

void FillEnvironment(const RunSpec& spec, ChildPlan& plan) {
  std::vector<std::pair<std::string, std::string>> env = {
      {"PATH", "/usr/local/bin:/usr/bin:/bin"},
      {"HOME", "/work"},
      {"LANG", "C.UTF-8"},
      {"TMPDIR", "/tmp"},
  };
  for (const auto& [name, value] : spec.env) {
    auto it = std::find_if(env.begin(), env.end(), [&](const auto& e) { return e.first == name; });
    if (it != env.end()) {
      it->second = value;
    } else {
      env.emplace_back(name, value);
    }
  }
  plan.env_storage.reserve(env.size());
  for (const auto& [name, value] : env) plan.env_storage.push_back(name + "=" + value);
  for (std::string& entry : plan.env_storage) plan.envp.push_back(entry.data());
  plan.envp.push_back(nullptr);
}

std::string ArtifactProblem(int error) {
  switch (error) {
    case ENOENT: return "was not produced";
    case ELOOP: return "is a symbolic link";
    case EINVAL: return "is not a regular file";
    case EFBIG: return "is larger than the file size limit";
    default: return strerror(error);
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
        result.setup_error =
            std::string(StageName(report.stage)) + ": " + strerror(report.error);
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

Sandbox::Sandbox(Policy policy) : policy_(std::move(policy)) {
  for (const Bind& bind : policy_.binds) {
    struct stat st;
    if (bind.required && lstat(bind.path.c_str(), &st) != 0) {
      error_ = "required path " + bind.path + " is missing: " + strerror(errno);
      return;
    }
  }
  seccomp_ = BuildSeccompProgram(error_);
  cgroups_ = std::make_unique<CgroupHost>();
  last_capability_ = ReadLastCapability();
  if (access(policy_.network_helper.binary.c_str(), X_OK) != 0) {
    semitrusted_error_ = policy_.network_helper.binary + ": " + strerror(errno) +
                         " (Debian's slirp4netns; tools/setup installs it)";
  } else {
    helper_filter_ = BuildHelperFilter(semitrusted_error_);
  }
}

std::string Sandbox::SemitrustedPolicy() const {
  if (!semitrusted_error_.empty()) {
    return "unavailable, semitrusted runs fail with network_unavailable: " + semitrusted_error_;
  }
  return "own network namespace; " + policy_.network_helper.binary + " (user-mode stack, " +
         "egress judged by a seccomp supervisor); " + DescribeEgressPolicy();
}

std::uint32_t Sandbox::NextHostUid() {
  return policy_.first_host_uid + next_uid_.fetch_add(1) % policy_.host_uid_count;
}

RunResult Sandbox::Run(const RunSpec& spec, const Limits& limits, Network network,
                       int cancel_fd) {
  RunResult result;
  result.exit_code = -1;
  if (!error_.empty()) {
    result.setup_error = error_;
    return result;
  }
  if (spec.steps.empty()) {
    result.setup_error = "nothing to run";
    return result;
  }
  std::vector<std::vector<std::string>> all_steps = spec.steps;
  all_steps.insert(all_steps.end(), spec.after_steps.begin(), spec.after_steps.end());
  for (const auto& argv : all_steps) {
    if (argv.empty() || argv[0].empty() || argv[0][0] != '/') {
      result.setup_error = "every step's argv[0] must be an absolute path inside the sandbox";
      return result;
    }
  }
  const auto start = std::chrono::steady_clock::now();

  ChildPlan plan;
  plan.hostname = policy_.hostname;
  plan.staging = kStaging;
  plan.dev_dir = plan.staging + "/dev";
  plan.proc_dir = plan.staging + "/proc";
  plan.tmp_dir = plan.staging + "/tmp";
  plan.work_dir = plan.staging + "/work";
  plan.old_root = plan.staging + "/.old_root";
  plan.root_options = TmpfsOptions(4 * kMiB, "0755");
  plan.dev_options = TmpfsOptions(64 * 1024, "0755");
  plan.tmp_options = TmpfsOptions(limits.tmp_bytes, "1777");
  plan.work_options = TmpfsOptions(limits.work_dir_bytes, "0755");
  plan.steps = PlanRoot(policy_, network, plan.staging);
  plan.files = &spec.files;
  plan.limits = limits;
  plan.rlimit_memory = !cgroups_->memory();
  plan.main_steps = spec.steps.size();
  for (const auto& argv : all_steps) {
    std::vector<char*>& pointers = plan.step_argvs.emplace_back();
    for (const std::string& arg : argv) pointers.push_back(const_cast<char*>(arg.c_str()));
    pointers.push_back(nullptr);
  }
  FillEnvironment(spec, plan);
  plan.seccomp = &seccomp_;
  plan.last_capability = last_capability_;

  Pipe out, err, go, status, artifact;
  const bool wants_artifact = !spec.artifacts.empty();
  if (!out.Open() || !err.Open() || !go.Open() || !status.Open() ||
      (wants_artifact && !artifact.Open())) {
    result.setup_error = std::string("pipe: ") + strerror(errno);
    return result;
  }
  plan.go_read = go.read;
  plan.status_write = status.write;
  plan.stdout_write = out.write;
  plan.stderr_write = err.write;
  plan.artifact_write = artifact.write;
  plan.artifact_names = &spec.artifacts;
  plan.artifact_max_bytes = limits.max_file_bytes;

  void* stack = mmap(nullptr, kInitStackBytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) {
    result.setup_error = std::string("mmap: ") + strerror(errno);
    return result;
  }
  // The cgroup namespace comes later, from init, once it is in its cgroup.
  const int flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC |
                    CLONE_NEWUTS | SIGCHLD;
  const pid_t init = clone(RunInit, static_cast<char*>(stack) + kInitStackBytes, flags, &plan);
  const int clone_errno = errno;
  munmap(stack, kInitStackBytes);  // the child has its own copy
  if (init < 0) {
    result.setup_error = std::string("clone: ") + strerror(clone_errno);
    return result;
  }
  go.CloseRead();
  status.CloseWrite();
  out.CloseWrite();
  err.CloseWrite();
  artifact.CloseWrite();

  const std::uint32_t host_uid = NextHostUid();
  std::string map_error = WriteIdMaps(init, host_uid);
  const std::string run_name = "run-" + std::to_string(runs_.fetch_add(1));
  std::optional<RunCgroup> cgroup;
  if (map_error.empty() && (cgroups_->memory() || cgroups_->pids())) {
    cgroup.emplace(*cgroups_, run_name, limits.memory_bytes, limits.max_processes);
    map_error = cgroup->error();
    if (map_error.empty() && !cgroup->AddProcess(init)) map_error = "joining the run's cgroup";
  }
  std::unique_ptr<NetworkHelper> network_helper;
  if (map_error.empty() && network == Network::kSemiTrusted) {
    std::string network_error = semitrusted_error_;
    if (network_error.empty()) {
      network_helper = std::make_unique<NetworkHelper>();
      network_error = network_helper->Start(policy_.network_helper, helper_filter_, init,
                                            *cgroups_, run_name + "-network");
    }
    if (!network_error.empty()) {
      map_error = "semitrusted networking could not be set up: " + network_error;
      result.network_unavailable = true;
    }
  }
  if (!map_error.empty()) {
    kill(init, SIGKILL);
    waitpid(init, nullptr, 0);
    result.setup_error = result.network_unavailable ? map_error : "setting up the run: " + map_error;
    return result;
  }
  const std::string cgroup_name = "cgroup v" + std::to_string(cgroups_->version());
  result.enforcement =
      std::string("memory: ") + (cgroups_->memory() ? cgroup_name : "RLIMIT_AS") +
      "; processes: " + (cgroups_->pids() ? cgroup_name + " + RLIMIT_NPROC" : "RLIMIT_NPROC");
  const char byte = 'g';
  if (write(go.write, &byte, 1) != 1) kill(init, SIGKILL);
  go.CloseWrite();

  CappedText stdout_text{{}, limits.max_output_bytes, false};
  CappedText stderr_text{{}, limits.max_output_bytes, false};
  // Reports are a few fixed-size records; the artifact is bounded by init.
  CappedText reports{{}, 1 << 16, false};
  CappedText artifact_bytes{
      {}, spec.artifacts.size() * (limits.max_file_bytes + sizeof(ArtifactHeader)), false};
  Stream streams[] = {{out.read, &stdout_text}, {err.read, &stderr_text},
                      {status.read, &reports}, {artifact.read, &artifact_bytes}};
  const int stream_count = wants_artifact ? 4 : 3;
  const auto deadline = start + std::chrono::seconds(limits.wall_seconds);
  const PumpEnd end = PumpStreams(streams, stream_count, cancel_fd, deadline);
  if (end != PumpEnd::kEndOfFile) {
    result.timed_out = end == PumpEnd::kDeadline;
    result.cancelled = end == PumpEnd::kCancelled;
    if (end == PumpEnd::kError) result.setup_error = "reading the run's output failed";
    kill(init, SIGKILL);  // pid 1 gone: the kernel kills the whole namespace
    PumpStreams(streams, stream_count, -1, std::chrono::steady_clock::now() + kDrainAfterKill);
  }
  int init_status = 0;
  rusage usage{};
  while (wait4(init, &init_status, 0, &usage) < 0 && errno == EINTR) {
  }
  ApplyReports(reports.text, result);
  // The program is gone: its network goes too.
  if (network_helper != nullptr) {
    if (const EgressSupervisor* supervisor = network_helper->supervisor()) {
      result.network_refusals = supervisor->refused();
    }
    reaper_->Bury(std::move(network_helper));
  }
  if (wants_artifact && !result.timed_out && !result.cancelled) {
    result.artifacts = ParseArtifacts(spec.artifacts, artifact_bytes.text);
  }
  result.memory_limit_hit = cgroup.has_value() && cgroup->OomKilled();
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
  result.wall_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - start)
                       .count();
  return result;
}

}  // namespace sandbox

#include "reference_server/sandbox/run_plan.h"

#include <algorithm>
#include <utility>

#include "reference_server/sandbox/mount_namespace.h"

namespace sandbox {
namespace {

constexpr const char* kStaging = "/tmp";  // covered by the new root, inside only

std::string TmpfsOptions(std::size_t bytes, const char* mode) {
  return "size=" + std::to_string(bytes) + ",mode=" + mode;
}

}  // namespace

base::Status CheckSpec(const RunSpec& spec) {
  const auto invalid = [](std::string message, std::string where = "") {
    return base::MakeError(base::ErrorCode::kInvalidArgument, std::move(message), std::move(where));
  };
  if (spec.steps.empty()) return invalid("nothing to run");
  for (const std::string& bind : spec.binds) {
    if (!bind.starts_with("/") || bind == "/" || bind.find("/..") != std::string::npos) {
      return invalid("must be an absolute path below / without '..'", "bind " + bind);
    }
  }
  for (const auto* steps : {&spec.steps, &spec.after_steps}) {
    for (const auto& argv : *steps) {
      if (argv.empty() || argv[0].empty() || argv[0][0] != '/') {
        return invalid("every step's argv[0] must be an absolute path inside the sandbox");
      }
    }
  }
  return base::Ok();
}

std::string SandboxClass::Key() const {
  // Binds are absolute paths without NULs, so '\0' cannot be forged.
  std::string key = network == Network::kZeroTrust ? "zerotrust" : "semitrusted";
  for (const std::size_t number :
       {memory_bytes, static_cast<std::size_t>(max_processes), tmp_bytes, work_dir_bytes}) {
    key += "/" + std::to_string(number);
  }
  for (const std::string& bind : binds) key += std::string(1, '\0') + bind;
  return key;
}

SandboxClass ClassOf(const RunSpec& spec, const Limits& limits, Network network) {
  return {network,          limits.memory_bytes,   limits.max_processes,
          limits.tmp_bytes, limits.work_dir_bytes, spec.binds};
}

std::vector<std::string> BuildEnvironment(const RunSpec& spec) {
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
  std::vector<std::string> entries;
  entries.reserve(env.size());
  for (const auto& [name, value] : env) entries.push_back(name + "=" + value);
  return entries;
}

ChildPlan PlanSandbox(const Policy& policy, const SandboxClass& sandbox_class, bool memory_cgroup,
                      const std::vector<sock_filter>& seccomp, int last_capability) {
  ChildPlan plan;
  plan.hostname = policy.hostname;
  plan.staging = kStaging;
  plan.dev_dir = plan.staging + "/dev";
  plan.proc_dir = plan.staging + "/proc";
  plan.tmp_dir = plan.staging + "/tmp";
  plan.work_dir = plan.staging + "/work";
  plan.old_root = plan.staging + "/.old_root";
  plan.root_options = TmpfsOptions(4 * kMiB, "0755");
  plan.dev_options = TmpfsOptions(64 * 1024, "0755");
  plan.tmp_options = TmpfsOptions(sandbox_class.tmp_bytes, "1777");
  plan.work_options = TmpfsOptions(sandbox_class.work_dir_bytes, "0755");
  plan.steps = PlanRoot(policy, sandbox_class.binds, sandbox_class.network, plan.staging);
  plan.limits.memory_bytes = sandbox_class.memory_bytes;
  plan.limits.max_processes = sandbox_class.max_processes;
  plan.limits.tmp_bytes = sandbox_class.tmp_bytes;
  plan.limits.work_dir_bytes = sandbox_class.work_dir_bytes;
  plan.rlimit_memory = !memory_cgroup;
  plan.seccomp = &seccomp;
  plan.last_capability = last_capability;
  return plan;
}

}  // namespace sandbox

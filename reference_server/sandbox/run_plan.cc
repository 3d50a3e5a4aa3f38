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

std::vector<std::vector<std::string>> AllSteps(const RunSpec& spec) {
  std::vector<std::vector<std::string>> all = spec.steps;
  all.insert(all.end(), spec.after_steps.begin(), spec.after_steps.end());
  return all;
}

ChildPlan PlanRun(const Policy& policy, const RunSpec& spec,
                  const std::vector<std::vector<std::string>>& all_steps, const Limits& limits,
                  Network network, bool memory_cgroup, const std::vector<sock_filter>& seccomp,
                  int last_capability) {
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
  plan.tmp_options = TmpfsOptions(limits.tmp_bytes, "1777");
  plan.work_options = TmpfsOptions(limits.work_dir_bytes, "0755");
  plan.steps = PlanRoot(policy, spec.binds, network, plan.staging);
  plan.files = &spec.files;
  plan.limits = limits;
  plan.rlimit_memory = !memory_cgroup;
  plan.main_steps = spec.steps.size();
  for (const auto& argv : all_steps) {
    std::vector<char*>& pointers = plan.step_argvs.emplace_back();
    for (const std::string& arg : argv) pointers.push_back(const_cast<char*>(arg.c_str()));
    pointers.push_back(nullptr);
  }
  FillEnvironment(spec, plan);
  plan.seccomp = &seccomp;
  plan.last_capability = last_capability;
  plan.artifact_names = &spec.artifacts;
  plan.artifact_max_bytes = limits.max_file_bytes;
  return plan;
}

}  // namespace sandbox

#include "reference_server/languages/executor.h"

#include <signal.h>
#include <string.h>

#include <algorithm>

namespace languages {

sandbox::RunSpec MakeRunSpec(const Language& language, const api::ExecuteRequest& request) {
  sandbox::RunSpec spec;
  if (!language.build.empty()) spec.steps.push_back(language.build);
  spec.steps.push_back(language.run);
  if (request.return_artifact && !language.artifact.empty()) {
    spec.artifacts.push_back(language.artifact);
  }
  if (request.return_wasm_artifact && !language.wasm_build.empty()) {
    spec.after_steps.push_back(language.wasm_build);
    spec.artifacts.push_back(language.wasm_artifact);
  }
  spec.env = request.env;
  spec.binds = language.binds;
  spec.files.push_back({language.source, request.code, false});
  for (const api::InputFile& file : request.input_files) {
    spec.files.push_back({file.filename, file.content, false});
  }
  return spec;
}

sandbox::Limits MakeLimits(const Language& language, const api::ExecuteRequest& request,
                           const sandbox::Limits& base) {
  sandbox::Limits limits = base;
  limits.wall_seconds = request.ttl_seconds;
  limits.cpu_seconds = std::max(limits.cpu_seconds, request.ttl_seconds);
  limits.memory_bytes = std::max(limits.memory_bytes, language.memory_mb * sandbox::kMiB);
  limits.max_processes = std::max(limits.max_processes, static_cast<int>(language.processes));
  limits.tmp_bytes = std::max(limits.tmp_bytes, language.tmp_mb * sandbox::kMiB);
  return limits;
}

namespace {

std::string Why(const Language& language, const sandbox::Limits& limits,
                const sandbox::RunResult& run) {
  const bool build_failed = !language.build.empty() && run.step == 0;
  if (run.network_unavailable) return "network_unavailable: " + run.setup_error;
  if (!run.setup_error.empty()) return "Sandbox error: " + run.setup_error;
  if (run.cancelled) return "Job cancelled by user";
  if (run.timed_out) {
    return "Execution timed out after " + std::to_string(limits.wall_seconds) + " s";
  }
  if (run.memory_limit_hit) {
    return "Memory limit exceeded (" + std::to_string(limits.memory_bytes / sandbox::kMiB) +
           " MiB)";
  }
  if (!run.exited) {
    const char* name = sigabbrev_np(run.signal);
    const std::string signal = "signal " + std::to_string(run.signal) +
                               (name != nullptr ? std::string(" (SIG") + name + ")" : "");
    return (build_failed ? "Compilation killed by " : "Killed by ") + signal;
  }
  if (build_failed) {
    return "Compilation failed with exit code " + std::to_string(run.exit_code);
  }
  return "Process exited with code " + std::to_string(run.exit_code);
}

}  // namespace

api::ExecutionResult ToExecutionResult(const Language& language, const api::ExecuteRequest& request,
                                       const sandbox::Limits& limits,
                                       const sandbox::RunResult& run) {
  api::ExecutionResult result;
  const int last_step = language.build.empty() ? 0 : 1;
  result.success = run.setup_error.empty() && !run.timed_out && !run.cancelled && run.exited &&
                   run.exit_code == 0 && run.step == last_step;
  result.stdout_text = run.stdout_text;
  result.stderr_text = run.stderr_text;
  result.exit_code = run.exited ? run.exit_code : -1;
  result.error = result.success ? std::optional<std::string>()
                                : std::optional<std::string>(Why(language, limits, run));
  result.language = language.name;
  result.artifacts = std::vector<api::Artifact>{};
  for (const sandbox::ArtifactResult& artifact : run.artifacts) {
    if (artifact.found) {
      result.artifacts->push_back({artifact.name, artifact.content});
    } else {
      result.warnings.push_back("artifact " + artifact.name + ": " + artifact.error);
    }
  }
  if (request.return_artifact && language.artifact.empty()) {
    result.warnings.push_back("return_artifact: " + language.name +
                              " is not compiled to a file; there is no artifact");
  }
  if (request.return_wasm_artifact && language.wasm_build.empty()) {
    result.warnings.push_back("return_wasm_artifact: no WebAssembly recipe for " + language.name);
  }
  if (run.network_unavailable) {
    result.refused =
        api::MakeError(api::ErrorCode::kNetworkUnavailable, "network_mode", run.setup_error);
  }
  result.execution_mode = "pooled";
  result.network_mode = request.network_mode;
  result.total_time_ms = run.wall_ms;
  return result;
}

api::ExecutionResult Execute(const Language& language, const api::ExecuteRequest& request,
                             sandbox::Sandbox& sandbox, const sandbox::Limits& base, int cancel_fd,
                             RunEnding* ending) {
  const sandbox::Limits limits = MakeLimits(language, request, base);
  const sandbox::Network network = request.network_mode == api::NetworkMode::kSemiTrusted
                                       ? sandbox::Network::kSemiTrusted
                                       : sandbox::Network::kZeroTrust;
  const sandbox::RunResult run =
      sandbox.Run(MakeRunSpec(language, request), limits, network, cancel_fd);
  if (ending != nullptr) *ending = {run.timed_out, run.cancelled, !run.setup_error.empty()};
  return ToExecutionResult(language, request, limits, run);
}

}  // namespace languages

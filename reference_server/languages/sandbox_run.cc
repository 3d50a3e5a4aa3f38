// sandbox_run: runs one source file in the sandbox, as the server would, and
// prints the API's result object. For debugging and benchmarks.
//
//   sandbox_run --language L [--ttl S] [--network zerotrust|semitrusted]
//               [--memory-mb N] [--env K=V ...] [--input-file PATH ...]
//               [--return-artifact] [--return-wasm-artifact]
//               [--languages FILE] SOURCE_FILE
//
// Exit status: 0 when the run was carried out (whatever the program's own
// exit code), 1 when it could not be (bad arguments, unknown language, a
// sandbox that cannot start), 2 for usage errors.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "reference_server/api/filename.h"
#include "reference_server/api/input_files.h"
#include "reference_server/api/request_fields.h"
#include "reference_server/api/serialize.h"
#include "reference_server/languages/executor.h"
#include "reference_server/languages/registry.h"
#include "reference_server/sandbox/sandbox.h"

namespace {

constexpr const char* kUsage =
    "usage: sandbox_run --language L [--ttl S] [--network zerotrust|semitrusted]\n"
    "                   [--memory-mb N] [--env K=V ...] [--input-file PATH ...]\n"
    "                   [--return-artifact] [--return-wasm-artifact]\n"
    "                   [--languages FILE] SOURCE_FILE\n";

[[noreturn]] void Fail(int status, const std::string& message) {
  std::cerr << "sandbox_run: " << message << "\n";
  if (status == 2) std::cerr << kUsage;
  std::exit(status);
}

}  // namespace

int main(int argc, char** argv) {
  api::ExecuteRequest request;
  std::string language_name, source_path, languages_file = languages::DefaultRegistryFile(argv[0]);
  std::vector<std::string> input_paths;
  int memory_mb = 0;
  const api::RequestLimits api_limits;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) Fail(2, arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (arg == "--language") {
      language_name = value();
    } else if (arg == "--ttl") {
      auto ttl = api::TtlFromText(value(), "--ttl", api_limits);
      if (!ttl) Fail(2, ttl.error().Describe());
      request.ttl_seconds = ttl.value();
    } else if (arg == "--network") {
      auto mode = api::ParseNetworkMode(value(), "--network");
      if (!mode) Fail(2, mode.error().Describe());
      request.network_mode = mode.value();
    } else if (arg == "--memory-mb") {
      memory_mb = std::atoi(value().c_str());
      if (memory_mb <= 0) Fail(2, "--memory-mb must be a positive integer");
    } else if (arg == "--env") {
      const std::string pair = value();
      const std::size_t eq = pair.find('=');
      if (eq == std::string::npos || eq == 0) Fail(2, "--env wants NAME=VALUE, got " + pair);
      request.env.emplace_back(pair.substr(0, eq), pair.substr(eq + 1));
    } else if (arg == "--input-file") {
      input_paths.push_back(value());
    } else if (arg == "--return-artifact") {
      request.return_artifact = true;
    } else if (arg == "--return-wasm-artifact") {
      request.return_wasm_artifact = true;
    } else if (arg == "--languages") {
      languages_file = value();
    } else if (!arg.empty() && arg[0] == '-') {
      Fail(2, "unknown flag " + arg);
    } else if (source_path.empty()) {
      source_path = arg;
    } else {
      Fail(2, "only one SOURCE_FILE, got " + source_path + " and " + arg);
    }
  }
  if (language_name.empty()) Fail(2, "--language is required");
  if (source_path.empty()) Fail(2, "SOURCE_FILE is required");
  if (!languages::ReadWholeFile(source_path, request.code)) Fail(1, "cannot read " + source_path);
  for (const std::string& path : input_paths) {
    api::InputFile file;
    file.filename = path.substr(path.rfind('/') + 1);
    if (auto violation = api::FilenameViolation(file.filename, api_limits.max_filename_bytes)) {
      Fail(1, "--input-file " + path + ": " + *violation);
    }
    if (!languages::ReadWholeFile(path, file.content)) Fail(1, "cannot read " + path);
    request.input_files.push_back(std::move(file));
  }

  std::string registry_text;
  if (!languages::ReadWholeFile(languages_file, registry_text))
    Fail(1, "cannot read " + languages_file);
  auto registry = languages::Registry::Parse(registry_text);
  if (!registry) Fail(1, languages_file + ": " + registry.error().Describe());
  registry.value().Probe(languages::PathExists);
  auto language = registry.value().Resolve(language_name);
  if (!language) Fail(1, language.error().Describe());
  const std::vector<std::string> reserved =
      registry.value().ReservedFilenames(language.value()->name);
  if (auto collision = api::CheckReservedFilenames(request.input_files, reserved)) {
    Fail(1, "--input-file: " + collision->Describe());
  }

  sandbox::Sandbox box{sandbox::Policy{}};
  if (!box.error().empty()) Fail(1, "the sandbox cannot start: " + box.error());
  std::cerr << "sandbox_run: " << box.cgroups().report() << "\n";
  sandbox::Limits base;
  if (memory_mb > 0) base.memory_bytes = static_cast<std::size_t>(memory_mb) * sandbox::kMiB;
  languages::RunEnding ending;
  const api::ExecutionResult result =
      languages::Execute(*language.value(), request, box, base, -1, &ending);
  std::cout << api::ToJson(result) << "\n";
  return ending.setup_failed ? 1 : 0;
}

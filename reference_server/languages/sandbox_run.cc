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
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/expected.h"
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

constexpr api::RequestLimits kApiLimits;

// What the command line asks for.
struct Options {
  api::ExecuteRequest request;
  std::string language, source_path, languages_file;
  std::vector<std::string> input_paths;
  int memory_mb = 0;
  bool help = false;
};

// The exit status is the error's: 2 for usage errors (kInvalidArgument),
// 1 when the run could not be carried out.
int Fail(const base::Error& error, std::string_view context = "") {
  std::cerr << "sandbox_run: " << context << error.Describe() << "\n";
  if (error.code == base::ErrorCode::kInvalidArgument) std::cerr << kUsage;
  return error.exit_status();
}

base::Error Usage(std::string message, std::string flag = "") {
  return base::MakeError(base::ErrorCode::kInvalidArgument, std::move(message), std::move(flag));
}

// What stops the run once the command line is well formed: exit status 1
// (the files given break a rule of the API, or the registry is broken), as
// documented above, not 2.
base::Error Unrunnable(std::string message, std::string where) {
  return base::MakeError(base::ErrorCode::kFailedPrecondition, std::move(message),
                         std::move(where));
}

// A file that cannot be read stops the run (exit status 1), even when its
// errno says the argument was wrong (EISDIR: a directory given as a file).
base::Error CannotRead(base::Error error) {
  if (error.code == base::ErrorCode::kInvalidArgument) {
    error.code = base::ErrorCode::kFailedPrecondition;
  }
  return base::WithContext(std::move(error), "cannot read: ");
}

using Apply = base::Status (*)(const std::string& value, Options& options);

// The flags; a switch (takes_value false) gets "" as its value.
struct Flag {
  const char* name;
  bool takes_value;
  Apply apply;
};

constexpr Flag kFlags[] = {
    {"--language", true,
     [](const std::string& value, Options& options) -> base::Status {
       options.language = value;
       return base::Ok();
     }},
    {"--ttl", true,
     [](const std::string& value, Options& options) -> base::Status {
       auto ttl = api::TtlFromText(value, "--ttl", kApiLimits);
       if (!ttl) return Usage(ttl.error().message, ttl.error().field);
       options.request.ttl_seconds = ttl.value();
       return base::Ok();
     }},
    {"--network", true,
     [](const std::string& value, Options& options) -> base::Status {
       auto mode = api::ParseNetworkMode(value, "--network");
       if (!mode) return Usage(mode.error().message, mode.error().field);
       options.request.network_mode = mode.value();
       return base::Ok();
     }},
    {"--memory-mb", true,
     [](const std::string& value, Options& options) -> base::Status {
       options.memory_mb = std::atoi(value.c_str());
       if (options.memory_mb <= 0) return Usage("must be a positive integer", "--memory-mb");
       return base::Ok();
     }},
    {"--env", true,
     [](const std::string& value, Options& options) -> base::Status {
       const std::size_t eq = value.find('=');
       if (eq == std::string::npos || eq == 0) {
         return Usage("wants NAME=VALUE, got " + value, "--env");
       }
       options.request.env.emplace_back(value.substr(0, eq), value.substr(eq + 1));
       return base::Ok();
     }},
    {"--input-file", true,
     [](const std::string& value, Options& options) -> base::Status {
       options.input_paths.push_back(value);
       return base::Ok();
     }},
    {"--return-artifact", false,
     [](const std::string&, Options& options) -> base::Status {
       options.request.return_artifact = true;
       return base::Ok();
     }},
    {"--return-wasm-artifact", false,
     [](const std::string&, Options& options) -> base::Status {
       options.request.return_wasm_artifact = true;
       return base::Ok();
     }},
    {"--languages", true,
     [](const std::string& value, Options& options) -> base::Status {
       options.languages_file = value;
       return base::Ok();
     }},
};

const Flag* FindFlag(std::string_view name) {
  for (const Flag& flag : kFlags) {
    if (name == flag.name) return &flag;
  }
  return nullptr;
}

// The first phase: the command line. Stops at --help.
base::Expected<Options> ParseFlags(const std::vector<std::string>& args,
                                   std::string default_languages_file) {
  Options options;
  options.languages_file = std::move(default_languages_file);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      options.help = true;
      return options;
    }
    if (const Flag* flag = FindFlag(arg)) {
      if (flag->takes_value && i + 1 >= args.size()) return Usage("needs a value", arg);
      const std::string value = flag->takes_value ? args[++i] : "";
      if (base::Status applied = flag->apply(value, options); !applied.ok()) return applied.error();
    } else if (!arg.empty() && arg[0] == '-') {
      return Usage("unknown flag", arg);
    } else if (!options.source_path.empty()) {
      return Usage("only one SOURCE_FILE, got " + options.source_path + " and " + arg);
    } else {
      options.source_path = arg;
    }
  }
  if (options.language.empty()) return Usage("is required", "--language");
  if (options.source_path.empty()) return Usage("is required", "SOURCE_FILE");
  return options;
}

// The second: the source and the input files, as a request would carry them.
base::Status ReadFiles(Options& options) {
  auto code = languages::ReadWholeFile(options.source_path);
  if (!code.ok()) return CannotRead(std::move(code).error());
  options.request.code = std::move(code).value();
  for (const std::string& path : options.input_paths) {
    api::InputFile file;
    file.filename = path.substr(path.rfind('/') + 1);
    if (auto violation = api::FilenameViolation(file.filename, kApiLimits.max_filename_bytes)) {
      return Unrunnable(*violation, "--input-file " + path);
    }
    auto content = languages::ReadWholeFile(path);
    if (!content.ok()) return CannotRead(std::move(content).error());
    file.content = std::move(content).value();
    options.request.input_files.push_back(std::move(file));
  }
  return base::Ok();
}

// The third: the registry, probed, and the language it names.
base::Expected<languages::Registry> LoadRegistry(const std::string& path) {
  auto text = languages::ReadWholeFile(path);
  if (!text.ok()) return CannotRead(std::move(text).error());
  auto registry = languages::Registry::Parse(text.value());
  if (!registry) return Unrunnable(registry.error().Describe(), path);
  registry.value().Probe(languages::PathExists);
  return std::move(registry).value();
}

base::Expected<const languages::Language*> Resolve(const languages::Registry& registry,
                                                   const Options& options) {
  auto language = registry.Resolve(options.language);
  if (!language) {
    return base::MakeError(base::ErrorCode::kNotFound, language.error().message, "--language");
  }
  const std::vector<std::string> reserved = registry.ReservedFilenames(language.value()->name);
  if (auto collision = api::CheckReservedFilenames(options.request.input_files, reserved)) {
    return Unrunnable(collision->Describe(), "--input-file");
  }
  return language.value();
}

// The last: the run itself. 1 when the sandbox could not carry it out.
int Run(const languages::Language& language, const Options& options) {
  const auto box =
      sandbox::Sandbox::Create(sandbox::Policy{}, sandbox::PoolOptions{.per_class = 0});
  if (!box.ok()) return Fail(box.error(), "the sandbox cannot start: ");
  std::cerr << "sandbox_run: " << box.value()->cgroups().report() << "\n";
  sandbox::Limits base;
  if (options.memory_mb > 0) {
    base.memory_bytes = static_cast<std::size_t>(options.memory_mb) * sandbox::kMiB;
  }
  languages::RunEnding ending;
  const api::ExecutionResult result =
      languages::Execute(language, options.request, *box.value(), base, -1, &ending);
  std::cout << api::ToJson(result) << "\n";
  return ending.setup_failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto options = ParseFlags(std::vector<std::string>(argv + 1, argv + argc),
                            languages::DefaultRegistryFile(argv[0]));
  if (!options.ok()) return Fail(options.error());
  if (options->help) {
    std::cout << kUsage;
    return 0;
  }
  if (base::Status read = ReadFiles(options.value()); !read.ok()) return Fail(read.error());
  const auto registry = LoadRegistry(options->languages_file);
  if (!registry.ok()) return Fail(registry.error());
  const auto language = Resolve(registry.value(), options.value());
  if (!language.ok()) return Fail(language.error());
  return Run(*language.value(), options.value());
}

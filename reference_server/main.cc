// reference_server: the reference implementation of the code-execution API.
// See Usage() (server_flags.cc) and docs/API.md.
//
// main() runs phases, each returning the error that stops the start:
// parse flags, load keys, load the registry, make the sandbox, serve.
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/expected.h"
#include "reference_server/http/access_log.h"
#include "reference_server/http/api_keys.h"
#include "reference_server/http/router.h"
#include "reference_server/http/server.h"
#include "reference_server/jobs/clock.h"
#include "reference_server/jobs/job_store.h"
#include "reference_server/jobs/sandbox_runner.h"
#include "reference_server/languages/registry.h"
#include "reference_server/sandbox/sandbox.h"
#include "reference_server/server_flags.h"

namespace {

using reference_server::ServerFlags;

// The exit status says who must act (docs/SERVER.md): 2, whoever wrote the
// command line; 1, whoever runs the host. Each phase's errors are of the
// phase's kind whatever their code, as they always were: a keys file that
// cannot be read is a bad command line (2), and a --listen host that is no
// IP address, found only when listening, is a failure to start (1;
// server_test asserts it), as is a languages.json that does not parse.
base::Error AsUsageError(base::Error error) {
  error.code = base::ErrorCode::kInvalidArgument;
  return error;
}

base::Error AsStartError(base::Error error) {
  if (error.code == base::ErrorCode::kInvalidArgument) {
    error.code = base::ErrorCode::kFailedPrecondition;
  }
  return error;
}

int Fail(const base::Error& error) {
  std::cerr << "reference_server: " << error.Describe() << "\n";
  if (error.code == base::ErrorCode::kInvalidArgument) {
    std::cerr << "run 'reference_server --help' for the flags\n";
  }
  return error.exit_status();
}

base::Expected<http::ApiKeys> LoadKeys(const ServerFlags& flags) {
  http::ApiKeys keys;
  for (std::size_t i = 0; i < flags.api_keys.size(); ++i) {
    base::Status added = keys.Add(flags.api_keys[i], "--api-key #" + std::to_string(i + 1));
    if (!added.ok()) return std::move(added).error();
  }
  for (const std::string& file : flags.api_keys_files) {
    if (base::Status added = keys.AddFile(file); !added.ok()) return std::move(added).error();
  }
  if (keys.size() == 0) {
    return base::MakeError(base::ErrorCode::kInvalidArgument,
                           "no API key: give --api-key KEY or --api-keys-file FILE");
  }
  return keys;
}

base::Expected<languages::Registry> LoadRegistry(const ServerFlags& flags, const char* argv0) {
  const std::string file =
      flags.languages_file.empty() ? languages::DefaultRegistryFile(argv0) : flags.languages_file;
  const base::Expected<std::string> json = languages::ReadWholeFile(file);
  if (!json.ok()) {
    return base::MakeError(json.error().code, "cannot read the language registry", file);
  }
  auto registry = languages::Registry::Parse(*json);
  if (!registry.ok()) {
    return base::MakeError(base::ErrorCode::kInvalidArgument, registry.error().Describe(), file);
  }
  registry.value().Probe(languages::PathExists);
  if (registry.value().Installed().empty()) {
    return base::MakeError(base::ErrorCode::kFailedPrecondition,
                           "none of the languages of " + file + " is installed");
  }
  return std::move(registry).value();
}

// The one place the sandbox is made: no program can run without it.
base::Expected<std::unique_ptr<sandbox::Sandbox>> MakeSandbox(const ServerFlags& flags) {
  auto sandbox =
      sandbox::Sandbox::Create(reference_server::PolicyOf(flags), reference_server::PoolOf(flags));
  if (sandbox.ok()) return sandbox;
  // The context first, then what and where: "...: /lib: a required path is missing: ...".
  const base::Error& error = sandbox.error();
  return base::MakeError(error.code,
                         "the sandbox cannot run programs on this host: " + error.Describe());
}

std::vector<std::pair<std::string, std::string>> Enforcement(const sandbox::Sandbox& sandbox) {
  const sandbox::CgroupHost& cgroups = sandbox.cgroups();
  const std::string cgroup = "cgroup v" + std::to_string(cgroups.version());
  return {
      {"namespaces", "user, pid, mount, network, ipc, uts, cgroup"},
      {"network_zerotrust", "own network namespace, loopback only"},
      {"network_semitrusted", sandbox.SemitrustedPolicy()},
      {"seccomp", "syscall denylist filter, no_new_privs"},
      {"capabilities", "all dropped"},
      {"memory", cgroups.memory() ? cgroup + " memory limit" : "RLIMIT_AS"},
      {"processes", cgroups.pids() ? cgroup + " pids limit + RLIMIT_NPROC" : "RLIMIT_NPROC"},
      {"cpu_time", "RLIMIT_CPU"},
      {"wall_time", "the request's ttl; every process of the run is killed"},
      {"file_size", "RLIMIT_FSIZE; /work and /tmp are size-limited tmpfs"},
      {"output", "captured up to a limit per stream; the rest is discarded"},
      {"cgroups", cgroups.report()},
  };
}

api::PoolHealth PoolHealthOf(const sandbox::Sandbox& sandbox) {
  const sandbox::PoolStats stats = sandbox.pool_stats();
  return {sandbox.pool_options().per_class,
          stats.classes,
          stats.ready,
          stats.building,
          stats.in_use,
          stats.hits,
          stats.misses,
          stats.refills,
          stats.refill_failures,
          stats.discarded,
          stats.last_failure};
}

// Listens, says so, and serves until a signal stops it.
base::Status Serve(const ServerFlags& flags, const http::ApiKeys& keys,
                   const languages::Registry& registry, sandbox::Sandbox& sandbox) {
  const jobs::StoreOptions store_options = reference_server::StoreOptionsOf(flags);
  jobs::SandboxRunner runner(registry, sandbox, sandbox.policy().limits);
  jobs::SystemClock clock;
  jobs::JobStore store(store_options, runner, clock);

  http::RouterOptions router_options;
  router_options.workers = store_options.workers;
  router_options.queue_capacity = store_options.max_pending;
  router_options.enforced = Enforcement(sandbox);
  router_options.pool = [&sandbox] { return PoolHealthOf(sandbox); };
  http::Router router(keys, registry, store, router_options);

  http::AccessLog log(stderr);
  http::Server server(reference_server::ServerOptionsOf(flags), router, store, log);
  if (base::Status listening = server.Listen(); !listening.ok()) return listening;

  // The start-up report first: whoever waits for the line below finds it.
  log.Event("listening", {{"url", server.url()},
                          {"workers", std::to_string(store_options.workers)},
                          {"max_queue", std::to_string(store_options.max_pending)},
                          {"languages", std::to_string(registry.Installed().size())},
                          {"api_keys", std::to_string(keys.size())},
                          {"cgroups", sandbox.cgroups().report()},
                          {"semitrusted", sandbox.SemitrustedPolicy()},
                          {"sandbox_pool", std::to_string(sandbox.pool_options().per_class)}});
  // Scripts and tests wait for exactly this line.
  std::cout << "listening on " << server.url() << std::endl;
  server.Run();
  return base::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  const auto flags =
      reference_server::ParseServerFlags(std::vector<std::string>(argv + 1, argv + argc));
  if (!flags.ok()) return Fail(flags.error());
  if (flags->help) {
    std::cout << reference_server::Usage();
    return 0;
  }
  const auto keys = LoadKeys(*flags);
  if (!keys.ok()) return Fail(AsUsageError(keys.error()));
  const auto registry = LoadRegistry(*flags, argv[0]);
  if (!registry.ok()) return Fail(AsStartError(registry.error()));
  auto sandbox = MakeSandbox(*flags);
  if (!sandbox.ok()) return Fail(AsStartError(sandbox.error()));
  if (base::Status served = Serve(*flags, *keys, *registry, **sandbox); !served.ok()) {
    return Fail(AsStartError(served.error()));
  }
  return 0;
}

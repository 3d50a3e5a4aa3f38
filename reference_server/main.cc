// reference_server: the reference implementation of the code-execution API.
// See kUsage (server_flags.cc) and docs/API.md.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <variant>
#include <vector>

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

constexpr int kUsageError = 2;
constexpr int kStartError = 1;

int Fail(int status, const std::string& message) {
  std::cerr << "reference_server: " << message << "\n";
  if (status == kUsageError) std::cerr << "run 'reference_server --help' for the flags\n";
  return status;
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

}  // namespace

int main(int argc, char** argv) {
  using reference_server::ServerFlags;
  const auto parsed =
      reference_server::ParseServerFlags(std::vector<std::string>(argv + 1, argv + argc));
  if (const auto* error = std::get_if<std::string>(&parsed)) return Fail(kUsageError, *error);
  const ServerFlags& flags = std::get<ServerFlags>(parsed);
  if (flags.help) {
    std::cout << reference_server::kUsage;
    return 0;
  }

  http::ApiKeys keys;
  for (std::size_t i = 0; i < flags.api_keys.size(); ++i) {
    if (auto error = keys.Add(flags.api_keys[i], "--api-key #" + std::to_string(i + 1))) {
      return Fail(kUsageError, *error);
    }
  }
  for (const std::string& file : flags.api_keys_files) {
    if (auto error = keys.AddFile(file)) return Fail(kUsageError, *error);
  }
  if (keys.size() == 0) {
    return Fail(kUsageError, "no API key: give --api-key KEY or --api-keys-file FILE");
  }

  const std::string languages_file =
      flags.languages_file.empty() ? languages::DefaultRegistryFile(argv[0]) : flags.languages_file;
  std::string languages_json;
  if (!languages::ReadWholeFile(languages_file, languages_json)) {
    return Fail(kStartError, languages_file + ": cannot read the language registry");
  }
  auto registry = languages::Registry::Parse(languages_json);
  if (!registry.ok()) return Fail(kStartError, languages_file + ": " + registry.error().Describe());
  registry.value().Probe(languages::PathExists);
  if (registry.value().Installed().empty()) {
    return Fail(kStartError, "none of the languages of " + languages_file + " is installed");
  }

  sandbox::Policy policy;
  policy.limits.memory_bytes = flags.memory_mb * sandbox::kMiB;
  policy.first_host_uid = flags.sandbox_uid_base;
  policy.network_helper.binary = flags.network_helper;
  sandbox::Sandbox sandbox(policy);
  if (!sandbox.error().empty()) {
    return Fail(kStartError, "the sandbox cannot run programs on this host: " + sandbox.error());
  }

  const int workers = flags.workers > 0
                          ? flags.workers
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  jobs::SandboxRunner runner(registry.value(), sandbox, policy.limits);
  jobs::SystemClock clock;
  jobs::StoreOptions store_options;
  store_options.workers = workers;
  store_options.max_pending = flags.max_queue;
  store_options.retention = std::chrono::duration_cast<std::chrono::seconds>(flags.job_retention);
  jobs::JobStore store(store_options, runner, clock);

  http::RouterOptions router_options;
  router_options.workers = workers;
  router_options.queue_capacity = flags.max_queue;
  router_options.enforced = Enforcement(sandbox);
  http::Router router(keys, registry.value(), store, router_options);

  http::AccessLog log(stderr);
  http::ServerOptions server_options;
  server_options.host = flags.host;
  server_options.port = flags.port;
  server_options.io_threads = flags.io_threads;
  server_options.max_connections = flags.max_connections;
  server_options.max_answer_bytes_in_flight = flags.max_answer_bytes;
  server_options.drain = flags.shutdown_drain;
  server_options.session.max_body_bytes = flags.max_body_bytes;
  server_options.session.max_header_bytes = flags.max_header_bytes;
  server_options.session.request_timeout = flags.request_timeout;
  server_options.session.idle_timeout = flags.idle_timeout;
  http::Server server(server_options, router, store, log);
  if (const std::string error = server.Listen(); !error.empty()) return Fail(kStartError, error);

  // The start-up report first: whoever waits for the line below finds it.
  log.Event("listening", {{"url", server.url()},
                          {"workers", std::to_string(workers)},
                          {"max_queue", std::to_string(flags.max_queue)},
                          {"languages", std::to_string(registry.value().Installed().size())},
                          {"api_keys", std::to_string(keys.size())},
                          {"cgroups", sandbox.cgroups().report()},
                          {"semitrusted", sandbox.SemitrustedPolicy()}});
  // Scripts and tests wait for exactly this line.
  std::cout << "listening on " << server.url() << std::endl;
  server.Run();
  return 0;
}

// sandbox_latency: what a run costs, per network mode, with and without a
// pool of ready sandboxes, against bare exec measured in the same run. RUNS
// runs of `/bin/sh -c true` in each series (interleaved, so that drift hits
// them alike), whole Run() call. A pooled run is timed once its pool is
// full again (the pool keeps up between requests), so it measures a run
// given a ready sandbox.
//
//   sandbox_latency [--runs N] [--only zerotrust|semitrusted] [--pool N]
//                   [--json FILE]
//
// Prints p50, p90, p99 and max in milliseconds, and the ratio of each p50 to
// bare exec's. Needs root, like the sandbox.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/expected.h"
#include "reference_server/sandbox/sandbox.h"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

struct Series {
  std::string name;
  std::function<double()> run;
  std::vector<double> ms;
  double Percentile(double p) {
    std::sort(ms.begin(), ms.end());
    const auto at = static_cast<std::size_t>(p / 100.0 * static_cast<double>(ms.size() - 1) + 0.5);
    return ms[std::min(at, ms.size() - 1)];
  }
};

double Since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// fork + exec + wait of the same program, nothing else: the floor.
double BareExec() {
  const char* argv[] = {"/bin/sh", "-c", "true", nullptr};
  const auto start = Clock::now();
  pid_t pid;
  if (posix_spawn(&pid, argv[0], nullptr, nullptr, const_cast<char**>(argv), environ) != 0) {
    std::cerr << "sandbox_latency: posix_spawn failed\n";
    std::exit(1);
  }
  int status;
  waitpid(pid, &status, 0);
  return Since(start);
}

double SandboxRun(sandbox::Sandbox& box, sandbox::Network network) {
  sandbox::RunSpec spec;
  spec.steps = {{"/bin/sh", "-c", "true"}};
  if (box.pool_options().per_class > 0 && !box.AwaitPoolFull(std::chrono::seconds(30))) {
    std::cerr << "sandbox_latency: the pool did not fill: " << box.pool_stats().last_failure
              << "\n";
    std::exit(1);
  }
  const auto start = Clock::now();
  const sandbox::RunResult result = box.Run(spec, box.policy().limits, network);
  const double ms = Since(start);
  if (!result.setup_error.empty() || result.exit_code != 0) {
    std::cerr << "sandbox_latency: run failed: " << result.setup_error << "\n";
    std::exit(1);
  }
  return ms;
}

struct Options {
  int runs = 200;
  std::string only;                             // "": both modes
  int pool = sandbox::PoolOptions{}.per_class;  // 0: no pooled series
  std::string json_file;
};

constexpr char kUsage[] =
    "usage: sandbox_latency [--runs N] [--only zerotrust|semitrusted] [--pool N] "
    "[--json FILE]\n";

// Exit status 2 for usage errors, 1 for the rest (the error's own).
int Fail(const base::Error& error, std::string_view context = "") {
  std::cerr << "sandbox_latency: " << context << error.Describe() << "\n";
  if (error.code == base::ErrorCode::kInvalidArgument) std::cerr << kUsage;
  return error.exit_status();
}

base::Expected<Options> ParseOptions(int argc, char** argv) {
  const auto usage = [](std::string message, std::string flag = "") {
    return base::MakeError(base::ErrorCode::kInvalidArgument, std::move(message), std::move(flag));
  };
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--runs" && i + 1 < argc) {
      options.runs = std::atoi(argv[++i]);
    } else if (arg == "--only" && i + 1 < argc) {
      options.only = argv[++i];
    } else if (arg == "--pool" && i + 1 < argc) {
      options.pool = std::atoi(argv[++i]);
    } else if (arg == "--json" && i + 1 < argc) {
      options.json_file = argv[++i];
    } else {
      return usage("unknown argument or missing value", arg);
    }
  }
  if (!options.only.empty() && options.only != "zerotrust" && options.only != "semitrusted") {
    return usage("must be zerotrust or semitrusted", "--only");
  }
  if (options.runs < 1 || options.runs > 100000) return usage("must be from 1 to 100000", "--runs");
  if (options.pool < 0 || options.pool > 256) return usage("must be from 0 to 256", "--pool");
  return options;
}

// Each series' runs, interleaved so that drift hits them alike.
void Measure(int runs, const std::vector<Series*>& measured) {
  // Warm-up: page cache, cgroup directories.
  BareExec();
  for (int i = 0; i <= runs; ++i) {
    for (Series* series : measured) {
      const double ms = series->run();
      if (i > 0) series->ms.push_back(ms);
    }
  }
}

// Prints the table; the same as JSON.
std::string Report(int runs, double floor, const std::vector<Series*>& measured) {
  std::printf("%d runs of /bin/sh -c true each, interleaved\n", runs);
  std::printf("%-12s %8s %8s %8s %8s %12s\n", "", "p50 ms", "p90 ms", "p99 ms", "max ms",
              "p50 / bare");
  std::string json = "{\"runs\":" + std::to_string(runs) + ",\"series\":[";
  bool first = true;
  for (Series* series : measured) {
    const double p50 = series->Percentile(50), p90 = series->Percentile(90),
                 p99 = series->Percentile(99), max = series->Percentile(100);
    std::printf("%-12s %8.2f %8.2f %8.2f %8.2f %11.1fx\n", series->name.c_str(), p50, p90, p99, max,
                p50 / floor);
    char entry[256];
    std::snprintf(entry, sizeof entry,
                  "%s{\"name\":\"%s\",\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,"
                  "\"max_ms\":%.3f,\"p50_over_bare\":%.2f}",
                  first ? "" : ",", series->name.c_str(), p50, p90, p99, max, p50 / floor);
    json += entry;
    first = false;
  }
  return json + "]}\n";
}

base::Expected<std::unique_ptr<sandbox::Sandbox>> MakeSandbox(const Options& options, int pool) {
  sandbox::PoolOptions pool_options;
  pool_options.per_class = pool;
  auto box = sandbox::Sandbox::Create(sandbox::Policy{}, pool_options);
  if (!box.ok()) return box;
  if (options.only != "zerotrust" && !box.value()->semitrusted().ok()) {
    return base::WithContext(box.value()->semitrusted().error(), "semitrusted: ");
  }
  if (options.only != "zerotrust") {
    sandbox::RunSpec spec;
    spec.steps = {{"/bin/sh", "-c", "true"}};
    box.value()->KeepReady(spec, box.value()->policy().limits, sandbox::Network::kSemiTrusted);
  }
  return box;
}

}  // namespace

int main(int argc, char** argv) {
  const base::Expected<Options> options = ParseOptions(argc, argv);
  if (!options.ok()) return Fail(options.error());
  const auto direct = MakeSandbox(*options, 0);
  if (!direct.ok()) return Fail(direct.error());
  std::unique_ptr<sandbox::Sandbox> pooled;
  if (options->pool > 0) {
    auto made = MakeSandbox(*options, options->pool);
    if (!made.ok()) return Fail(made.error());
    pooled = std::move(made).value();
  }
  using sandbox::Network;
  const auto in = [](sandbox::Sandbox& box, Network network) {
    return [&box, network] { return SandboxRun(box, network); };
  };
  Series bare{"bare exec", BareExec, {}};
  std::vector<Series> sandboxed;
  for (const auto& [name, network] : {std::pair{"zerotrust", Network::kZeroTrust},
                                      std::pair{"semitrusted", Network::kSemiTrusted}}) {
    if (!options->only.empty() && options->only != name) continue;
    sandboxed.push_back({name, in(*direct.value(), network), {}});
    if (pooled) sandboxed.push_back({std::string(name) + " pooled", in(*pooled, network), {}});
  }
  std::vector<Series*> measured = {&bare};
  for (Series& series : sandboxed) measured.push_back(&series);
  Measure(options->runs, measured);
  const std::string json = Report(options->runs, bare.Percentile(50), measured);
  if (!options->json_file.empty()) std::ofstream(options->json_file) << json;
  return 0;
}

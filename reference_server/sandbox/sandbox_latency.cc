// sandbox_latency: what a run costs, per network mode, against bare exec
// measured in the same run. One Sandbox, RUNS runs of `/bin/sh -c true` in
// each mode (interleaved, so that drift hits both alike), whole Run() call.
//
//   sandbox_latency [--runs N] [--only zerotrust|semitrusted] [--json FILE]
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
#include <iostream>
#include <string>
#include <vector>

#include "reference_server/sandbox/sandbox.h"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

struct Series {
  std::string name;
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
  const auto start = Clock::now();
  const sandbox::RunResult result = box.Run(spec, box.policy().limits, network);
  const double ms = Since(start);
  if (!result.setup_error.empty() || result.exit_code != 0) {
    std::cerr << "sandbox_latency: run failed: " << result.setup_error << "\n";
    std::exit(1);
  }
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 200;
  std::string json_file, only;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--runs" && i + 1 < argc) {
      runs = std::atoi(argv[++i]);
    } else if (arg == "--only" && i + 1 < argc) {
      only = argv[++i];
    } else if (arg == "--json" && i + 1 < argc) {
      json_file = argv[++i];
    } else {
      std::cerr
          << "usage: sandbox_latency [--runs N] [--only zerotrust|semitrusted] [--json FILE]\n";
      return 2;
    }
  }
  if (!only.empty() && only != "zerotrust" && only != "semitrusted") {
    std::cerr << "sandbox_latency: --only must be zerotrust or semitrusted\n";
    return 2;
  }
  if (runs < 1 || runs > 100000) {
    std::cerr << "sandbox_latency: --runs must be from 1 to 100000\n";
    return 2;
  }
  sandbox::Sandbox box{sandbox::Policy{}};
  if (!box.error().empty()) {
    std::cerr << "sandbox_latency: " << box.error() << "\n";
    return 1;
  }
  if (only != "zerotrust" && !box.semitrusted_error().empty()) {
    std::cerr << "sandbox_latency: semitrusted: " << box.semitrusted_error() << "\n";
    return 1;
  }
  Series bare{"bare exec", {}}, zerotrust{"zerotrust", {}}, semitrusted{"semitrusted", {}};
  std::vector<Series*> measured = {&bare};
  if (only != "semitrusted") measured.push_back(&zerotrust);
  if (only != "zerotrust") measured.push_back(&semitrusted);
  // Warm-up: page cache, cgroup directories.
  BareExec();
  for (int i = 0; i <= runs; ++i) {
    for (Series* series : measured) {
      const double ms = series == &bare        ? BareExec()
                        : series == &zerotrust ? SandboxRun(box, sandbox::Network::kZeroTrust)
                                               : SandboxRun(box, sandbox::Network::kSemiTrusted);
      if (i > 0) series->ms.push_back(ms);
    }
  }
  const double floor = bare.Percentile(50);
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
  json += "]}\n";
  if (!json_file.empty()) std::ofstream(json_file) << json;
  return 0;
}

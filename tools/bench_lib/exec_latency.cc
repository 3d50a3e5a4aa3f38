// exec_latency: what one run of a command, or one API request, costs, run
// after run, timed in C++ so that no interpreter's overhead is in the
// samples. tools/bench drives it; it is usable by hand too.
//
//   exec_latency [flags] -- ARGV...        one series, named "command"
//   exec_latency [flags] --spec FILE       the series of a spec file
//
// Flags:
//   --runs N          samples per series (default 100; 1..100000); with
//                     --parallel, at most this many per loop and round
//   --seconds S       time limit (default 60; 1..3600): sequentially, the
//                     whole measurement stops after the round that passes
//                     it; with --parallel, the time each series is run
//   --warmup N        unrecorded runs of each series first (default 1)
//   --parallel P      P loops at once (threads, each spawning and waiting,
//                     P >= 1), reporting the rate; without it, one loop
//                     interleaving the series
//   --rounds R        with --parallel: the series take turns R times, each
//                     for S/R seconds (default 1)
//   --run-timeout S   one run's limit; a run past it is killed and is an
//                     error (default 120)
//   --json FILE       write the result there (default: stdout)
//
// The spec file: {"series": [SERIES, ...]}, where SERIES is
//   {"name": "bare", "argv": ["/bin/sh", "main.sh"], "expect": ["text"]}
// or, for POST requests on one kept-alive connection,
//   {"name": "http", "http": {"url": "http://127.0.0.1:PORT/execute",
//    "body_file": "FILE", "key_file": "FILE"}, "expect": ["\"exit_code\":0"]}
// A command runs with stdin from /dev/null and its stdout and stderr in
// memory files; a run counts only if it exits 0 (an answer: status 2xx) and
// its stdout (the answer's body) contains every "expect" text. Any other run
// is an error that ends the measurement: never a sample.
//
// Sequentially, the series are interleaved, round after round, each round
// starting with the next series, so that drift hits them all alike.
// Percentiles are nearest-rank. Exit status: 0, 1 when a run failed, 2 for
// usage errors.
//
// The pieces: series_spec (the spec file), runners (one run of a series),
// measure (sequential and parallel loops), latency_report (percentiles, the
// JSON and the table); here, the flags.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "base/expected.h"
#include "base/system_error.h"
#include "tools/bench_lib/latency_report.h"
#include "tools/bench_lib/measure.h"
#include "tools/bench_lib/series_spec.h"

namespace exec_latency {
namespace {

using base::ErrorCode;

constexpr char kUsage[] =
    "usage: exec_latency [--runs N] [--seconds S] [--warmup N] [--parallel P] [--rounds R]\n"
    "                    [--run-timeout S] [--json FILE] (--spec FILE | -- ARGV...)\n";

base::Error Usage(std::string message, std::string where = "") {
  return base::MakeError(ErrorCode::kInvalidArgument, std::move(message), std::move(where));
}

struct Options {
  MeasureOptions measure;
  std::string json_file, spec_file;
  std::vector<std::string> argv;  // after --
};

// A whole number from `min` to `max`, or a usage error naming `flag`.
base::Expected<int> Bounded(const std::string& text, const std::string& flag, int min, int max) {
  char* end = nullptr;
  errno = 0;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || value < min || value > max) {
    return Usage("must be a whole number from " + std::to_string(min) + " to " +
                     std::to_string(max) + ", got '" + text + "'",
                 flag);
  }
  return static_cast<int>(value);
}

struct IntFlag {
  const char* name;
  int MeasureOptions::*field;
  int min, max;
};

constexpr IntFlag kIntFlags[] = {
    {"--runs", &MeasureOptions::runs, 1, 100000},
    {"--seconds", &MeasureOptions::seconds, 1, 3600},
    {"--warmup", &MeasureOptions::warmup, 0, 100},
    {"--parallel", &MeasureOptions::parallel, 1, 256},
    {"--rounds", &MeasureOptions::rounds, 1, 100},
    {"--run-timeout", &MeasureOptions::run_timeout_s, 1, 3600},
};

base::Expected<Options> ParseOptions(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") {
      options.argv.assign(argv + i + 1, argv + argc);
      if (options.argv.empty()) return Usage("needs a command after it", "--");
      break;
    }
    if (i + 1 >= argc) return Usage("unknown argument or missing value", arg);
    const std::string value = argv[++i];
    if (arg == "--json") {
      options.json_file = value;
      continue;
    }
    if (arg == "--spec") {
      options.spec_file = value;
      continue;
    }
    const IntFlag* flag = nullptr;
    for (const IntFlag& candidate : kIntFlags) {
      if (arg == candidate.name) flag = &candidate;
    }
    if (flag == nullptr) return Usage("unknown flag", arg);
    base::Expected<int> number = Bounded(value, arg, flag->min, flag->max);
    if (!number.ok()) return number.error();
    options.measure.*(flag->field) = number.value();
  }
  if (options.spec_file.empty() == options.argv.empty()) {
    return Usage("give either --spec FILE or -- ARGV...");
  }
  return options;
}

base::Expected<std::vector<SeriesSpec>> LoadSpecs(const Options& options) {
  if (options.spec_file.empty()) return std::vector<SeriesSpec>{CommandSpec(options.argv)};
  return LoadSpecFile(options.spec_file);
}

int Fail(const base::Error& error) {
  std::cerr << "exec_latency: " << error.Describe() << "\n";
  if (error.code == ErrorCode::kInvalidArgument) std::cerr << kUsage;
  return error.exit_status();
}

// The JSON to --json FILE, with a table on stdout; or the JSON on stdout.
int Write(const Options& options, std::vector<Series>& series) {
  const bool to_file = !options.json_file.empty();
  const std::string json = Report(options.measure, series, to_file ? stdout : nullptr);
  if (!to_file) {
    std::cout << json;
    return 0;
  }
  std::ofstream out(options.json_file);
  out << json;
  if (!out.flush()) return Fail(base::ErrnoError(errno, options.json_file, "cannot write:"));
  return 0;
}

int Main(int argc, char** argv) {
  // A measured command that closes its end early must not kill the tool.
  std::signal(SIGPIPE, SIG_IGN);
  base::Expected<Options> options = ParseOptions(argc, argv);
  if (!options.ok()) return Fail(options.error());
  base::Expected<std::vector<SeriesSpec>> specs = LoadSpecs(options.value());
  if (!specs.ok()) return Fail(specs.error());
  std::vector<Series> series;
  for (const SeriesSpec& spec : specs.value()) series.push_back({&spec, {}});
  const MeasureOptions& measure = options->measure;
  const base::Status measured =
      measure.parallel > 0 ? MeasureParallel(measure, series) : MeasureSequential(measure, series);
  if (!measured.ok()) return Fail(measured.error());
  for (const Series& s : series) {
    if (s.ms.empty()) {
      return Fail(base::MakeError(ErrorCode::kInternal, "no run finished in time", s.spec->name));
    }
  }
  return Write(options.value(), series);
}

}  // namespace
}  // namespace exec_latency

int main(int argc, char** argv) { return exec_latency::Main(argc, argv); }

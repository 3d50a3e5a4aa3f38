// conformance: replays fixtures/conformance/ against a code-execution API
// server and reports, case by case, what conforms. See docs/CONFORMANCE.md.

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "conformance/case_runner.h"
#include "conformance/coverage.h"
#include "conformance/embedded_server.h"
#include "conformance/expectations.h"
#include "conformance/fixture.h"
#include "conformance/options.h"
#include "conformance/paths.h"
#include "conformance/preflight.h"
#include "conformance/probe_listener.h"
#include "conformance/report.h"
#include "conformance/schema_store.h"
#include "conformance/tls_transport.h"

namespace conformance {
namespace {
bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream file(UserPath(path), std::ios::binary);
  file << text;
  return static_cast<bool>(file);
}

bool Selected(const Options& options, const std::string& id) {
  bool selected = options.filters.empty();
  for (const std::string& glob : options.filters) selected = selected || GlobMatches(glob, id);
  for (const std::string& glob : options.excludes) selected = selected && !GlobMatches(glob, id);
  return selected;
}

int Fatal(const std::string& message) {
  std::cerr << "conformance: " << message << "\n";
  return 2;
}

// What a run replays: the schemas, every case, the selected ones, and the
// expectations they are judged against.
struct Suite {
  SchemaStore schemas;
  std::vector<Case> all;
  std::vector<const Case*> selected;
  std::vector<Expectation> expectations;
};

// Phase 1: loads the fixtures and expectations; "" or why not.
std::string LoadSuite(const Options& options, const std::string& argv0, Suite& suite) {
  const std::string schemas_dir = options.schemas_dir.empty() ? DataPath(argv0, "fixtures/schemas")
                                                              : UserPath(options.schemas_dir);
  if (std::string error = suite.schemas.LoadDirectory(schemas_dir); !error.empty()) return error;
  const std::string fixtures_dir = options.fixtures_dir.empty()
                                       ? DataPath(argv0, "fixtures/conformance")
                                       : UserPath(options.fixtures_dir);
  if (std::string error = LoadCases(fixtures_dir, DataPath(argv0, "conformance/case_format.json"),
                                    suite.schemas, &suite.all);
      !error.empty()) {
    return "fixture errors:\n" + error;
  }
  for (const Case& c : suite.all) {
    if (Selected(options, c.id)) suite.selected.push_back(&c);
  }
  if (options.expectations_path.empty()) return "";
  std::ifstream file(UserPath(options.expectations_path));
  if (!file) return "cannot read " + options.expectations_path;
  std::stringstream text;
  text << file.rdbuf();
  if (std::string error = ParseExpectations(text.str(), &suite.expectations); !error.empty()) {
    return options.expectations_path + ": " + error;
  }
  return "";
}

// Phase 2: the target, started when embedded, checked (TLS settings, keys,
// endpoints, languages), with the probe listener when it is on loopback.
std::string PrepareTarget(const Options& options, const std::string& argv0, EmbeddedServer& server,
                          ProbeListener& probe, Target& target) {
  target.timeout_scale = options.timeout_scale;
  // A body that stops arriving is answered 408 after --request-timeout
  // (http.protocol.slow_body): 30 s by default, a few here so that the
  // case takes seconds. Any --server-arg comes after and wins.
  const auto request_timeout_ms = static_cast<long>(5000 * options.timeout_scale);
  std::vector<std::string> flags = {"--workers", "8", "--request-timeout",
                                    std::to_string(request_timeout_ms) + "ms"};
  flags.insert(flags.end(), options.server_args.begin(), options.server_args.end());
  if (std::string error = ResolveTarget(argv0, options.target, options.api_key,
                                        options.second_api_key, flags, server, &target);
      !error.empty()) {
    return error;
  }
  if (options.target.empty()) {
    std::cout << "embedded reference server: " << server.url() << " (log: " << server.log_path()
              << ")\n";
  }
  target.url.ca_file = UserPath(options.ca_file);
  target.url.insecure = options.insecure;
  // A --ca-file that cannot be used is named here, not as a handshake
  // failure of every case.
  if (target.url.tls) {
    if (std::string error = CheckTlsSettings(target.url); !error.empty()) return error;
  }
  target.wrong_key = "conformance-wrong-key-" + std::to_string(getpid());
  if (target.url.IsLoopback() && probe.Start().empty()) {
    target.probe_host = "127.0.0.1";
    target.probe_port = probe.port();
  }
  std::string notes;
  if (std::string error = Preflight(&target, &notes); !error.empty()) return error;
  std::cout << "target: " << target.url.ToString() << "\n" << notes;
  if (target.languages) {
    std::cout << "languages: " << target.languages->size() << " names and aliases\n";
  }
  return "";
}

// Phase 3: every selected case, `jobs` at a time, a progress line each.
std::vector<ReportedCase> RunCases(const Suite& suite, const Target& target, int jobs,
                                   const RunOptions& run_options) {
  const std::vector<const Case*>& cases = suite.selected;
  std::cout << "running " << cases.size() << " cases, " << jobs << " at a time\n";
  std::vector<ReportedCase> reported(cases.size());
  std::atomic<std::size_t> next{0};
  std::mutex output;
  std::size_t done = 0;
  auto work = [&] {
    HttpClient client(target.url);
    for (std::size_t i = next++; i < cases.size(); i = next++) {
      ReportedCase& r = reported[i];
      r.c = cases[i];
      r.result = RunCase(*cases[i], target, suite.schemas, run_options, client);
      r.expectation = FindExpectation(suite.expectations, r.result.id);
      if (r.expectation != nullptr) {
        for (const Grade grade : r.expectation->grades) {
          r.expected = r.expected || grade == r.result.grade;
        }
      }
      const std::lock_guard<std::mutex> lock(output);
      std::cout << ProgressLine(++done, cases.size(), r) << std::endl;
    }
  };
  std::vector<std::thread> workers;
  for (int i = 0; i < jobs; ++i) workers.emplace_back(work);
  for (std::thread& worker : workers) worker.join();
  return reported;
}

// Phase 4: the summary, and the report files asked for; the exit status.
int Report(const Options& options, const std::vector<ReportedCase>& reported, double seconds,
           const std::string& target, const std::string& replay_directory) {
  const Summary summary = Summarize(reported, seconds);
  std::cout << SummaryText(reported, summary, target);
  // The default replay directory goes if no failure needed it.
  if (options.replay_dir.empty() && rmdir(replay_directory.c_str()) != 0) {
    std::cout << "request bodies of the curl lines: " << replay_directory << "\n";
  }
  if (!options.json_path.empty() &&
      !WriteFile(options.json_path, JsonReport(reported, summary, target))) {
    return Fatal("cannot write " + options.json_path);
  }
  if (!options.junit_path.empty() &&
      !WriteFile(options.junit_path, JunitReport(reported, summary))) {
    return Fatal("cannot write " + options.junit_path);
  }
  if (!options.write_expectations_path.empty()) {
    std::vector<CaseResult> results;
    for (const ReportedCase& r : reported) results.push_back(r.result);
    if (!WriteFile(options.write_expectations_path, ExpectationsFor(results, target))) {
      return Fatal("cannot write " + options.write_expectations_path);
    }
  }
  return summary.exit_code;
}

int Main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  Options options;
  if (std::string error = ParseOptions(argc, argv, &options); !error.empty()) {
    std::cerr << "conformance: " << error << "\n";
    return 2;
  }
  if (options.help) {
    std::cout << kUsage;
    return 0;
  }
  const std::string argv0 = argv[0];
  Suite suite;
  if (std::string error = LoadSuite(options, argv0, suite); !error.empty()) return Fatal(error);
  if (options.coverage) {
    std::cout << CoverageTable(suite.all);
    return 0;
  }
  if (options.list) {
    for (const Case* c : suite.selected) {
      std::cout << c->id << "\t" << LevelName(c->level) << "\t" << c->section << "\t" << c->title
                << "\n";
    }
    return 0;
  }
  if (suite.selected.empty()) return Fatal("no case matches the --filter/--exclude globs");

  Target target;
  EmbeddedServer server;
  ProbeListener probe;
  if (std::string error = PrepareTarget(options, argv0, server, probe, target); !error.empty()) {
    return Fatal(error);
  }
  // Bodies too large for a curl line (a 5 MiB file) go to files there.
  RunOptions run_options;
  run_options.replay_directory = UserPath(options.replay_dir);
  if (options.replay_dir.empty()) {
    char pattern[] = "/tmp/conformance-replay-XXXXXX";
    if (mkdtemp(pattern) != nullptr) run_options.replay_directory = pattern;
  }
  const auto start = std::chrono::steady_clock::now();
  const std::vector<ReportedCase> reported = RunCases(suite, target, options.jobs, run_options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return Report(options, reported, seconds, target.url.ToString(), run_options.replay_directory);
}

}  // namespace
}  // namespace conformance

int main(int argc, char** argv) { return conformance::Main(argc, argv); }

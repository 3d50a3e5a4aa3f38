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
  SchemaStore schemas;
  const std::string schemas_dir = options.schemas_dir.empty()
                                      ? DataPath(argv0, "fixtures/schemas")
                                      : UserPath(options.schemas_dir);
  if (std::string error = schemas.LoadDirectory(schemas_dir); !error.empty()) return Fatal(error);
  std::vector<Case> all;
  const std::string fixtures_dir = options.fixtures_dir.empty()
                                       ? DataPath(argv0, "fixtures/conformance")
                                       : UserPath(options.fixtures_dir);
  if (std::string error = LoadCases(fixtures_dir, DataPath(argv0, "conformance/case_format.json"),
                                    schemas, &all);
      !error.empty()) {
    return Fatal("fixture errors:\n" + error);
  }
  std::vector<const Case*> cases;
  for (const Case& c : all) {
    if (Selected(options, c.id)) cases.push_back(&c);
  }
  if (options.coverage) {
    std::cout << CoverageTable(all);
    return 0;
  }
  if (options.list) {
    for (const Case* c : cases) {
      std::cout << c->id << "\t" << LevelName(c->level) << "\t" << c->section << "\t" << c->title
                << "\n";
    }
    return 0;
  }
  if (cases.empty()) return Fatal("no case matches the --filter/--exclude globs");

  std::vector<Expectation> expectations;
  if (!options.expectations_path.empty()) {
    std::ifstream file(UserPath(options.expectations_path));
    if (!file) return Fatal("cannot read " + options.expectations_path);
    std::stringstream text;
    text << file.rdbuf();
    if (std::string error = ParseExpectations(text.str(), &expectations); !error.empty()) {
      return Fatal(options.expectations_path + ": " + error);
    }
  }

  Target target;
  target.timeout_scale = options.timeout_scale;
  EmbeddedServer server;
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
    return Fatal(error);
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
    if (std::string error = CheckTlsSettings(target.url); !error.empty()) return Fatal(error);
  }
  target.wrong_key = "conformance-wrong-key-" + std::to_string(getpid());
  ProbeListener probe;
  if (target.url.IsLoopback() && probe.Start().empty()) {
    target.probe_host = "127.0.0.1";
    target.probe_port = probe.port();
  }
  std::string notes;
  if (std::string error = Preflight(&target, &notes); !error.empty()) return Fatal(error);
  std::cout << "target: " << target.url.ToString() << "\n" << notes;
  if (target.languages) {
    std::cout << "languages: " << target.languages->size() << " names and aliases\n";
  }
  std::cout << "running " << cases.size() << " cases, " << options.jobs << " at a time\n";

  // Bodies too large for a curl line (a 5 MiB file) go to files there.
  RunOptions run_options;
  run_options.replay_directory = UserPath(options.replay_dir);
  if (options.replay_dir.empty()) {
    char pattern[] = "/tmp/conformance-replay-XXXXXX";
    if (mkdtemp(pattern) != nullptr) run_options.replay_directory = pattern;
  }
  std::vector<ReportedCase> reported(cases.size());
  std::atomic<std::size_t> next{0};
  std::mutex output;
  std::size_t done = 0;
  const auto start = std::chrono::steady_clock::now();
  auto work = [&] {
    HttpClient client(target.url);
    for (std::size_t i = next++; i < cases.size(); i = next++) {
      ReportedCase& r = reported[i];
      r.c = cases[i];
      r.result = RunCase(*cases[i], target, schemas, run_options, client);
      r.expectation = FindExpectation(expectations, r.result.id);
      if (r.expectation != nullptr) {
        for (const Grade grade : r.expectation->grades) r.expected = r.expected || grade == r.result.grade;
      }
      const std::lock_guard<std::mutex> lock(output);
      std::cout << ProgressLine(++done, cases.size(), r) << std::endl;
    }
  };
  std::vector<std::thread> workers;
  for (int i = 0; i < options.jobs; ++i) workers.emplace_back(work);
  for (std::thread& worker : workers) worker.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const Summary summary = Summarize(reported, seconds);
  std::cout << SummaryText(reported, summary, target.url.ToString());
  // The default replay directory goes if no failure needed it.
  if (options.replay_dir.empty() && rmdir(run_options.replay_directory.c_str()) != 0) {
    std::cout << "request bodies of the curl lines: " << run_options.replay_directory << "\n";
  }
  if (!options.json_path.empty() &&
      !WriteFile(options.json_path, JsonReport(reported, summary, target.url.ToString()))) {
    return Fatal("cannot write " + options.json_path);
  }
  if (!options.junit_path.empty() && !WriteFile(options.junit_path, JunitReport(reported, summary))) {
    return Fatal("cannot write " + options.junit_path);
  }
  if (!options.write_expectations_path.empty()) {
    std::vector<CaseResult> results;
    for (const ReportedCase& r : reported) results.push_back(r.result);
    if (!WriteFile(options.write_expectations_path, ExpectationsFor(results, target.url.ToString()))) {
      return Fatal("cannot write " + options.write_expectations_path);
    }
  }
  return summary.exit_code;
}

}  // namespace
}  // namespace conformance

int main(int argc, char** argv) { return conformance::Main(argc, argv); }

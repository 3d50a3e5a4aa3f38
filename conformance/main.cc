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
#include <thread>

#include "base/expected.h"
#include "conformance/case_runner.h"
#include "conformance/coverage.h"
#include "conformance/embedded_server.h"
#include "conformance/expectations.h"
#include "conformance/fixture.h"
#include "conformance/json_text.h"
#include "conformance/options.h"
#include "conformance/paths.h"
#include "conformance/preflight.h"
#include "conformance/probe_listener.h"
#include "conformance/report.h"
#include "conformance/schema_store.h"
#include "conformance/tls_transport.h"

namespace conformance {
namespace {

// Exit statuses (docs/CONFORMANCE.md): 0 no unexpected failure, 1
// unexpected failures, 2 usage, fixture or connection error. 1 belongs to
// the cases' verdict, so an error that stops the run is 2 whatever its
// code (a usage error's own exit_status() is 2 as well).
constexpr int kRunErrorStatus = 2;

int Fatal(const base::Error& error) {
  std::cerr << "conformance: " << error.message << "\n";
  return kRunErrorStatus;
}

base::Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream file(UserPath(path), std::ios::binary);
  file << text;
  if (!file) return base::MakeError(base::ErrorCode::kUnavailable, "cannot write " + path, path);
  return base::Ok();
}

bool Selected(const Options& options, const std::string& id) {
  bool selected = options.filters.empty();
  for (const std::string& glob : options.filters) selected = selected || GlobMatches(glob, id);
  for (const std::string& glob : options.excludes) selected = selected && !GlobMatches(glob, id);
  return selected;
}

// What a run replays: the schemas, every case, the selected ones, and the
// expectations they are judged against.
struct Suite {
  SchemaStore schemas;
  std::vector<Case> all;
  std::vector<const Case*> selected;
  std::vector<Expectation> expectations;
};

// Phase 1: loads the fixtures and expectations.
base::Status LoadSuite(const Options& options, const std::string& argv0, Suite& suite) {
  const std::string schemas_dir = options.schemas_dir.empty() ? DataPath(argv0, "fixtures/schemas")
                                                              : UserPath(options.schemas_dir);
  if (base::Status loaded = suite.schemas.LoadDirectory(schemas_dir); !loaded.ok()) return loaded;
  const std::string fixtures_dir = options.fixtures_dir.empty()
                                       ? DataPath(argv0, "fixtures/conformance")
                                       : UserPath(options.fixtures_dir);
  base::Expected<std::vector<Case>> cases =
      LoadCases(fixtures_dir, DataPath(argv0, "conformance/case_format.json"), suite.schemas);
  if (!cases.ok()) return base::WithContext(cases.error(), "fixture errors:\n");
  suite.all = std::move(cases).value();
  for (const Case& c : suite.all) {
    if (Selected(options, c.id)) suite.selected.push_back(&c);
  }
  if (options.expectations_path.empty()) return base::Ok();
  const base::Expected<std::string> text = ReadWholeFile(UserPath(options.expectations_path));
  if (!text.ok()) {
    return base::MakeError(base::ErrorCode::kNotFound, "cannot read " + options.expectations_path,
                           options.expectations_path);
  }
  base::Expected<std::vector<Expectation>> expectations = ParseExpectations(*text);
  if (!expectations.ok()) {
    return base::WithContext(expectations.error(), options.expectations_path + ": ");
  }
  suite.expectations = std::move(expectations).value();
  return base::Ok();
}

// Phase 2: the target, started when embedded, checked (TLS settings, keys,
// endpoints, languages), with the probe listener when it is on loopback.
base::Status PrepareTarget(const Options& options, const std::string& argv0, EmbeddedServer& server,
                           ProbeListener& probe, Target& target) {
  target.timeout_scale = options.timeout_scale;
  // A body that stops arriving is answered 408 after --request-timeout
  // (http.protocol.slow_body): 30 s by default, a few here so that the
  // case takes seconds. Any --server-arg comes after and wins.
  const auto request_timeout_ms = static_cast<long>(5000 * options.timeout_scale);
  std::vector<std::string> flags = {"--workers", "8", "--request-timeout",
                                    std::to_string(request_timeout_ms) + "ms"};
  flags.insert(flags.end(), options.server_args.begin(), options.server_args.end());
  if (base::Status resolved = ResolveTarget(argv0, options.target, options.api_key,
                                            options.second_api_key, flags, server, &target);
      !resolved.ok()) {
    return resolved;
  }
  if (options.target.empty()) {
    std::cout << "embedded reference server: " << server.url() << " (log: " << server.log_path()
              << ")\n";
  }
  target.url.ca_file = UserPath(options.ca_file);
  target.url.insecure = options.insecure;
  // A --ca-file that cannot be used is named here, before any case, not as
  // a handshake failure of every case.
  if (target.url.tls) {
    if (base::Status usable = CheckTlsSettings(target.url); !usable.ok()) return usable;
  }
  target.wrong_key = "conformance-wrong-key-" + std::to_string(getpid());
  if (target.url.IsLoopback() && probe.Start().ok()) {
    target.probe_host = "127.0.0.1";
    target.probe_port = probe.port();
  }
  const base::Expected<std::string> notes = Preflight(&target);
  if (!notes.ok()) return notes.error();
  std::cout << "target: " << target.url.ToString() << "\n" << *notes;
  if (target.languages) {
    std::cout << "languages: " << target.languages->size() << " names and aliases\n";
  }
  return base::Ok();
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
  if (!options.json_path.empty()) {
    if (base::Status written = WriteFile(options.json_path, JsonReport(reported, summary, target));
        !written.ok()) {
      return Fatal(written.error());
    }
  }
  if (!options.junit_path.empty()) {
    if (base::Status written = WriteFile(options.junit_path, JunitReport(reported, summary));
        !written.ok()) {
      return Fatal(written.error());
    }
  }
  if (!options.write_expectations_path.empty()) {
    std::vector<CaseResult> results;
    for (const ReportedCase& r : reported) results.push_back(r.result);
    if (base::Status written =
            WriteFile(options.write_expectations_path, ExpectationsFor(results, target));
        !written.ok()) {
      return Fatal(written.error());
    }
  }
  return summary.exit_code;
}

// The selected cases' ids with their level, section and title.
void List(const Suite& suite) {
  for (const Case* c : suite.selected) {
    std::cout << c->id << "\t" << LevelName(c->level) << "\t" << c->section << "\t" << c->title
              << "\n";
  }
}

// Where bodies too large for a curl line (a 5 MiB file) go.
RunOptions MakeRunOptions(const Options& options) {
  RunOptions run_options;
  run_options.replay_directory = UserPath(options.replay_dir);
  if (options.replay_dir.empty()) {
    char pattern[] = "/tmp/conformance-replay-XXXXXX";
    if (mkdtemp(pattern) != nullptr) run_options.replay_directory = pattern;
  }
  return run_options;
}

int Main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  const base::Expected<Options> parsed = ParseOptions(argc, argv);
  if (!parsed.ok()) {
    std::cerr << "conformance: " << parsed.error().message << "\n";
    return parsed.error().exit_status();
  }
  const Options& options = *parsed;
  if (options.help) {
    std::cout << Usage();
    return 0;
  }
  const std::string argv0 = argv[0];
  Suite suite;
  if (base::Status loaded = LoadSuite(options, argv0, suite); !loaded.ok()) {
    return Fatal(loaded.error());
  }
  if (options.coverage) {
    std::cout << CoverageTable(suite.all);
    return 0;
  }
  if (options.list) {
    List(suite);
    return 0;
  }
  if (suite.selected.empty()) {
    return Fatal(base::MakeError(base::ErrorCode::kInvalidArgument,
                                 "no case matches the --filter/--exclude globs", "--filter"));
  }
  Target target;
  EmbeddedServer server;
  ProbeListener probe;
  if (base::Status prepared = PrepareTarget(options, argv0, server, probe, target);
      !prepared.ok()) {
    return Fatal(prepared.error());
  }
  const RunOptions run_options = MakeRunOptions(options);
  const auto start = std::chrono::steady_clock::now();
  const std::vector<ReportedCase> reported = RunCases(suite, target, options.jobs, run_options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return Report(options, reported, seconds, target.url.ToString(), run_options.replay_directory);
}

}  // namespace
}  // namespace conformance

int main(int argc, char** argv) { return conformance::Main(argc, argv); }

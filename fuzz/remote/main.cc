// api_fuzz: black-box fuzzing of any server of the code-execution API over
// HTTP/1.1 (docs/FUZZING.md, "Remote fuzzing"). Judges every answer with
// named checks, the accept/reject decisions against the reference
// validator, and job state across two keys; buckets, minimizes and reports
// what it finds.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <random>
#include <utility>

#include "base/expected.h"
#include "conformance/embedded_server.h"
#include "conformance/paths.h"
#include "conformance/preflight.h"
#include "conformance/raw_step.h"
#include "conformance/request_builder.h"
#include "conformance/tls_transport.h"
#include "fuzz/remote/campaign.h"
#include "fuzz/remote/minimize.h"
#include "fuzz/remote/options.h"

namespace remote_fuzz {
namespace {

using conformance::UserPath;

// Exit statuses (docs/FUZZING.md): 0 no FAILED finding, 1 findings, 2
// usage or connection error. 1 belongs to the campaign's verdict, so an
// error that stops the run is 2 whatever its code (a usage error's own
// exit_status() is 2 as well).
constexpr int kRunErrorStatus = 2;

int Fatal(const base::Error& error) {
  std::cerr << "api_fuzz: " << error.message << "\n";
  return kRunErrorStatus;
}

base::Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary);
  file << text;
  if (!file) return base::MakeError(base::ErrorCode::kUnavailable, "cannot write " + path, path);
  return base::Ok();
}

// A cheap language the target lists, with a hello world and a one-second
// program in it.
void ChoosePrograms(TargetContext& context) {
  struct Programs {
    const char* language;
    const char* hello;
    const char* slow;
  };
  static const Programs kPrograms[] = {
      {"bash", "echo hello", "sleep 1; echo done"},
      {"sh", "echo hello", "sleep 1; echo done"},
      {"python", "print('hello')", "import time\ntime.sleep(1)\nprint('done')"},
      {"javascript", "console.log('hello')", "setTimeout(() => console.log('done'), 1000)"},
      {"ruby", "puts 'hello'", "sleep 1\nputs 'done'"},
  };
  for (const Programs& programs : kPrograms) {
    if (context.languages.count(programs.language) != 0) {
      context.cheap_language = programs.language;
      context.hello_code = programs.hello;
      context.slow_code = programs.slow;
      return;
    }
  }
}

std::string Escaped(const std::string& bytes, std::size_t limit = 2000) {
  std::string out;
  for (unsigned char c : bytes.substr(0, limit)) {
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n\n";
    } else if (c < 0x20 || c >= 0x7f) {
      static const char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (bytes.size() > limit) out += "... (" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

// `text` with the keys replaced as curl lines name them: keys are never
// printed nor written to a report (they would land in CI logs).
std::string HideKeys(std::string text, const TargetContext& context) {
  std::pair<std::string, const char*> keys[] = {{context.primary_key, "${API_KEY}"},
                                                {context.second_key, "${SECOND_API_KEY}"}};
  // The longer key first: were one key a prefix of the other, replacing
  // the shorter first would leave the longer one's tail in the text.
  if (keys[1].first.size() > keys[0].first.size()) std::swap(keys[0], keys[1]);
  for (const auto& [key, name] : keys) {
    for (std::size_t at = key.empty() ? std::string::npos : text.find(key); at != std::string::npos;
         at = text.find(key, at + std::string(name).size())) {
      text.replace(at, key.size(), name);
    }
  }
  return text;
}

std::string JoinedPieces(const FuzzCase& c, const TargetContext& context) {
  std::string bytes;
  for (const std::string& piece : WirePieces(c, context)) bytes += piece;
  return bytes;
}

// Prints one case, its answers and its violations; 1 if any is strict.
int ReplayOne(const FuzzCase& c, std::uint64_t seed, const Exchanger& send,
              const TargetContext& context, const CheckBounds& bounds) {
  std::cout << "case " << c.index << " of seed " << seed << ": " << KindName(c.kind) << " from "
            << c.origin << "\n";
  if (c.kind != Kind::kStateful) {
    std::cout << "--- sent ---\n" << Escaped(HideKeys(JoinedPieces(c, context), context)) << "\n";
  }
  const CaseOutcome outcome = RunCase(c, seed, send, context, bounds);
  std::cout << "--- answered ---\n";
  for (int status : outcome.statuses) std::cout << status << "\n";
  bool strict = false;
  for (const Violation& v : outcome.violations) {
    std::cout << (v.strict ? "FAILED " : "NON-STRICT ") << v.check << ": " << v.message << "\n";
    strict = strict || v.strict;
  }
  for (const SequenceViolation& s : outcome.sequence_violations) {
    std::cout << (s.violation.strict ? "FAILED " : "NON-STRICT ") << s.violation.check << ": "
              << s.violation.message << "\n";
    strict = strict || s.violation.strict;
  }
  if (outcome.violations.empty() && outcome.sequence_violations.empty()) {
    std::cout << "every check passed\n";
  }
  return strict ? 1 : 0;
}

// Minimizes a finding against the target and writes its reproducers.
void Finish(Finding& f, std::size_t number, bool minimize, const Exchanger& send,
            const TargetContext& context, const CheckBounds& bounds,
            const conformance::Target& target, const std::string& directory) {
  const bool sequence = f.check == "stateful" || f.check == "still_alive";
  if (minimize && !sequence) {
    auto still_fails = [&](const FuzzCase& candidate) {
      if (RouteOf(candidate) != f.route) return false;
      const CaseOutcome outcome = RunCase(candidate, f.seed, send, context, bounds);
      return outcome.status == f.status &&
             std::any_of(outcome.violations.begin(), outcome.violations.end(),
                         [&](const Violation& v) { return v.check == f.check; });
    };
    const Minimized minimized = Minimize(f.first, still_fails, MinimizeLimits{});
    f.reproducer = minimized.reproducer;
    f.minimize_attempts = minimized.attempts;
    f.minimized = minimized.accepted > 0;
  }
  const std::string stem = directory + "/" + std::to_string(number) + "-" + f.check;
  f.raw_file = stem + ".raw";
  if (!WriteFile(f.raw_file, JoinedPieces(f.reproducer, context)).ok()) f.raw_file.clear();
  if (f.reproducer.kind == Kind::kRaw || f.reproducer.kind == Kind::kStateful) return;
  conformance::BuiltRequest built;
  built.http.method = f.reproducer.http.method;
  built.http.target = f.reproducer.http.target;
  if (const std::string key = KeyFor(f.reproducer.http.key, context); !key.empty()) {
    built.http.headers.emplace_back("Authorization", "Bearer " + key);
  }
  for (const auto& header : f.reproducer.http.headers) built.http.headers.push_back(header);
  if (f.reproducer.http.close) built.http.headers.emplace_back("Connection", "close");
  built.http.body = f.reproducer.http.body;
  f.curl = conformance::CurlCommand(built, target, stem + ".body");
}

// The target, started when embedded, with its TLS settings checked and
// its keys and languages known.
base::Status PrepareTarget(const Options& options, const std::string& argv0,
                           conformance::EmbeddedServer& server, conformance::Target& target) {
  if (base::Status resolved =
          conformance::ResolveTarget(argv0, options.target, options.api_key, options.second_api_key,
                                     options.server_args, server, &target);
      !resolved.ok()) {
    return resolved;
  }
  if (options.target.empty()) {
    std::cout << "embedded reference server: " << server.url() << " (log: " << server.log_path()
              << ")\n";
  }
  if (target.url.tls) {
    target.url.ca_file = options.ca_file.empty() ? "" : UserPath(options.ca_file);
    target.url.insecure = options.insecure;
    // A --ca-file that cannot be used is named here, not as a handshake
    // failure of every case.
    if (base::Status usable = conformance::CheckTlsSettings(target.url); !usable.ok()) {
      return usable;
    }
  }
  target.wrong_key = "api-fuzz-wrong-key";
  if (const base::Expected<std::string> notes = conformance::Preflight(&target); !notes.ok()) {
    return notes.error();
  }
  return base::Ok();
}

TargetContext ContextOf(const conformance::Target& target) {
  TargetContext context;
  context.host_header = conformance::HostHeader(target.url);  // [::1]:8080, no default port
  context.base_path = target.url.base_path;
  context.scheme = target.url.tls ? "https" : "http";
  context.primary_key = target.primary_key;
  context.second_key = target.second_key;
  context.languages = target.languages.value_or(std::set<std::string>{"python"});
  ChoosePrograms(context);
  return context;
}

CampaignLimits LimitsOf(const Options& options) {
  CampaignLimits limits;
  if (options.seconds > 0) {
    limits.duration = std::chrono::milliseconds(static_cast<std::int64_t>(options.seconds * 1000));
  }
  limits.cases = options.requests;
  limits.jobs = options.jobs;
  limits.rate = options.rate;
  limits.batch = options.batch;
  limits.validation_only = options.validation_only;
  limits.until_found = options.until_found;
  return limits;
}

// The command line as the reports show it, keys replaced by KEY (reports
// land in CI logs), and the flags a replay needs besides seed and index.
void DescribeRun(int argc, char** argv, const Options& options, const conformance::Target& target,
                 RunStats& stats) {
  if (!target.second_key.empty()) stats.replay_flags += " --second-api-key KEY2";
  if (options.validation_only) stats.replay_flags += " --validation-only";
  if (!options.ca_file.empty()) stats.replay_flags += " --ca-file " + options.ca_file;
  if (options.insecure) stats.replay_flags += " --insecure";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    // Keys stay out of reports (CI logs), in either spelling of the flag.
    for (const std::string& key : {options.api_key, options.second_api_key}) {
      for (std::size_t at = key.empty() ? std::string::npos : arg.find(key);
           at != std::string::npos; at = arg.find(key, at + 3)) {
        arg.replace(at, key.size(), "KEY");
      }
    }
    stats.options += (stats.options.empty() ? "" : " ") + arg;
  }
}

// Minimizes the findings and writes their reproducers under
// --findings-dir.
void FinishFindings(std::vector<Finding>& findings, const Options& options, const RunStats& stats,
                    const Exchanger& send, const TargetContext& context, const CheckBounds& bounds,
                    const conformance::Target& target) {
  if (findings.empty()) return;
  const std::string directory =
      UserPath(options.findings_dir) + "/seed-" + std::to_string(options.seed);
  mkdir(UserPath(options.findings_dir).c_str(), 0755);
  mkdir(directory.c_str(), 0755);
  // Minimizing against a target that stopped answering only waits.
  const bool minimize = options.minimize && stats.stopped != "target stopped answering";
  const Exchanger paced = SerialPaced(send, options.rate);
  for (std::size_t i = 0; i < findings.size(); ++i) {
    Finish(findings[i], i + 1, minimize, paced, context, bounds, target, directory);
  }
}

// The findings as the reports show them: in raw bytes, and in any
// header, body or message that carries one, the keys are replaced.
std::vector<Finding> WithoutKeys(std::vector<Finding> findings, const TargetContext& context) {
  for (Finding& f : findings) {
    f.message = HideKeys(f.message, context);
    f.route = HideKeys(f.route, context);
    for (FuzzCase* c : {&f.first, &f.reproducer}) {
      c->origin = HideKeys(c->origin, context);
      for (std::string& piece : c->raw_pieces) piece = HideKeys(piece, context);
      c->http.target = HideKeys(c->http.target, context);
      for (auto& [name, value] : c->http.headers) value = HideKeys(value, context);
      c->http.body = HideKeys(c->http.body, context);
    }
  }
  return findings;
}

// The text report, and the report files asked for.
base::Status WriteReports(const Options& options, const RunStats& stats,
                          const std::vector<Finding>& found, const TargetContext& context) {
  const std::vector<Finding> findings = WithoutKeys(found, context);
  std::cout << TextReport(stats, findings);
  const struct {
    const std::string& path;
    std::string (*report)(const RunStats&, const std::vector<Finding>&);
  } reports[] = {{options.json_path, JsonReport},
                 {options.junit_path, JUnitReport},
                 {options.html_path, HtmlReport}};
  for (const auto& [path, report] : reports) {
    if (path.empty()) continue;
    if (base::Status written = WriteFile(UserPath(path), report(stats, findings)); !written.ok()) {
      return base::MakeError(written.error().code, "cannot write " + path, path);
    }
  }
  return base::Ok();
}

void PrintBanner(const Options& options, const conformance::Target& target,
                 const TargetContext& context, const SeedPool& seeds) {
  std::cout << "api_fuzz: target " << target.url.ToString() << ", seed " << options.seed << ", "
            << options.jobs << " connection(s), language " << context.cheap_language
            << (context.second_key.empty() ? ", one key (cross-key checks limited)" : "")
            << "; seeds: " << seeds.fixtures.size() << " fixture requests, "
            << seeds.json_bodies.size() + seeds.run_inputs.size() + seeds.raw_requests.size()
            << " corpus inputs\n"
            << std::flush;
}

int Main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  base::Expected<Options> parsed = ParseOptions(argc, argv);
  if (!parsed.ok()) {
    std::cerr << "api_fuzz: " << parsed.error().message << "\n";
    return parsed.error().exit_status();
  }
  Options& options = *parsed;
  if (options.help) {
    std::cout << Usage();
    return 0;
  }
  if (options.list_checks) {
    for (const CheckInfo& check : AllChecks())
      std::cout << check.name << "\t" << check.proves << "\n";
    return 0;
  }
  const std::string argv0 = argv[0];
  if (!options.seed_given) options.seed = std::random_device{}() % 1000000;

  conformance::Target target;
  conformance::EmbeddedServer server;
  if (base::Status prepared = PrepareTarget(options, argv0, server, target); !prepared.ok()) {
    return Fatal(prepared.error());
  }
  const TargetContext context = ContextOf(target);
  SeedPool seeds;
  const std::string fixtures = options.fixtures_dir.empty()
                                   ? conformance::DataPath(argv0, "fixtures")
                                   : UserPath(options.fixtures_dir);
  if (base::Status loaded = LoadSeeds(fixtures, context, &seeds); !loaded.ok()) {
    base::Error error = loaded.error();
    error.message += " (--fixtures DIR names the fixtures directory)";
    return Fatal(error);
  }
  CheckBounds bounds;
  bounds.answer = std::chrono::milliseconds(options.answer_timeout_ms);
  bounds.close = std::chrono::milliseconds(options.close_timeout_ms);
  const Exchanger send = NetworkExchanger(target.url, context, bounds);
  if (options.index) {
    return ReplayOne(
        GenerateCase(options.seed, *options.index, seeds, context, options.validation_only),
        options.seed, send, context, bounds);
  }
  PrintBanner(options, target, context, seeds);
  FindingStore store;
  RunStats stats =
      RunCampaign(options.seed, LimitsOf(options), seeds, context, bounds, send, store);
  stats.target = target.url.ToString();
  stats.embedded = options.target.empty();
  DescribeRun(argc, argv, options, target, stats);
  std::vector<Finding> findings = store.Sorted();
  FinishFindings(findings, options, stats, send, context, bounds, target);
  if (base::Status written = WriteReports(options, stats, findings, context); !written.ok()) {
    return Fatal(written.error());
  }
  std::size_t strict = 0;
  for (const Finding& f : findings) strict += f.strict ? 1 : 0;
  std::cout << "result: " << (strict ? "findings" : "no findings") << "\n";
  return strict ? 1 : 0;
}

}  // namespace
}  // namespace remote_fuzz

int main(int argc, char** argv) { return remote_fuzz::Main(argc, argv); }

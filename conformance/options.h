#ifndef CONFORMANCE_OPTIONS_H_
#define CONFORMANCE_OPTIONS_H_

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/expected.h"

namespace conformance {

// The runner's version, shown in the reports (JSON "runner_version", the
// HTML page's facts). Bump it when the reports' contents change meaning.
inline constexpr char kRunnerVersion[] = "0.2.0";

// The defaults stated here are the ones the usage text shows.
struct Options {
  std::string target;  // "" = start the embedded reference server
  std::string api_key;
  std::string second_api_key;
  std::vector<std::string> filters;  // globs over case ids; none = all
  std::vector<std::string> excludes;
  bool list = false;
  bool coverage = false;
  bool help = false;
  std::string junit_path;
  std::string json_path;
  std::string html_path;
  std::string expectations_path;
  std::string write_expectations_path;
  int jobs = 4;
  double timeout_scale = 1.0;
  std::string fixtures_dir;  // "" = from the runfiles or the source tree
  std::string schemas_dir;
  std::string replay_dir;
  std::vector<std::string> server_args;
  std::string ca_file;    // https: trust this authority (PEM)
  bool insecure = false;  // https: do not check the certificate
  bool strict = false;    // NON-STRICT counts as a failure (h2spec's --strict)
  // The whole run's bound, from the start; none = unbounded.
  std::optional<std::chrono::milliseconds> max_duration;
};

// Parses the command line. A problem is a kInvalidArgument error (exit
// status 2) whose message is one sentence naming the option, and whose
// `where` is that option. Keys may also come from CONFORMANCE_API_KEY /
// CONFORMANCE_SECOND_API_KEY, so that they need not appear in `ps`.
base::Expected<Options> ParseOptions(int argc, const char* const* argv);

// The --help text, with the defaults of Options.
std::string Usage();

// A --max-duration value: a number with ms, s, m or h ("1500ms", "90s",
// "10m"; a bare number is seconds), from 1 ms to 7 days. Errors name
// `flag`, as ParseOptions' do.
base::Expected<std::chrono::milliseconds> ParseDuration(const std::string& flag,
                                                        const std::string& text);

// "90 s", "1.5 s": a duration as the reports name it.
std::string DurationText(std::chrono::milliseconds duration);

// The command line as given, for the reports: the program's base name, then
// each argument shell-quoted when it needs it, with the values of
// --api-key and --second-api-key left out ("--api-key ***"), so that a
// published report holds no secret.
std::string CommandLineWithoutKeys(int argc, const char* const* argv);

}  // namespace conformance

#endif  // CONFORMANCE_OPTIONS_H_

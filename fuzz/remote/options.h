#ifndef FUZZ_REMOTE_OPTIONS_H_
#define FUZZ_REMOTE_OPTIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/expected.h"

namespace remote_fuzz {

// A campaign limited by nothing else lasts this long.
inline constexpr double kDefaultSeconds = 60;

// The defaults stated here are the ones the usage text shows.
struct Options {
  std::string target;  // "" = start the embedded reference server
  std::string api_key;
  std::string second_api_key;
  std::string ca_file;         // https: trust this authority (PEM)
  bool insecure = false;       // https: do not check the server's certificate
  double seconds = 0;          // 0 and requests 0: kDefaultSeconds
  std::uint64_t requests = 0;  // cases to run; 0 = until `seconds`
  std::uint64_t seed = 0;
  bool seed_given = false;
  std::optional<std::uint64_t> index;  // replay this one case
  double rate = 0;  // requests per second at most; 0 = as fast as the target answers
  int jobs = 2;
  std::string json_path;
  std::string junit_path;
  std::string html_path;
  std::string findings_dir = "fuzz-findings";
  std::string fixtures_dir;  // "" = from the runfiles or the source tree
  int answer_timeout_ms = 10000;
  int close_timeout_ms = 2000;
  std::uint64_t batch = 500;  // a canary after every this many cases
  bool minimize = true;
  bool validation_only = false;
  std::vector<std::string> until_found;  // checks: stop at the first strict finding of one
  bool list_checks = false;
  bool help = false;
  std::vector<std::string> server_args;
};

// Parses the command line. A problem is a kInvalidArgument error (exit
// status 2) whose message is one sentence naming the option, and whose
// `where` is that option.
base::Expected<Options> ParseOptions(int argc, const char* const* argv);

// The --help text, with the defaults of Options.
std::string Usage();

}  // namespace remote_fuzz

#endif  // FUZZ_REMOTE_OPTIONS_H_

#ifndef CONFORMANCE_OPTIONS_H_
#define CONFORMANCE_OPTIONS_H_

#include <string>
#include <vector>

#include "base/expected.h"

namespace conformance {

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
};

// Parses the command line. A problem is a kInvalidArgument error (exit
// status 2) whose message is one sentence naming the option, and whose
// `where` is that option. Keys may also come from CONFORMANCE_API_KEY /
// CONFORMANCE_SECOND_API_KEY, so that they need not appear in `ps`.
base::Expected<Options> ParseOptions(int argc, const char* const* argv);

// The --help text, with the defaults of Options.
std::string Usage();

}  // namespace conformance

#endif  // CONFORMANCE_OPTIONS_H_

#ifndef TOOLS_BENCH_LIB_SERIES_SPEC_H_
#define TOOLS_BENCH_LIB_SERIES_SPEC_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"

namespace exec_latency {

// What one series runs: a command, or a POST to the API.
struct SeriesSpec {
  std::string name;
  std::vector<std::string> argv;
  std::string host, port, target, body, key;  // http only
  std::vector<std::string> expect;
  bool is_http() const { return argv.empty(); }
};

// The first missing expected text of `output`, or nullptr when none is.
const std::string* MissingText(const SeriesSpec& spec, std::string_view output);

// The one series of `exec_latency -- ARGV...`, named "command".
SeriesSpec CommandSpec(std::vector<std::string> argv);

// The series of a spec file's text, {"series": [SERIES, ...]} (the format
// is in exec_latency.cc's header comment); an http series' body and key are
// read from its files. A broken spec is a usage error naming `where` (the
// file) or the series at fault.
base::Expected<std::vector<SeriesSpec>> ParseSpecs(const std::string& text,
                                                   const std::string& where);

// ParseSpecs of the file at `path`.
base::Expected<std::vector<SeriesSpec>> LoadSpecFile(const std::string& path);

}  // namespace exec_latency

#endif  // TOOLS_BENCH_LIB_SERIES_SPEC_H_

#include "conformance/options.h"

#include <cstdlib>
#include <cstring>

namespace conformance {

const char kUsage[] =
    R"(usage: conformance [--target URL --api-key KEY [--second-api-key KEY]]
                   [--ca-file FILE | --insecure]
                   [--filter GLOB]... [--exclude GLOB]... [--list] [--coverage]
                   [--junit FILE] [--json FILE] [--jobs N] [--timeout-scale F]
                   [--expectations FILE] [--write-expectations FILE]

Replays the documented behaviour of the code-execution API against a server
and grades each case OK, NON-STRICT, INFORMATIONAL, SKIPPED or FAILED.
Without --target it starts the reference server on loopback (needs root)
with two generated keys and runs against it.

  --target URL             http[s]://host[:port][/base] of the server under test
  --ca-file FILE           https: trust this certificate authority (PEM)
  --insecure               https: do not check the server's certificate
  --api-key KEY            its API key (or CONFORMANCE_API_KEY)
  --second-api-key KEY     a second key, for the isolation cases
                           (or CONFORMANCE_SECOND_API_KEY)
  --filter GLOB            run only cases whose id matches (repeatable)
  --exclude GLOB           skip cases whose id matches (repeatable)
  --list                   print the selected cases and exit
  --coverage               print the cases per documentation section (markdown)
  --junit FILE, --json FILE  write reports
  --jobs N                 cases run in parallel (default 4)
  --timeout-scale F        multiply every timeout and deadline (default 1)
  --expectations FILE      known outcomes of this target: fail only on others
  --write-expectations FILE  record this run's failures as such a file
  --replay-dir DIR         where bodies too large for a curl line are written
  --fixtures DIR, --schemas DIR  other fixture or schema directories
  --server-arg ARG         pass ARG to the embedded reference server (repeatable)

Exit status: 0 no unexpected failure, 1 unexpected failures, 2 usage,
fixture or connection error.
)";

namespace {

bool ParseNumber(const std::string& text, double* value) {
  char* end = nullptr;
  *value = std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size();
}

}  // namespace

std::string ParseOptions(int argc, const char* const* argv, Options* options) {
  if (const char* key = std::getenv("CONFORMANCE_API_KEY")) options->api_key = key;
  if (const char* key = std::getenv("CONFORMANCE_SECOND_API_KEY")) options->second_api_key = key;
  bool key_flag = false;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    std::string value;
    bool has_value = false;
    if (const std::size_t equals = flag.find('=');
        flag.rfind("--", 0) == 0 && equals != std::string::npos) {
      value = flag.substr(equals + 1);
      flag = flag.substr(0, equals);
      has_value = true;
    }
    auto take = [&]() -> bool {
      if (has_value) return true;
      if (i + 1 >= argc) return false;
      value = argv[++i];
      return true;
    };
    auto boolean = [&](bool* target) {
      if (has_value) return false;
      *target = true;
      return true;
    };
    bool ok = true;
    if (flag == "--help" || flag == "-h") {
      ok = boolean(&options->help);
    } else if (flag == "--list") {
      ok = boolean(&options->list);
    } else if (flag == "--coverage") {
      ok = boolean(&options->coverage);
    } else if (flag == "--insecure") {
      ok = boolean(&options->insecure);
    } else {
      std::string* text = nullptr;
      std::vector<std::string>* list = nullptr;
      if (flag == "--target")
        text = &options->target;
      else if (flag == "--api-key")
        text = &options->api_key;
      else if (flag == "--second-api-key")
        text = &options->second_api_key;
      else if (flag == "--junit")
        text = &options->junit_path;
      else if (flag == "--json")
        text = &options->json_path;
      else if (flag == "--expectations")
        text = &options->expectations_path;
      else if (flag == "--write-expectations")
        text = &options->write_expectations_path;
      else if (flag == "--fixtures")
        text = &options->fixtures_dir;
      else if (flag == "--schemas")
        text = &options->schemas_dir;
      else if (flag == "--replay-dir")
        text = &options->replay_dir;
      else if (flag == "--ca-file")
        text = &options->ca_file;
      else if (flag == "--filter")
        list = &options->filters;
      else if (flag == "--exclude")
        list = &options->excludes;
      else if (flag == "--server-arg")
        list = &options->server_args;
      if (text == nullptr && list == nullptr && flag != "--jobs" && flag != "--timeout-scale") {
        return "unknown option " + flag + " (see --help)";
      }
      if (!take()) return flag + " needs a value";
      key_flag = key_flag || flag == "--api-key" || flag == "--second-api-key";
      if (text != nullptr) {
        *text = value;
      } else if (list != nullptr) {
        list->push_back(value);
      } else {
        double number = 0;
        if (!ParseNumber(value, &number)) return flag + ": not a number: '" + value + "'";
        if (flag == "--jobs") {
          if (!(number >= 1 && number <= 64) || number != static_cast<int>(number)) {
            return "--jobs must be an integer from 1 to 64";
          }
          options->jobs = static_cast<int>(number);
        } else {
          if (!(number >= 0.1 && number <= 100)) return "--timeout-scale must be from 0.1 to 100";
          options->timeout_scale = number;
        }
      }
    }
    if (!ok) return flag + " takes no value";
  }
  if (!options->target.empty() && options->api_key.empty() && !options->list &&
      !options->coverage) {
    return "--target needs --api-key (or CONFORMANCE_API_KEY)";
  }
  if (options->target.empty() && key_flag) {
    return "--api-key is for --target; the embedded server makes its own keys";
  }
  return "";
}

}  // namespace conformance

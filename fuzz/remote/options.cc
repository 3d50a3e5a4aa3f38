#include "fuzz/remote/options.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "fuzz/remote/checks.h"

namespace remote_fuzz {

namespace {

base::Error UsageError(std::string message, std::string flag) {
  return base::MakeError(base::ErrorCode::kInvalidArgument, std::move(message), std::move(flag));
}

std::optional<std::uint64_t> ParseUnsigned(const std::string& text) {
  if (text.empty() || text[0] < '0' || text[0] > '9') return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const std::uint64_t value = std::strtoull(text.c_str(), &end, 10);
  if (errno != 0 || end != text.c_str() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::uint64_t> ParseBounded(const std::string& text, std::uint64_t low,
                                          std::uint64_t high) {
  const std::optional<std::uint64_t> value = ParseUnsigned(text);
  if (!value || *value < low || *value > high) return std::nullopt;
  return value;
}

std::optional<double> ParsePositive(const std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value) || value <= 0) {
    return std::nullopt;
  }
  return value;
}

// The value's own error: "FLAG takes WHAT; got 'VALUE'".
base::Error Takes(const std::string& flag, const std::string& what, const std::string& value) {
  return UsageError(flag + " takes " + what + "; got '" + value + "'", flag);
}

base::Status SetSeconds(const std::string& value, Options& o) {
  const std::optional<double> seconds = ParsePositive(value);
  if (!seconds || *seconds > 7 * 24 * 3600) {
    return Takes("--seconds", "a number of seconds above 0, at most a week", value);
  }
  o.seconds = *seconds;
  return base::Ok();
}

base::Status SetRequests(const std::string& value, Options& o) {
  const std::optional<std::uint64_t> count = ParseBounded(value, 1, 1000000000);
  if (!count) return Takes("--requests", "a count from 1 to 10^9", value);
  o.requests = *count;
  return base::Ok();
}

base::Status SetSeed(const std::string& value, Options& o) {
  const std::optional<std::uint64_t> seed = ParseUnsigned(value);
  if (!seed) return Takes("--seed", "an unsigned integer", value);
  o.seed = *seed;
  o.seed_given = true;
  return base::Ok();
}

base::Status SetIndex(const std::string& value, Options& o) {
  const std::optional<std::uint64_t> index = ParseUnsigned(value);
  if (!index) return Takes("--index", "a case index", value);
  o.index = *index;
  return base::Ok();
}

base::Status SetRate(const std::string& value, Options& o) {
  const std::optional<double> rate = ParsePositive(value);
  if (!rate || *rate < 0.01 || *rate > 1e6) {
    return Takes("--rate", "0.01 to 10^6 requests per second", value);
  }
  o.rate = *rate;
  return base::Ok();
}

base::Status SetJobs(const std::string& value, Options& o) {
  const std::optional<std::uint64_t> jobs = ParseBounded(value, 1, 64);
  if (!jobs) return Takes("--jobs", "1 to 64", value);
  o.jobs = static_cast<int>(*jobs);
  return base::Ok();
}

base::Status SetAnswerTimeout(const std::string& value, Options& o) {
  const std::optional<std::uint64_t> ms = ParseBounded(value, 100, 3600000);
  if (!ms) return Takes("--answer-timeout-ms", "100 to 3600000", value);
  o.answer_timeout_ms = static_cast<int>(*ms);
  return base::Ok();
}

base::Status SetCloseTimeout(const std::string& value, Options& o) {
  const std::optional<std::uint64_t> ms = ParseBounded(value, 10, 600000);
  if (!ms) return Takes("--close-timeout-ms", "10 to 600000", value);
  o.close_timeout_ms = static_cast<int>(*ms);
  return base::Ok();
}

base::Status SetBatch(const std::string& value, Options& o) {
  const std::optional<std::uint64_t> batch = ParseBounded(value, 1, 1000000000);
  if (!batch) return Takes("--batch", "a count from 1", value);
  o.batch = *batch;
  return base::Ok();
}

base::Status SetUntilFound(const std::string& value, Options& o) {
  for (std::size_t at = 0; at <= value.size();) {
    const std::size_t comma = std::min(value.find(',', at), value.size());
    const std::string check = value.substr(at, comma - at);
    bool known = false;
    for (const CheckInfo& info : AllChecks()) known = known || check == info.name;
    if (!known) {
      return UsageError("--until-found: no check named '" + check + "' (see --list-checks)",
                        "--until-found");
    }
    o.until_found.push_back(check);
    at = comma + 1;
  }
  return base::Ok();
}

// One option: a switch (sets `on` to `on_value`), or one that takes a
// value, kept in `text`, appended to `list`, or checked and stored by
// `parse`.
struct Flag {
  std::string_view name;
  bool Options::*on = nullptr;
  bool on_value = true;
  std::string Options::*text = nullptr;
  std::vector<std::string> Options::*list = nullptr;
  base::Status (*parse)(const std::string& value, Options& o) = nullptr;
};

constexpr Flag kFlags[] = {
    {.name = "--help", .on = &Options::help},
    {.name = "-h", .on = &Options::help},
    {.name = "--no-minimize", .on = &Options::minimize, .on_value = false},
    {.name = "--validation-only", .on = &Options::validation_only},
    {.name = "--list-checks", .on = &Options::list_checks},
    {.name = "--insecure", .on = &Options::insecure},
    {.name = "--target", .text = &Options::target},
    {.name = "--api-key", .text = &Options::api_key},
    {.name = "--second-api-key", .text = &Options::second_api_key},
    {.name = "--ca-file", .text = &Options::ca_file},
    {.name = "--json", .text = &Options::json_path},
    {.name = "--junit", .text = &Options::junit_path},
    {.name = "--html", .text = &Options::html_path},
    {.name = "--findings-dir", .text = &Options::findings_dir},
    {.name = "--fixtures", .text = &Options::fixtures_dir},
    {.name = "--server-arg", .list = &Options::server_args},
    {.name = "--seconds", .parse = SetSeconds},
    {.name = "--requests", .parse = SetRequests},
    {.name = "--seed", .parse = SetSeed},
    {.name = "--index", .parse = SetIndex},
    {.name = "--rate", .parse = SetRate},
    {.name = "--jobs", .parse = SetJobs},
    {.name = "--answer-timeout-ms", .parse = SetAnswerTimeout},
    {.name = "--close-timeout-ms", .parse = SetCloseTimeout},
    {.name = "--batch", .parse = SetBatch},
    {.name = "--until-found", .parse = SetUntilFound},
};

const Flag* FindFlag(std::string_view name) {
  for (const Flag& flag : kFlags) {
    if (flag.name == name) return &flag;
  }
  return nullptr;
}

base::Status SetValue(const Flag& flag, const std::string& value, Options& o) {
  if (flag.text != nullptr) {
    o.*flag.text = value;
  } else if (flag.list != nullptr) {
    (o.*flag.list).push_back(value);
  } else {
    return flag.parse(value, o);
  }
  return base::Ok();
}

// What no single option can say.
base::Status CheckCombination(const Options& o) {
  if (o.target.empty() && (!o.api_key.empty() || !o.second_api_key.empty())) {
    return UsageError(
        "--api-key and --second-api-key go with --target (the embedded server makes its own)",
        o.api_key.empty() ? "--second-api-key" : "--api-key");
  }
  if (!o.target.empty() && o.api_key.empty()) {
    return UsageError("--target needs --api-key", "--api-key");
  }
  if (!o.target.empty() && !o.server_args.empty()) {
    return UsageError("--server-arg is for the embedded server, not with --target", "--server-arg");
  }
  if (!o.ca_file.empty() && o.insecure) {
    return UsageError(
        "--ca-file and --insecure exclude each other (one checks the certificate, the other "
        "does not)",
        "--insecure");
  }
  if (o.index && !o.seed_given)
    return UsageError("--index needs the --seed it belongs to", "--index");
  return base::Ok();
}

std::string Shortest(double number) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", number);
  return text;
}

}  // namespace

std::string Usage() {
  const Options defaults;
  return R"(usage: api_fuzz [--target URL --api-key KEY [--second-api-key KEY]
                 [--ca-file FILE | --insecure]]
                [--seconds N | --requests N] [--seed S [--index I]] [--rate R]
                [--jobs N] [--validation-only] [--json FILE] [--junit FILE]
                [--html FILE] [--findings-dir DIR]

Black-box fuzzing of a code-execution API over HTTP (docs/FUZZING.md):
requests generated from the API's grammar, mutations of the conformance
fixtures and seed corpora, and raw HTTP/1.1 attacks, each judged by named
checks; the accept/reject decisions are compared with the reference
validator. Without --target it starts the reference server on loopback
(needs root) and attacks it.

  --target URL          http[s]://host[:port][/base] of the server under test
  --api-key KEY         its API key
  --second-api-key KEY  a second key, for the stateful checks across keys
  --ca-file FILE        https: trust this certificate authority (PEM)
  --insecure            https: do not check the server's certificate
  --seconds N           stop after N seconds (default )" +
         Shortest(kDefaultSeconds) + R"()
  --requests N          stop after N generated cases
  --seed S              the seed (default: from the clock, printed)
  --index I             run only case I of seed S (replays a finding)
  --rate R              send at most R requests per second
  --jobs N              parallel connections (default )" +
         std::to_string(defaults.jobs) + R"()
  --json FILE, --junit FILE  write reports
  --html FILE           write the report as one self-contained page
  --findings-dir DIR    where reproducers are written (default )" +
         defaults.findings_dir + R"()
  --answer-timeout-ms N an answer must come within N ms (default )" +
         std::to_string(defaults.answer_timeout_ms) + R"()
  --close-timeout-ms N  a connection asked to close must close within N ms ()" +
         std::to_string(defaults.close_timeout_ms) + R"()
  --batch N             a canary hello world after every N cases (default )" +
         std::to_string(defaults.batch) + R"()
  --validation-only     send no request the reference validator accepts and no
                        stateful sequence: nothing runs on the target but the
                        canary (cheap for the target; the fastest campaigns)
  --until-found C1,C2   stop at the first FAILED finding of one of these checks
  --no-minimize         keep findings as found
  --list-checks         print the checks and what each proves
  --fixtures DIR        the fixtures directory (default: the runfiles' or ./fixtures)
  --server-arg ARG      pass ARG to the embedded reference server (repeatable)

Exit status: 0 no finding (NON-STRICT ones allowed), 1 findings, 2 usage or
connection error.
)";
}

base::Expected<Options> ParseOptions(int argc, const char* const* argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string name = argv[i];
    // "--flag=value" is "--flag value"; only where a flag stands, since a
    // value may itself look like one ("--server-arg --workers=1").
    std::optional<std::string> attached;
    if (const std::size_t equals = name.find('=');
        name.rfind("--", 0) == 0 && equals != std::string::npos) {
      attached = name.substr(equals + 1);
      name.resize(equals);
    }
    const Flag* flag = FindFlag(name);
    if (flag != nullptr && flag->on != nullptr) {
      if (attached) return UsageError(name + " takes no value", name);
      o.*flag->on = flag->on_value;
      continue;
    }
    if (name.rfind("--", 0) != 0) return UsageError("unknown argument '" + name + "'", name);
    if (!attached && i + 1 >= argc) return UsageError(name + " needs a value", name);
    const std::string value = attached ? *attached : argv[++i];
    if (flag == nullptr) return UsageError("unknown option '" + name + "' (see --help)", name);
    if (base::Status set = SetValue(*flag, value, o); !set.ok()) return set.error();
  }
  if (base::Status combined = CheckCombination(o); !combined.ok()) return combined.error();
  if (o.seconds == 0 && o.requests == 0) o.seconds = kDefaultSeconds;
  return o;
}

}  // namespace remote_fuzz

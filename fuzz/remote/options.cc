#include "fuzz/remote/options.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "fuzz/remote/checks.h"

namespace remote_fuzz {

const char kUsage[] =
    R"(usage: api_fuzz [--target URL --api-key KEY [--second-api-key KEY]
                 [--ca-file FILE | --insecure]]
                [--seconds N | --requests N] [--seed S [--index I]] [--rate R]
                [--jobs N] [--validation-only] [--json FILE] [--junit FILE]
                [--findings-dir DIR]

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
  --seconds N           stop after N seconds (default 60)
  --requests N          stop after N generated cases
  --seed S              the seed (default: from the clock, printed)
  --index I             run only case I of seed S (replays a finding)
  --rate R              send at most R requests per second
  --jobs N              parallel connections (default 2)
  --json FILE, --junit FILE  write reports
  --findings-dir DIR    where reproducers are written (default fuzz-findings)
  --answer-timeout-ms N an answer must come within N ms (default 10000)
  --close-timeout-ms N  a connection asked to close must close within N ms (2000)
  --batch N             a canary hello world after every N cases (default 500)
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

namespace {

bool ParseUnsigned(const std::string& text, std::uint64_t* value) {
  if (text.empty() || text[0] < '0' || text[0] > '9') return false;
  char* end = nullptr;
  errno = 0;
  *value = std::strtoull(text.c_str(), &end, 10);
  return errno == 0 && end == text.c_str() + text.size();
}

bool ParsePositive(const std::string& text, double* value) {
  char* end = nullptr;
  *value = std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size() && std::isfinite(*value) && *value > 0;
}

}  // namespace

std::string ParseOptions(int argc, const char* const* argv, Options* o) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  const std::size_t count = args.size();
  for (std::size_t i = 0; i < count; ++i) {
    std::string flag = args[i];
    // "--flag=value" is "--flag value"; only where a flag stands, since a
    // value may itself look like one ("--server-arg --workers=1").
    std::optional<std::string> attached;
    if (const std::size_t equals = flag.find('=');
        flag.rfind("--", 0) == 0 && equals != std::string::npos) {
      attached = flag.substr(equals + 1);
      flag.resize(equals);
    }
    if (attached && (flag == "--help" || flag == "--no-minimize" || flag == "--validation-only" ||
                     flag == "--list-checks" || flag == "--insecure")) {
      return flag + " takes no value";
    }
    if (flag == "--help" || flag == "-h") {
      o->help = true;
      continue;
    }
    if (flag == "--no-minimize") {
      o->minimize = false;
      continue;
    }
    if (flag == "--validation-only") {
      o->validation_only = true;
      continue;
    }
    if (flag == "--list-checks") {
      o->list_checks = true;
      continue;
    }
    if (flag == "--insecure") {
      o->insecure = true;
      continue;
    }
    if (flag.rfind("--", 0) != 0) return "unknown argument '" + flag + "'";
    if (!attached && i + 1 >= count) return flag + " needs a value";
    const std::string value = attached ? *attached : args[++i];
    std::uint64_t number = 0;
    double real = 0;
    auto bounded = [&](std::uint64_t low, std::uint64_t high) {
      return ParseUnsigned(value, &number) && number >= low && number <= high;
    };
    if (flag == "--target") {
      o->target = value;
    } else if (flag == "--api-key") {
      o->api_key = value;
    } else if (flag == "--second-api-key") {
      o->second_api_key = value;
    } else if (flag == "--ca-file") {
      o->ca_file = value;
    } else if (flag == "--seconds") {
      if (!ParsePositive(value, &real) || real > 7 * 24 * 3600) {
        return "--seconds takes a number of seconds above 0, at most a week; got '" + value + "'";
      }
      o->seconds = real;
    } else if (flag == "--requests") {
      if (!bounded(1, 1000000000))
        return "--requests takes a count from 1 to 10^9; got '" + value + "'";
      o->requests = number;
    } else if (flag == "--seed") {
      if (!ParseUnsigned(value, &o->seed))
        return "--seed takes an unsigned integer; got '" + value + "'";
      o->seed_given = true;
    } else if (flag == "--index") {
      if (!ParseUnsigned(value, &number)) return "--index takes a case index; got '" + value + "'";
      o->index = number;
    } else if (flag == "--rate") {
      if (!ParsePositive(value, &real) || real < 0.01 || real > 1e6) {
        return "--rate takes 0.01 to 10^6 requests per second; got '" + value + "'";
      }
      o->rate = real;
    } else if (flag == "--jobs") {
      if (!bounded(1, 64)) return "--jobs takes 1 to 64; got '" + value + "'";
      o->jobs = static_cast<int>(number);
    } else if (flag == "--json") {
      o->json_path = value;
    } else if (flag == "--junit") {
      o->junit_path = value;
    } else if (flag == "--findings-dir") {
      o->findings_dir = value;
    } else if (flag == "--fixtures") {
      o->fixtures_dir = value;
    } else if (flag == "--answer-timeout-ms") {
      if (!bounded(100, 3600000))
        return "--answer-timeout-ms takes 100 to 3600000; got '" + value + "'";
      o->answer_timeout_ms = static_cast<int>(number);
    } else if (flag == "--close-timeout-ms") {
      if (!bounded(10, 600000)) return "--close-timeout-ms takes 10 to 600000; got '" + value + "'";
      o->close_timeout_ms = static_cast<int>(number);
    } else if (flag == "--batch") {
      if (!bounded(1, 1000000000)) return "--batch takes a count from 1; got '" + value + "'";
      o->batch = number;
    } else if (flag == "--until-found") {
      for (std::size_t at = 0; at <= value.size();) {
        const std::size_t comma = std::min(value.find(',', at), value.size());
        const std::string check = value.substr(at, comma - at);
        bool known = false;
        for (const CheckInfo& info : AllChecks()) known = known || check == info.name;
        if (!known) return "--until-found: no check named '" + check + "' (see --list-checks)";
        o->until_found.push_back(check);
        at = comma + 1;
      }
    } else if (flag == "--server-arg") {
      o->server_args.push_back(value);
    } else {
      return "unknown option '" + flag + "' (see --help)";
    }
  }
  if (o->target.empty() && (!o->api_key.empty() || !o->second_api_key.empty())) {
    return "--api-key and --second-api-key go with --target (the embedded server makes its own)";
  }
  if (!o->target.empty() && o->api_key.empty()) return "--target needs --api-key";
  if (!o->target.empty() && !o->server_args.empty()) {
    return "--server-arg is for the embedded server, not with --target";
  }
  if (!o->ca_file.empty() && o->insecure) {
    return "--ca-file and --insecure exclude each other (one checks the certificate, the other "
           "does not)";
  }
  if (o->index && !o->seed_given) return "--index needs the --seed it belongs to";
  if (o->seconds == 0 && o->requests == 0) o->seconds = 60;
  return "";
}

}  // namespace remote_fuzz

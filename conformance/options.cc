#include "conformance/options.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <utility>

namespace conformance {

namespace {

base::Error UsageError(std::string message, std::string flag) {
  return base::MakeError(base::ErrorCode::kInvalidArgument, std::move(message), std::move(flag));
}

std::optional<double> ParseNumber(const std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) return std::nullopt;
  return value;
}

// `text` in single quotes for a shell ('\'' for a quote).
std::string ShellWord(const std::string& text) {
  std::string word = "'";
  for (const char c : text) word += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return word + "'";
}

std::string Shortest(double number) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", number);
  return text;
}

base::Status SetJobs(const std::string& flag, const std::string& value, Options& options) {
  const std::optional<double> number = ParseNumber(value);
  if (!number) return UsageError(flag + ": not a number: '" + value + "'", flag);
  // NaN fails the range check, so it never reaches the cast.
  if (!(*number >= 1 && *number <= 64) || *number != static_cast<int>(*number)) {
    return UsageError("--jobs must be an integer from 1 to 64", flag);
  }
  options.jobs = static_cast<int>(*number);
  return base::Ok();
}

base::Status SetTimeoutScale(const std::string& flag, const std::string& value, Options& options) {
  const std::optional<double> number = ParseNumber(value);
  if (!number) return UsageError(flag + ": not a number: '" + value + "'", flag);
  if (!(*number >= 0.1 && *number <= 100)) {
    return UsageError("--timeout-scale must be from 0.1 to 100", flag);
  }
  options.timeout_scale = *number;
  return base::Ok();
}

base::Status SetMaxDuration(const std::string& flag, const std::string& value, Options& options) {
  base::Expected<std::chrono::milliseconds> duration = ParseDuration(flag, value);
  if (!duration.ok()) return duration.error();
  options.max_duration = *duration;
  return base::Ok();
}

// A decimal number as people write it: an optional sign, digits, an
// optional fraction (not strtod's hex, exponents, "inf" or leading spaces).
bool IsPlainNumber(std::string_view text) {
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) text.remove_prefix(1);
  bool digits = false;
  bool point = false;
  for (const char c : text) {
    if (c == '.' && !point) {
      point = true;
    } else if (c >= '0' && c <= '9') {
      digits = true;
    } else {
      return false;
    }
  }
  return digits;
}

// One option: a switch (sets `on`), or one that takes a value, kept in
// `text`, appended to `list`, or checked and stored by `parse`.
struct Flag {
  std::string_view name;
  bool Options::*on = nullptr;
  std::string Options::*text = nullptr;
  std::vector<std::string> Options::*list = nullptr;
  base::Status (*parse)(const std::string& flag, const std::string& value,
                        Options& options) = nullptr;
};

constexpr Flag kFlags[] = {
    {.name = "--help", .on = &Options::help},
    {.name = "-h", .on = &Options::help},
    {.name = "--list", .on = &Options::list},
    {.name = "--coverage", .on = &Options::coverage},
    {.name = "--insecure", .on = &Options::insecure},
    {.name = "--strict", .on = &Options::strict},
    {.name = "--target", .text = &Options::target},
    {.name = "--api-key", .text = &Options::api_key},
    {.name = "--second-api-key", .text = &Options::second_api_key},
    {.name = "--junit", .text = &Options::junit_path},
    {.name = "--json", .text = &Options::json_path},
    {.name = "--html", .text = &Options::html_path},
    {.name = "--expectations", .text = &Options::expectations_path},
    {.name = "--write-expectations", .text = &Options::write_expectations_path},
    {.name = "--fixtures", .text = &Options::fixtures_dir},
    {.name = "--schemas", .text = &Options::schemas_dir},
    {.name = "--replay-dir", .text = &Options::replay_dir},
    {.name = "--ca-file", .text = &Options::ca_file},
    {.name = "--filter", .list = &Options::filters},
    {.name = "--exclude", .list = &Options::excludes},
    {.name = "--server-arg", .list = &Options::server_args},
    {.name = "--jobs", .parse = SetJobs},
    {.name = "--timeout-scale", .parse = SetTimeoutScale},
    {.name = "--max-duration", .parse = SetMaxDuration},
};

const Flag* FindFlag(std::string_view name) {
  for (const Flag& flag : kFlags) {
    if (flag.name == name) return &flag;
  }
  return nullptr;
}

base::Status SetValue(const Flag& flag, const std::string& name, const std::string& value,
                      Options& options) {
  if (flag.text != nullptr) {
    options.*flag.text = value;
  } else if (flag.list != nullptr) {
    (options.*flag.list).push_back(value);
  } else {
    return flag.parse(name, value, options);
  }
  return base::Ok();
}

// What no single flag can say: keys go with --target, and only with it.
base::Status CheckKeys(const Options& options, bool key_flag) {
  if (!options.target.empty() && options.api_key.empty() && !options.list && !options.coverage) {
    return UsageError("--target needs --api-key (or CONFORMANCE_API_KEY)", "--api-key");
  }
  if (options.target.empty() && key_flag) {
    return UsageError("--api-key is for --target; the embedded server makes its own keys",
                      "--api-key");
  }
  return base::Ok();
}

}  // namespace

std::string Usage() {
  const Options defaults;
  return R"(usage: conformance [--target URL --api-key KEY [--second-api-key KEY]]
                   [--ca-file FILE | --insecure]
                   [--filter GLOB]... [--exclude GLOB]... [--list] [--coverage]
                   [--junit FILE] [--json FILE] [--html FILE] [--jobs N]
                   [--timeout-scale F] [--strict] [--max-duration DURATION]
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
  --junit FILE, --json FILE, --html FILE  write reports (HTML: one page)
  --jobs N                 cases run in parallel (default )" +
         std::to_string(defaults.jobs) + R"()
  --timeout-scale F        multiply every timeout and deadline (default )" +
         Shortest(defaults.timeout_scale) + R"()
  --strict                 NON-STRICT counts as a failure (exit 1)
  --max-duration DURATION  stop the run after DURATION (90s, 10m, 1500ms; a
                           bare number is seconds): cases not finished are
                           SKIPPED, and the run exits 1 unless all ran
  --expectations FILE      known outcomes of this target: fail only on others
  --write-expectations FILE  record this run's failures as such a file
  --replay-dir DIR         where bodies too large for a curl line are written
  --fixtures DIR, --schemas DIR  other fixture or schema directories
  --server-arg ARG         pass ARG to the embedded reference server (repeatable)

Exit status: 0 no unexpected failure, 1 unexpected failures (or a run cut
short by --max-duration), 2 usage, fixture or connection error.
)";
}

base::Expected<std::chrono::milliseconds> ParseDuration(const std::string& flag,
                                                        const std::string& text) {
  // "ms" before "s" and "m", which it ends with or starts with.
  constexpr std::pair<std::string_view, double> kUnits[] = {
      {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}};
  std::string_view number = text;
  double unit_ms = 1000;
  for (const auto& [suffix, ms] : kUnits) {
    if (number.size() > suffix.size() && number.substr(number.size() - suffix.size()) == suffix) {
      number.remove_suffix(suffix.size());
      unit_ms = ms;
      break;
    }
  }
  if (!IsPlainNumber(number)) {
    return UsageError(flag + ": not a duration: '" + text + "' (a number and ms, s, m or h: 90s)",
                      flag);
  }
  const double ms = std::round(std::strtod(std::string(number).c_str(), nullptr) * unit_ms);
  if (!(ms >= 1)) return UsageError(flag + " must be at least 1 ms, not '" + text + "'", flag);
  if (ms > 7 * 86'400'000.0) {
    return UsageError(flag + " must be at most 7 days, not '" + text + "'", flag);
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(ms));
}

std::string DurationText(std::chrono::milliseconds duration) {
  return Shortest(static_cast<double>(duration.count()) / 1000) + " s";
}

std::string CommandLineWithoutKeys(int argc, const char* const* argv) {
  std::string program = argc > 0 ? argv[0] : "conformance";
  std::string line = program.substr(program.rfind('/') + 1);
  bool secret_next = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool key_flag = arg == "--api-key" || arg == "--second-api-key";
    const bool attached_key =
        arg.rfind("--api-key=", 0) == 0 || arg.rfind("--second-api-key=", 0) == 0;
    if (secret_next || attached_key) {
      line += " " + (secret_next ? "" : arg.substr(0, arg.find('=') + 1)) + "***";
      secret_next = false;
      continue;
    }
    secret_next = key_flag;
    const bool plain = arg.find_first_not_of(
                           "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                           "0123456789-_=./:,+@%") == std::string::npos;
    line += " " + (plain && !arg.empty() ? arg : ShellWord(arg));
  }
  return line;
}

base::Expected<Options> ParseOptions(int argc, const char* const* argv) {
  Options options;
  if (const char* key = std::getenv("CONFORMANCE_API_KEY")) options.api_key = key;
  if (const char* key = std::getenv("CONFORMANCE_SECOND_API_KEY")) options.second_api_key = key;
  bool key_flag = false;
  for (int i = 1; i < argc; ++i) {
    std::string name = argv[i];
    std::optional<std::string> attached;
    if (const std::size_t equals = name.find('=');
        name.rfind("--", 0) == 0 && equals != std::string::npos) {
      attached = name.substr(equals + 1);
      name.resize(equals);
    }
    const Flag* flag = FindFlag(name);
    if (flag == nullptr) return UsageError("unknown option " + name + " (see --help)", name);
    if (flag->on != nullptr) {
      if (attached) return UsageError(name + " takes no value", name);
      options.*flag->on = true;
      continue;
    }
    if (!attached && i + 1 >= argc) return UsageError(name + " needs a value", name);
    const std::string value = attached ? *attached : argv[++i];
    key_flag = key_flag || name == "--api-key" || name == "--second-api-key";
    if (base::Status set = SetValue(*flag, name, value, options); !set.ok()) return set.error();
  }
  if (base::Status keys = CheckKeys(options, key_flag); !keys.ok()) return keys.error();
  return options;
}

}  // namespace conformance

#include "reference_server/server_flags.h"

#include <algorithm>
#include <charconv>
#include <functional>
#include <limits>
#include <optional>
#include <string_view>
#include <thread>
#include <utility>

namespace reference_server {

namespace {

constexpr std::int64_t kWeekMs = 7 * 24 * 3600 * 1000LL;

base::Error Invalid(std::string message, std::string where = "") {
  return base::MakeError(base::ErrorCode::kInvalidArgument, std::move(message), std::move(where));
}

template <class Int>
std::optional<Int> ParseWhole(const std::string& text, Int min, Int max) {
  Int value{};
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

// "1h", "10s", "500ms": the largest unit that says it exactly.
std::string FormatDuration(std::chrono::milliseconds duration) {
  const std::int64_t ms = duration.count();
  if (ms == 0) return "0";
  if (ms % (3600 * 1000) == 0) return std::to_string(ms / (3600 * 1000)) + "h";
  if (ms % (60 * 1000) == 0) return std::to_string(ms / (60 * 1000)) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

std::string FormatAddress(const std::string& host, std::uint16_t port) {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

// Sets what one flag's value says, or states the rule the value breaks.
using Setter = std::function<base::Status(const std::string& value, ServerFlags& flags)>;

// One flag: its --help entry and what it sets. The table of them is the
// one list of flags, for the parser and the help text alike.
struct Flag {
  std::string name;        // "--workers"
  std::string value_name;  // "N"; empty: the flag takes no value
  std::string help;        // its lines in --help, '\n' between them
  Setter set;
};

template <class Int>
Setter WholeNumber(Int ServerFlags::*member, Int min, Int max, std::string unit = "") {
  return [=](const std::string& value, ServerFlags& flags) -> base::Status {
    const std::optional<Int> parsed = ParseWhole<Int>(value, min, max);
    if (!parsed) {
      return Invalid("must be a whole number " + unit + "from " + std::to_string(min) + " to " +
                     std::to_string(max));
    }
    flags.*member = *parsed;
    return base::Ok();
  };
}

enum class Zero { kAllowed, kRefused };

Setter Duration(std::chrono::milliseconds ServerFlags::*member, Zero zero) {
  return [=](const std::string& value, ServerFlags& flags) -> base::Status {
    auto parsed = ParseDuration(value);
    if (!parsed.ok()) return std::move(parsed).error();
    if (zero == Zero::kRefused && parsed->count() == 0) return Invalid("must be more than zero");
    flags.*member = *parsed;
    return base::Ok();
  };
}

Setter Text(std::string ServerFlags::*member) {
  return [=](const std::string& value, ServerFlags& flags) -> base::Status {
    flags.*member = value;
    return base::Ok();
  };
}

Setter Append(std::vector<std::string> ServerFlags::*member) {
  return [=](const std::string& value, ServerFlags& flags) -> base::Status {
    (flags.*member).push_back(value);
    return base::Ok();
  };
}

base::Status SetListen(const std::string& value, ServerFlags& flags) {
  auto address = ParseListenAddress(value);
  if (!address.ok()) return std::move(address).error();
  flags.host = address->host;
  flags.port = address->port;
  return base::Ok();
}

base::Status SetNetworkHelper(const std::string& value, ServerFlags& flags) {
  if (!value.starts_with("/")) return Invalid("must be an absolute path");
  flags.network_helper = value;
  return base::Ok();
}

base::Status SetHelp(const std::string&, ServerFlags& flags) {
  flags.help = true;
  return base::Ok();
}

std::vector<Flag> ListenAndKeyFlags(const ServerFlags& d) {
  return {
      {"--listen", "HOST:PORT",
       "address to serve on (default " + FormatAddress(d.host, d.port) +
           ";\nport 0 picks a free port; [::1]:PORT for IPv6)",
       SetListen},
      {"--api-key", "KEY", "accept this API key (repeatable)", Append(&ServerFlags::api_keys)},
      {"--api-keys-file", "FILE",
       "accept the keys in FILE, one per line; blank\n"
       "lines and lines starting with # are skipped\n"
       "(repeatable; at least one key is required)",
       Append(&ServerFlags::api_keys_files)},
  };
}

std::vector<Flag> JobFlags(const ServerFlags& d) {
  return {
      {"--workers", "N", "jobs run at once (default: number of cores)",
       WholeNumber(&ServerFlags::workers, 1, 1024)},
      {"--max-queue", "N",
       "jobs that may wait for a worker beyond those\nrunning; more get 429 (default " +
           std::to_string(d.max_queue) + ")",
       WholeNumber<std::size_t>(&ServerFlags::max_queue, 0, 100000)},
      {"--job-retention", "DURATION",
       "how long finished jobs stay readable\n(default " + FormatDuration(d.job_retention) + ")",
       Duration(&ServerFlags::job_retention, Zero::kAllowed)},
      {"--shutdown-drain", "DURATION",
       "at shutdown, how long running jobs may go on\nbefore they are cancelled (default " +
           FormatDuration(d.shutdown_drain) + ")",
       Duration(&ServerFlags::shutdown_drain, Zero::kAllowed)},
  };
}

std::vector<Flag> HttpFlags(const ServerFlags& d) {
  const auto by_default = [](auto n) { return "(default " + std::to_string(n) + ")"; };
  return {
      {"--request-timeout", "DURATION",
       "time to receive a request's body (default " + FormatDuration(d.request_timeout) + ")",
       Duration(&ServerFlags::request_timeout, Zero::kRefused)},
      {"--idle-timeout", "DURATION",
       "time to wait for a request's header, and for\n"
       "the next request on a kept-alive connection\n"
       "(default " +
           FormatDuration(d.idle_timeout) + ")",
       Duration(&ServerFlags::idle_timeout, Zero::kRefused)},
      {"--max-body-bytes", "N",
       "largest request body (default " + std::to_string(d.max_body_bytes) +
           ":\n10 MiB of input files as base64 plus code)",
       WholeNumber<std::size_t>(&ServerFlags::max_body_bytes, 1024, std::size_t{1} << 30)},
      {"--max-header-bytes", "N", "largest request header " + by_default(d.max_header_bytes),
       WholeNumber<std::size_t>(&ServerFlags::max_header_bytes, 1024, 1024 * 1024)},
      {"--max-connections", "N", "open connections at once " + by_default(d.max_connections),
       WholeNumber<std::size_t>(&ServerFlags::max_connections, 1, 100000)},
      {"--max-answer-bytes", "N",
       "answers being written at once, in bytes; more\nget 503 server_busy " +
           by_default(d.max_answer_bytes),
       WholeNumber<std::size_t>(&ServerFlags::max_answer_bytes, 1024, std::size_t{1} << 40)},
      {"--io-threads", "N", "threads serving connections " + by_default(d.io_threads),
       WholeNumber(&ServerFlags::io_threads, 1, 256)},
  };
}

std::vector<Flag> SandboxFlags(const ServerFlags& d) {
  return {
      {"--languages", "FILE",
       "the language registry (default: the\nlanguages.json shipped with the server)",
       Text(&ServerFlags::languages_file)},
      {"--memory-mb", "N",
       "memory limit of a run, in MiB (default " + std::to_string(d.memory_mb) +
           ";\nsome languages have a higher floor)",
       WholeNumber<std::size_t>(&ServerFlags::memory_mb, 16, 1024 * 1024, "of MiB ")},
      {"--sandbox-uid-base", "N",
       "first host uid given to runs (default " + std::to_string(d.sandbox_uid_base) +
           ";\nruns use " + std::to_string(sandbox::Policy{}.host_uid_count) + " uids from there)",
       WholeNumber<std::uint32_t>(&ServerFlags::sandbox_uid_base, 1000,
                                  std::numeric_limits<std::uint32_t>::max() - 100000)},
      {"--network-helper", "PATH",
       "slirp4netns, the user-mode network stack of\nsemitrusted runs (default " +
           d.network_helper + ";\nmissing: semitrusted runs fail with\nnetwork_unavailable)",
       SetNetworkHelper},
      {"--sandbox-pool", "N",
       "sandboxes kept ready per class (network mode\nand limits), each used once (default " +
           std::to_string(d.sandbox_pool) + ";\n0 builds every sandbox on its request)",
       WholeNumber<int>(&ServerFlags::sandbox_pool, 0, 256)},
      {"--help", "", "this text", SetHelp},
  };
}

const std::vector<Flag>& FlagTable() {
  static const std::vector<Flag>* const table = [] {
    const ServerFlags defaults;
    auto* flags = new std::vector<Flag>();
    for (auto group : {ListenAndKeyFlags, JobFlags, HttpFlags, SandboxFlags}) {
      for (Flag& flag : group(defaults)) flags->push_back(std::move(flag));
    }
    return flags;
  }();
  return *table;
}

const Flag* FindFlag(std::string_view name) {
  for (const Flag& flag : FlagTable()) {
    if (flag.name == name) return &flag;
  }
  return nullptr;
}

// "  --listen HOST:PORT         address ...", the help's lines under the
// first one aligned with it.
std::string UsageEntry(const Flag& flag) {
  constexpr std::size_t kColumn = 29;
  std::string entry = "  " + flag.name + (flag.value_name.empty() ? "" : " " + flag.value_name);
  entry += std::string(entry.size() < kColumn ? kColumn - entry.size() : 1, ' ');
  for (const char c : flag.help) {
    entry += c;
    if (c == '\n') entry += std::string(kColumn, ' ');
  }
  return entry + "\n";
}

}  // namespace

const std::string& Usage() {
  static const std::string* const usage = [] {
    auto* text = new std::string(
        "usage: reference_server --api-key KEY [flags]\n"
        "\n"
        "The reference implementation of the code-execution API (docs/API.md):\n"
        "runs each request's code in a Linux-namespace sandbox (docs/SANDBOX.md).\n"
        "The first line on stdout is 'listening on http://HOST:PORT'; one JSON\n"
        "object per request and per event goes to stderr. SIGTERM or SIGINT shut\n"
        "it down gracefully (exit status 0).\n"
        "\n");
    for (const Flag& flag : FlagTable()) *text += UsageEntry(flag);
    *text += "\nDURATION: a number of seconds, or a number followed by ms, s, m or h.\n";
    return text;
  }();
  return *usage;
}

base::Expected<std::chrono::milliseconds> ParseDuration(const std::string& text) {
  const base::Error rule =
      Invalid("must be a duration such as 90, 90s, 500ms, 15m or 2h (at most a week)");
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const std::string unit = text.substr(digits);
  // A week at most: long enough for any setting, far from overflow.
  const std::optional<std::int64_t> value =
      ParseWhole<std::int64_t>(text.substr(0, digits), 0, kWeekMs);
  if (!value) return rule;
  std::int64_t factor = 0;
  if (unit.empty() || unit == "s") factor = 1000;
  if (unit == "ms") factor = 1;
  if (unit == "m") factor = 60 * 1000;
  if (unit == "h") factor = 3600 * 1000;
  if (factor == 0 || *value * factor > kWeekMs) return rule;
  return std::chrono::milliseconds(*value * factor);
}

base::Expected<ListenAddress> ParseListenAddress(const std::string& text) {
  const base::Error rule = Invalid("must be HOST:PORT or [IPV6]:PORT with a port from 0 to 65535");
  std::string host, port;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return rule;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string::npos) return rule;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string::npos) return rule;  // IPv6 needs brackets
  }
  const std::optional<std::uint16_t> number = ParseWhole<std::uint16_t>(port, 0, 65535);
  if (host.empty() || !number) return rule;
  return ListenAddress{host, *number};
}

base::Expected<ServerFlags> ParseServerFlags(const std::vector<std::string>& args) {
  ServerFlags flags;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::optional<std::string> value;
    // Both "--flag value" and "--flag=value".
    if (const std::size_t equals = name.find('=');
        name.starts_with("--") && equals != std::string::npos) {
      value = name.substr(equals + 1);
      name = name.substr(0, equals);
    }
    if (name == "-h") name = "--help";
    if (!name.starts_with("--")) {
      return Invalid("unexpected argument '" + name + "' (flags start with --)");
    }
    const Flag* flag = FindFlag(name);
    if (flag == nullptr) return Invalid("unknown flag " + name + " (see --help)");
    if (flag->value_name.empty()) {
      value = "";  // a value given to a flag that takes none is ignored
    } else if (!value) {
      if (i + 1 >= args.size()) return Invalid("needs a value", name);
      value = args[++i];
    }
    if (base::Status set = flag->set(*value, flags); !set.ok()) {
      return Invalid(set.error().message + ", got '" + *value + "'", name);
    }
  }
  return flags;
}

int WorkersOf(const ServerFlags& flags) {
  if (flags.workers > 0) return flags.workers;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

http::ServerOptions ServerOptionsOf(const ServerFlags& flags) {
  http::ServerOptions options;
  options.host = flags.host;
  options.port = flags.port;
  options.io_threads = flags.io_threads;
  options.max_connections = flags.max_connections;
  options.max_answer_bytes_in_flight = flags.max_answer_bytes;
  options.drain = flags.shutdown_drain;
  options.session.max_body_bytes = flags.max_body_bytes;
  options.session.max_header_bytes = flags.max_header_bytes;
  options.session.request_timeout = flags.request_timeout;
  options.session.idle_timeout = flags.idle_timeout;
  return options;
}

jobs::StoreOptions StoreOptionsOf(const ServerFlags& flags) {
  jobs::StoreOptions options;
  options.workers = WorkersOf(flags);
  options.max_pending = flags.max_queue;
  options.retention = std::chrono::duration_cast<std::chrono::seconds>(flags.job_retention);
  return options;
}

sandbox::Policy PolicyOf(const ServerFlags& flags) {
  sandbox::Policy policy;
  policy.limits.memory_bytes = flags.memory_mb * sandbox::kMiB;
  policy.first_host_uid = flags.sandbox_uid_base;
  policy.network_helper.binary = flags.network_helper;
  return policy;
}

sandbox::PoolOptions PoolOf(const ServerFlags& flags) {
  sandbox::PoolOptions pool;
  pool.per_class = flags.sandbox_pool;
  return pool;
}

}  // namespace reference_server

#include "reference_server/server_flags.h"

#include <charconv>
#include <limits>
#include <set>

namespace reference_server {

const char kUsage[] =
    "usage: reference_server --api-key KEY [flags]\n"
    "\n"
    "The reference implementation of the code-execution API (docs/API.md):\n"
    "runs each request's code in a Linux-namespace sandbox (docs/SANDBOX.md).\n"
    "The first line on stdout is 'listening on http://HOST:PORT'; one JSON\n"
    "object per request and per event goes to stderr. SIGTERM or SIGINT shut\n"
    "it down gracefully (exit status 0).\n"
    "\n"
    "  --listen HOST:PORT         address to serve on (default 127.0.0.1:8080;\n"
    "                             port 0 picks a free port; [::1]:PORT for IPv6)\n"
    "  --api-key KEY              accept this API key (repeatable)\n"
    "  --api-keys-file FILE       accept the keys in FILE, one per line; blank\n"
    "                             lines and lines starting with # are skipped\n"
    "                             (repeatable; at least one key is required)\n"
    "  --workers N                jobs run at once (default: number of cores)\n"
    "  --max-queue N              jobs that may wait for a worker beyond those\n"
    "                             running; more get 429 (default 64)\n"
    "  --job-retention DURATION   how long finished jobs stay readable\n"
    "                             (default 1h)\n"
    "  --shutdown-drain DURATION  at shutdown, how long running jobs may go on\n"
    "                             before they are cancelled (default 10s)\n"
    "  --request-timeout DURATION time to receive a request's body (default 30s)\n"
    "  --idle-timeout DURATION    time to wait for a request's header, and for\n"
    "                             the next request on a kept-alive connection\n"
    "                             (default 30s)\n"
    "  --max-body-bytes N         largest request body (default 20971520:\n"
    "                             10 MiB of input files as base64 plus code)\n"
    "  --max-header-bytes N       largest request header (default 16384)\n"
    "  --max-connections N        open connections at once (default 512)\n"
    "  --max-answer-bytes N       answers being written at once, in bytes; more\n"
    "                             get 503 server_busy (default 268435456)\n"
    "  --io-threads N             threads serving connections (default 2)\n"
    "  --languages FILE           the language registry (default: the\n"
    "                             languages.json shipped with the server)\n"
    "  --memory-mb N              memory limit of a run, in MiB (default 512;\n"
    "                             some languages have a higher floor)\n"
    "  --sandbox-uid-base N       first host uid given to runs (default 200000;\n"
    "                             runs use 10000 uids from there)\n"
    "  --network-helper PATH      slirp4netns, the user-mode network stack of\n"
    "                             semitrusted runs (default /usr/bin/slirp4netns;\n"
    "                             missing: semitrusted runs fail with\n"
    "                             network_unavailable)\n"
    "  --help                     this text\n"
    "\n"
    "DURATION: a number of seconds, or a number followed by ms, s, m or h.\n";

namespace {

template <class Int>
bool ParseWhole(const std::string& text, Int min, Int max, Int& out) {
  Int value{};
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < min || value > max) return false;
  out = value;
  return true;
}

}  // namespace

bool ParseDuration(const std::string& text, std::chrono::milliseconds& out) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const std::string number = text.substr(0, digits);
  const std::string unit = text.substr(digits);
  std::int64_t value = 0;
  // A week at most: long enough for any setting, far from overflow.
  if (!ParseWhole<std::int64_t>(number, 0, 7 * 24 * 3600 * 1000LL, value)) return false;
  std::int64_t factor = 0;
  if (unit.empty() || unit == "s") factor = 1000;
  if (unit == "ms") factor = 1;
  if (unit == "m") factor = 60 * 1000;
  if (unit == "h") factor = 3600 * 1000;
  if (factor == 0 || value * factor > 7 * 24 * 3600 * 1000LL) return false;
  out = std::chrono::milliseconds(value * factor);
  return true;
}

bool ParseListenAddress(const std::string& text, std::string& host, std::uint16_t& port) {
  std::string host_part, port_part;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return false;
    }
    host_part = text.substr(1, close - 1);
    port_part = text.substr(close + 2);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string::npos) return false;
    host_part = text.substr(0, colon);
    port_part = text.substr(colon + 1);
    if (host_part.find(':') != std::string::npos) return false;  // IPv6 needs brackets
  }
  std::uint16_t value = 0;
  if (host_part.empty() || !ParseWhole<std::uint16_t>(port_part, 0, 65535, value)) return false;
  host = host_part;
  port = value;
  return true;
}

std::variant<ServerFlags, std::string> ParseServerFlags(const std::vector<std::string>& args) {
  ServerFlags flags;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::string value;
    bool has_value = false;
    // Both "--flag value" and "--flag=value".
    if (const std::size_t equals = name.find('=');
        name.rfind("--", 0) == 0 && equals != std::string::npos) {
      value = name.substr(equals + 1);
      name = name.substr(0, equals);
      has_value = true;
    }
    if (name == "--help" || name == "-h") {
      flags.help = true;
      continue;
    }
    const auto take = [&]() -> bool {
      if (has_value) return true;
      if (i + 1 >= args.size()) return false;
      value = args[++i];
      return true;
    };
    const auto bad = [&](const std::string& rule) {
      return name + ": " + rule + ", got '" + value + "'";
    };
    if (name.rfind("--", 0) != 0) return "unexpected argument '" + name + "' (flags start with --)";
    static const std::set<std::string> kValueFlags = {
        "--listen",           "--api-key",          "--api-keys-file",    "--workers",
        "--max-queue",        "--job-retention",    "--shutdown-drain",   "--request-timeout",
        "--idle-timeout",     "--max-body-bytes",   "--max-header-bytes", "--max-connections",
        "--io-threads",       "--max-answer-bytes", "--languages",        "--memory-mb",
        "--sandbox-uid-base", "--network-helper"};
    if (kValueFlags.count(name) == 0) return "unknown flag " + name + " (see --help)";
    if (!take()) return name + ": needs a value";
    if (name == "--listen") {
      if (!ParseListenAddress(value, flags.host, flags.port)) {
        return bad("must be HOST:PORT or [IPV6]:PORT with a port from 0 to 65535");
      }
    } else if (name == "--api-key") {
      flags.api_keys.push_back(value);
    } else if (name == "--api-keys-file") {
      flags.api_keys_files.push_back(value);
    } else if (name == "--workers") {
      if (!ParseWhole(value, 1, 1024, flags.workers))
        return bad("must be a whole number from 1 to 1024");
    } else if (name == "--max-queue") {
      if (!ParseWhole<std::size_t>(value, 0, 100000, flags.max_queue)) {
        return bad("must be a whole number from 0 to 100000");
      }
    } else if (name == "--job-retention" || name == "--shutdown-drain" ||
               name == "--request-timeout" || name == "--idle-timeout") {
      std::chrono::milliseconds duration{};
      if (!ParseDuration(value, duration)) {
        return bad("must be a duration such as 90, 90s, 500ms, 15m or 2h (at most a week)");
      }
      if (name == "--job-retention") flags.job_retention = duration;
      if (name == "--shutdown-drain") flags.shutdown_drain = duration;
      if (name == "--request-timeout") flags.request_timeout = duration;
      if (name == "--idle-timeout") flags.idle_timeout = duration;
      if ((name == "--request-timeout" || name == "--idle-timeout") && duration.count() == 0) {
        return bad("must be more than zero");
      }
    } else if (name == "--max-body-bytes") {
      if (!ParseWhole<std::size_t>(value, 1024, std::size_t{1} << 30, flags.max_body_bytes)) {
        return bad("must be a whole number from 1024 to 1073741824");
      }
    } else if (name == "--max-header-bytes") {
      if (!ParseWhole<std::size_t>(value, 1024, 1024 * 1024, flags.max_header_bytes)) {
        return bad("must be a whole number from 1024 to 1048576");
      }
    } else if (name == "--max-connections") {
      if (!ParseWhole<std::size_t>(value, 1, 100000, flags.max_connections)) {
        return bad("must be a whole number from 1 to 100000");
      }
    } else if (name == "--max-answer-bytes") {
      if (!ParseWhole<std::size_t>(value, 1024, std::size_t{1} << 40, flags.max_answer_bytes)) {
        return bad("must be a whole number from 1024 to 1099511627776");
      }
    } else if (name == "--io-threads") {
      if (!ParseWhole(value, 1, 256, flags.io_threads))
        return bad("must be a whole number from 1 to 256");
    } else if (name == "--languages") {
      flags.languages_file = value;
    } else if (name == "--memory-mb") {
      if (!ParseWhole<std::size_t>(value, 16, 1024 * 1024, flags.memory_mb)) {
        return bad("must be a whole number of MiB from 16 to 1048576");
      }
    } else if (name == "--sandbox-uid-base") {
      if (!ParseWhole<std::uint32_t>(value, 1000,
                                     std::numeric_limits<std::uint32_t>::max() - 100000,
                                     flags.sandbox_uid_base)) {
        return bad("must be a whole number from 1000 to 4294867295");
      }
    } else if (name == "--network-helper") {
      if (!value.starts_with("/")) return bad("must be an absolute path");
      flags.network_helper = value;
    }
  }
  return flags;
}

}  // namespace reference_server

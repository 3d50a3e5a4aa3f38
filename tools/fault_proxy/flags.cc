#include "tools/fault_proxy/flags.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <utility>

namespace fault_proxy {

const char kUsage[] =
    "usage: fault_proxy --upstream http://HOST:PORT --fault NAME [--listen HOST:PORT]\n"
    "       fault_proxy --list\n";

namespace {

base::Error UsageError(std::string where, std::string message) {
  return base::MakeError(base::ErrorCode::kInvalidArgument, std::move(message), std::move(where));
}

bool AllDigits(std::string_view text) {
  return !text.empty() && text.size() <= 5 &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

// "HOST:PORT" or "[V6]:PORT" into its parts; the port may be absent only
// when `default_port` is given.
bool SplitHostPort(std::string_view text, std::string_view default_port, std::string* host,
                   std::string* port) {
  std::string_view rest;
  if (text.starts_with('[')) {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return false;
    *host = std::string(text.substr(1, close - 1));
    rest = text.substr(close + 1);
  } else {
    const std::size_t colon = text.rfind(':');
    *host = std::string(text.substr(0, colon));
    rest = colon == std::string_view::npos ? std::string_view() : text.substr(colon);
  }
  if (host->empty()) return false;
  if (rest.empty()) {
    *port = std::string(default_port);
    return !default_port.empty();
  }
  if (!rest.starts_with(':') || !AllDigits(rest.substr(1))) return false;
  *port = std::string(rest.substr(1));
  return std::stoi(*port) <= 65535;
}

}  // namespace

base::Expected<UpstreamAddress> ParseUpstream(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) {
    return UsageError("--upstream", "'" + std::string(url) + "' is not an http:// URL");
  }
  std::string_view authority = url.substr(kScheme.size());
  if (authority.ends_with('/')) authority.remove_suffix(1);
  UpstreamAddress address;
  if (authority.find('/') != std::string_view::npos ||
      !SplitHostPort(authority, "80", &address.host, &address.port)) {
    return UsageError("--upstream", "'" + std::string(url) + "' is not http://HOST:PORT");
  }
  address.host_header = std::string(authority);
  return address;
}

namespace {

// One of --upstream, --fault, --listen with its value, into `flags`.
base::Status ApplyValueFlag(const std::string& name, const std::string& value, Flags& flags) {
  if (name == "--upstream") {
    base::Expected<UpstreamAddress> upstream = ParseUpstream(value);
    if (!upstream) return std::move(upstream).error();
    flags.upstream = std::move(*upstream);
  } else if (name == "--fault") {
    flags.fault = FindFault(value);
    if (flags.fault == nullptr) {
      return UsageError(name, "unknown fault '" + value + "' (fault_proxy --list names them)");
    }
  } else {
    std::string port;
    if (!SplitHostPort(value, "", &flags.listen_host, &port)) {
      return UsageError(name, "'" + value + "' is not HOST:PORT");
    }
    flags.listen_port = static_cast<std::uint16_t>(std::stoi(port));
  }
  return base::Ok();
}

}  // namespace

base::Expected<Flags> ParseFlags(const std::vector<std::string>& args) {
  Flags flags;
  bool have_upstream = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::optional<std::string> value;
    if (const std::size_t equals = name.find('=');
        name.starts_with("--") && equals != std::string::npos) {
      value = name.substr(equals + 1);
      name = name.substr(0, equals);
    }
    if (name == "--list" || name == "--help") {
      if (value) return UsageError(name, "takes no value");
      (name == "--list" ? flags.list : flags.help) = true;
      continue;
    }
    if (name != "--upstream" && name != "--fault" && name != "--listen") {
      return UsageError(args[i], "unknown flag");
    }
    if (!value) {
      if (i + 1 == args.size()) return UsageError(name, "needs a value");
      value = args[++i];
    }
    if (base::Status applied = ApplyValueFlag(name, *value, flags); !applied) {
      return std::move(applied).error();
    }
    have_upstream = have_upstream || name == "--upstream";
  }
  if (flags.list || flags.help) return flags;
  if (!have_upstream) return UsageError("--upstream", "is required");
  if (flags.fault == nullptr) {
    return UsageError("--fault", "is required (fault_proxy --list names the faults)");
  }
  return flags;
}

}  // namespace fault_proxy

#ifndef TOOLS_FAULT_PROXY_FLAGS_H_
#define TOOLS_FAULT_PROXY_FLAGS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"
#include "tools/fault_proxy/faults.h"

namespace fault_proxy {

struct UpstreamAddress {
  std::string host;  // as in the URL, without brackets
  std::string port;
  std::string host_header;  // what requests carry as Host
};

struct Flags {
  bool list = false;
  bool help = false;
  std::string listen_host = "127.0.0.1";  // loopback: the proxy is a test tool
  std::uint16_t listen_port = 0;
  UpstreamAddress upstream;
  const Fault* fault = nullptr;
};

// argv without the program name. kInvalidArgument, `where` naming the
// flag, when the flags are unusable.
base::Expected<Flags> ParseFlags(const std::vector<std::string>& args);

// "http://HOST[:PORT][/]"; HOST may be a bracketed IPv6 literal.
// kInvalidArgument (where "--upstream") otherwise.
base::Expected<UpstreamAddress> ParseUpstream(std::string_view url);

extern const char kUsage[];

}  // namespace fault_proxy

#endif  // TOOLS_FAULT_PROXY_FLAGS_H_

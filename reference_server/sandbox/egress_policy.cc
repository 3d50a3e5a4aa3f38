#include "reference_server/sandbox/egress_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace sandbox {
namespace {

struct Range {
  Endpoint prefix;
  int length;
  const char* what;
};

Endpoint Parsed(const char* text) { return *ParseAddress(text); }

// Not public unicast. Documentation ranges (192.0.2.0/24, 198.51.100.0/24,
// 203.0.113.0/24, 2001:db8::/32) are left to the routing table: nothing
// routes them on the Internet, and tests build their worlds on them.
const std::vector<Range>& RefusedRanges() {
  static const std::vector<Range> kRanges = {
      {Parsed("0.0.0.0"), 8, "\"this network\" (0.0.0.0/8)"},
      {Parsed("10.0.0.0"), 8, "private (10.0.0.0/8)"},
      {Parsed("100.64.0.0"), 10, "shared address space (100.64.0.0/10)"},
      {Parsed("127.0.0.0"), 8, "loopback (127.0.0.0/8)"},
      {Parsed("169.254.0.0"), 16, "link-local, cloud metadata included (169.254.0.0/16)"},
      {Parsed("172.16.0.0"), 12, "private (172.16.0.0/12)"},
      {Parsed("192.0.0.0"), 24, "IETF protocol assignments (192.0.0.0/24)"},
      {Parsed("192.168.0.0"), 16, "private (192.168.0.0/16)"},
      {Parsed("198.18.0.0"), 15, "benchmarking, often internal (198.18.0.0/15)"},
      {Parsed("224.0.0.0"), 4, "multicast (224.0.0.0/4)"},
      {Parsed("240.0.0.0"), 4, "reserved or broadcast (240.0.0.0/4)"},
      {Parsed("::"), 128, "unspecified (::)"},
      {Parsed("::1"), 128, "loopback (::1)"},
      {Parsed("64:ff9b:1::"), 48, "local-use NAT64 (64:ff9b:1::/48)"},
      {Parsed("100::"), 64, "discard-only (100::/64)"},
      {Parsed("fc00::"), 7, "unique local, private (fc00::/7)"},
      {Parsed("fe80::"), 10, "link-local (fe80::/10)"},
      {Parsed("fec0::"), 10, "site-local (fec0::/10)"},
      {Parsed("ff00::"), 8, "multicast (ff00::/8)"},
  };
  return kRanges;
}

std::size_t AddressBytes(int family) { return family == AF_INET ? 4 : 16; }

bool InPrefix(const Endpoint& address, const Endpoint& prefix, int length) {
  if (address.family != prefix.family || length < 0) return false;
  const int bits = static_cast<int>(AddressBytes(address.family)) * 8;
  if (length > bits) return false;
  const int whole = length / 8;
  if (std::memcmp(address.bytes.data(), prefix.bytes.data(), static_cast<std::size_t>(whole)) !=
      0) {
    return false;
  }
  const int rest = length % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (address.bytes[whole] & mask) == (prefix.bytes[whole] & mask);
}

bool SameAddress(const Endpoint& a, const Endpoint& b) {
  return a.family == b.family &&
         std::memcmp(a.bytes.data(), b.bytes.data(), AddressBytes(a.family)) == 0;
}

Endpoint V4(const std::uint8_t* bytes, std::uint16_t port) {
  Endpoint v4;
  v4.family = AF_INET;
  std::memcpy(v4.bytes.data(), bytes, 4);
  v4.port = port;
  return v4;
}

// IPv6 forms that carry an IPv4 address the kernel or a translator may
// turn into IPv4 traffic: each is judged as that IPv4 address too.
std::optional<Endpoint> EmbeddedV4(const Endpoint& address) {
  if (address.family != AF_INET6) return std::nullopt;
  const std::uint8_t* b = address.bytes.data();
  static const Endpoint kMapped = Parsed("::ffff:0.0.0.0");
  static const Endpoint kCompatible = Parsed("::");
  static const Endpoint kNat64 = Parsed("64:ff9b::");
  static const Endpoint k6to4 = Parsed("2002::");
  if (InPrefix(address, kMapped, 96) || InPrefix(address, kNat64, 96)) {
    return V4(b + 12, address.port);
  }
  if (InPrefix(address, kCompatible, 96) && !InPrefix(address, kCompatible, 127)) {
    return V4(b + 12, address.port);
  }
  if (InPrefix(address, k6to4, 16)) return V4(b + 2, address.port);
  return std::nullopt;
}

std::string WithoutPort(const Endpoint& address) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(address.family, address.bytes.data(), text, sizeof text);
  return text;
}

std::optional<std::string> RefusalOf(const Endpoint& address, const EgressRules& rules) {
  for (const Range& range : RefusedRanges()) {
    if (InPrefix(address, range.prefix, range.length)) {
      return WithoutPort(address) + " is " + range.what;
    }
  }
  for (const HostNetwork& network : rules.host_networks) {
    if (SameAddress(address, network.address)) {
      return WithoutPort(address) + " is an address of this host";
    }
    // A very short prefix would refuse the Internet; only real subnets count.
    const int shortest = network.address.family == AF_INET ? 8 : 32;
    if (network.prefix_length >= shortest &&
        InPrefix(address, network.address, network.prefix_length)) {
      return WithoutPort(address) + " is on this host's network " + WithoutPort(network.address) +
             "/" + std::to_string(network.prefix_length);
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<Endpoint> EndpointFromSockaddr(const void* data, std::size_t length) {
  if (length < sizeof(sa_family_t)) return std::nullopt;
  sa_family_t family;
  std::memcpy(&family, data, sizeof family);
  Endpoint endpoint;
  if (family == AF_INET && length >= sizeof(sockaddr_in)) {
    sockaddr_in in;
    std::memcpy(&in, data, sizeof in);
    endpoint.family = AF_INET;
    std::memcpy(endpoint.bytes.data(), &in.sin_addr, 4);
    endpoint.port = ntohs(in.sin_port);
    return endpoint;
  }
  if (family == AF_INET6 && length >= sizeof(sockaddr_in6)) {
    sockaddr_in6 in6;
    std::memcpy(&in6, data, sizeof in6);
    endpoint.family = AF_INET6;
    std::memcpy(endpoint.bytes.data(), &in6.sin6_addr, 16);
    endpoint.port = ntohs(in6.sin6_port);
    return endpoint;
  }
  return std::nullopt;
}

std::string ToString(const Endpoint& endpoint) {
  const std::string address = WithoutPort(endpoint);
  const std::string port = std::to_string(endpoint.port);
  return endpoint.family == AF_INET6 ? "[" + address + "]:" + port : address + ":" + port;
}

std::optional<Endpoint> ParseAddress(std::string_view text) {
  const std::string copy(text);
  Endpoint endpoint;
  if (inet_pton(AF_INET, copy.c_str(), endpoint.bytes.data()) == 1) {
    endpoint.family = AF_INET;
    return endpoint;
  }
  if (inet_pton(AF_INET6, copy.c_str(), endpoint.bytes.data()) == 1) {
    endpoint.family = AF_INET6;
    return endpoint;
  }
  return std::nullopt;
}

int PrefixLength(const Endpoint& netmask) {
  int length = 0;
  bool ended = false;
  for (std::size_t i = 0; i < AddressBytes(netmask.family); ++i) {
    for (int bit = 7; bit >= 0; --bit) {
      const bool set = (netmask.bytes[i] >> bit) & 1;
      if (set && ended) return -1;
      if (set) ++length;
      if (!set) ended = true;
    }
  }
  return length;
}

std::optional<std::string> RefusalReason(const Endpoint& to, const EgressRules& rules) {
  if (to.family != AF_INET && to.family != AF_INET6) return "only IPv4 and IPv6 are routed";
  if (to.port == 53) {
    for (const Endpoint& resolver : rules.resolvers) {
      if (SameAddress(to, resolver)) return std::nullopt;
    }
  }
  if (auto refused = RefusalOf(to, rules)) return refused;
  if (const auto v4 = EmbeddedV4(to)) {
    if (auto refused = RefusalOf(*v4, rules)) return WithoutPort(to) + " embeds " + *refused;
  }
  return std::nullopt;
}

std::vector<Endpoint> ParseResolvers(std::string_view resolv_conf) {
  std::vector<Endpoint> resolvers;
  while (!resolv_conf.empty()) {
    const std::size_t end = resolv_conf.find('\n');
    std::string_view line = resolv_conf.substr(0, end);
    resolv_conf = end == std::string_view::npos ? std::string_view() : resolv_conf.substr(end + 1);
    constexpr std::string_view kKeyword = "nameserver";
    if (!line.starts_with(kKeyword)) continue;
    line.remove_prefix(kKeyword.size());
    if (line.empty() || (line.front() != ' ' && line.front() != '\t')) continue;
    const std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos) continue;
    line.remove_prefix(first);
    line = line.substr(0, line.find_first_of(" \t\r#;"));
    // A zone index ("fe80::1%eth0") is not part of the address.
    line = line.substr(0, line.find('%'));
    if (const auto address = ParseAddress(line)) resolvers.push_back(*address);
  }
  return resolvers;
}

std::string DescribeEgressPolicy() {
  return "outbound to public unicast addresses only; refused: loopback, this host's own "
         "addresses and the subnets of its interfaces, private (10/8, 172.16/12, 192.168/16, "
         "fc00::/7), shared (100.64/10), link-local (169.254/16 with 169.254.169.254, "
         "fe80::/10), multicast, broadcast and reserved ranges; DNS through 10.0.2.3 to the "
         "host's resolvers (port 53 only)";
}

}  // namespace sandbox

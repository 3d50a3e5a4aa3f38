#ifndef REFERENCE_SERVER_SANDBOX_EGRESS_POLICY_H_
#define REFERENCE_SERVER_SANDBOX_EGRESS_POLICY_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Where a semitrusted run may send packets: public unicast addresses only.
// Pure (no I/O): the supervisor of the network helper gathers the host's
// addresses and resolvers and asks RefusalReason for every destination.
namespace sandbox {

// An IPv4 or IPv6 address, with a port where one matters.
struct Endpoint {
  int family = 0;                        // AF_INET or AF_INET6
  std::array<std::uint8_t, 16> bytes{};  // the first 4 for AF_INET
  std::uint16_t port = 0;
  bool operator==(const Endpoint&) const = default;
};

// A network of the host's: an interface's address with its prefix length.
struct HostNetwork {
  Endpoint address;
  int prefix_length = 0;
};

// The destination a sockaddr names, or nullopt when it is not AF_INET or
// AF_INET6 (or too short for its family).
std::optional<Endpoint> EndpointFromSockaddr(const void* data, std::size_t length);

// "10.0.0.1:80", "[::1]:53".
std::string ToString(const Endpoint& endpoint);

// Parses "203.0.113.10" or "2001:db8::1" (port 0).
std::optional<Endpoint> ParseAddress(std::string_view text);

// Prefix length of a netmask (255.255.255.0 is 24); -1 when not contiguous.
int PrefixLength(const Endpoint& netmask);

struct EgressRules {
  // Every address of the host's interfaces, with their subnets: the host
  // itself and its neighbours (the gateway included) are refused.
  std::vector<HostNetwork> host_networks;
  // The nameservers of the host's resolv.conf: port 53 to these is allowed
  // (they are often on a private address), nothing else to them.
  std::vector<Endpoint> resolvers;
};

// Why sending to `to` is refused (e.g. "10.9.9.9:80 is private (10.0.0.0/8)"),
// or nullopt when it is allowed.
std::optional<std::string> RefusalReason(const Endpoint& to, const EgressRules& rules);

// The nameserver addresses of a resolv.conf text, in order.
std::vector<Endpoint> ParseResolvers(std::string_view resolv_conf);

// One sentence for /health and the start-up report.
std::string DescribeEgressPolicy();

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_EGRESS_POLICY_H_

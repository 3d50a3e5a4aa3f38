#include "reference_server/sandbox/egress_policy.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/un.h>

namespace sandbox {
namespace {

Endpoint At(const char* address, std::uint16_t port) {
  Endpoint endpoint = *ParseAddress(address);
  endpoint.port = port;
  return endpoint;
}

// The world of the semitrusted tests: the host at 198.51.100.1/24, its
// loopback, and a private resolver.
EgressRules HostRules() {
  EgressRules rules;
  rules.host_networks = {
      {At("198.51.100.1", 0), 24}, {At("127.0.0.1", 0), 8}, {At("2001:db8:1::1", 0), 64}};
  rules.resolvers = {At("10.9.9.53", 0)};
  return rules;
}

bool Allowed(const char* address, std::uint16_t port = 80) {
  return !RefusalReason(At(address, port), HostRules()).has_value();
}

TEST(EgressPolicyTest, AllowsPublicUnicast) {
  EXPECT_TRUE(Allowed("203.0.113.10"));
  EXPECT_TRUE(Allowed("8.8.8.8", 53));
  EXPECT_TRUE(Allowed("1.1.1.1", 443));
  EXPECT_TRUE(Allowed("2606:4700::1111", 443));
  EXPECT_TRUE(Allowed("172.32.0.1"));   // just past 172.16.0.0/12
  EXPECT_TRUE(Allowed("100.128.0.1"));  // just past 100.64.0.0/10
}

TEST(EgressPolicyTest, RefusesEveryRangeTheIssueNames) {
  for (const char* address : {"127.0.0.1",       "127.255.255.254", "::1",
                              "10.9.9.9",        "10.0.2.2",        "172.16.0.1",
                              "172.31.255.255",  "192.168.1.1",     "100.64.0.1",
                              "100.127.255.255", "169.254.169.254", "169.254.0.1",
                              "fc00::1",         "fd12:3456::1",    "fe80::1",
                              "224.0.0.1",       "239.255.255.250", "255.255.255.255",
                              "ff02::1",         "0.0.0.0",         "::"}) {
    EXPECT_FALSE(Allowed(address)) << address;
  }
}

TEST(EgressPolicyTest, RefusalSaysWhichRuleAndWhere) {
  EXPECT_EQ(RefusalReason(At("169.254.169.254", 80), HostRules()),
            "169.254.169.254 is link-local, cloud metadata included (169.254.0.0/16)");
  EXPECT_EQ(RefusalReason(At("198.51.100.1", 8080), HostRules()),
            "198.51.100.1 is an address of this host");
  EXPECT_EQ(RefusalReason(At("198.51.100.2", 80), HostRules()),
            "198.51.100.2 is on this host's network 198.51.100.1/24");
}

TEST(EgressPolicyTest, RefusesTheHostAndItsNeighboursWhateverTheirRange) {
  EXPECT_FALSE(Allowed("198.51.100.1"));
  EXPECT_FALSE(Allowed("198.51.100.254"));
  EXPECT_TRUE(Allowed("198.51.101.1"));
  EXPECT_FALSE(Allowed("2001:db8:1::1"));
  EXPECT_FALSE(Allowed("2001:db8:1::99"));
  EXPECT_TRUE(Allowed("2001:db8:2::1"));
}

TEST(EgressPolicyTest, AShortHostPrefixRefusesOnlyTheAddressItself) {
  EgressRules rules;
  rules.host_networks = {{At("203.0.113.5", 0), 0}};
  EXPECT_TRUE(RefusalReason(At("203.0.113.5", 80), rules).has_value());
  EXPECT_FALSE(RefusalReason(At("8.8.8.8", 80), rules).has_value());
}

TEST(EgressPolicyTest, IPv6FormsOfRefusedIPv4AddressesAreRefused) {
  for (const char* address :
       {"::ffff:127.0.0.1", "::ffff:10.1.2.3", "::ffff:169.254.169.254", "::ffff:198.51.100.1",
        "64:ff9b::a09:909", "2002:a09:909::1", "::10.9.9.9", "::ffff:0.0.0.0"}) {
    EXPECT_FALSE(Allowed(address)) << address;
  }
  EXPECT_TRUE(Allowed("::ffff:203.0.113.10"));
  EXPECT_TRUE(Allowed("64:ff9b::cb00:710a"));  // 203.0.113.10
}

TEST(EgressPolicyTest, TheHostsResolversTakePort53Only) {
  EXPECT_TRUE(Allowed("10.9.9.53", 53));
  EXPECT_FALSE(Allowed("10.9.9.53", 80));
  EXPECT_FALSE(Allowed("10.9.9.54", 53));
  EgressRules loopback_resolver;
  loopback_resolver.resolvers = {At("127.0.0.53", 0)};
  EXPECT_FALSE(RefusalReason(At("127.0.0.53", 53), loopback_resolver).has_value());
  EXPECT_TRUE(RefusalReason(At("127.0.0.1", 53), loopback_resolver).has_value());
}

TEST(EgressPolicyTest, ReadsSockaddrsOfBothFamiliesOnly) {
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_port = htons(8080);
  inet_pton(AF_INET, "203.0.113.10", &in.sin_addr);
  const auto v4 = EndpointFromSockaddr(&in, sizeof in);
  ASSERT_TRUE(v4.has_value());
  EXPECT_EQ(ToString(*v4), "203.0.113.10:8080");
  EXPECT_FALSE(EndpointFromSockaddr(&in, sizeof in - 1).has_value());

  sockaddr_in6 in6{};
  in6.sin6_family = AF_INET6;
  in6.sin6_port = htons(53);
  inet_pton(AF_INET6, "2001:db8::1", &in6.sin6_addr);
  const auto v6 = EndpointFromSockaddr(&in6, sizeof in6);
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(ToString(*v6), "[2001:db8::1]:53");

  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  EXPECT_FALSE(EndpointFromSockaddr(&un, sizeof un).has_value());
  EXPECT_FALSE(EndpointFromSockaddr(&un, 1).has_value());
  EXPECT_TRUE(RefusalReason(Endpoint{}, EgressRules{}).has_value());
}

TEST(EgressPolicyTest, ParsesResolvConf) {
  const auto resolvers = ParseResolvers(
      "# comment\nsearch example.org\nnameserver 10.255.255.53\nnameserver\t::1 # local\n"
      "nameserverx 1.2.3.4\nnameserver fe80::1%eth0\nnameserver not-an-address\n"
      "options ndots:2\nnameserver 8.8.8.8");
  ASSERT_EQ(resolvers.size(), 4u);
  EXPECT_EQ(ToString(resolvers[0]), "10.255.255.53:0");
  EXPECT_EQ(ToString(resolvers[1]), "[::1]:0");
  EXPECT_EQ(ToString(resolvers[2]), "[fe80::1]:0");
  EXPECT_EQ(ToString(resolvers[3]), "8.8.8.8:0");
}

TEST(EgressPolicyTest, PrefixLengthOfNetmasks) {
  EXPECT_EQ(PrefixLength(*ParseAddress("255.255.255.0")), 24);
  EXPECT_EQ(PrefixLength(*ParseAddress("255.255.240.0")), 20);
  EXPECT_EQ(PrefixLength(*ParseAddress("255.255.255.255")), 32);
  EXPECT_EQ(PrefixLength(*ParseAddress("0.0.0.0")), 0);
  EXPECT_EQ(PrefixLength(*ParseAddress("255.0.255.0")), -1);
  EXPECT_EQ(PrefixLength(*ParseAddress("ffff:ffff:ffff:ffff::")), 64);
}

}  // namespace
}  // namespace sandbox

#include "reference_server/server_flags.h"

#include <gtest/gtest.h>

namespace reference_server {
namespace {

ServerFlags Parse(const std::vector<std::string>& args) {
  auto parsed = ParseServerFlags(args);
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    ADD_FAILURE() << *error;
    return {};
  }
  return std::get<ServerFlags>(parsed);
}

std::string ErrorOf(const std::vector<std::string>& args) {
  auto parsed = ParseServerFlags(args);
  if (const auto* error = std::get_if<std::string>(&parsed)) return *error;
  return "<accepted>";
}

TEST(ServerFlagsTest, DefaultsAreTheDocumentedOnes) {
  const ServerFlags flags = Parse({});
  EXPECT_EQ(flags.host, "127.0.0.1");
  EXPECT_EQ(flags.port, 8080);
  EXPECT_EQ(flags.job_retention, std::chrono::hours(1));
  EXPECT_EQ(flags.max_queue, 64u);
  EXPECT_EQ(flags.workers, 0);  // the number of cores
  EXPECT_EQ(flags.network_helper, "/usr/bin/slirp4netns");
}

TEST(ServerFlagsTest, ParsesEveryFlagInBothSpellings) {
  const ServerFlags flags = Parse({"--listen",
                                   "0.0.0.0:0",
                                   "--api-key",
                                   "a",
                                   "--api-key=b",
                                   "--api-keys-file",
                                   "f",
                                   "--workers=3",
                                   "--max-queue",
                                   "0",
                                   "--job-retention",
                                   "15m",
                                   "--shutdown-drain",
                                   "500ms",
                                   "--request-timeout",
                                   "2",
                                   "--idle-timeout=1h",
                                   "--max-body-bytes",
                                   "4096",
                                   "--max-header-bytes",
                                   "2048",
                                   "--max-connections",
                                   "10",
                                   "--io-threads",
                                   "4",
                                   "--languages",
                                   "l.json",
                                   "--memory-mb",
                                   "256",
                                   "--sandbox-uid-base",
                                   "500000",
                                   "--network-helper",
                                   "/opt/slirp4netns"});
  EXPECT_EQ(flags.host, "0.0.0.0");
  EXPECT_EQ(flags.port, 0);
  EXPECT_EQ(flags.api_keys, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(flags.api_keys_files, std::vector<std::string>{"f"});
  EXPECT_EQ(flags.workers, 3);
  EXPECT_EQ(flags.max_queue, 0u);
  EXPECT_EQ(flags.job_retention, std::chrono::minutes(15));
  EXPECT_EQ(flags.shutdown_drain, std::chrono::milliseconds(500));
  EXPECT_EQ(flags.request_timeout, std::chrono::seconds(2));
  EXPECT_EQ(flags.idle_timeout, std::chrono::hours(1));
  EXPECT_EQ(flags.max_body_bytes, 4096u);
  EXPECT_EQ(flags.max_header_bytes, 2048u);
  EXPECT_EQ(flags.max_connections, 10u);
  EXPECT_EQ(flags.io_threads, 4);
  EXPECT_EQ(flags.languages_file, "l.json");
  EXPECT_EQ(flags.memory_mb, 256u);
  EXPECT_EQ(flags.sandbox_uid_base, 500000u);
  EXPECT_EQ(flags.network_helper, "/opt/slirp4netns");
  EXPECT_TRUE(Parse({"--help"}).help);
}

TEST(ServerFlagsTest, ListenAddresses) {
  std::string host;
  std::uint16_t port = 1;
  EXPECT_TRUE(ParseListenAddress("[::1]:9000", host, port));
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 9000);
  EXPECT_TRUE(ParseListenAddress("localhost:65535", host, port));
  for (const char* bad :
       {"", "8080", ":8080", "h:", "h:65536", "h:-1", "::1:80", "[::1]80", "[::1]", "h:80x"}) {
    EXPECT_FALSE(ParseListenAddress(bad, host, port)) << bad;
  }
}

TEST(ServerFlagsTest, Durations) {
  std::chrono::milliseconds d{};
  EXPECT_TRUE(ParseDuration("0", d));
  EXPECT_EQ(d.count(), 0);
  EXPECT_TRUE(ParseDuration("90", d));
  EXPECT_EQ(d, std::chrono::seconds(90));
  EXPECT_TRUE(ParseDuration("2h", d));
  EXPECT_EQ(d, std::chrono::hours(2));
  for (const char* bad : {"", "s", "1.5s", "-1", "1d", "10 s", "169h", "99999999999999999999"}) {
    EXPECT_FALSE(ParseDuration(bad, d)) << bad;
  }
}

TEST(ServerFlagsTest, ErrorsNameTheFlagAndTheValue) {
  EXPECT_EQ(ErrorOf({"--workers", "0"}),
            "--workers: must be a whole number from 1 to 1024, got '0'");
  EXPECT_EQ(ErrorOf({"--listen", "nowhere"}).rfind("--listen: ", 0), 0u);
  EXPECT_EQ(ErrorOf({"--job-retention", "soon"}).rfind("--job-retention: ", 0), 0u);
  EXPECT_EQ(ErrorOf({"--idle-timeout", "0"}), "--idle-timeout: must be more than zero, got '0'");
  EXPECT_EQ(ErrorOf({"--verbose"}), "unknown flag --verbose (see --help)");
  EXPECT_EQ(ErrorOf({"--api-key"}), "--api-key: needs a value");
  EXPECT_EQ(ErrorOf({"stray"}), "unexpected argument 'stray' (flags start with --)");
  EXPECT_NE(ErrorOf({"--max-body-bytes", "10"}).find("--max-body-bytes"), std::string::npos);
  EXPECT_EQ(ErrorOf({"--network-helper", "slirp4netns"}),
            "--network-helper: must be an absolute path, got 'slirp4netns'");
}

}  // namespace
}  // namespace reference_server

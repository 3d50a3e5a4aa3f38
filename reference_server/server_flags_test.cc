#include "reference_server/server_flags.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace reference_server {
namespace {

ServerFlags Parse(const std::vector<std::string>& args) {
  auto parsed = ParseServerFlags(args);
  if (!parsed.ok()) {
    ADD_FAILURE() << parsed.error().Describe();
    return {};
  }
  return *parsed;
}

std::string ErrorOf(const std::vector<std::string>& args) {
  auto parsed = ParseServerFlags(args);
  if (!parsed.ok()) return parsed.error().Describe();
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
                                   "/opt/slirp4netns",
                                   "--sandbox-pool",
                                   "0"});
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
  EXPECT_EQ(flags.sandbox_pool, 0);
  EXPECT_EQ(PoolOf(flags).per_class, 0);
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
  auto v6 = ParseListenAddress("[::1]:9000");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 9000);
  EXPECT_TRUE(ParseListenAddress("localhost:65535").ok());
  for (const char* bad :
       {"", "8080", ":8080", "h:", "h:65536", "h:-1", "::1:80", "[::1]80", "[::1]", "h:80x"}) {
    EXPECT_FALSE(ParseListenAddress(bad).ok()) << bad;
  }
}

TEST(ServerFlagsTest, Durations) {
  auto zero = ParseDuration("0");
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(zero->count(), 0);
  auto ninety = ParseDuration("90");
  ASSERT_TRUE(ninety.ok());
  EXPECT_EQ(*ninety, std::chrono::seconds(90));
  auto two_hours = ParseDuration("2h");
  ASSERT_TRUE(two_hours.ok());
  EXPECT_EQ(*two_hours, std::chrono::hours(2));
  for (const char* bad : {"", "s", "1.5s", "-1", "1d", "10 s", "169h", "99999999999999999999"}) {
    EXPECT_FALSE(ParseDuration(bad).ok()) << bad;
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
  EXPECT_EQ(ErrorOf({"--sandbox-pool", "257"}),
            "--sandbox-pool: must be a whole number from 0 to 256, got '257'");
}

TEST(ServerFlagsTest, ErrorsAreInvalidArgumentsWhereTheFlagIs) {
  auto bad = ParseServerFlags({"--api-key", "k", "--memory-mb=8"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().exit_status(), 2);
  EXPECT_EQ(bad.error().where, "--memory-mb");
  EXPECT_EQ(bad.error().message, "must be a whole number of MiB from 16 to 1048576, got '8'");
  auto missing = ParseServerFlags({"--listen"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().where, "--listen");
  EXPECT_EQ(missing.error().message, "needs a value");
  // A stray word or an unknown flag: the message names it, as it always did.
  auto unknown = ParseServerFlags({"--verbose"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(unknown.error().where, "");
  EXPECT_EQ(ParseDuration("soon").error().code, base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseListenAddress("nowhere").error().where, "");
}

TEST(ServerFlagsTest, HelpFlagsTakeNoValue) {
  EXPECT_TRUE(Parse({"-h"}).help);
  EXPECT_TRUE(Parse({"--help=yes"}).help);
  EXPECT_EQ(ErrorOf({"-h=yes"}), "unexpected argument '-h=yes' (flags start with --)");
}

// Each default is the one of the options the flag sets: the flags change
// nothing of a default configuration.
TEST(ServerFlagsTest, DefaultFlagsGiveDefaultOptions) {
  const ServerFlags flags;
  const http::ServerOptions server = ServerOptionsOf(flags);
  const http::ServerOptions server_defaults;
  EXPECT_EQ(server.host, server_defaults.host);
  EXPECT_EQ(server.port, server_defaults.port);
  EXPECT_EQ(server.io_threads, server_defaults.io_threads);
  EXPECT_EQ(server.max_connections, server_defaults.max_connections);
  EXPECT_EQ(server.drain, server_defaults.drain);
  EXPECT_EQ(server.max_answer_bytes_in_flight, server_defaults.max_answer_bytes_in_flight);
  EXPECT_EQ(server.session.max_body_bytes, server_defaults.session.max_body_bytes);
  EXPECT_EQ(server.session.max_header_bytes, server_defaults.session.max_header_bytes);
  EXPECT_EQ(server.session.request_timeout, server_defaults.session.request_timeout);
  EXPECT_EQ(server.session.idle_timeout, server_defaults.session.idle_timeout);
  const jobs::StoreOptions store = StoreOptionsOf(flags);
  EXPECT_EQ(store.max_pending, jobs::StoreOptions{}.max_pending);
  EXPECT_EQ(store.retention, jobs::StoreOptions{}.retention);
  EXPECT_GE(store.workers, 1);
  const sandbox::Policy policy = PolicyOf(flags);
  const sandbox::Policy policy_defaults;
  EXPECT_EQ(policy.limits.memory_bytes, policy_defaults.limits.memory_bytes);
  EXPECT_EQ(policy.first_host_uid, policy_defaults.first_host_uid);
  EXPECT_EQ(policy.network_helper.binary, policy_defaults.network_helper.binary);
}

TEST(ServerFlagsTest, FlagsReachTheirOptions) {
  const ServerFlags flags =
      Parse({"--listen=[::1]:9", "--workers=3", "--max-queue=5", "--job-retention=1500ms",
             "--memory-mb=64", "--max-body-bytes=4096", "--idle-timeout=2m"});
  const http::ServerOptions server = ServerOptionsOf(flags);
  EXPECT_EQ(server.host, "::1");
  EXPECT_EQ(server.port, 9);
  EXPECT_EQ(server.session.max_body_bytes, 4096u);
  EXPECT_EQ(server.session.idle_timeout, std::chrono::minutes(2));
  const jobs::StoreOptions store = StoreOptionsOf(flags);
  EXPECT_EQ(store.workers, 3);
  EXPECT_EQ(store.max_pending, 5u);
  EXPECT_EQ(store.retention, std::chrono::seconds(1));  // whole seconds, rounded down
  EXPECT_EQ(PolicyOf(flags).limits.memory_bytes, 64 * sandbox::kMiB);
}

// The help text prints the defaults the server runs with, and every flag
// the parser reads.
TEST(ServerFlagsTest, HelpShowsTheDefaults) {
  const std::string& usage = Usage();
  EXPECT_NE(usage.find("(default 127.0.0.1:8080;\n"), std::string::npos) << usage;
  EXPECT_NE(usage.find("(default 1h)"), std::string::npos) << usage;
  EXPECT_NE(usage.find("before they are cancelled (default 10s)"), std::string::npos) << usage;
  EXPECT_NE(usage.find("(default " + std::to_string(http::SessionOptions{}.max_body_bytes)),
            std::string::npos);
  EXPECT_NE(usage.find("(default " + std::to_string(sandbox::Policy{}.first_host_uid)),
            std::string::npos);
  EXPECT_NE(usage.find("  --request-timeout DURATION time to receive a request's body (default "
                       "30s)\n"),
            std::string::npos)
      << usage;
  EXPECT_NE(usage.find("  --listen HOST:PORT         address to serve on (default "
                       "127.0.0.1:8080;\n                             port 0 picks a free port"),
            std::string::npos)
      << usage;
  EXPECT_NE(usage.find("--sandbox-pool N"), std::string::npos) << usage;
  EXPECT_NE(usage.find("(default " + std::to_string(sandbox::PoolOptions{}.per_class) + ";\n"),
            std::string::npos)
      << usage;
  EXPECT_EQ(usage.find("--help                     this text\n"), usage.rfind("--help")) << usage;
}

}  // namespace
}  // namespace reference_server

#include "reference_server/http/api_keys.h"

#include <grp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace http {
namespace {

TEST(ApiKeysTest, AuthenticatesBearerKeysToStableOwners) {
  ApiKeys keys;
  ASSERT_TRUE(keys.Add("alpha-key", "test").ok());
  ASSERT_TRUE(keys.Add("beta-key", "test").ok());
  EXPECT_EQ(keys.Authenticate("Bearer alpha-key"), std::optional<std::string>("key-0"));
  EXPECT_EQ(keys.Authenticate("Bearer beta-key"), std::optional<std::string>("key-1"));
  // The scheme is case-insensitive (RFC 9110 section 11.1).
  EXPECT_EQ(keys.Authenticate("bearer beta-key"), std::optional<std::string>("key-1"));
  EXPECT_EQ(keys.Authenticate("BEARER alpha-key"), std::optional<std::string>("key-0"));
}

TEST(ApiKeysTest, RefusesEverythingElse) {
  ApiKeys keys;
  ASSERT_TRUE(keys.Add("alpha-key", "test").ok());
  for (const char* header : {"", "Bearer", "Bearer ", "alpha-key", "Basic alpha-key",
                             "Bearer alpha-ke", "Bearer alpha-key2", "Bearer ALPHA-KEY",
                             "Bearer xalpha-key", "Beareralpha-key", "Token alpha-key"}) {
    EXPECT_EQ(keys.Authenticate(header), std::nullopt) << header;
  }
  // A key that is a prefix or a repetition of a known key does not match
  // (the comparison wraps around the stored key, and lengths are compared).
  ApiKeys short_key;
  ASSERT_TRUE(short_key.Add("ab", "test").ok());
  EXPECT_EQ(short_key.Authenticate("Bearer abab"), std::nullopt);
  EXPECT_EQ(short_key.Authenticate("Bearer a"), std::nullopt);
  EXPECT_EQ(short_key.Authenticate("Bearer " + std::string(300, 'a')), std::nullopt);
}

TEST(ApiKeysTest, ValidatesKeysWithoutEchoingThem) {
  ApiKeys keys;
  const base::Status empty = keys.Add("", "--api-key #1");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().Describe().find("--api-key #1"), std::string::npos);
  EXPECT_EQ(empty.error().code, base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(empty.error().where, "--api-key #1");
  const base::Status spaced = keys.Add("secret value", "--api-key #2");
  ASSERT_FALSE(spaced.ok());
  EXPECT_EQ(spaced.error().Describe().find("secret"), std::string::npos)
      << spaced.error().Describe();
  EXPECT_FALSE(keys.Add(std::string(257, 'k'), "x").ok());
  EXPECT_FALSE(keys.Add("tab\tkey", "x").ok());
  EXPECT_FALSE(keys.Add("caf\xc3\xa9", "x").ok());
  EXPECT_EQ(keys.size(), 0u);
  // The same key twice is one key.
  ASSERT_TRUE(keys.Add("k1", "x").ok());
  ASSERT_TRUE(keys.Add("k1", "x").ok());
  EXPECT_EQ(keys.size(), 1u);
}

std::string WriteTempFile(const std::string& content) {
  const char* dir = std::getenv("TEST_TMPDIR");
  const std::string path = std::string(dir ? dir : "/tmp") + "/keys-" + std::to_string(getpid()) +
                           "-" + std::to_string(std::rand());
  std::ofstream(path) << content;
  return path;
}

TEST(ApiKeysTest, ReadsAKeysFile) {
  ApiKeys keys;
  const std::string path = WriteTempFile("# team keys\n\n  first-key  \nsecond-key\r\n");
  ASSERT_TRUE(keys.AddFile(path).ok());
  EXPECT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys.Authenticate("Bearer first-key"), std::optional<std::string>("key-0"));
  EXPECT_EQ(keys.Authenticate("Bearer second-key"), std::optional<std::string>("key-1"));
}

TEST(ApiKeysTest, KeysFileErrorsNameTheFileAndLine) {
  ApiKeys keys;
  const std::string bad = WriteTempFile("good\nhas space\n");
  const base::Status error = keys.AddFile(bad);
  ASSERT_FALSE(error.ok());
  EXPECT_NE(error.error().Describe().find(bad + ":2"), std::string::npos)
      << error.error().Describe();
  const base::Status empty = keys.AddFile(WriteTempFile("# nothing\n"));
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().Describe().find("no API key"), std::string::npos);
  const base::Status missing = keys.AddFile("/nonexistent/keys");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().Describe().find("/nonexistent/keys"), std::string::npos);
}

TEST(ApiKeysTest, KeysFileErrorsSayWhatKind) {
  ApiKeys keys;
  const std::string spaced = WriteTempFile("has space\n");
  const base::Status invalid = keys.AddFile(spaced);
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().code, base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(invalid.error().where, spaced + ":1");
  const base::Status empty = keys.AddFile(WriteTempFile(""));
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, base::ErrorCode::kInvalidArgument);
  const base::Status missing = keys.AddFile("/nonexistent/keys");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, base::ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().where, "/nonexistent/keys");
  EXPECT_EQ(missing.error().message, "cannot read the API keys file");
  const char* dir = std::getenv("TEST_TMPDIR");
  const base::Status directory = keys.AddFile(dir ? dir : "/tmp");
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.error().code, base::ErrorCode::kInvalidArgument)
      << directory.error().Describe();
  EXPECT_EQ(keys.size(), 0u);
}

// Root reads any file: only another user sees the permission refused, so
// as root the check runs in a child that became nobody (65534).
TEST(ApiKeysTest, AnUnreadableKeysFileIsPermissionDenied) {
  const std::string path = WriteTempFile("a-key\n");
  ASSERT_EQ(chmod(path.c_str(), 0), 0);
  constexpr int kCannotDrop = 3;
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (geteuid() == 0 && (setresgid(65534, 65534, 65534) != 0 || setgroups(0, nullptr) != 0 ||
                           setresuid(65534, 65534, 65534) != 0)) {
      _exit(kCannotDrop);
    }
    ApiKeys keys;
    const base::Status refused = keys.AddFile(path);
    const bool right = !refused.ok() &&
                       refused.error().code == base::ErrorCode::kPermissionDenied &&
                       refused.error().where == path;
    _exit(right ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == kCannotDrop)
    GTEST_SKIP() << "this host lets root become no other user";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the error is not kPermissionDenied at " << path;
}

}  // namespace
}  // namespace http

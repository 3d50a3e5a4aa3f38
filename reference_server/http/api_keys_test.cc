#include "reference_server/http/api_keys.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace http {
namespace {

TEST(ApiKeysTest, AuthenticatesBearerKeysToStableOwners) {
  ApiKeys keys;
  ASSERT_EQ(keys.Add("alpha-key", "test"), std::nullopt);
  ASSERT_EQ(keys.Add("beta-key", "test"), std::nullopt);
  EXPECT_EQ(keys.Authenticate("Bearer alpha-key"), std::optional<std::string>("key-0"));
  EXPECT_EQ(keys.Authenticate("Bearer beta-key"), std::optional<std::string>("key-1"));
  // The scheme is case-insensitive (RFC 9110 section 11.1).
  EXPECT_EQ(keys.Authenticate("bearer beta-key"), std::optional<std::string>("key-1"));
  EXPECT_EQ(keys.Authenticate("BEARER alpha-key"), std::optional<std::string>("key-0"));
}

TEST(ApiKeysTest, RefusesEverythingElse) {
  ApiKeys keys;
  ASSERT_EQ(keys.Add("alpha-key", "test"), std::nullopt);
  for (const char* header : {"", "Bearer", "Bearer ", "alpha-key", "Basic alpha-key",
                             "Bearer alpha-ke", "Bearer alpha-key2", "Bearer ALPHA-KEY",
                             "Bearer xalpha-key", "Beareralpha-key", "Token alpha-key"}) {
    EXPECT_EQ(keys.Authenticate(header), std::nullopt) << header;
  }
  // A key that is a prefix or a repetition of a known key does not match
  // (the comparison wraps around the stored key, and lengths are compared).
  ApiKeys short_key;
  ASSERT_EQ(short_key.Add("ab", "test"), std::nullopt);
  EXPECT_EQ(short_key.Authenticate("Bearer abab"), std::nullopt);
  EXPECT_EQ(short_key.Authenticate("Bearer a"), std::nullopt);
  EXPECT_EQ(short_key.Authenticate("Bearer " + std::string(300, 'a')), std::nullopt);
}

TEST(ApiKeysTest, ValidatesKeysWithoutEchoingThem) {
  ApiKeys keys;
  const auto empty = keys.Add("", "--api-key #1");
  ASSERT_TRUE(empty.has_value());
  EXPECT_NE(empty->find("--api-key #1"), std::string::npos);
  const auto spaced = keys.Add("secret value", "--api-key #2");
  ASSERT_TRUE(spaced.has_value());
  EXPECT_EQ(spaced->find("secret"), std::string::npos) << *spaced;
  EXPECT_TRUE(keys.Add(std::string(257, 'k'), "x").has_value());
  EXPECT_TRUE(keys.Add("tab\tkey", "x").has_value());
  EXPECT_TRUE(keys.Add("caf\xc3\xa9", "x").has_value());
  EXPECT_EQ(keys.size(), 0u);
  // The same key twice is one key.
  ASSERT_EQ(keys.Add("k1", "x"), std::nullopt);
  ASSERT_EQ(keys.Add("k1", "x"), std::nullopt);
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
  ASSERT_EQ(keys.AddFile(path), std::nullopt);
  EXPECT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys.Authenticate("Bearer first-key"), std::optional<std::string>("key-0"));
  EXPECT_EQ(keys.Authenticate("Bearer second-key"), std::optional<std::string>("key-1"));
}

TEST(ApiKeysTest, KeysFileErrorsNameTheFileAndLine) {
  ApiKeys keys;
  const std::string bad = WriteTempFile("good\nhas space\n");
  const auto error = keys.AddFile(bad);
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->find(bad + ":2"), std::string::npos) << *error;
  const auto empty = keys.AddFile(WriteTempFile("# nothing\n"));
  ASSERT_TRUE(empty.has_value());
  EXPECT_NE(empty->find("no API key"), std::string::npos);
  const auto missing = keys.AddFile("/nonexistent/keys");
  ASSERT_TRUE(missing.has_value());
  EXPECT_NE(missing->find("/nonexistent/keys"), std::string::npos);
}

}  // namespace
}  // namespace http

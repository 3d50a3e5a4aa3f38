#include "base/ascii.h"

#include <gtest/gtest.h>

namespace base {
namespace {

TEST(AsciiTest, LowersAsciiLettersOnly) {
  EXPECT_EQ(AsciiLowered("Content-TYPE: Zz09@[`{"), "content-type: zz09@[`{");
  // Bytes above 0x7F are left alone, whatever the locale says.
  EXPECT_EQ(AsciiLowered("\xC3\x89"), "\xC3\x89");
}

TEST(AsciiTest, ComparesWithoutCase) {
  EXPECT_TRUE(EqualsIgnoreCase("Content-Length", "content-length"));
  EXPECT_TRUE(EqualsIgnoreCase("", ""));
  EXPECT_FALSE(EqualsIgnoreCase("Content-Length", "Content-Lengt"));
  EXPECT_FALSE(EqualsIgnoreCase("a", "b"));
  // '@' and '`' are 0x20 apart from upper/lower letters' neighbours: not letters.
  EXPECT_FALSE(EqualsIgnoreCase("@", "`"));
}

TEST(AsciiTest, PrefixWithoutCase) {
  EXPECT_TRUE(StartsWithIgnoreCase("HTTPS://example.test", "https://"));
  EXPECT_FALSE(StartsWithIgnoreCase("http", "https://"));
}

}  // namespace
}  // namespace base

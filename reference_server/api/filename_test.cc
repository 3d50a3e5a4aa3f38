#include "reference_server/api/filename.h"

#include <gtest/gtest.h>

namespace api {
namespace {

constexpr std::size_t kMax = 256;

struct FilenameCase {
  std::string name;
  std::string filename;
  std::string violation_part;  // empty: the name is valid
};

class FilenameTest : public testing::TestWithParam<FilenameCase> {};

TEST_P(FilenameTest, FollowsTheNamingRules) {
  const auto violation = FilenameViolation(GetParam().filename, kMax);
  if (GetParam().violation_part.empty()) {
    EXPECT_FALSE(violation.has_value()) << *violation;
  } else {
    ASSERT_TRUE(violation.has_value());
    EXPECT_NE(violation->find(GetParam().violation_part), std::string::npos) << *violation;
  }
}

std::string Repeat(const std::string& unit, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += unit;
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    Rules, FilenameTest,
    testing::Values(
        FilenameCase{"Plain", "data.csv", ""}, FilenameCase{"OneByte", "a", ""},
        FilenameCase{"DotPrefixed", ".hidden", ""}, FilenameCase{"DashPrefixed", "-rf", ""},
        FilenameCase{"Spaces", "my file.txt", ""},
        FilenameCase{"Unicode", "\xE5\x90\x8D\xE5\x89\x8D.txt", ""},
        FilenameCase{"Backslash", "a\\b", ""},
        FilenameCase{"Max256Bytes", std::string(256, 'x'), ""},
        FilenameCase{"Max256BytesTwoByteChars", Repeat("\xC3\xA9", 128), ""},
        FilenameCase{"Empty", "", "must not be empty"},
        FilenameCase{"Over256Bytes", std::string(257, 'x'), "at most 256 bytes"},
        FilenameCase{"Over256BytesTwoByteChars", Repeat("\xC3\xA9", 128) + "x", "at most 256"},
        FilenameCase{"Dot", ".", "must not be '.'"}, FilenameCase{"DotDot", "..", "'..'"},
        FilenameCase{"ThreeDots", "...", "'..'"}, FilenameCase{"DotDotInside", "a..b", "'..'"},
        FilenameCase{"TraversalPath", "../etc/passwd", "'/'"}, FilenameCase{"Slash", "a/b", "'/'"},
        FilenameCase{"AbsolutePath", "/etc/passwd", "'/'"},
        FilenameCase{"Nul", std::string("a\0b", 3), "NUL"},
        FilenameCase{"Tab", "a\tb", "control characters"},
        FilenameCase{"Newline", "a\nb", "control characters"},
        FilenameCase{"Delete", "a\x7F", "control characters"},
        FilenameCase{"C1NextLine", "a\xC2\x85", "control characters"},
        FilenameCase{"InvalidUtf8", "a\xFF", "UTF-8"},
        FilenameCase{"OverlongSlash", "a\xC0\xAF", "UTF-8"}),
    [](const testing::TestParamInfo<FilenameCase>& info) { return info.param.name; });

TEST(FilenameLimitTest, UsesTheGivenLimit) {
  EXPECT_FALSE(FilenameViolation("abcd", 4).has_value());
  EXPECT_TRUE(FilenameViolation("abcde", 4).has_value());
}

}  // namespace
}  // namespace api

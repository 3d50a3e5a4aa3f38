#include "reference_server/api/utf8.h"

#include <gtest/gtest.h>

namespace api {
namespace {

constexpr const char* kFffd = "\xEF\xBF\xBD";

struct Utf8Case {
  std::string name;
  std::string bytes;
  bool valid;
  std::string repaired;
};

class Utf8Test : public testing::TestWithParam<Utf8Case> {};

TEST_P(Utf8Test, ClassifiesAndRepairs) {
  EXPECT_EQ(IsValidUtf8(GetParam().bytes), GetParam().valid);
  EXPECT_EQ(ReplaceInvalidUtf8(GetParam().bytes), GetParam().repaired);
  EXPECT_TRUE(IsValidUtf8(ReplaceInvalidUtf8(GetParam().bytes)));
}

const std::string F(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += kFffd;
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    Table37, Utf8Test,
    testing::Values(
        Utf8Case{"Empty", "", true, ""}, Utf8Case{"Ascii", "hello\n", true, "hello\n"},
        Utf8Case{"EmbeddedNul", std::string("a\0b", 3), true, std::string("a\0b", 3)},
        Utf8Case{"TwoByte", "\xC3\xA9", true, "\xC3\xA9"},
        Utf8Case{"ThreeByte", "\xE2\x82\xAC", true, "\xE2\x82\xAC"},
        Utf8Case{"FourByte", "\xF0\x9F\x98\x80", true, "\xF0\x9F\x98\x80"},
        Utf8Case{"LastCodePoint", "\xF4\x8F\xBF\xBF", true, "\xF4\x8F\xBF\xBF"},
        Utf8Case{"AboveLastCodePoint", "\xF4\x90\x80\x80", false, F(4)},
        Utf8Case{"OverlongSlash", "\xC0\xAF", false, F(2)},
        Utf8Case{"OverlongThreeByte", "\xE0\x80\xAF", false, F(3)},
        Utf8Case{"Surrogate", "\xED\xA0\x80", false, F(3)},
        Utf8Case{"LoneContinuation", "a\x80z", false, std::string("a") + kFffd + "z"},
        Utf8Case{"TruncatedAtEnd", "ok\xE2\x82", false, std::string("ok") + kFffd},
        Utf8Case{"TruncatedBeforeAscii", "\xF0\x9F\x98!", false, std::string(kFffd) + "!"},
        Utf8Case{"InvalidLeadBytes", "\xFF\xFE", false, F(2)},
        // The example of the Unicode Standard, section 3.9 (maximal subparts).
        Utf8Case{"UnicodeStandardExample", "\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64",
                 false, "a" + F(3) + "b" + F(1) + "c" + F(2) + "d"}),
    [](const testing::TestParamInfo<Utf8Case>& info) { return info.param.name; });

TEST(Utf8SequenceTest, ReportsTheLengthOfEachSequence) {
  const std::string text = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xFF";
  EXPECT_EQ(WellFormedUtf8SequenceLength(text, 0), 1u);
  EXPECT_EQ(WellFormedUtf8SequenceLength(text, 1), 2u);
  EXPECT_EQ(WellFormedUtf8SequenceLength(text, 3), 3u);
  EXPECT_EQ(WellFormedUtf8SequenceLength(text, 6), 4u);
  EXPECT_EQ(WellFormedUtf8SequenceLength(text, 10), 0u);
  EXPECT_EQ(WellFormedUtf8SequenceLength(text, 11), 0u);  // past the end
}

}  // namespace
}  // namespace api

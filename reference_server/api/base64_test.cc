#include "reference_server/api/base64.h"

#include <gtest/gtest.h>

#include <string>

namespace api {
namespace {

struct ValidCase {
  std::string text;
  std::string bytes;
};

class Base64ValidTest : public testing::TestWithParam<ValidCase> {};

TEST_P(Base64ValidTest, DecodesAndReEncodesToTheSameText) {
  Base64Error error;
  const auto decoded = DecodeBase64(GetParam().text, error);
  ASSERT_TRUE(decoded.has_value()) << GetParam().text << ": " << error.reason;
  EXPECT_EQ(*decoded, GetParam().bytes);
  EXPECT_EQ(EncodeBase64(GetParam().bytes), GetParam().text);
  EXPECT_EQ(DecodedBase64Size(GetParam().text), GetParam().bytes.size());
}

// RFC 4648 section 10 test vectors: no padding, one '=', two '='.
INSTANTIATE_TEST_SUITE_P(
    Rfc4648Vectors, Base64ValidTest,
    testing::Values(ValidCase{"", ""}, ValidCase{"Zg==", "f"}, ValidCase{"Zm8=", "fo"},
                    ValidCase{"Zm9v", "foo"}, ValidCase{"Zm9vYg==", "foob"},
                    ValidCase{"Zm9vYmE=", "fooba"}, ValidCase{"Zm9vYmFy", "foobar"},
                    ValidCase{"AA==", std::string(1, '\0')}, ValidCase{"//79", "\xff\xfe\xfd"},
                    ValidCase{"+/+/", "\xfb\xff\xbf"}));

struct InvalidCase {
  std::string name;
  std::string text;
  std::size_t offset;
  std::string reason_part;
};

class Base64InvalidTest : public testing::TestWithParam<InvalidCase> {};

TEST_P(Base64InvalidTest, IsRejectedAtTheOffendingCharacter) {
  Base64Error error;
  const auto decoded = DecodeBase64(GetParam().text, error);
  EXPECT_FALSE(decoded.has_value());
  EXPECT_EQ(error.offset, GetParam().offset);
  EXPECT_NE(error.reason.find(GetParam().reason_part), std::string::npos) << error.reason;
}

INSTANTIATE_TEST_SUITE_P(
    StrictRules, Base64InvalidTest,
    testing::Values(
        // Rule 1: padding is required, so the length is a multiple of 4.
        InvalidCase{"MissingBothPads", "Zg", 2, "not a multiple of 4"},
        InvalidCase{"MissingOnePad", "Zg=", 3, "not a multiple of 4"},
        InvalidCase{"MissingPadAfterTwoBytes", "Zm8", 3, "not a multiple of 4"},
        InvalidCase{"SingleCharacter", "Z", 1, "not a multiple of 4"},
        InvalidCase{"ExtraPadAfterFullQuantum", "Zm9v=", 5, "not a multiple of 4"},
        // Rule 2: only the standard alphabet.
        InvalidCase{"Space", "Zm9v Zm9v", 4, "whitespace"},
        InvalidCase{"TrailingNewline", "Zm9v\n", 4, "whitespace"},
        InvalidCase{"CarriageReturn", "Zm9v\r\nZm9v", 4, "whitespace"},
        InvalidCase{"UrlSafeDash", "Zm-v", 2, "URL-safe"},
        InvalidCase{"UrlSafeUnderscore", "Zm_v", 2, "URL-safe"},
        InvalidCase{"Punctuation", "Zm9*", 3, "'*' is not in the base64 alphabet"},
        InvalidCase{"NulByte", std::string("Zm\0v", 4), 2, "byte 0x00"},
        InvalidCase{"HighByte", "Zm\xC3\xA9", 2, "byte 0xC3"},
        // Rule 3: '=' only as the last one or two characters.
        InvalidCase{"ThreePads", "Z===", 1, "padding may only end"},
        InvalidCase{"FourPads", "====", 0, "padding may only end"},
        InvalidCase{"PadInFirstQuantum", "Zg==Zg==", 2, "padding may only end"},
        InvalidCase{"DataAfterPad", "Zm=v", 3, "padding may only end"},
        InvalidCase{"LeadingPad", "=Zm9", 0, "padding may only end"},
        // Rule 4: the bits left over by padding are zero.
        InvalidCase{"NonCanonicalTwoPads", "Zh==", 1, "non-canonical"},
        InvalidCase{"NonCanonicalOnePad", "Zm9=", 2, "non-canonical"},
        InvalidCase{"NonCanonicalInLastQuantum", "Zm9vZh==", 5, "non-canonical"}),
    [](const testing::TestParamInfo<InvalidCase>& info) { return info.param.name; });

TEST(Base64Test, EveryByteValueAndLengthRoundTrips) {
  std::string bytes;
  for (int length = 0; length < 300; ++length) {
    const std::string text = EncodeBase64(bytes);
    Base64Error error;
    const auto decoded = DecodeBase64(text, error);
    ASSERT_TRUE(decoded.has_value()) << "length " << length << ": " << error.reason;
    EXPECT_EQ(*decoded, bytes);
    EXPECT_EQ(text.size() % 4, 0u);
    EXPECT_EQ(DecodedBase64Size(text), bytes.size());
    bytes.push_back(static_cast<char>((length * 97 + 13) & 0xFF));
  }
}

TEST(Base64Test, DecodedSizeIsABoundForMalformedText) {
  EXPECT_EQ(DecodedBase64Size("Zg"), 0u);
  EXPECT_EQ(DecodedBase64Size("===="), 1u);  // 3 - 2; the text itself is invalid
  EXPECT_EQ(DecodedBase64Size("="), 0u);
  EXPECT_EQ(DecodedBase64Size(std::string(8, 'A')), 6u);
}

}  // namespace
}  // namespace api

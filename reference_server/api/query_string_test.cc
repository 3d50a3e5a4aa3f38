#include "reference_server/api/query_string.h"

#include <gtest/gtest.h>

namespace api {
namespace {

TEST(PercentDecodeTest, DecodesEscapesAndPlus) {
  EXPECT_EQ(PercentDecode("a%20b+c%2Bd%2b", "f").value(), "a b c+d+");
  EXPECT_EQ(PercentDecode("%00", "f").value(), std::string(1, '\0'));
  EXPECT_EQ(PercentDecode("%C3%A9", "f").value(), "\xC3\xA9");
  EXPECT_EQ(PercentDecode("", "f").value(), "");
}

TEST(PercentDecodeTest, RejectsInvalidEscapes) {
  for (const char* text : {"%", "%4", "%G1", "%1G", "a%%20", "%-1"}) {
    auto decoded = PercentDecode(text, "query.x");
    ASSERT_FALSE(decoded.ok()) << text;
    EXPECT_EQ(decoded.error().code, ErrorCode::kInvalidQuery);
    EXPECT_EQ(decoded.error().field, "query.x");
  }
}

TEST(QueryStringTest, SplitsPartsAndSkipsEmptyOnes) {
  auto params = ParseQueryString("a=1&&b=&c&d=x=y&");
  ASSERT_TRUE(params.ok());
  const QueryParams expected = {{"a", "1"}, {"b", ""}, {"c", ""}, {"d", "x=y"}};
  EXPECT_EQ(params.value(), expected);
  EXPECT_TRUE(ParseQueryString("").value().empty());
}

TEST(QueryStringTest, RejectsRepeatedNames) {
  auto params = ParseQueryString("a=1&b=2&a=1");
  ASSERT_FALSE(params.ok());
  EXPECT_EQ(params.error().Describe(), "query.a: is given more than once");
}

}  // namespace
}  // namespace api

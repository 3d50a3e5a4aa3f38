#include "reference_server/api/json_reader.h"

#include <gtest/gtest.h>

#include <string>

namespace api {
namespace {

constexpr std::size_t kDepth = 64;

TEST(JsonReaderTest, ParsesAnObject) {
  auto parsed =
      ParseStrictJson(R"({"a": [1, 2.5, "x", null, true], "b": {"c": {}}})", "body", kDepth);
  ASSERT_TRUE(parsed.ok()) << parsed.error().Describe();
  const rapidjson::Document& json = parsed.value();
  ASSERT_TRUE(json.IsObject());
  EXPECT_EQ(json["a"].Size(), 5u);
  EXPECT_TRUE(json["b"]["c"].IsObject());
}

TEST(JsonReaderTest, KeepsEscapedNulInsideStringValues) {
  auto parsed = ParseStrictJson(R"({"a": "x\u0000y"})", "body", kDepth);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.value()["a"].GetStringLength(), 3u);
}

struct RejectCase {
  std::string name;
  std::string text;
  ErrorCode code;
  std::string message_part;
};

class JsonRejectTest : public testing::TestWithParam<RejectCase> {};

TEST_P(JsonRejectTest, RejectsWithFieldAndOffset) {
  auto parsed = ParseStrictJson(GetParam().text, "body", kDepth);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, GetParam().code);
  EXPECT_EQ(parsed.error().field, "body");
  EXPECT_NE(parsed.error().message.find(GetParam().message_part), std::string::npos)
      << parsed.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Rules, JsonRejectTest,
    testing::Values(
        RejectCase{"Empty", "", ErrorCode::kMalformedJson, "offset 0"},
        RejectCase{"NotJson", "hello", ErrorCode::kMalformedJson, "invalid JSON"},
        RejectCase{"TrailingGarbage", "{} x", ErrorCode::kMalformedJson, "offset 3"},
        RejectCase{"TwoValues", "{}{}", ErrorCode::kMalformedJson, "offset 2"},
        RejectCase{"TrailingGarbageAfterNul", std::string("{}\0{\"x\":1}", 10),
                   ErrorCode::kMalformedJson, "offset 2"},
        RejectCase{"NulInsideDocument", std::string("{\"a\":\0}", 7), ErrorCode::kMalformedJson,
                   "invalid JSON"},
        RejectCase{"RawControlCharacterInString", "{\"a\":\"x\ny\"}", ErrorCode::kMalformedJson,
                   "invalid JSON"},
        RejectCase{"InvalidUtf8InString", "{\"a\":\"\xFF\"}", ErrorCode::kMalformedJson,
                   "encoding"},
        RejectCase{"OverlongUtf8InString", "{\"a\":\"\xC0\xAF\"}", ErrorCode::kMalformedJson,
                   "encoding"},
        RejectCase{"LoneSurrogateEscape", R"({"a":"\ud800"})", ErrorCode::kMalformedJson,
                   "surrogate"},
        RejectCase{"LoneLowSurrogateEscape", R"({"a":"\udc00"})", ErrorCode::kMalformedJson,
                   "unpaired surrogate"},
        RejectCase{"LowSurrogateBeforeHigh", R"({"a":"x\udfff\ud800"})", ErrorCode::kMalformedJson,
                   "surrogate"},
        RejectCase{"LoneLowSurrogateInKey", R"({"\udfff":1})", ErrorCode::kMalformedJson,
                   "unpaired surrogate"},
        RejectCase{"NumberTooBig", R"({"a":1e400})", ErrorCode::kMalformedJson, "too big"},
        RejectCase{"TrailingComma", R"({"a":1,})", ErrorCode::kMalformedJson, "invalid JSON"},
        RejectCase{"SingleQuotes", "{'a':1}", ErrorCode::kMalformedJson, "invalid JSON"},
        RejectCase{"Comment", "{} // c", ErrorCode::kMalformedJson, "invalid JSON"},
        RejectCase{"DuplicateTopLevelKey", R"({"a":1,"b":2,"a":3})", ErrorCode::kDuplicateKey,
                   "\"a\" appears twice"},
        RejectCase{"DuplicateKeyWithSameValue", R"({"a":1,"a":1})", ErrorCode::kDuplicateKey,
                   "appears twice"},
        RejectCase{"DuplicateNestedKey", R"({"x":[{"k":1},{"k":2,"k":3}]})",
                   ErrorCode::kDuplicateKey, "\"k\" appears twice"},
        RejectCase{"DuplicateKeyWrittenWithEscape", R"({"ab":1,"\u0061b":2})",
                   ErrorCode::kDuplicateKey, "\"ab\" appears twice"},
        RejectCase{"NulInKey", R"({"a\u0000b":1})", ErrorCode::kMalformedJson, "NUL"}),
    [](const testing::TestParamInfo<RejectCase>& info) { return info.param.name; });

TEST(JsonReaderTest, DecodesSurrogatePairs) {
  auto parsed = ParseStrictJson(R"({"e":"\ud83d\ude00"})", "body", kDepth);
  ASSERT_TRUE(parsed.ok()) << parsed.error().Describe();
  EXPECT_EQ(std::string(parsed.value()["e"].GetString()), "\xF0\x9F\x98\x80");
}

TEST(JsonReaderTest, QuotesOnlyAnExcerptOfAHugeDuplicateKey) {
  const std::string key(100000, 'k');
  auto parsed = ParseStrictJson("{\"" + key + "\":1,\"" + key + "\":2}", "body", kDepth);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ErrorCode::kDuplicateKey);
  EXPECT_LT(parsed.error().message.size(), 200u);
}

TEST(JsonReaderTest, SameKeyInSiblingObjectsIsNotADuplicate) {
  EXPECT_TRUE(ParseStrictJson(R"([{"k":1},{"k":2},{"o":{"k":3}}])", "body", kDepth).ok());
}

std::string Nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(JsonReaderTest, AcceptsNestingUpToTheLimit) {
  EXPECT_TRUE(ParseStrictJson(Nested(kDepth), "body", kDepth).ok());
}

TEST(JsonReaderTest, RejectsNestingBeyondTheLimit) {
  auto parsed = ParseStrictJson(Nested(kDepth + 1), "body", kDepth);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message.find("nesting deeper than 64"), std::string::npos);
}

// JSONTestSuite's n_structure_100000_opening_arrays, and ten times more:
// a recursive parser overflows the stack here; the iterative one must not.
TEST(JsonReaderTest, SurvivesHostileNestingWithoutLimit) {
  const std::size_t unlimited = static_cast<std::size_t>(-1);
  for (std::size_t depth : {100000u, 1000000u}) {
    EXPECT_FALSE(ParseStrictJson(std::string(depth, '['), "body", unlimited).ok());
    EXPECT_TRUE(ParseStrictJson(Nested(depth), "body", unlimited).ok());
  }
}

TEST(JsonReaderTest, NamesTheFieldItWasGiven) {
  auto parsed = ParseStrictJson("{", "query.env", kDepth);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().field, "query.env");
}

}  // namespace
}  // namespace api

#include "reference_server/api/content_type.h"

#include <gtest/gtest.h>

namespace api {
namespace {

struct ContentTypeCase {
  std::string header;
  MediaType expected;
  bool accepted;
};

class ContentTypeTest : public testing::TestWithParam<ContentTypeCase> {};

TEST_P(ContentTypeTest, ChecksTypeAndCharset) {
  const auto error = CheckContentType(GetParam().header, GetParam().expected);
  EXPECT_EQ(!error.has_value(), GetParam().accepted) << GetParam().header;
  if (error) {
    EXPECT_EQ(error->code, ErrorCode::kUnsupportedMediaType);
    EXPECT_EQ(error->http_status(), 415);
    EXPECT_EQ(error->field, "Content-Type");
  }
}

INSTANTIATE_TEST_SUITE_P(
    Headers, ContentTypeTest,
    testing::Values(ContentTypeCase{"application/json", MediaType::kJson, true},
                    ContentTypeCase{"Application/JSON", MediaType::kJson, true},
                    ContentTypeCase{"application/json; charset=utf-8", MediaType::kJson, true},
                    ContentTypeCase{"application/json;charset=\"UTF-8\"", MediaType::kJson, true},
                    ContentTypeCase{" application/json ; foo=bar", MediaType::kJson, true},
                    ContentTypeCase{"text/plain", MediaType::kTextPlain, true},
                    ContentTypeCase{"text/plain; charset=us-ascii", MediaType::kTextPlain, true},
                    ContentTypeCase{"", MediaType::kJson, false},
                    ContentTypeCase{"; charset=utf-8", MediaType::kJson, false},
                    ContentTypeCase{"text/plain", MediaType::kJson, false},
                    ContentTypeCase{"application/json", MediaType::kTextPlain, false},
                    ContentTypeCase{"application/x-www-form-urlencoded", MediaType::kJson, false},
                    ContentTypeCase{"application/jsonx", MediaType::kJson, false},
                    ContentTypeCase{"application/json; charset=latin1", MediaType::kJson, false},
                    ContentTypeCase{"text/plain; charset=utf-16", MediaType::kTextPlain, false}));

TEST(ContentTypeMessageTest, SaysWhatWasExpectedAndWhatCame) {
  const auto error = CheckContentType("text/html", MediaType::kJson);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->Describe(), "Content-Type: must be application/json (got \"text/html\")");
  const auto missing = CheckContentType("", MediaType::kTextPlain);
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->Describe(), "Content-Type: must be text/plain (the header is missing)");
}

}  // namespace
}  // namespace api

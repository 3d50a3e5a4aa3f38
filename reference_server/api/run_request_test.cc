#include "reference_server/api/run_request.h"

#include <gtest/gtest.h>

#include <string>

#include "reference_server/api/testing.h"

namespace api {
namespace {

constexpr const char* kPython = "#!/usr/bin/env python3\nprint(1)\n";

TEST(RunRequestTest, BodyIsTheCodeAndDefaultsApply) {
  auto parsed = ParseRunRequest(kPython, "");
  ASSERT_TRUE(parsed.ok()) << parsed.error().Describe();
  const ExecuteRequest& r = parsed.value().execute;
  EXPECT_EQ(r.language, "python");
  EXPECT_EQ(parsed.value().interpreter, "python3");
  EXPECT_EQ(r.code, kPython);
  EXPECT_EQ(r.ttl_seconds, 60);
  EXPECT_EQ(r.network_mode, NetworkMode::kZeroTrust);
  EXPECT_TRUE(r.env.empty());
  EXPECT_FALSE(r.return_artifact);
  EXPECT_FALSE(r.return_wasm_artifact);
}

TEST(RunRequestTest, EveryQueryParameterIsRead) {
  auto parsed = ParseRunRequest(
      kPython,
      "env=%7B%22GREETING%22%3A%22hello+world%22%2C%22N%22%3A%22%C3%A9%22%7D"
      "&network_mode=semitrusted&ttl=900&return_artifact=1&return_wasm_artifact=true"
      "&unknown=ignored");
  ASSERT_TRUE(parsed.ok()) << parsed.error().Describe();
  const ExecuteRequest& r = parsed.value().execute;
  ASSERT_EQ(r.env.size(), 2u);
  EXPECT_EQ(r.env[0], (std::pair<std::string, std::string>{"GREETING", "hello world"}));
  EXPECT_EQ(r.env[1], (std::pair<std::string, std::string>{"N", "\xC3\xA9"}));
  EXPECT_EQ(r.network_mode, NetworkMode::kSemiTrusted);
  EXPECT_EQ(r.ttl_seconds, 900);
  EXPECT_TRUE(r.return_artifact);
  EXPECT_TRUE(r.return_wasm_artifact);
}

TEST(RunRequestTest, BooleansAcceptTrueFalseOneZero) {
  for (const auto& [text, expected] : std::vector<std::pair<std::string, bool>>{
           {"true", true}, {"1", true}, {"false", false}, {"0", false}}) {
    auto parsed = ParseRunRequest(kPython, "return_artifact=" + text);
    ASSERT_TRUE(parsed.ok()) << text;
    EXPECT_EQ(parsed.value().execute.return_artifact, expected) << text;
  }
}

TEST(RunRequestTest, AliasesAgreeingInMeaningAreAccepted) {
  auto parsed =
      ParseRunRequest(kPython, "return_artifact=1&return_artifacts=true&network=semitrusted");
  ASSERT_TRUE(parsed.ok()) << parsed.error().Describe();
  EXPECT_TRUE(parsed.value().execute.return_artifact);
  EXPECT_EQ(parsed.value().execute.network_mode, NetworkMode::kSemiTrusted);
}

TEST(RunRequestTest, TtlBoundaries) {
  EXPECT_EQ(ParseRunRequest(kPython, "ttl=1").value().execute.ttl_seconds, 1);
  EXPECT_EQ(ParseRunRequest(kPython, "ttl=900").value().execute.ttl_seconds, 900);
  EXPECT_EQ(ParseRunRequest(kPython, "ttl=0060").value().execute.ttl_seconds, 60);
}

struct RejectCase {
  std::string name;
  std::string body;
  std::string query;
  ErrorCode code;
  std::string field;
  std::string message_part;
};

class RunRejectTest : public testing::TestWithParam<RejectCase> {};

TEST_P(RunRejectTest, NamesTheFieldAndTheRule) {
  auto parsed = ParseRunRequest(GetParam().body, GetParam().query);
  ASSERT_FALSE(parsed.ok());
  api_test::ExpectApiError(parsed.error(), GetParam().code, GetParam().field,
                           GetParam().message_part);
}

INSTANTIATE_TEST_SUITE_P(
    Query, RunRejectTest,
    testing::Values(
        RejectCase{"TtlZero", kPython, "ttl=0", ErrorCode::kInvalidValue, "query.ttl",
                   "from 1 to 900"},
        RejectCase{"TtlAboveMax", kPython, "ttl=901", ErrorCode::kInvalidValue, "query.ttl",
                   "from 1 to 900"},
        RejectCase{"TtlNegative", kPython, "ttl=-1", ErrorCode::kInvalidValue, "query.ttl",
                   "got \"-1\""},
        RejectCase{"TtlPlusSign", kPython, "ttl=%2B5", ErrorCode::kInvalidValue, "query.ttl",
                   "got \"+5\""},
        RejectCase{"TtlFraction", kPython, "ttl=1.5", ErrorCode::kInvalidValue, "query.ttl",
                   "got \"1.5\""},
        RejectCase{"TtlWord", kPython, "ttl=sixty", ErrorCode::kInvalidValue, "query.ttl",
                   "got \"sixty\""},
        RejectCase{"TtlEmpty", kPython, "ttl=", ErrorCode::kInvalidValue, "query.ttl", "got \"\""},
        RejectCase{"TtlOverflow", kPython, "ttl=99999999999999999999999", ErrorCode::kInvalidValue,
                   "query.ttl", "from 1 to 900"},
        RejectCase{"BoolWord", kPython, "return_artifact=yes", ErrorCode::kInvalidValue,
                   "query.return_artifact", "true, false, 1 or 0"},
        RejectCase{"BoolUpperCase", kPython, "return_wasm_artifact=TRUE", ErrorCode::kInvalidValue,
                   "query.return_wasm_artifact", "got \"TRUE\""},
        RejectCase{"BoolAliasConflict", kPython, "return_artifact=1&return_artifacts=false",
                   ErrorCode::kConflictingFields, "query.return_artifact", "\"return_artifacts\""},
        RejectCase{"NetworkUnknown", kPython, "network_mode=open", ErrorCode::kInvalidValue,
                   "query.network_mode", "\"zerotrust\" or \"semitrusted\""},
        RejectCase{"NetworkAliasUnknown", kPython, "network=open", ErrorCode::kInvalidValue,
                   "query.network", "got \"open\""},
        RejectCase{"NetworkAliasConflict", kPython, "network_mode=zerotrust&network=semitrusted",
                   ErrorCode::kConflictingFields, "query.network_mode", "\"network\""},
        RejectCase{"EnvNotJson", kPython, "env=A%3D1", ErrorCode::kMalformedJson, "query.env",
                   "invalid JSON"},
        RejectCase{"EnvNotObject", kPython, "env=%5B%5D", ErrorCode::kWrongType, "query.env",
                   "an object of strings (got array)"},
        RejectCase{"EnvValueNotString", kPython, "env=%7B%22A%22%3A1%7D", ErrorCode::kWrongType,
                   "query.env.A", "a string"},
        RejectCase{"EnvDuplicateName", kPython, "env=%7B%22A%22%3A%221%22%2C%22A%22%3A%222%22%7D",
                   ErrorCode::kDuplicateKey, "query.env", "\"A\" appears twice"},
        RejectCase{"EnvUnescapedButValid", kPython, "env={\"A\":\"1\"}&ttl=0",
                   ErrorCode::kInvalidValue, "query.ttl", "from 1 to 900"},
        RejectCase{"BadEscapeLetter", kPython, "ttl=%G0", ErrorCode::kInvalidQuery, "query.ttl",
                   "offset 0"},
        RejectCase{"BadEscapeShort", kPython, "env=%7", ErrorCode::kInvalidQuery, "query.env",
                   "two hex digits"},
        RejectCase{"BadEscapeInName", kPython, "tt%l=5", ErrorCode::kInvalidQuery, "query",
                   "two hex digits"},
        RejectCase{"TrailingPercent", kPython, "ttl=60%", ErrorCode::kInvalidQuery, "query.ttl",
                   "offset 2"},
        RejectCase{"RepeatedParameter", kPython, "ttl=5&ttl=5", ErrorCode::kInvalidQuery,
                   "query.ttl", "more than once"},
        RejectCase{"RepeatedAfterDecoding", kPython, "ttl=5&t%74l=6", ErrorCode::kInvalidQuery,
                   "query.ttl", "more than once"}),
    [](const testing::TestParamInfo<RejectCase>& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    Body, RunRejectTest,
    testing::Values(RejectCase{"NoShebang", "print(1)\n", "", ErrorCode::kLanguageNotDetected,
                               "body", "must start with a shebang"},
                    RejectCase{"Empty", "", "", ErrorCode::kLanguageNotDetected, "body",
                               "must start with a shebang"},
                    RejectCase{"UnknownInterpreter", "#!/usr/bin/cobc\n", "",
                               ErrorCode::kLanguageNotDetected, "body", "\"cobc\" is not one"}),
    [](const testing::TestParamInfo<RejectCase>& info) { return info.param.name; });

TEST(RunRequestTest, CodeSizeIsBounded) {
  RequestLimits limits;
  limits.max_code_bytes = 17;
  EXPECT_TRUE(ParseRunRequest("#!/bin/sh\necho 12", "", limits).ok());  // 17 bytes
  auto parsed = ParseRunRequest("#!/bin/sh\necho 123", "", limits);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ErrorCode::kPayloadTooLarge);
  EXPECT_EQ(parsed.error().http_status(), 413);
}

using api_test::ReadDocumentationExample;

TEST(DocumentedRunRequestsTest, ZigExamplesCarryShebangs) {
  auto run = ParseRunRequest(ReadDocumentationExample("zig/run_request.txt"), "");
  ASSERT_TRUE(run.ok()) << run.error().Describe();
  EXPECT_EQ(run.value().execute.language, "python");
  auto async = ParseRunRequest(ReadDocumentationExample("zig/run_async_request.txt"), "");
  ASSERT_TRUE(async.ok()) << async.error().Describe();
  EXPECT_EQ(async.value().execute.language, "ruby");
}

// The Lua page sends bodies without a shebang; docs/API.md explains why the
// reference server refuses them instead of guessing.
TEST(DocumentedRunRequestsTest, LuaExamplesHaveNoShebangAndAreRefused) {
  for (const char* name : {"lua/run_request.txt", "lua/run_async_request.txt"}) {
    auto parsed = ParseRunRequest(ReadDocumentationExample(name), "");
    ASSERT_FALSE(parsed.ok()) << name;
    EXPECT_EQ(parsed.error().code, ErrorCode::kLanguageNotDetected) << name;
  }
}

}  // namespace
}  // namespace api

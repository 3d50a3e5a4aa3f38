#include "reference_server/api/execute_request.h"

#include <gtest/gtest.h>

#include <string>

#include "reference_server/api/base64.h"
#include "reference_server/api/testing.h"

namespace api {
namespace {

std::string WithFields(const std::string& extra) {
  return std::string("{\"language\":\"python\",\"code\":\"print(1)\"") +
         (extra.empty() ? "" : "," + extra) + "}";
}

Result<ExecuteRequest> Parse(const std::string& body, const RequestLimits& limits = {}) {
  return ParseExecuteRequest(body, limits);
}

TEST(ExecuteRequestTest, MinimalRequestGetsTheDocumentedDefaults) {
  auto parsed = Parse(WithFields(""));
  ASSERT_TRUE(parsed.ok()) << parsed.error().Describe();
  const ExecuteRequest& r = parsed.value();
  EXPECT_EQ(r.language, "python");
  EXPECT_EQ(r.code, "print(1)");
  EXPECT_TRUE(r.env.empty());
  EXPECT_EQ(r.network_mode, NetworkMode::kZeroTrust);
  EXPECT_EQ(r.ttl_seconds, 60);
  EXPECT_FALSE(r.return_artifact);
  EXPECT_FALSE(r.return_wasm_artifact);
  EXPECT_TRUE(r.input_files.empty());
}

TEST(ExecuteRequestTest, EveryFieldIsRead) {
  auto parsed = Parse(
      WithFields(R"("env":{"A":"1","b_2":"two words"},"network_mode":"semitrusted","ttl":900,)"
                 R"("return_artifact":true,"return_wasm_artifact":true,)"
                 R"("input_files":[{"filename":"x.txt","content":"aGk="},{"content":""}])"));
  ASSERT_TRUE(parsed.ok()) << parsed.error().Describe();
  const ExecuteRequest& r = parsed.value();
  ASSERT_EQ(r.env.size(), 2u);
  EXPECT_EQ(r.env[0], (std::pair<std::string, std::string>{"A", "1"}));
  EXPECT_EQ(r.env[1], (std::pair<std::string, std::string>{"b_2", "two words"}));
  EXPECT_EQ(r.network_mode, NetworkMode::kSemiTrusted);
  EXPECT_EQ(r.ttl_seconds, 900);
  EXPECT_TRUE(r.return_artifact);
  EXPECT_TRUE(r.return_wasm_artifact);
  ASSERT_EQ(r.input_files.size(), 2u);
  EXPECT_EQ(r.input_files[0].filename, "x.txt");
  EXPECT_EQ(r.input_files[0].content, "hi");
  EXPECT_EQ(r.input_files[1].filename, "1");  // default name: its index
  EXPECT_EQ(r.input_files[1].content, "");
}

TEST(ExecuteRequestTest, UnknownFieldsAreIgnored) {
  auto parsed = Parse(WithFields(R"("future_option":{"deep":[1,2,{"x":null}]},"x":1)"));
  EXPECT_TRUE(parsed.ok());
}

TEST(ExecuteRequestTest, LanguageIsLowerCased) {
  auto parsed = Parse(R"({"language":"Python","code":""})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.value().language, "python");
  EXPECT_EQ(parsed.value().code, "");
}

TEST(ExecuteRequestTest, ClientAliasesAreAccepted) {
  auto parsed = Parse(WithFields(R"("network":"semitrusted","return_artifacts":true,)"
                                 R"("input_files":[{"filename":"a","content_base64":"aGk="}])"));
  ASSERT_TRUE(parsed.ok()) << parsed.error().Describe();
  EXPECT_EQ(parsed.value().network_mode, NetworkMode::kSemiTrusted);
  EXPECT_TRUE(parsed.value().return_artifact);
  EXPECT_EQ(parsed.value().input_files[0].content, "hi");
}

TEST(ExecuteRequestTest, BothSpellingsWithTheSameValueAreAccepted) {
  auto parsed = Parse(WithFields(R"("network":"semitrusted","network_mode":"semitrusted",)"
                                 R"("return_artifact":false,"return_artifacts":false,)"
                                 R"("input_files":[{"content":"aGk=","content_base64":"aGk="}])"));
  ASSERT_TRUE(parsed.ok()) << parsed.error().Describe();
  EXPECT_EQ(parsed.value().network_mode, NetworkMode::kSemiTrusted);
}

struct RejectCase {
  std::string name;
  std::string body;
  ErrorCode code;
  std::string field;
  std::string message_part;
};

class ExecuteRejectTest : public testing::TestWithParam<RejectCase> {};

TEST_P(ExecuteRejectTest, NamesTheFieldAndTheRule) {
  auto parsed = Parse(GetParam().body);
  ASSERT_FALSE(parsed.ok());
  api_test::ExpectApiError(parsed.error(), GetParam().code, GetParam().field,
                           GetParam().message_part);
}

INSTANTIATE_TEST_SUITE_P(
    Body, ExecuteRejectTest,
    testing::Values(
        RejectCase{"NotJson", "language=python", ErrorCode::kMalformedJson, "body", "invalid"},
        RejectCase{"Array", "[]", ErrorCode::kWrongType, "body", "a JSON object (got array)"},
        RejectCase{"Null", "null", ErrorCode::kWrongType, "body", "(got null)"},
        RejectCase{"DuplicateKey", R"({"language":"python","code":"","language":"c"})",
                   ErrorCode::kDuplicateKey, "body", "\"language\" appears twice"}),
    [](const testing::TestParamInfo<RejectCase>& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    LanguageAndCode, ExecuteRejectTest,
    testing::Values(RejectCase{"LanguageMissing", R"({"code":"x"})", ErrorCode::kMissingField,
                               "language", "is required"},
                    RejectCase{"LanguageNotString", R"({"language":3,"code":"x"})",
                               ErrorCode::kWrongType, "language", "a string (got integer)"},
                    RejectCase{"LanguageEmpty", R"({"language":"","code":"x"})",
                               ErrorCode::kInvalidValue, "language", "must not be empty"},
                    RejectCase{"LanguageWithSpace", R"({"language":"py thon","code":"x"})",
                               ErrorCode::kInvalidValue, "language", "only letters"},
                    RejectCase{"LanguageWithNul", R"({"language":"py\u0000","code":"x"})",
                               ErrorCode::kInvalidValue, "language", "only letters"},
                    RejectCase{"LanguageTooLong",
                               R"({"language":")" + std::string(33, 'a') + R"(","code":""})",
                               ErrorCode::kInvalidValue, "language", "at most 32 bytes"},
                    RejectCase{"CodeWithLoneSurrogate", R"({"language":"python","code":"\udc00"})",
                               ErrorCode::kMalformedJson, "body", "unpaired surrogate"},
                    RejectCase{"CodeMissing", R"({"language":"python"})", ErrorCode::kMissingField,
                               "code", "is required"},
                    RejectCase{"CodeNull", R"({"language":"python","code":null})",
                               ErrorCode::kWrongType, "code", "(got null)"},
                    RejectCase{"CodeArray", R"({"language":"python","code":["x"]})",
                               ErrorCode::kWrongType, "code", "(got array)"}),
    [](const testing::TestParamInfo<RejectCase>& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    Ttl, ExecuteRejectTest,
    testing::Values(RejectCase{"Zero", WithFields(R"("ttl":0)"), ErrorCode::kInvalidValue, "ttl",
                               "from 1 to 900"},
                    RejectCase{"AboveMax", WithFields(R"("ttl":901)"), ErrorCode::kInvalidValue,
                               "ttl", "from 1 to 900"},
                    RejectCase{"Negative", WithFields(R"("ttl":-1)"), ErrorCode::kInvalidValue,
                               "ttl", "from 1 to 900"},
                    RejectCase{"Huge", WithFields(R"("ttl":18446744073709551615)"),
                               ErrorCode::kInvalidValue, "ttl", "from 1 to 900"},
                    RejectCase{"String", WithFields(R"("ttl":"60")"), ErrorCode::kWrongType, "ttl",
                               "an integer (got string)"},
                    RejectCase{"Float", WithFields(R"("ttl":60.0)"), ErrorCode::kWrongType, "ttl",
                               "an integer (got number)"},
                    RejectCase{"Fraction", WithFields(R"("ttl":1.5)"), ErrorCode::kWrongType, "ttl",
                               "an integer"},
                    RejectCase{"Exponent", WithFields(R"("ttl":6e1)"), ErrorCode::kWrongType, "ttl",
                               "an integer"},
                    RejectCase{"Boolean", WithFields(R"("ttl":true)"), ErrorCode::kWrongType, "ttl",
                               "(got boolean)"},
                    RejectCase{"Null", WithFields(R"("ttl":null)"), ErrorCode::kWrongType, "ttl",
                               "(got null)"}),
    [](const testing::TestParamInfo<RejectCase>& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    NetworkAndFlags, ExecuteRejectTest,
    testing::Values(
        RejectCase{"UnknownMode", WithFields(R"("network_mode":"open")"), ErrorCode::kInvalidValue,
                   "network_mode", "\"zerotrust\" or \"semitrusted\""},
        RejectCase{"ModeIsCaseSensitive", WithFields(R"("network_mode":"ZeroTrust")"),
                   ErrorCode::kInvalidValue, "network_mode", "got \"ZeroTrust\""},
        RejectCase{"ModeNotString", WithFields(R"("network_mode":1)"), ErrorCode::kWrongType,
                   "network_mode", "a string"},
        RejectCase{"AliasNotString", WithFields(R"("network":false)"), ErrorCode::kWrongType,
                   "network", "a string"},
        RejectCase{"ModeNullBesideValidAlias",
                   WithFields(R"("network_mode":null,"network":"zerotrust")"),
                   ErrorCode::kWrongType, "network_mode", "a string (got null)"},
        RejectCase{"AliasWrongTypeBesideValidMode",
                   WithFields(R"("network_mode":"zerotrust","network":["zerotrust"])"),
                   ErrorCode::kWrongType, "network", "a string (got array)"},
        RejectCase{"BothSpellingsEqualObjects",
                   WithFields(R"("network_mode":{"a":1},"network":{"a":1})"), ErrorCode::kWrongType,
                   "network_mode", "(got object)"},
        RejectCase{"ArtifactNumberBesideValidAlias",
                   WithFields(R"("return_artifact":1,"return_artifacts":true)"),
                   ErrorCode::kWrongType, "return_artifact", "a boolean (got integer)"},
        RejectCase{"ModeAliasConflict",
                   WithFields(R"("network_mode":"zerotrust","network":"semitrusted")"),
                   ErrorCode::kConflictingFields, "network_mode", "\"network\""},
        RejectCase{"ArtifactString", WithFields(R"("return_artifact":"true")"),
                   ErrorCode::kWrongType, "return_artifact", "a boolean (got string)"},
        RejectCase{"ArtifactNumber", WithFields(R"("return_artifact":1)"), ErrorCode::kWrongType,
                   "return_artifact", "a boolean (got integer)"},
        RejectCase{"ArtifactAliasNotBool", WithFields(R"("return_artifacts":"yes")"),
                   ErrorCode::kWrongType, "return_artifacts", "a boolean"},
        RejectCase{"ArtifactAliasConflict",
                   WithFields(R"("return_artifact":true,"return_artifacts":false)"),
                   ErrorCode::kConflictingFields, "return_artifact", "\"return_artifacts\""},
        RejectCase{"WasmNull", WithFields(R"("return_wasm_artifact":null)"), ErrorCode::kWrongType,
                   "return_wasm_artifact", "a boolean (got null)"}),
    [](const testing::TestParamInfo<RejectCase>& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    Env, ExecuteRejectTest,
    testing::Values(RejectCase{"NotObject", WithFields(R"("env":["A=1"])"), ErrorCode::kWrongType,
                               "env", "an object of strings (got array)"},
                    RejectCase{"ValueNotString", WithFields(R"("env":{"A":1})"),
                               ErrorCode::kWrongType, "env.A", "a string (got integer)"},
                    RejectCase{"ValueNull", WithFields(R"("env":{"A":null})"),
                               ErrorCode::kWrongType, "env.A", "(got null)"},
                    RejectCase{"ValueWithNul", WithFields(R"("env":{"A":"x\u0000y"})"),
                               ErrorCode::kInvalidValue, "env.A", "NUL"},
                    RejectCase{"NameWithEquals", WithFields(R"("env":{"A=B":"1"})"),
                               ErrorCode::kInvalidValue, "env.A=B", "[A-Za-z_][A-Za-z0-9_]*"},
                    RejectCase{"NameStartsWithDigit", WithFields(R"("env":{"1A":"1"})"),
                               ErrorCode::kInvalidValue, "env.1A", "[A-Za-z_]"},
                    RejectCase{"NameEmpty", WithFields(R"("env":{"":"1"})"),
                               ErrorCode::kInvalidValue, "env.", "[A-Za-z_]"},
                    RejectCase{"NameWithDash", WithFields(R"("env":{"MY-VAR":"1"})"),
                               ErrorCode::kInvalidValue, "env.MY-VAR", "[A-Za-z_]"},
                    RejectCase{"DuplicateName", WithFields(R"("env":{"A":"1","A":"2"})"),
                               ErrorCode::kDuplicateKey, "body", "\"A\" appears twice"}),
    [](const testing::TestParamInfo<RejectCase>& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    InputFiles, ExecuteRejectTest,
    testing::Values(
        RejectCase{"NotArray", WithFields(R"("input_files":{})"), ErrorCode::kWrongType,
                   "input_files", "an array (got object)"},
        RejectCase{"ElementNotObject", WithFields(R"("input_files":[{"content":""},"x"])"),
                   ErrorCode::kWrongType, "input_files[1]", "an object (got string)"},
        RejectCase{"ContentMissing", WithFields(R"("input_files":[{"filename":"a"}])"),
                   ErrorCode::kMissingField, "input_files[0].content", "is required"},
        RejectCase{"ContentNotString", WithFields(R"("input_files":[{"content":5}])"),
                   ErrorCode::kWrongType, "input_files[0].content", "a string"},
        RejectCase{"ContentAliasNotString",
                   WithFields(R"("input_files":[{"content_base64":null}])"), ErrorCode::kWrongType,
                   "input_files[0].content_base64", "a string"},
        RejectCase{"ContentAndAliasBothObjects",
                   WithFields(R"("input_files":[{"content":{},"content_base64":{}}])"),
                   ErrorCode::kWrongType, "input_files[0].content", "a string (got object)"},
        RejectCase{"ContentAliasConflict",
                   WithFields(R"("input_files":[{"content":"aGk=","content_base64":"aG8="}])"),
                   ErrorCode::kConflictingFields, "input_files[0].content", "\"content_base64\""},
        RejectCase{"ContentNotBase64",
                   WithFields(R"("input_files":[{"content":"aGk="},{"content":"aGk"}])"),
                   ErrorCode::kInvalidBase64, "input_files[1].content",
                   "invalid base64 at offset 3"},
        RejectCase{"ContentWithNewline", WithFields(R"("input_files":[{"content":"aGk=\n"}])"),
                   ErrorCode::kInvalidBase64, "input_files[0].content", "whitespace"},
        RejectCase{"ContentAliasNotBase64",
                   WithFields(R"("input_files":[{"content_base64":"a-k="}])"),
                   ErrorCode::kInvalidBase64, "input_files[0].content_base64", "URL-safe"},
        RejectCase{"FilenameNotString",
                   WithFields(R"("input_files":[{"filename":1,"content":""}])"),
                   ErrorCode::kWrongType, "input_files[0].filename", "a string"},
        RejectCase{"FilenameNull", WithFields(R"("input_files":[{"filename":null,"content":""}])"),
                   ErrorCode::kWrongType, "input_files[0].filename", "(got null)"},
        RejectCase{"FilenameSlash",
                   WithFields(R"("input_files":[{"content":""},{"filename":"a/b","content":""}])"),
                   ErrorCode::kInvalidFilename, "input_files[1].filename", "'/'"},
        RejectCase{"FilenameDotDot",
                   WithFields(R"("input_files":[{"filename":"..","content":""}])"),
                   ErrorCode::kInvalidFilename, "input_files[0].filename", "'..'"},
        RejectCase{"FilenameTraversal",
                   WithFields(R"("input_files":[{"filename":"..\\x","content":""}])"),
                   ErrorCode::kInvalidFilename, "input_files[0].filename", "'..'"},
        RejectCase{"FilenameNul",
                   WithFields(R"("input_files":[{"filename":"a\u0000b","content":""}])"),
                   ErrorCode::kInvalidFilename, "input_files[0].filename", "NUL"},
        RejectCase{"FilenameControl",
                   WithFields(R"("input_files":[{"filename":"a\u001bb","content":""}])"),
                   ErrorCode::kInvalidFilename, "input_files[0].filename", "control"},
        RejectCase{"FilenameEmpty", WithFields(R"("input_files":[{"filename":"","content":""}])"),
                   ErrorCode::kInvalidFilename, "input_files[0].filename", "empty"},
        RejectCase{"FilenameDot", WithFields(R"("input_files":[{"filename":".","content":""}])"),
                   ErrorCode::kInvalidFilename, "input_files[0].filename", "'.'"},
        RejectCase{"DuplicateNames",
                   WithFields(R"("input_files":[{"filename":"a","content":""},)"
                              R"({"filename":"b","content":""},{"filename":"a","content":""}])"),
                   ErrorCode::kDuplicateFilename, "input_files[2].filename",
                   "\"a\" is already the name of input_files[0]"},
        RejectCase{"NameCollidesWithDefaultName",
                   WithFields(R"("input_files":[{"content":""},{"filename":"0","content":""}])"),
                   ErrorCode::kDuplicateFilename, "input_files[1].filename",
                   "\"0\" is already the name of input_files[0]"},
        RejectCase{"DefaultNameCollidesWithGivenName",
                   WithFields(R"("input_files":[{"filename":"1","content":""},{"content":""}])"),
                   ErrorCode::kDuplicateFilename, "input_files[1]",
                   "its default name \"1\" is already the name of input_files[0]"}),
    [](const testing::TestParamInfo<RejectCase>& info) { return info.param.name; });

// --- Limits, at their boundaries -------------------------------------------

std::string FilesJson(std::size_t count, std::size_t bytes_each) {
  const std::string content = EncodeBase64(std::string(bytes_each, 'x'));
  std::string files = "\"input_files\":[";
  for (std::size_t i = 0; i < count; ++i) {
    files += (i ? "," : "") + std::string(R"({"content":")") + content + "\"}";
  }
  return WithFields(files + "]");
}

TEST(ExecuteRequestLimitsTest, TtlBoundaries) {
  EXPECT_EQ(Parse(WithFields(R"("ttl":1)")).value().ttl_seconds, 1);
  EXPECT_EQ(Parse(WithFields(R"("ttl":900)")).value().ttl_seconds, 900);
  EXPECT_FALSE(Parse(WithFields(R"("ttl":0)")).ok());
  EXPECT_FALSE(Parse(WithFields(R"("ttl":901)")).ok());
}

TEST(ExecuteRequestLimitsTest, TenFilesAreAcceptedElevenAreNot) {
  auto ten = Parse(FilesJson(10, 3));
  ASSERT_TRUE(ten.ok()) << ten.error().Describe();
  EXPECT_EQ(ten.value().input_files.size(), 10u);
  EXPECT_EQ(ten.value().input_files[9].filename, "9");

  auto eleven = Parse(FilesJson(11, 3));
  ASSERT_FALSE(eleven.ok());
  EXPECT_EQ(eleven.error().code, ErrorCode::kTooManyFiles);
  EXPECT_EQ(eleven.error().http_status(), 413);
  EXPECT_EQ(eleven.error().Describe(), "input_files: must hold at most 10 files (has 11)");
}

TEST(ExecuteRequestLimitsTest, FileOfFiveMebibytesIsAcceptedOneByteMoreIsNot) {
  for (std::size_t size : {5 * kMiB - 2, 5 * kMiB - 1, 5 * kMiB}) {  // 0, 2 and 1 pad chars
    auto parsed = Parse(FilesJson(1, size));
    ASSERT_TRUE(parsed.ok()) << size << ": " << parsed.error().Describe();
    EXPECT_EQ(parsed.value().input_files[0].content.size(), size);
  }
  for (std::size_t size : {5 * kMiB + 1, 5 * kMiB + 2, 5 * kMiB + 3}) {
    auto parsed = Parse(FilesJson(1, size));
    ASSERT_FALSE(parsed.ok()) << size;
    EXPECT_EQ(parsed.error().code, ErrorCode::kFileTooLarge);
    EXPECT_EQ(parsed.error().field, "input_files[0].content");
    EXPECT_EQ(parsed.error().http_status(), 413);
  }
}

TEST(ExecuteRequestLimitsTest, TenMebibytesInAllIsAcceptedOneByteMoreIsNot) {
  auto exactly = Parse(FilesJson(2, 5 * kMiB));
  ASSERT_TRUE(exactly.ok()) << exactly.error().Describe();

  const std::string over =
      WithFields(R"("input_files":[{"content":")" + EncodeBase64(std::string(5 * kMiB, 'a')) +
                 R"("},{"content":")" + EncodeBase64(std::string(5 * kMiB, 'b')) +
                 R"("},{"content":"eA=="}])");
  auto parsed = Parse(over);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ErrorCode::kPayloadTooLarge);
  EXPECT_EQ(parsed.error().field, "input_files");
  EXPECT_EQ(parsed.error().http_status(), 413);
}

// 255, not the documented 256: NAME_MAX (see limits.h).
TEST(ExecuteRequestLimitsTest, FilenameOf255BytesIsAccepted256IsNot) {
  const auto body = [](std::size_t length) {
    return WithFields(R"("input_files":[{"filename":")" + std::string(length, 'n') +
                      R"(","content":""}])");
  };
  EXPECT_TRUE(Parse(body(255)).ok());
  auto parsed = Parse(body(256));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().Describe(),
            "input_files[0].filename: must be at most 255 bytes long (is 256)");
}

TEST(ExecuteRequestLimitsTest, CodeSizeIsBounded) {
  RequestLimits limits;
  limits.max_code_bytes = 8;
  EXPECT_TRUE(Parse(R"({"language":"sh","code":"12345678"})", limits).ok());
  auto parsed = Parse(R"({"language":"sh","code":"123456789"})", limits);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ErrorCode::kPayloadTooLarge);
  EXPECT_EQ(parsed.error().field, "code");
}

TEST(ExecuteRequestLimitsTest, EnvCountAndSizeAreBounded) {
  RequestLimits limits;
  limits.max_env_vars = 2;
  limits.max_env_total_bytes = 6;
  EXPECT_TRUE(Parse(WithFields(R"("env":{"A":"12","B":"3"})"), limits).ok());   // 5 bytes
  EXPECT_TRUE(Parse(WithFields(R"("env":{"A":"12","B":"34"})"), limits).ok());  // 6 bytes
  auto too_big = Parse(WithFields(R"("env":{"A":"12","B":"345"})"), limits);
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.error().code, ErrorCode::kPayloadTooLarge);
  auto too_many = Parse(WithFields(R"("env":{"A":"","B":"","C":""})"), limits);
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.error().Describe(), "env: must have at most 2 variables (has 3)");
}

TEST(ExecuteRequestLimitsTest, LanguageOf32BytesIsAccepted) {
  auto parsed = Parse(R"({"language":")" + std::string(32, 'a') + R"(","code":""})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().Describe();
}

TEST(ExecuteRequestLimitsTest, EnvNameOf128BytesIsAccepted129IsNot) {
  const auto body = [](std::size_t length) {
    return WithFields(R"("env":{")" + std::string(length, 'N') + R"(":"v"})");
  };
  EXPECT_TRUE(Parse(body(128)).ok());
  auto parsed = Parse(body(129));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidValue);
  EXPECT_NE(parsed.error().message.find("at most 128 bytes"), std::string::npos);
}

TEST(ExecuteRequestLimitsTest, DefaultLimitOf256EnvVars) {
  const auto body = [](std::size_t count) {
    std::string env;
    for (std::size_t i = 0; i < count; ++i) {
      env += (i ? "," : "") + std::string("\"V") + std::to_string(i) + "\":\"\"";
    }
    return WithFields("\"env\":{" + env + "}");
  };
  auto accepted = Parse(body(256));
  ASSERT_TRUE(accepted.ok()) << accepted.error().Describe();
  EXPECT_EQ(accepted.value().env.size(), 256u);
  auto refused = Parse(body(257));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().Describe(), "env: must have at most 256 variables (has 257)");
}

TEST(ExecuteRequestLimitsTest, JsonDepthIsBounded) {
  RequestLimits limits;
  limits.max_json_depth = 3;
  EXPECT_TRUE(Parse(WithFields(R"("x":[[1]])"), limits).ok());
  auto parsed = Parse(WithFields(R"("x":[[[1]]])"), limits);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ErrorCode::kMalformedJson);
}

// --- Names the server writes itself -----------------------------------------

TEST(ReservedFilenamesTest, InputFilesMayNotTakeTheSourceFileName) {
  std::string asked_for;
  const ReservedFilenames reserved = [&](std::string_view language) {
    asked_for = std::string(language);
    return std::vector<std::string>{language == "python" ? "main.py" : "main"};
  };
  auto parsed = ParseExecuteRequest(
      R"({"language":"Python","code":"","input_files":[{"filename":"main.py","content":""}]})", {},
      reserved);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(asked_for, "python");
  api_test::ExpectApiError(parsed.error(), ErrorCode::kInvalidFilename, "input_files[0].filename",
                           "\"main.py\" is reserved");

  EXPECT_TRUE(
      ParseExecuteRequest(
          R"({"language":"c","code":"","input_files":[{"filename":"main.py","content":""}]})", {},
          reserved)
          .ok());
}

// --- The documentation's own request examples -----------------------------

using api_test::ReadDocumentationExample;

TEST(DocumentedRequestsTest, LuaExecuteExample) {
  auto parsed = Parse(ReadDocumentationExample("lua/execute_request.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.error().Describe();
  EXPECT_EQ(parsed.value().language, "lua");
  EXPECT_EQ(parsed.value().code, "print(\"Hello from unsandbox!\")");
  EXPECT_EQ(parsed.value().ttl_seconds, 60);
}

TEST(DocumentedRequestsTest, LuaExecuteAsyncExample) {
  auto parsed = Parse(ReadDocumentationExample("lua/execute_async_request.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.error().Describe();
  EXPECT_EQ(parsed.value().language, "lua");
  EXPECT_EQ(parsed.value().ttl_seconds, 300);
  EXPECT_NE(parsed.value().code.find("print(factorial(20))"), std::string::npos);
}

TEST(DocumentedRequestsTest, ZigExecuteExample) {
  auto parsed = Parse(ReadDocumentationExample("zig/execute_request.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.error().Describe();
  EXPECT_EQ(parsed.value().language, "zig");
  EXPECT_NE(parsed.value().code.find("try stdout.print(\"Hello from unsandbox!\\n\", .{});"),
            std::string::npos);
}

TEST(DocumentedRequestsTest, ZigExecuteAsyncExample) {
  auto parsed = Parse(ReadDocumentationExample("zig/execute_async_request.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.error().Describe();
  EXPECT_EQ(parsed.value().language, "rust");
  EXPECT_EQ(parsed.value().ttl_seconds, 300);
}

TEST(DocumentedRequestsTest, InputFilesExample) {
  auto parsed = Parse(ReadDocumentationExample("zig/input_files_request.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.error().Describe();
  ASSERT_EQ(parsed.value().input_files.size(), 1u);
  EXPECT_EQ(parsed.value().input_files[0].filename, "data.csv");
  EXPECT_EQ(parsed.value().input_files[0].content, "name,age\nAlice,30\nBob,25");
}

}  // namespace
}  // namespace api

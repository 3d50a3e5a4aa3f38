#include "reference_server/api/error.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace api {
namespace {

constexpr ErrorCode kAllCodes[] = {
    ErrorCode::kMalformedJson,       ErrorCode::kDuplicateKey,
    ErrorCode::kMissingField,        ErrorCode::kWrongType,
    ErrorCode::kInvalidValue,        ErrorCode::kConflictingFields,
    ErrorCode::kInvalidBase64,       ErrorCode::kInvalidFilename,
    ErrorCode::kDuplicateFilename,   ErrorCode::kInvalidQuery,
    ErrorCode::kLanguageNotDetected, ErrorCode::kUnsupportedLanguage,
    ErrorCode::kUnauthorized,        ErrorCode::kNotFound,
    ErrorCode::kMethodNotAllowed,    ErrorCode::kJobFinished,
    ErrorCode::kTooManyFiles,        ErrorCode::kFileTooLarge,
    ErrorCode::kPayloadTooLarge,     ErrorCode::kUnsupportedMediaType,
    ErrorCode::kQueueFull,           ErrorCode::kInternal,
    ErrorCode::kShuttingDown,        ErrorCode::kBadRequest,
    ErrorCode::kRequestTimeout,      ErrorCode::kHeadersTooLarge,
    ErrorCode::kServerBusy,          ErrorCode::kNetworkUnavailable,
};

TEST(ErrorCodeTest, NamesAreUniqueSnakeCase) {
  std::set<std::string> names;
  for (ErrorCode code : kAllCodes) {
    const std::string name(ErrorCodeName(code));
    EXPECT_TRUE(names.insert(name).second) << name;
    for (char c : name) {
      EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') << name;
    }
  }
}

TEST(ErrorCodeTest, StatusesFollowTheDocumentedMapping) {
  EXPECT_EQ(HttpStatusFor(ErrorCode::kMalformedJson), 400);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kInvalidFilename), 400);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kLanguageNotDetected), 400);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUnauthorized), 401);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kMethodNotAllowed), 405);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kJobFinished), 409);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kTooManyFiles), 413);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kFileTooLarge), 413);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kPayloadTooLarge), 413);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUnsupportedMediaType), 415);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kQueueFull), 429);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kInternal), 500);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kShuttingDown), 503);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kBadRequest), 400);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kRequestTimeout), 408);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kHeadersTooLarge), 431);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kNetworkUnavailable), 503);
  EXPECT_EQ(ErrorCodeName(ErrorCode::kNetworkUnavailable), "network_unavailable");
  for (ErrorCode code : kAllCodes) {
    EXPECT_GE(HttpStatusFor(code), 400);
    EXPECT_LE(HttpStatusFor(code), 599);
  }
}

TEST(ApiErrorTest, DescribePrefixesTheField) {
  EXPECT_EQ(
      MakeError(ErrorCode::kInvalidFilename, "input_files[3].filename", "must not contain '..'")
          .Describe(),
      "input_files[3].filename: must not contain '..'");
  EXPECT_EQ(MakeError(ErrorCode::kNotFound, "", "no such job").Describe(), "no such job");
}

}  // namespace
}  // namespace api

#include "reference_server/api/testing.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace api_test {

std::string ReadDocumentationExample(std::string_view name) {
  // Tests run from the runfiles root of the workspace.
  const std::string path = "fixtures/documentation/" + std::string(name);
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing fixture " << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void ExpectApiError(const api::ApiError& error, api::ErrorCode code, std::string_view field,
                    std::string_view message_part) {
  EXPECT_EQ(api::ErrorCodeName(error.code), api::ErrorCodeName(code)) << error.Describe();
  EXPECT_EQ(error.field, field) << error.Describe();
  EXPECT_NE(error.message.find(message_part), std::string::npos)
      << "expected \"" << message_part << "\" in: " << error.Describe();
}

}  // namespace api_test

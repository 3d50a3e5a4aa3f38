#include "reference_server/api/request_json.h"

#include <gtest/gtest.h>

#include "reference_server/api/execute_request.h"

namespace api {
namespace {

TEST(RequestJsonTest, EveryFieldRoundTrips) {
  ExecuteRequest request;
  request.language = "python";
  request.code = std::string("print('\"hi\"')\n\0tail\x7f", 20);
  request.env = {{"B", "2"}, {"A", "caf\xc3\xa9"}, {"EMPTY", ""}};
  request.network_mode = NetworkMode::kSemiTrusted;
  request.ttl_seconds = 900;
  request.return_artifact = true;
  request.return_wasm_artifact = true;
  request.input_files = {{"0", std::string("\0\xff\x01", 3)}, {"data.txt", ""}};
  const std::string json = ExecuteRequestToJson(request);
  const auto parsed = ParseExecuteRequest(json);
  ASSERT_TRUE(parsed.ok()) << parsed.error().Describe() << "\n" << json;
  EXPECT_TRUE(parsed.value() == request) << json;
}

TEST(RequestJsonTest, DefaultsAreWrittenOut) {
  const auto parsed = ParseExecuteRequest(R"j({"language":"lua","code":"print(1)"})j");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(ExecuteRequestToJson(parsed.value()),
            R"j({"language":"lua","code":"print(1)","env":{},"network_mode":"zerotrust",)j"
            R"j("ttl":60,"return_artifact":false,"return_wasm_artifact":false,"input_files":[]})j");
}

}  // namespace
}  // namespace api

#include "reference_server/api/input_files.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace api {
namespace {

TEST(ReservedFilenamesTest, RefusesTheServersOwnFiles) {
  const std::vector<InputFile> files = {{"data.csv", "x"}, {"main.py", "y"}};
  const std::vector<std::string> reserved = {"main.py"};
  const auto error = CheckReservedFilenames(files, reserved);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, ErrorCode::kInvalidFilename);
  EXPECT_EQ(error->field, "input_files[1].filename");
  EXPECT_NE(error->message.find("\"main.py\" is reserved"), std::string::npos);
}

TEST(ReservedFilenamesTest, AcceptsOtherNames) {
  const std::vector<InputFile> files = {{"main.py.bak", ""}, {"Main.py", ""}};
  const std::vector<std::string> reserved = {"main.py", "main"};
  EXPECT_FALSE(CheckReservedFilenames(files, reserved).has_value());
  EXPECT_FALSE(CheckReservedFilenames(files, {}).has_value());
}

}  // namespace
}  // namespace api

// Whether semitrusted runs can get their network, decided at start-up
// without root: the helper binary and its filter.
#include "reference_server/sandbox/helper_filter.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace sandbox {
namespace {

HelperSettings WithBinary(const std::string& binary) {
  HelperSettings settings;
  settings.binary = binary;
  return settings;
}

TEST(HelperFilterTest, BuildsTheFilter) {
  const auto filter = BuildHelperFilter();
  ASSERT_TRUE(filter.ok()) << filter.error().Describe();
  EXPECT_FALSE(filter.value().empty());
}

TEST(HelperFilterTest, AnExecutableHelperGetsTheFilter) {
  const auto filter = PrepareNetworkHelper(WithBinary("/bin/sh"));
  ASSERT_TRUE(filter.ok()) << filter.error().Describe();
  EXPECT_EQ(filter.value().size(), BuildHelperFilter().value().size());
}

TEST(HelperFilterTest, AMissingHelperIsNotFoundAndSaysHowToInstallIt) {
  const auto filter = PrepareNetworkHelper(WithBinary("/nonexistent/slirp4netns"));
  ASSERT_FALSE(filter.ok());
  EXPECT_EQ(filter.error().code, base::ErrorCode::kNotFound);
  EXPECT_EQ(filter.error().where, "/nonexistent/slirp4netns");
  EXPECT_EQ(filter.error().Describe(),
            "/nonexistent/slirp4netns: No such file or directory (Debian's slirp4netns; "
            "tools/setup installs it)");
}

TEST(HelperFilterTest, AHelperThatCannotBeExecutedIsPermissionDenied) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string path = std::string(tmp != nullptr ? tmp : "/tmp") + "/not-executable";
  std::ofstream(path) << "#!/bin/sh\n";
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  const auto filter = PrepareNetworkHelper(WithBinary(path));
  ASSERT_FALSE(filter.ok());
  EXPECT_EQ(filter.error().code, base::ErrorCode::kPermissionDenied);
}

}  // namespace
}  // namespace sandbox

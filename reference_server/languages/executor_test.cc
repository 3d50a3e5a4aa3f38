// The limits a run gets: the server's, the request's ttl, and the
// language's floors, which raise a limit and never lower one.
#include "reference_server/languages/executor.h"

#include <gtest/gtest.h>

namespace languages {
namespace {

TEST(MakeLimitsTest, FloorsRaiseTheDefaultsOnlyForTheirLanguage) {
  sandbox::Limits base;
  api::ExecuteRequest request;
  request.ttl_seconds = 7;
  Language plain;
  const sandbox::Limits same = MakeLimits(plain, request, base);
  EXPECT_EQ(same.memory_bytes, base.memory_bytes);
  EXPECT_EQ(same.max_processes, base.max_processes);
  EXPECT_EQ(same.tmp_bytes, base.tmp_bytes);
  EXPECT_EQ(same.wall_seconds, 7);

  Language heavy;
  heavy.memory_mb = 2048;
  heavy.processes = 256;
  heavy.tmp_mb = 512;
  const sandbox::Limits raised = MakeLimits(heavy, request, base);
  EXPECT_EQ(raised.memory_bytes, 2048 * sandbox::kMiB);
  EXPECT_EQ(raised.max_processes, 256);
  EXPECT_EQ(raised.tmp_bytes, 512 * sandbox::kMiB);
  EXPECT_EQ(raised.work_dir_bytes, base.work_dir_bytes);
}

TEST(MakeLimitsTest, AFloorBelowTheServersLimitChangesNothing) {
  sandbox::Limits base;
  base.memory_bytes = 4096 * sandbox::kMiB;
  base.max_processes = 512;
  base.tmp_bytes = 1024 * sandbox::kMiB;
  api::ExecuteRequest request;
  Language light;
  light.memory_mb = 256;
  light.processes = 16;
  light.tmp_mb = 8;
  const sandbox::Limits kept = MakeLimits(light, request, base);
  EXPECT_EQ(kept.memory_bytes, base.memory_bytes);
  EXPECT_EQ(kept.max_processes, base.max_processes);
  EXPECT_EQ(kept.tmp_bytes, base.tmp_bytes);
}

}  // namespace
}  // namespace languages

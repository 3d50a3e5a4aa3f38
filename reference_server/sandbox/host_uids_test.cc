#include "reference_server/sandbox/host_uids.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

namespace sandbox {
namespace {

TEST(HostUidsTest, NeverGivesAUidInUseAndRunsOutClearly) {
  HostUids uids(5000, 3);
  std::set<std::uint32_t> given;
  for (int i = 0; i < 3; ++i) {
    const auto uid = uids.Acquire();
    ASSERT_TRUE(uid.ok());
    EXPECT_GE(*uid, 5000u);
    EXPECT_LT(*uid, 5003u);
    given.insert(*uid);
  }
  EXPECT_EQ(given.size(), 3u);
  const auto none = uids.Acquire();
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, base::ErrorCode::kUnavailable);
  EXPECT_EQ(none.error().message, "all 3 host uids are in use by sandboxes");
  uids.Release(5001);
  EXPECT_EQ(uids.Acquire().value(), 5001u);  // the only free one
}

// A long-lived holder keeps its uid however many come and go around it:
// what round robin got wrong once the uids wrapped.
TEST(HostUidsTest, ALongLivedHolderKeepsItsUidThroughWraps) {
  HostUids uids(100, 4);
  const std::uint32_t kept = uids.Acquire().value();
  for (int i = 0; i < 50; ++i) {
    const std::uint32_t uid = uids.Acquire().value();
    EXPECT_NE(uid, kept);
    uids.Release(uid);
  }
  EXPECT_EQ(uids.in_use(), 1u);
}

TEST(HostUidsTest, ReleasingAStrangerOrTwiceChangesNothing) {
  HostUids uids(100, 2);
  const std::uint32_t uid = uids.Acquire().value();
  uids.Release(99);
  uids.Release(102);
  uids.Release(uid);
  uids.Release(uid);
  EXPECT_EQ(uids.in_use(), 0u);
}

TEST(HostUidsTest, ConcurrentHoldersGetDistinctUids) {
  HostUids uids(0, 64);
  std::vector<std::uint32_t> held(8 * 8);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 8; ++i)
        held[static_cast<std::size_t>(t * 8 + i)] = uids.Acquire().value();
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(std::set<std::uint32_t>(held.begin(), held.end()).size(), held.size());
  EXPECT_FALSE(uids.Acquire().ok());
}

}  // namespace
}  // namespace sandbox

#include "reference_server/sandbox/cgroup_parse.h"

#include <gtest/gtest.h>

namespace sandbox {
namespace {

constexpr char kV1[] =
    "12:pids:/user.slice/session-1.scope\n"
    "11:cpu,cpuacct:/user.slice\n"
    "4:memory:/user.slice/session-1.scope\n"
    "1:name=systemd:/user.slice/session-1.scope\n"
    "0::/user.slice/session-1.scope\n";

TEST(CgroupParseTest, FindsTheV1HierarchyOfAController) {
  EXPECT_EQ(OwnCgroupPath(kV1, "memory"), "/user.slice/session-1.scope");
  EXPECT_EQ(OwnCgroupPath(kV1, "pids"), "/user.slice/session-1.scope");
  EXPECT_EQ(OwnCgroupPath(kV1, "cpuacct"), "/user.slice");
  EXPECT_EQ(OwnCgroupPath(kV1, "cpu"), "/user.slice");
  EXPECT_EQ(OwnCgroupPath(kV1, "cpuset"), "");
  EXPECT_EQ(OwnCgroupPath(kV1, "mem"), "");  // whole names only
}

TEST(CgroupParseTest, FindsTheUnifiedHierarchy) {
  EXPECT_EQ(OwnCgroupPath(kV1, ""), "/user.slice/session-1.scope");
  EXPECT_EQ(OwnCgroupPath("0::/\n", ""), "/");
  EXPECT_EQ(OwnCgroupPath("0::/a/b", ""), "/a/b");  // no final newline
  EXPECT_EQ(OwnCgroupPath("4:memory:/x\n", ""), "");
  EXPECT_EQ(OwnCgroupPath("garbage\n\n0:/only-one-colon\n", ""), "");
  EXPECT_EQ(OwnCgroupPath("", "memory"), "");
}

TEST(CgroupParseTest, ReadsKeyedValuesByWholeKey) {
  const char events[] = "low 0\nhigh 0\nmax 12\noom 3\noom_kill 2\noom_group_kill 0\n";
  EXPECT_EQ(KeyedValue(events, "oom_kill"), 2);
  EXPECT_EQ(KeyedValue(events, "oom"), 3);
  EXPECT_EQ(KeyedValue(events, "max"), 12);
  EXPECT_EQ(KeyedValue(events, "absent"), 0);
  // v1's memory.oom_control: oom_kill_disable must not count as oom_kill.
  EXPECT_EQ(KeyedValue("oom_kill_disable 1\nunder_oom 0\n", "oom_kill"), 0);
  EXPECT_EQ(KeyedValue("oom_kill_disable 1\nunder_oom 0\noom_kill 4", "oom_kill"), 4);
  EXPECT_EQ(KeyedValue("xoom_kill 9\n", "oom_kill"), 0);
}

TEST(CgroupParseTest, JoinsPaths) {
  EXPECT_EQ(JoinCgroupPath("/sys/fs/cgroup", "/"), "/sys/fs/cgroup");
  EXPECT_EQ(JoinCgroupPath("/sys/fs/cgroup/memory", "/a"), "/sys/fs/cgroup/memory/a");
}

}  // namespace
}  // namespace sandbox

#include "reference_server/sandbox/init_plan.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

namespace sandbox {
namespace {

ChildPlan RichPlan(const std::vector<sock_filter>& seccomp) {
  ChildPlan plan;
  plan.hostname = "sandbox";
  plan.staging = "/tmp";
  plan.dev_dir = "/tmp/dev";
  plan.proc_dir = "/tmp/proc";
  plan.tmp_dir = "/tmp/tmp";
  plan.work_dir = "/tmp/work";
  plan.old_root = "/tmp/.old_root";
  plan.root_options = "size=4194304,mode=0755";
  plan.dev_options = "size=65536,mode=0755";
  plan.tmp_options = "size=1234,mode=1777";
  plan.work_options = "";
  plan.steps = {{MountStep::Kind::kBindDirectory, "/tmp/usr", "/usr"},
                {MountStep::Kind::kSymlink, "/tmp/bin", "usr/bin"},
                {MountStep::Kind::kFile, "/tmp/etc/passwd", std::string("root:x\0:0\n", 10)},
                {MountStep::Kind::kDevice, "/tmp/dev/null", "/dev/null"},
                {MountStep::Kind::kBindFile, "/tmp/etc/x", "/etc/x"}};
  plan.limits.memory_bytes = 99 << 20;
  plan.limits.max_processes = 7;
  plan.limits.cpu_seconds = 3;
  plan.limits.wall_seconds = 9;
  plan.rlimit_memory = true;
  plan.last_capability = 40;
  plan.seccomp = &seccomp;
  plan.status_write = 17;  // descriptors do not travel
  return plan;
}

std::string Payload(const std::string& message) { return message.substr(sizeof(std::uint64_t)); }

TEST(InitPlanTest, EveryFieldButTheDescriptorsArrives) {
  const std::vector<sock_filter> seccomp = {{0x20, 1, 2, 4}, {0x15, 0, 9, 0xc000003e}};
  const ChildPlan sent = RichPlan(seccomp);
  const auto got = DecodeInitPlan(Payload(EncodeInitPlan(sent)));
  ASSERT_TRUE(got.ok()) << got.error().Describe();
  const ChildPlan& plan = (*got)->plan;
  for (const auto& [a, b] : {std::pair{&plan.hostname, &sent.hostname},
                             {&plan.staging, &sent.staging},
                             {&plan.dev_dir, &sent.dev_dir},
                             {&plan.proc_dir, &sent.proc_dir},
                             {&plan.tmp_dir, &sent.tmp_dir},
                             {&plan.work_dir, &sent.work_dir},
                             {&plan.old_root, &sent.old_root},
                             {&plan.root_options, &sent.root_options},
                             {&plan.dev_options, &sent.dev_options},
                             {&plan.tmp_options, &sent.tmp_options},
                             {&plan.work_options, &sent.work_options}}) {
    EXPECT_EQ(*a, *b);
  }
  ASSERT_EQ(plan.steps.size(), sent.steps.size());
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    EXPECT_EQ(plan.steps[i].kind, sent.steps[i].kind);
    EXPECT_EQ(plan.steps[i].target, sent.steps[i].target);
    EXPECT_EQ(plan.steps[i].source, sent.steps[i].source);
  }
  EXPECT_EQ(plan.limits.memory_bytes, 99u << 20);
  EXPECT_EQ(plan.limits.max_processes, 7);
  EXPECT_EQ(plan.limits.cpu_seconds, 3);
  EXPECT_EQ(plan.limits.wall_seconds, 9);
  EXPECT_EQ(plan.limits.tmp_bytes, sent.limits.tmp_bytes);
  EXPECT_TRUE(plan.rlimit_memory);
  EXPECT_EQ(plan.last_capability, 40);
  ASSERT_EQ(plan.seccomp, &(*got)->seccomp);
  ASSERT_EQ(plan.seccomp->size(), 2u);
  EXPECT_EQ(std::memcmp(plan.seccomp->data(), seccomp.data(), 2 * sizeof(sock_filter)), 0);
  EXPECT_EQ(plan.status_write, -1);
}

TEST(InitPlanTest, EveryTruncationAndTrailingByteIsRefused) {
  const std::vector<sock_filter> seccomp = {{0x06, 0, 0, 0x7fff0000}};
  const std::string payload = Payload(EncodeInitPlan(RichPlan(seccomp)));
  for (std::size_t size = 0; size < payload.size(); ++size) {
    const auto got = DecodeInitPlan(payload.substr(0, size));
    ASSERT_FALSE(got.ok()) << size;
    EXPECT_EQ(got.error().code, base::ErrorCode::kInvalidArgument);
  }
  EXPECT_FALSE(DecodeInitPlan(payload + "x").ok());
}

TEST(InitPlanTest, HostileCountsAndKindsAreRefused) {
  const std::vector<sock_filter> seccomp;
  std::string payload = Payload(EncodeInitPlan(RichPlan(seccomp)));
  // The first string's length, then as large as it gets.
  std::string huge = payload;
  const std::uint64_t all = ~std::uint64_t{0};
  std::memcpy(huge.data(), &all, sizeof all);
  EXPECT_EQ(DecodeInitPlan(huge).error().where, "strings");
  // The first step's kind (after the eleven strings and the step count).
  std::size_t at = 0;
  for (int i = 0; i < 11; ++i) {
    std::uint64_t length;
    std::memcpy(&length, payload.data() + at, sizeof length);
    at += sizeof length + length;
  }
  at += sizeof(std::uint64_t);
  std::string kind = payload;
  kind[at] = 9;
  EXPECT_EQ(DecodeInitPlan(kind).error().where, "steps");
}

TEST(InitPlanTest, ReceivesFromADescriptorAndSaysWhenTheHostWentAway) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  const std::vector<sock_filter> seccomp = {{0x06, 0, 0, 0}};
  const std::string message = EncodeInitPlan(RichPlan(seccomp));
  ASSERT_EQ(write(fds[1], message.data(), message.size()), static_cast<ssize_t>(message.size()));
  const auto got = ReceiveInitPlan(fds[0]);
  ASSERT_TRUE(got.ok()) << got.error().Describe();
  EXPECT_EQ((*got)->plan.hostname, "sandbox");
  close(fds[1]);
  const auto gone = ReceiveInitPlan(fds[0]);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, base::ErrorCode::kUnavailable);
  close(fds[0]);
}

}  // namespace
}  // namespace sandbox

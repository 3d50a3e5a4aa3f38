// Both cgroup versions on fake trees of plain files: what each creates and
// writes, without root and without touching the host's cgroups.
#include "reference_server/sandbox/cgroup_version.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace sandbox {
namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void Touch(const std::string& path) { std::ofstream(path) << ""; }

bool IsDirectory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// A fresh directory for one test's tree.
std::string FreshTree(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string root = std::string(tmp != nullptr ? tmp : "/tmp") + "/" + name;
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root);
  return root;
}

TEST(CgroupV2Test, ServerAndRunDirectoriesWithTheirLimits) {
  const std::string root = FreshTree("v2");
  mkdir((root + "/service.slice").c_str(), 0755);
  const auto v2 = MakeCgroupV2(root, "0::/service.slice\n");
  EXPECT_EQ(v2->number(), 2);
  EXPECT_EQ(v2->ServerBases(), std::vector<std::string>{root + "/service.slice"});

  const ServerDirs made_server = v2->MakeServerDirs(4242);
  EXPECT_TRUE(made_server.controllers.ok());
  const CgroupDirs& server = made_server.dirs;
  const std::string dir = root + "/service.slice/execprobe-4242";
  EXPECT_EQ(server.memory, dir);
  EXPECT_EQ(server.pids, dir);
  EXPECT_EQ(Read(dir + "/cgroup.subtree_control"), "+memory +pids");

  // No swap accounting on this host: no memory.swap.max to write, no error.
  const auto made = v2->MakeRun(server, "run-0", 512 << 20, 64);
  ASSERT_TRUE(made.ok()) << made.error().Describe();
  const CgroupDirs& run = made.value();
  EXPECT_EQ(run.memory, dir + "/run-0");
  EXPECT_EQ(run.pids, dir + "/run-0");
  EXPECT_EQ(Read(run.memory + "/memory.max"), "536870912");
  EXPECT_EQ(Read(run.memory + "/pids.max"), "64");
  struct stat st;
  EXPECT_NE(stat((run.memory + "/memory.swap.max").c_str(), &st), 0);

  // With swap accounting, runs get no swap.
  Touch(dir + "/memory.swap.max");
  const auto swapless = v2->MakeRun(server, "run-1", 1 << 20, 8);
  ASSERT_TRUE(swapless.ok()) << swapless.error().Describe();
  EXPECT_EQ(Read(swapless.value().memory + "/memory.swap.max"), "0");
  EXPECT_STREQ(v2->OomEventsFile(), "memory.events");

  // A run whose directory exists already is an error naming it.
  const auto exists = v2->MakeRun(server, "run-1", 1 << 20, 8);
  ASSERT_FALSE(exists.ok());
  EXPECT_EQ(exists.error().Describe(), dir + "/run-1: File exists");
  EXPECT_EQ(exists.error().where, dir + "/run-1");
}

TEST(CgroupV2Test, RootCgroupIsTheHierarchyItself) {
  const std::string root = FreshTree("v2-root");
  const auto v2 = MakeCgroupV2(root, "0::/\n");
  EXPECT_EQ(v2->ServerBases(), std::vector<std::string>{root});
  EXPECT_EQ(v2->MakeServerDirs(7).dirs.memory, root + "/execprobe-7");
}

TEST(CgroupV1Test, AHierarchyPerControllerAndTheSameLimits) {
  const std::string root = FreshTree("v1");
  for (const char* controller : {"memory", "pids"}) {
    mkdir((root + "/" + controller).c_str(), 0755);
    Touch(root + "/" + controller + "/cgroup.procs");  // a mounted hierarchy
    mkdir((root + "/" + controller + "/user.slice").c_str(), 0755);
  }
  const auto v1 = MakeCgroupV1(root, "12:pids:/user.slice\n4:memory:/user.slice\n0::/user.slice\n");
  EXPECT_EQ(v1->number(), 1);
  EXPECT_EQ(v1->ServerBases(),
            (std::vector<std::string>{root + "/memory/user.slice", root + "/pids/user.slice"}));
  const ServerDirs made_server = v1->MakeServerDirs(99);
  EXPECT_TRUE(made_server.controllers.ok());
  const CgroupDirs& server = made_server.dirs;
  EXPECT_EQ(server.memory, root + "/memory/user.slice/execprobe-99");
  EXPECT_EQ(server.pids, root + "/pids/user.slice/execprobe-99");

  const auto made = v1->MakeRun(server, "run-3", 256 << 20, 16);
  ASSERT_TRUE(made.ok()) << made.error().Describe();
  const CgroupDirs& run = made.value();
  EXPECT_EQ(Read(run.memory + "/memory.limit_in_bytes"), "268435456");
  EXPECT_EQ(Read(run.pids + "/pids.max"), "16");
  struct stat st;
  EXPECT_NE(stat((run.memory + "/memory.memsw.limit_in_bytes").c_str(), &st), 0);

  // With swap accounting, memory + swap gets the same bound.
  Touch(server.memory + "/memory.memsw.limit_in_bytes");
  const auto swapless = v1->MakeRun(server, "run-4", 256 << 20, 16);
  ASSERT_TRUE(swapless.ok()) << swapless.error().Describe();
  EXPECT_EQ(Read(swapless.value().memory + "/memory.memsw.limit_in_bytes"), "268435456");
  EXPECT_STREQ(v1->OomEventsFile(), "memory.oom_control");
}

TEST(CgroupV1Test, AMissingHierarchyIsSaidAndTheOtherStillWorks) {
  const std::string root = FreshTree("v1-no-pids");
  mkdir((root + "/memory").c_str(), 0755);
  Touch(root + "/memory/cgroup.procs");
  const auto v1 = MakeCgroupV1(root, "4:memory:/\n");
  const ServerDirs made_server = v1->MakeServerDirs(5);
  const CgroupDirs& server = made_server.dirs;
  EXPECT_EQ(server.memory, root + "/memory/execprobe-5");
  EXPECT_EQ(server.pids, "");
  ASSERT_FALSE(made_server.controllers.ok());
  EXPECT_EQ(made_server.controllers.error().Describe(),
            "no v1 pids hierarchy at " + root + "/pids");
  EXPECT_EQ(made_server.controllers.error().code, base::ErrorCode::kFailedPrecondition);
  const auto made = v1->MakeRun(server, "run-0", 1 << 20, 4);
  ASSERT_TRUE(made.ok()) << made.error().Describe();
  EXPECT_TRUE(IsDirectory(made.value().memory));
  EXPECT_EQ(made.value().pids, "");
}

}  // namespace
}  // namespace sandbox

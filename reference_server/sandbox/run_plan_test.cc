// What a sandbox is planned with, checked without root: its class, and
// what init is told before clone().
#include "reference_server/sandbox/run_plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace sandbox {
namespace {

TEST(RunPlanTest, RefusesWhatCannotRun) {
  // What the run's setup_error says.
  const auto problem = [](const RunSpec& spec) {
    const base::Status status = CheckSpec(spec);
    return status.ok() ? "" : status.error().Describe();
  };
  RunSpec spec;
  EXPECT_EQ(problem(spec), "nothing to run");
  EXPECT_EQ(CheckSpec(spec).error().code, base::ErrorCode::kInvalidArgument);
  spec.steps = {{"/bin/true"}};
  EXPECT_EQ(problem(spec), "");
  EXPECT_TRUE(CheckSpec(spec).ok());
  spec.after_steps = {{"relative"}};
  EXPECT_EQ(problem(spec), "every step's argv[0] must be an absolute path inside the sandbox");
  spec.after_steps = {{}};
  EXPECT_NE(problem(spec), "");
  spec.after_steps.clear();
  for (const char* bad : {"etc/java", "/", "/etc/../root"}) {
    spec.binds = {bad};
    EXPECT_EQ(problem(spec),
              "bind " + std::string(bad) + ": must be an absolute path below / without '..'");
    EXPECT_EQ(CheckSpec(spec).error().where, "bind " + std::string(bad));
  }
}

TEST(RunPlanTest, ALanguagesOwnBindsJoinThePolicysWhenPresent) {
  RunSpec spec;
  spec.steps = {{"/bin/true"}};
  spec.binds = {"/etc/debian_version", "/nonexistent/config"};
  const std::vector<sock_filter> seccomp;
  const ChildPlan plan =
      PlanSandbox(Policy{}, ClassOf(spec, Limits{}, Network::kZeroTrust), true, seccomp, 40);
  int hostname_binds = 0, missing = 0;
  for (const MountStep& step : plan.steps) {
    if (step.source == "/etc/debian_version" && step.kind == MountStep::Kind::kBindFile)
      ++hostname_binds;
    if (step.source == "/nonexistent/config") ++missing;
  }
  EXPECT_EQ(hostname_binds, 1);
  EXPECT_EQ(missing, 0);  // optional: skipped when absent
}

TEST(RunPlanTest, TheSandboxIsPlannedFromItsClassAlone) {
  RunSpec spec;
  spec.steps = {{"/usr/bin/cc", "main.c"}, {"/work/main"}};
  Limits limits;
  limits.tmp_bytes = 1234;
  limits.work_dir_bytes = 5678;
  limits.memory_bytes = 99 * kMiB;
  limits.max_processes = 7;
  const std::vector<sock_filter> seccomp(3);
  const ChildPlan plan =
      PlanSandbox(Policy{}, ClassOf(spec, limits, Network::kZeroTrust), true, seccomp, 40);
  EXPECT_EQ(plan.tmp_options, "size=1234,mode=1777");
  EXPECT_EQ(plan.work_options, "size=5678,mode=0755");
  EXPECT_EQ(plan.limits.memory_bytes, 99 * kMiB);
  EXPECT_EQ(plan.limits.max_processes, 7);
  EXPECT_FALSE(plan.rlimit_memory);  // a memory cgroup bounds it
  EXPECT_EQ(plan.seccomp, &seccomp);
  EXPECT_EQ(plan.hostname, "sandbox");
}

// Runs differing only in what their request carries share a class; any
// difference in what a sandbox is built with makes another.
TEST(RunPlanTest, ClassesDifferExactlyInWhatASandboxIsBuiltWith) {
  RunSpec spec;
  spec.steps = {{"/bin/true"}};
  const Limits limits;
  const std::string usual = ClassOf(spec, limits, Network::kZeroTrust).Key();

  RunSpec other_run = spec;
  other_run.steps = {{"/bin/false"}, {"/bin/true"}};
  other_run.env = {{"A", "b"}};
  other_run.files = {{"x", "y", false}};
  other_run.artifacts = {"main"};
  Limits per_run = limits;
  per_run.wall_seconds = 3;
  per_run.cpu_seconds = 2;
  per_run.max_file_bytes = 1;
  per_run.max_open_files = 9;
  per_run.max_output_bytes = 5;
  EXPECT_EQ(ClassOf(other_run, per_run, Network::kZeroTrust).Key(), usual);

  std::vector<std::string> keys = {usual, ClassOf(spec, limits, Network::kSemiTrusted).Key()};
  for (auto change : std::vector<void (*)(Limits&)>{
           [](Limits& l) { l.memory_bytes += 1; }, [](Limits& l) { l.max_processes += 1; },
           [](Limits& l) { l.tmp_bytes += 1; }, [](Limits& l) { l.work_dir_bytes += 1; }}) {
    Limits changed = limits;
    change(changed);
    keys.push_back(ClassOf(spec, changed, Network::kZeroTrust).Key());
  }
  RunSpec bound = spec;
  bound.binds = {"/etc/java"};
  keys.push_back(ClassOf(bound, limits, Network::kZeroTrust).Key());
  bound.binds = {"/etc/ja", "va"};  // not the same binds, though the same letters
  keys.push_back(ClassOf(bound, limits, Network::kZeroTrust).Key());
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(std::unique(keys.begin(), keys.end()), keys.end()) << "two classes share a key";
}

TEST(RunPlanTest, EnvironmentIsBuiltNotInheritedAndRequestsOverrideIt) {
  RunSpec spec;
  spec.steps = {{"/bin/env"}};
  spec.env = {{"HOME", "/elsewhere"}, {"GREETING", "hi"}};
  EXPECT_EQ(BuildEnvironment(spec),
            (std::vector<std::string>{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/elsewhere",
                                      "LANG=C.UTF-8", "TMPDIR=/tmp", "GREETING=hi"}));
  const std::vector<sock_filter> seccomp;
  const ChildPlan plan =
      PlanSandbox(Policy{}, ClassOf(spec, Limits{}, Network::kSemiTrusted), false, seccomp, 40);
  EXPECT_TRUE(plan.rlimit_memory);  // no memory cgroup: RLIMIT_AS
  // A semitrusted run's resolver is the user-mode stack's.
  bool resolver = false;
  for (const MountStep& step : plan.steps) {
    resolver |= step.target == plan.staging + "/etc/resolv.conf" &&
                step.source == std::string("nameserver ") + kHelperResolver + "\n";
  }
  EXPECT_TRUE(resolver);
}

}  // namespace
}  // namespace sandbox

// The first phase of a run, checked without root: what the plan tells the
// run's processes before clone().
#include "reference_server/sandbox/run_plan.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sandbox {
namespace {

std::vector<std::string> Strings(const std::vector<char*>& pointers) {
  std::vector<std::string> strings;
  for (const char* p : pointers) {
    if (p == nullptr) break;
    strings.emplace_back(p);
  }
  return strings;
}

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
      PlanRun(Policy{}, spec, AllSteps(spec), Limits{}, Network::kZeroTrust, true, seccomp, 40);
  int hostname_binds = 0, missing = 0;
  for (const MountStep& step : plan.steps) {
    if (step.source == "/etc/debian_version" && step.kind == MountStep::Kind::kBindFile)
      ++hostname_binds;
    if (step.source == "/nonexistent/config") ++missing;
  }
  EXPECT_EQ(hostname_binds, 1);
  EXPECT_EQ(missing, 0);  // optional: skipped when absent
}

TEST(RunPlanTest, StepsThenAfterStepsInOrder) {
  RunSpec spec;
  spec.steps = {{"/usr/bin/cc", "main.c"}, {"/work/main"}};
  spec.after_steps = {{"/usr/bin/wasm", "x"}};
  const auto all = AllSteps(spec);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2], (std::vector<std::string>{"/usr/bin/wasm", "x"}));

  Limits limits;
  limits.tmp_bytes = 1234;
  limits.work_dir_bytes = 5678;
  limits.max_file_bytes = 99;
  const std::vector<sock_filter> seccomp(3);
  spec.artifacts = {"main"};
  const ChildPlan plan =
      PlanRun(Policy{}, spec, all, limits, Network::kZeroTrust, true, seccomp, 40);
  ASSERT_EQ(plan.step_argvs.size(), 3u);
  EXPECT_EQ(Strings(plan.step_argvs[0]), (std::vector<std::string>{"/usr/bin/cc", "main.c"}));
  EXPECT_EQ(plan.step_argvs[0].back(), nullptr);
  EXPECT_EQ(plan.main_steps, 2u);
  EXPECT_EQ(plan.tmp_options, "size=1234,mode=1777");
  EXPECT_EQ(plan.work_options, "size=5678,mode=0755");
  EXPECT_FALSE(plan.rlimit_memory);  // a memory cgroup bounds it
  EXPECT_EQ(plan.seccomp, &seccomp);
  EXPECT_EQ(plan.artifact_names, &spec.artifacts);
  EXPECT_EQ(plan.artifact_max_bytes, 99u);
  EXPECT_EQ(plan.files, &spec.files);
  EXPECT_EQ(plan.hostname, "sandbox");
}

TEST(RunPlanTest, EnvironmentIsBuiltNotInheritedAndRequestsOverrideIt) {
  RunSpec spec;
  spec.steps = {{"/bin/env"}};
  spec.env = {{"HOME", "/elsewhere"}, {"GREETING", "hi"}};
  const std::vector<sock_filter> seccomp;
  const ChildPlan plan =
      PlanRun(Policy{}, spec, AllSteps(spec), Limits{}, Network::kSemiTrusted, false, seccomp, 40);
  EXPECT_EQ(Strings(plan.envp),
            (std::vector<std::string>{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/elsewhere",
                                      "LANG=C.UTF-8", "TMPDIR=/tmp", "GREETING=hi"}));
  EXPECT_EQ(plan.envp.back(), nullptr);
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

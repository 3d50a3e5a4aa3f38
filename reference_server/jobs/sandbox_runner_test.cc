// SandboxRunner's answer to a job whose language the registry lacks (the
// server resolves it before queueing, so only a bug gets here): refused
// as an internal error, no program run. Creates a real Sandbox, which
// needs root (tagged no-sandbox).
#include "reference_server/jobs/sandbox_runner.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <memory>
#include <utility>

#include "reference_server/languages/registry.h"
#include "reference_server/sandbox/sandbox.h"

namespace jobs {
namespace {

constexpr char kOneLanguage[] = R"({"languages": [{
  "name": "python", "source": "main.py",
  "run": ["/usr/bin/python3", "main.py"], "requires": ["/usr/bin/python3"]
}]})";

TEST(SandboxRunnerTest, AnUnknownLanguageIsRefusedAsAnInternalError) {
  auto registry = languages::Registry::Parse(kOneLanguage);
  ASSERT_TRUE(registry.ok()) << registry.error().Describe();
  sandbox::Policy policy;  // a uid range apart from other test programs'
  policy.first_host_uid = 1500000 + static_cast<std::uint32_t>(getpid() % 10000) * 100;
  policy.host_uid_count = 100;
  auto box = sandbox::Sandbox::Create(policy);
  ASSERT_TRUE(box.ok()) << box.error().Describe();
  SandboxRunner runner(registry.value(), *box.value(), policy.limits);

  JobSpec spec;
  spec.language = "cobol";
  spec.request.code = "x";
  const RunOutcome outcome = runner.Run(spec, "job-1", -1);
  EXPECT_EQ(outcome.ending, Ending::kFinished);
  ASSERT_TRUE(outcome.result.refused.has_value());
  EXPECT_EQ(outcome.result.refused->code, api::ErrorCode::kInternal);
  EXPECT_EQ(outcome.result.refused->http_status(), 500);
  EXPECT_EQ(outcome.result.refused->field, "language");
  EXPECT_EQ(outcome.result.refused->message, "unknown language cobol");
  EXPECT_FALSE(outcome.result.success);
  ASSERT_TRUE(outcome.result.error.has_value() && outcome.result.error->has_value());
  EXPECT_EQ(**outcome.result.error, "Server error: unknown language cobol");
  EXPECT_EQ(outcome.result.job_id, "job-1");
  EXPECT_EQ(outcome.result.exit_code, -1);
}

}  // namespace
}  // namespace jobs

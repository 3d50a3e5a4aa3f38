#include "fuzz/remote/campaign.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "fuzz/remote/test_support.h"

namespace remote_fuzz {
namespace {

using conformance::RawAnswer;
using conformance::RawResult;
using test::Answer;
using test::Answered;
using test::Context;
using test::ErrorBody;
using test::JsonCase;

const SeedPool& Seeds() {
  static const SeedPool pool = test::RealSeeds(Context());
  return pool;
}

constexpr char kGood[] = R"j({"language":"python","code":"print('hello')","ttl":5})j";

// An exchanger that answers every request with `answers` and records what
// it received (thread-safe: campaigns run workers).
class Recorder {
 public:
  explicit Recorder(std::function<RawResult(const FuzzCase&)> answer)
      : answer_(std::move(answer)) {}

  Exchanger AsExchanger() {
    return [this](const FuzzCase& c) {
      {
        std::lock_guard lock(mutex_);
        received_.push_back(c);
      }
      return answer_(c);
    };
  }

  std::vector<FuzzCase> received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  std::function<RawResult(const FuzzCase&)> answer_;
  mutable std::mutex mutex_;
  std::vector<FuzzCase> received_;
};

// Answers the case itself with `first`, and 200 to anything after it.
Recorder Then(RawResult first) {
  return Recorder([first, n = std::make_shared<int>(0)](const FuzzCase&) {
    return (*n)++ == 0 ? first : Answered({Answer(200, R"({"message":"Job cancelled"})")});
  });
}

TEST(RunCase, AnAcknowledgedJobIsCancelledAtOnce) {
  Recorder target = Then(Answered({Answer(202, R"({"job_id":"job-7","status":"pending"})")}));
  const FuzzCase c = JsonCase(kGood, "/execute/async");
  const CaseOutcome outcome = RunCase(c, 1, target.AsExchanger(), Context(), CheckBounds{});
  const std::vector<FuzzCase> received = target.received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0].http.body, kGood);
  EXPECT_EQ(received[1].http.method, "DELETE");
  EXPECT_EQ(received[1].http.target, "/jobs/job-7");
  EXPECT_EQ(received[1].http.key, KeyUse::kPrimary);
  // The outcome is the case's, not the clean-up's.
  EXPECT_EQ(outcome.status, 202);
  EXPECT_EQ(outcome.statuses, (std::vector<int>{202}));
  EXPECT_TRUE(outcome.violations.empty());
  EXPECT_NE(std::find(outcome.checks.begin(), outcome.checks.end(), "differential"),
            outcome.checks.end());
}

TEST(RunCase, ARunningJobIsCancelledToo) {
  Recorder target = Then(Answered({Answer(200, R"({"job_id":"j2","status":"running"})")}));
  RunCase(JsonCase(kGood, "/execute/async"), 1, target.AsExchanger(), Context(), CheckBounds{});
  ASSERT_EQ(target.received().size(), 2u);
  EXPECT_EQ(target.received()[1].http.target, "/jobs/j2");
}

TEST(RunCase, NothingToCancel) {
  for (const RawAnswer& answer :
       {Answer(200, R"({"job_id":"j3","status":"completed"})"),
        Answer(200, R"({"success":true,"stdout":"hello","job_id":"j3"})"),
        Answer(400, R"({"success":false,"error":"e","code":"c","job_id":"j3","status":"pending"})"),
        Answer(202, R"({"status":"pending"})"), Answer(202, "not json")}) {
    Recorder target = Then(Answered({answer}));
    RunCase(JsonCase(kGood, "/execute/async"), 1, target.AsExchanger(), Context(), CheckBounds{});
    EXPECT_EQ(target.received().size(), 1u) << answer.status << " " << answer.body;
  }
  Recorder silent = Then(test::TimedOut());
  RunCase(JsonCase(kGood, "/execute/async"), 1, silent.AsExchanger(), Context(), CheckBounds{});
  EXPECT_EQ(silent.received().size(), 1u);
}

TEST(RunCase, RawBytesThatSubmittedJobsAreCleanedUpToo) {
  FuzzCase raw = test::RawCase({"POST /execute/async HTTP/1.1\r\n..."});
  raw.raw_answers = 2;
  Recorder target = Then(Answered({Answer(202, R"({"job_id":"raw-1","status":"pending"})"),
                                   Answer(202, R"({"job_id":"raw-2","status":"pending"})")}));
  const CaseOutcome outcome = RunCase(raw, 1, target.AsExchanger(), Context(), CheckBounds{});
  const std::vector<FuzzCase> received = target.received();
  ASSERT_EQ(received.size(), 3u);
  EXPECT_EQ(received[0].kind, Kind::kRaw);
  EXPECT_EQ(received[1].http.method, "DELETE");
  EXPECT_EQ(received[1].http.target, "/jobs/raw-1");
  EXPECT_EQ(received[2].http.target, "/jobs/raw-2");
  EXPECT_EQ(outcome.statuses, (std::vector<int>{202, 202}));
  EXPECT_EQ(std::find(outcome.checks.begin(), outcome.checks.end(), "differential"),
            outcome.checks.end())
      << "the oracle says nothing about raw bytes";
}

TEST(RunCase, ViolationsComeFromTheChecks) {
  Recorder target = Then(Answered({Answer(500, ErrorBody("internal"))}));
  const CaseOutcome outcome =
      RunCase(JsonCase(kGood), 1, target.AsExchanger(), Context(), CheckBounds{});
  ASSERT_FALSE(outcome.violations.empty());
  EXPECT_EQ(outcome.violations[0].check, "no_server_error");
  EXPECT_EQ(outcome.status, 500);
}

TEST(RunCase, AStatefulCaseRunsItsSequenceReproducibly) {
  auto server = [](const FuzzCase& c) {
    if (c.http.method == "POST")
      return Answered({Answer(202, R"({"job_id":"s1","status":"pending"})")});
    if (c.http.key == KeyUse::kSecond) return Answered({Answer(404, ErrorBody("not_found"))});
    if (c.http.target == "/jobs") return Answered({Answer(200, R"({"jobs":[]})")});
    if (c.http.method == "DELETE") return Answered({Answer(409, ErrorBody("job_finished"))});
    return Answered({Answer(200, R"({"job_id":"s1","status":"completed"})")});
  };
  FuzzCase c;
  c.kind = Kind::kStateful;
  c.index = 3;
  Recorder first(server), second(server);
  const CaseOutcome a = RunCase(c, 9, first.AsExchanger(), Context(), CheckBounds{});
  const CaseOutcome b = RunCase(c, 9, second.AsExchanger(), Context(), CheckBounds{});
  EXPECT_EQ(a.checks, (std::vector<std::string>{"stateful"}));
  EXPECT_TRUE(a.sequence_violations.empty());
  EXPECT_TRUE(a.violations.empty());
  ASSERT_GE(first.received().size(), 3u);
  EXPECT_EQ(first.received()[0].http.target, "/execute/async");
  ASSERT_EQ(first.received().size(), second.received().size());
  for (std::size_t i = 0; i < first.received().size(); ++i) {
    EXPECT_EQ(first.received()[i].http.method + first.received()[i].http.target,
              second.received()[i].http.method + second.received()[i].http.target);
    EXPECT_EQ(first.received()[i].http.key, second.received()[i].http.key);
  }
  EXPECT_EQ(a.statuses, b.statuses);
}

// A target that serves the canary and refuses everything else properly.
RawResult Refusing(const FuzzCase& c) {
  if (c.kind != Kind::kRaw && c.http.method == "POST" && c.http.target == "/execute" &&
      c.origin == "sequence") {
    return Answered({Answer(200, R"({"success":true,"stdout":"hello\n"})")});
  }
  return Answered({Answer(404, ErrorBody("not_found"))}, true);
}

TEST(RunCampaign, RunsTheCasesCountedWithCanaries) {
  Recorder target(Refusing);
  FindingStore findings;
  CampaignLimits limits;
  limits.cases = 40;
  limits.jobs = 2;
  limits.batch = 20;
  const RunStats stats =
      RunCampaign(5, limits, Seeds(), Context(), CheckBounds{}, target.AsExchanger(), findings);
  EXPECT_EQ(stats.cases, 40u);
  EXPECT_EQ(stats.seed, 5u);
  EXPECT_EQ(stats.stopped, "requests");
  EXPECT_EQ(stats.canaries, 3u) << "after cases 20 and 40, and at the end";
  EXPECT_EQ(stats.checks_run.at("still_alive"), 3u);
  std::size_t kinds = 0;
  for (const auto& [kind, count] : stats.by_kind) kinds += count;
  EXPECT_EQ(kinds, 40u);
  EXPECT_EQ(stats.requests, target.received().size());
  std::size_t answered = 0;
  for (const auto& [status, count] : stats.by_status) answered += count;
  EXPECT_GE(answered, stats.requests);
  EXPECT_GT(stats.by_status.at(404), 0u);
  // Nothing a campaign finds here is a server error or a dead target.
  EXPECT_EQ(findings.Violations("no_server_error"), 0u);
  EXPECT_EQ(findings.Violations("still_alive"), 0u);
}

TEST(RunCampaign, StopsWhenTheCanaryIsSilentTwice) {
  Recorder target([](const FuzzCase&) { return test::TimedOut(); });
  FindingStore findings;
  CampaignLimits limits;
  limits.cases = 1000;
  limits.jobs = 1;
  limits.batch = 5;
  const RunStats stats =
      RunCampaign(5, limits, Seeds(), Context(), CheckBounds{}, target.AsExchanger(), findings);
  EXPECT_EQ(stats.stopped, "target stopped answering");
  EXPECT_EQ(stats.cases, 10u);
  EXPECT_EQ(stats.canaries, 2u) << "none at the end of a campaign that gave up";
  const std::vector<Finding> all = findings.Sorted();
  bool canary = false;
  for (const Finding& f : all) {
    if (f.check != "still_alive") continue;
    canary = true;
    EXPECT_EQ(f.count, 2u);
    EXPECT_EQ(f.first.origin, "canary after case 4");
    EXPECT_EQ(f.status, 0);
  }
  EXPECT_TRUE(canary);
  EXPECT_GT(stats.by_status.at(0), 0u);
}

}  // namespace
}  // namespace remote_fuzz

#include "conformance/job_history.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "conformance/json_text.h"
#include "conformance/test_util.h"

namespace conformance {
namespace {

using test::Has;
using test::Json;

using Strings = std::vector<std::string>;

JobHistory HistoryOf(const Strings& statuses) {
  JobHistory history;
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    history.Record("j1", statuses[i], "step " + std::to_string(i));
  }
  return history;
}

TEST(JobHistoryTest, ForwardSequencesAreAllowed) {
  for (const Strings& statuses :
       std::vector<Strings>{{"pending"},
                            {"pending", "pending", "running", "running", "completed", "completed"},
                            {"pending", "completed"},  // a poll can miss running
                            {"pending", "cancelled"},
                            {"running", "timeout"},
                            {"completed"},
                            {"pending", "running", "cancelled", "cancelled"}}) {
    EXPECT_EQ(HistoryOf(statuses).Violations(), Strings{}) << ::testing::PrintToString(statuses);
  }
}

TEST(JobHistoryTest, GoingBackIsCaught) {
  const Strings violations = HistoryOf({"pending", "running", "pending"}).Violations();
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0],
            "job j1: status went back from running to pending in step 2 "
            "(seen: pending, running, pending)");
  EXPECT_EQ(HistoryOf({"completed", "running"}).Violations().size(), 1u);
  EXPECT_EQ(HistoryOf({"timeout", "pending"}).Violations().size(), 1u);
}

TEST(JobHistoryTest, FinalStatusChangingIsCaught) {
  const Strings violations = HistoryOf({"running", "completed", "cancelled"}).Violations();
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0], "job j1: final status changed from completed to cancelled in step 2");
  EXPECT_EQ(HistoryOf({"timeout", "completed"}).Violations().size(), 1u);
}

TEST(JobHistoryTest, UnknownStatusIsCaught) {
  const Strings violations = HistoryOf({"pending", "done"}).Violations();
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_TRUE(Has(violations[0], "job j1: unknown status \"done\" in step 1"));
  EXPECT_TRUE(Has(violations[0], "pending, running, completed, timeout, cancelled"));
  // Status names are case-sensitive.
  EXPECT_EQ(HistoryOf({"Pending"}).Violations().size(), 1u);
  EXPECT_EQ(HistoryOf({""}).Violations().size(), 1u);
}

TEST(JobHistoryTest, JobsAreJudgedSeparately) {
  JobHistory history;
  history.Record("a", "running", "s1");
  history.Record("b", "pending", "s2");  // not a step back: another job
  history.Record("a", "completed", "s3");
  history.Record("b", "running", "s4");
  EXPECT_EQ(history.Violations(), Strings{});
  history.Record("b", "pending", "s5");
  const Strings violations = history.Violations();
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_TRUE(Has(violations[0], "job b: status went back from running to pending in s5"));
}

TEST(JobHistoryTest, RecordAnswerReadsTopLevelJob) {
  JobHistory history;
  history.RecordAnswer(Json(R"j({"job_id": "j1", "status": "pending"})j"), "submit");
  history.RecordAnswer(Json(R"j({"job_id": "j1", "status": "running", "result": null})j"), "poll");
  EXPECT_EQ(history.Describe("j1"), "pending, running");
  // Answers without both strings show no job.
  history.RecordAnswer(Json(R"j({"job_id": "j2"})j"), "x");
  history.RecordAnswer(Json(R"j({"job_id": 7, "status": "pending"})j"), "x");
  history.RecordAnswer(Json(R"j({"job_id": "j3", "status": 1})j"), "x");
  history.RecordAnswer(Json(R"j(["job_id", "status"])j"), "x");
  history.RecordAnswer(Json(R"j("pending")j"), "x");
  EXPECT_EQ(history.Describe("j2"), "(nothing)");
  EXPECT_EQ(history.Describe("j3"), "(nothing)");
  EXPECT_EQ(history.Unfinished(), Strings{"j1"});
}

TEST(JobHistoryTest, ListEntriesAreRecordedOnlyForKnownJobs) {
  JobHistory history;
  history.RecordAnswer(Json(R"j({"job_id": "mine", "status": "pending"})j"), "submit");
  history.RecordAnswer(Json(R"j({"jobs": [
      {"job_id": "other", "status": "running"},
      {"job_id": "mine", "status": "running"},
      {"job_id": "weird"},
      "not an object"]})j"),
                       "list");
  EXPECT_EQ(history.Describe("mine"), "pending, running");
  EXPECT_EQ(history.Describe("other"), "(nothing)");
  EXPECT_EQ(history.Unfinished(), Strings{"mine"});

  // A list entry going back names the list as where it was seen.
  history.RecordAnswer(Json(R"j({"jobs": [{"job_id": "mine", "status": "pending"}]})j"), "step 3");
  const Strings violations = history.Violations();
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_TRUE(Has(violations[0], "in step 3 (job list)"));
}

TEST(JobHistoryTest, Unfinished) {
  JobHistory history;
  history.Record("c", "pending", "s");
  history.Record("a", "completed", "s");
  history.Record("b", "running", "s");
  history.Record("d", "pending", "s");
  history.Record("d", "cancelled", "s");
  history.Record("e", "timeout", "s");
  history.Record("f", "bogus", "s");
  // In the order first seen; an unknown status is not final.
  EXPECT_EQ(history.Unfinished(), (Strings{"c", "b", "f"}));
  history.Record("c", "completed", "s");
  EXPECT_EQ(history.Unfinished(), (Strings{"b", "f"}));
  EXPECT_EQ(JobHistory().Unfinished(), Strings{});
}

TEST(JobHistoryTest, Describe) {
  EXPECT_EQ(HistoryOf({"pending", "running", "running", "running", "completed"}).Describe("j1"),
            "pending, running x3, completed");
  EXPECT_EQ(HistoryOf({"pending", "pending"}).Describe("j1"), "pending x2");
  EXPECT_EQ(HistoryOf({"running", "pending", "running"}).Describe("j1"),
            "running, pending, running");
  EXPECT_EQ(HistoryOf({"pending"}).Describe("nope"), "(nothing)");
}

TEST(JobHistoryTest, IsFinalStatus) {
  EXPECT_TRUE(IsFinalStatus("completed"));
  EXPECT_TRUE(IsFinalStatus("timeout"));
  EXPECT_TRUE(IsFinalStatus("cancelled"));
  EXPECT_FALSE(IsFinalStatus("pending"));
  EXPECT_FALSE(IsFinalStatus("running"));
  EXPECT_FALSE(IsFinalStatus("failed"));
  EXPECT_FALSE(IsFinalStatus(""));
}

TEST(JobHistoryTest, NotedJobsAreUnfinishedUntilAFinalStatus) {
  JobHistory history;
  history.Note("quiet");
  history.Record("loud", "running", "s");
  history.Note("loud");  // known already: nothing changes
  EXPECT_EQ(history.Describe("quiet"), "(no status seen)");
  EXPECT_EQ(history.Describe("loud"), "running");
  EXPECT_EQ(history.Unfinished(), (Strings{"quiet", "loud"}));
  EXPECT_EQ(history.Violations(), Strings{});
  // A noted job is one of the case's own in a job list.
  history.RecordAnswer(Json(R"j({"jobs": [{"job_id": "quiet", "status": "completed"}]})j"), "list");
  EXPECT_EQ(history.Describe("quiet"), "completed");
  EXPECT_EQ(history.Unfinished(), Strings{"loud"});
}

TEST(JobHistoryTest, JobIdsWithoutStatus) {
  const std::optional<std::string> none;
  // An acknowledgement with only the id.
  EXPECT_EQ(JobIdsWithoutStatus(Json(R"j({"job_id": "j1"})j"), none, ""), Strings{"j1"});
  EXPECT_EQ(JobIdsWithoutStatus(Json(R"j({"success": true, "job_id": "j1"})j"), none, ""),
            Strings{"j1"});
  // With a status, JobHistory::RecordAnswer has it; a result's run is over.
  EXPECT_EQ(JobIdsWithoutStatus(Json(R"j({"job_id": "j1", "status": "pending"})j"), none, ""),
            Strings{});
  for (const char* result : {R"j({"success": true, "stdout": "", "job_id": "j1"})j",
                             R"j({"success": false, "error": "x", "job_id": "j1"})j",
                             R"j({"exit_code": 0, "job_id": "j1"})j",
                             R"j({"message": "cancelled", "job_id": "j1", "result": {}})j"}) {
    EXPECT_EQ(JobIdsWithoutStatus(Json(result), none, ""), Strings{}) << result;
  }
  for (const char* odd : {R"j({"job_id": 7})j", R"j({"job_id": ""})j", R"j(["job_id"])j",
                          R"j({"jobs": [{"job_id": "j1"}]})j"}) {
    EXPECT_EQ(JobIdsWithoutStatus(Json(odd), none, ""), Strings{}) << odd;
  }
}

TEST(JobHistoryTest, JobIdsOfLocationHeaders) {
  const rapidjson::Document empty = Json("{}");
  auto ids = [&](const std::string& location, const std::string& base = "") {
    return JobIdsWithoutStatus(empty, location, base);
  };
  EXPECT_EQ(ids("/jobs/j1"), Strings{"j1"});
  EXPECT_EQ(ids("http://h:8080/jobs/j1"), Strings{"j1"});
  EXPECT_EQ(ids("https://h/api/jobs/j1?x=1", "/api"), Strings{"j1"});
  EXPECT_EQ(ids("/api/jobs/j1#top", "/api"), Strings{"j1"});
  for (const char* other :
       {"/jobs/", "/jobs", "/jobs/j1/artifacts", "/other/j1", "http://h", "/api/jobs/j1", ""}) {
    EXPECT_EQ(ids(other), Strings{}) << other;
  }
  // Both: the body's id and the header's (the caller notes each once).
  EXPECT_EQ(JobIdsWithoutStatus(Json(R"j({"job_id": "a"})j"), std::string("/jobs/b"), ""),
            (Strings{"a", "b"}));
}

}  // namespace
}  // namespace conformance

#include "reference_server/jobs/job_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <set>
#include <thread>

#include "reference_server/jobs/fake_runner.h"
#include "reference_server/jobs/job_id.h"

namespace jobs {
namespace {

using api::JobStatus;
using namespace std::chrono_literals;

JobSpec Spec(std::string code, std::string language = "python") {
  JobSpec spec;
  spec.language = std::move(language);
  spec.request.language = spec.language;
  spec.request.code = std::move(code);
  return spec;
}

// Submits and waits for the job's final view through its callback.
struct Submitted {
  std::string id;
  std::future<api::JobView> final_view;
};

Submitted SubmitAndWatch(JobStore& store, const std::string& owner, JobSpec spec) {
  auto promise = std::make_shared<std::promise<api::JobView>>();
  Submitted submitted;
  submitted.final_view = promise->get_future();
  auto id = store.Submit(owner, std::move(spec),
                         [promise](const api::JobView& view) { promise->set_value(view); });
  EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.error().Describe());
  if (id.ok()) submitted.id = id.value();
  return submitted;
}

CancelResult CancelAndWait(JobStore& store, const std::string& owner, const std::string& id) {
  std::promise<CancelResult> promise;
  auto future = promise.get_future();
  store.Cancel(owner, id, CancelReason::kUser,
               [&promise](const CancelResult& result) { promise.set_value(result); });
  return future.get();
}

class JobStoreTest : public ::testing::Test {
 protected:
  StoreOptions Options(int workers = 2, std::size_t max_pending = 8) {
    StoreOptions options;
    options.workers = workers;
    options.max_pending = max_pending;
    options.retention = 60s;
    return options;
  }
  FakeRunner runner_;
  FakeClock clock_;
};

TEST(JobIdTest, IsACanonicalVersion4Uuid) {
  // xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx, lower-case hex.
  const auto canonical = [](const std::string& id) {
    if (id.size() != 36 || id[14] != '4' || std::string("89ab").find(id[19]) == std::string::npos) {
      return false;
    }
    for (std::size_t i = 0; i < id.size(); ++i) {
      const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
      const bool hex = (id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f');
      if (dash ? id[i] != '-' : !hex) return false;
    }
    return true;
  };
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    const std::string id = NewJobId();
    ASSERT_TRUE(canonical(id)) << id;
    ASSERT_TRUE(seen.insert(id).second) << "repeated id " << id;
  }
}

TEST(JobIdTest, VersionAndVariantBitsAreForced) {
  std::array<std::uint8_t, 16> ones;
  ones.fill(0xff);
  EXPECT_EQ(FormatUuidV4(ones), "ffffffff-ffff-4fff-bfff-ffffffffffff");
  EXPECT_EQ(FormatUuidV4({}), "00000000-0000-4000-8000-000000000000");
}

TEST_F(JobStoreTest, AJobRunsToCompletionWithItsTimestamps) {
  JobStore store(Options(), runner_, clock_);
  Submitted job = SubmitAndWatch(store, "alice", Spec("print(1)"));
  const api::JobView view = job.final_view.get();
  EXPECT_EQ(view.job_id, job.id);
  EXPECT_EQ(view.status, JobStatus::kCompleted);
  ASSERT_TRUE(view.result.has_value());
  EXPECT_TRUE(view.result->success);
  EXPECT_EQ(view.result->stdout_text, "print(1)");
  EXPECT_EQ(view.result->job_id, job.id);
  EXPECT_EQ(view.created_at, clock_.UnixSeconds());
  EXPECT_EQ(view.started_at, clock_.UnixSeconds());
  EXPECT_EQ(view.completed_at, clock_.UnixSeconds());

  const auto again = store.Get("alice", job.id);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->status, JobStatus::kCompleted);
  EXPECT_EQ(again->result->stdout_text, "print(1)");
}

TEST_F(JobStoreTest, TimeoutAndFailureEndings) {
  JobStore store(Options(), runner_, clock_);
  Submitted timeout = SubmitAndWatch(store, "alice", Spec("timeout"));
  Submitted failure = SubmitAndWatch(store, "alice", Spec("fail"));
  const api::JobView timed_out = timeout.final_view.get();
  EXPECT_EQ(timed_out.status, JobStatus::kTimeout);
  EXPECT_EQ(timed_out.result->exit_code, -1);
  EXPECT_EQ(timed_out.result->stdout_text, "partial output");
  const api::JobView failed = failure.final_view.get();
  // A program that exits non-zero still completed.
  EXPECT_EQ(failed.status, JobStatus::kCompleted);
  EXPECT_FALSE(failed.result->success);
  EXPECT_EQ(failed.result->exit_code, 1);
}

TEST_F(JobStoreTest, AnotherOwnersJobDoesNotExist) {
  JobStore store(Options(), runner_, clock_);
  Submitted job = SubmitAndWatch(store, "alice", Spec("block"));
  ASSERT_TRUE(runner_.WaitForBlocked(1));
  EXPECT_FALSE(store.Get("bob", job.id).has_value());
  EXPECT_TRUE(store.ListActive("bob").empty());
  EXPECT_EQ(CancelAndWait(store, "bob", job.id).status, CancelStatus::kNotFound);
  // Bob's attempt changed nothing.
  EXPECT_EQ(store.Get("alice", job.id)->status, JobStatus::kRunning);
  EXPECT_EQ(store.ListActive("alice").size(), 1u);
  runner_.ReleaseAll();
  EXPECT_EQ(job.final_view.get().status, JobStatus::kCompleted);
  EXPECT_FALSE(store.Get("bob", job.id).has_value());
  EXPECT_EQ(CancelAndWait(store, "bob", job.id).status, CancelStatus::kNotFound);
}

TEST_F(JobStoreTest, ListShowsPendingAndRunningJobsInSubmissionOrder) {
  JobStore store(Options(/*workers=*/1), runner_, clock_);
  Submitted done = SubmitAndWatch(store, "alice", Spec("quick"));
  done.final_view.get();
  Submitted running = SubmitAndWatch(store, "alice", Spec("block", "bash"));
  ASSERT_TRUE(runner_.WaitForBlocked(1));
  Submitted pending = SubmitAndWatch(store, "alice", Spec("later", "ruby"));
  Submitted other = SubmitAndWatch(store, "bob", Spec("later"));

  const std::vector<api::JobSummary> list = store.ListActive("alice");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].job_id, running.id);
  EXPECT_EQ(list[0].status, JobStatus::kRunning);
  EXPECT_EQ(list[0].language, "bash");
  EXPECT_EQ(list[0].submitted_at, clock_.UnixSeconds());
  EXPECT_EQ(list[1].job_id, pending.id);
  EXPECT_EQ(list[1].status, JobStatus::kPending);
  EXPECT_EQ(list[1].language, "ruby");
  const auto pending_view = store.Get("alice", pending.id);
  EXPECT_FALSE(pending_view->started_at.has_value());
  EXPECT_FALSE(pending_view->completed_at.has_value());
  EXPECT_FALSE(pending_view->result.has_value());
  runner_.ReleaseAll();
}

TEST_F(JobStoreTest, CancellingAPendingJobIsImmediateAndItNeverRuns) {
  JobStore store(Options(/*workers=*/1), runner_, clock_);
  Submitted blocker = SubmitAndWatch(store, "alice", Spec("block"));
  ASSERT_TRUE(runner_.WaitForBlocked(1));
  Submitted pending = SubmitAndWatch(store, "alice", Spec("never"));

  const CancelResult cancel = CancelAndWait(store, "alice", pending.id);
  EXPECT_EQ(cancel.status, CancelStatus::kCancelled);
  EXPECT_EQ(cancel.job.status, JobStatus::kCancelled);
  ASSERT_TRUE(cancel.job.result.has_value());
  EXPECT_FALSE(cancel.job.result->success);
  EXPECT_EQ(cancel.job.result->exit_code, -1);
  EXPECT_EQ(cancel.job.result->error, std::optional<std::string>("Job cancelled by user"));
  EXPECT_EQ(cancel.job.result->stdout_text, "");
  EXPECT_FALSE(cancel.job.started_at.has_value());
  EXPECT_TRUE(cancel.job.completed_at.has_value());
  EXPECT_EQ(pending.final_view.get().status, JobStatus::kCancelled);

  runner_.ReleaseAll();
  blocker.final_view.get();
  const std::vector<std::string> ran = runner_.ran_job_ids();
  EXPECT_EQ(ran, std::vector<std::string>{blocker.id});
}

TEST_F(JobStoreTest, CancellingARunningJobKillsItAndKeepsItsPartialOutput) {
  JobStore store(Options(), runner_, clock_);
  Submitted job = SubmitAndWatch(store, "alice", Spec("block"));
  ASSERT_TRUE(runner_.WaitForBlocked(1));
  const CancelResult cancel = CancelAndWait(store, "alice", job.id);
  EXPECT_EQ(cancel.status, CancelStatus::kCancelled);
  EXPECT_EQ(cancel.job.status, JobStatus::kCancelled);
  EXPECT_EQ(cancel.job.result->stdout_text, "partial output");
  EXPECT_EQ(cancel.job.result->error, std::optional<std::string>("Job cancelled by user"));
  EXPECT_TRUE(cancel.job.started_at.has_value());
  EXPECT_EQ(job.final_view.get().status, JobStatus::kCancelled);
}

TEST_F(JobStoreTest, ADisconnectedClientsJobSaysSo) {
  JobStore store(Options(), runner_, clock_);
  Submitted job = SubmitAndWatch(store, "alice", Spec("block"));
  ASSERT_TRUE(runner_.WaitForBlocked(1));
  store.Cancel("alice", job.id, CancelReason::kClientGone, {});
  const api::JobView view = job.final_view.get();
  EXPECT_EQ(view.status, JobStatus::kCancelled);
  EXPECT_EQ(view.result->error,
            std::optional<std::string>("Job cancelled: the client disconnected"));
}

TEST_F(JobStoreTest, CancellingAFinishedJobSaysItIsFinished) {
  JobStore store(Options(), runner_, clock_);
  Submitted job = SubmitAndWatch(store, "alice", Spec("quick"));
  job.final_view.get();
  const CancelResult cancel = CancelAndWait(store, "alice", job.id);
  EXPECT_EQ(cancel.status, CancelStatus::kAlreadyFinished);
  EXPECT_EQ(cancel.job.status, JobStatus::kCompleted);
  EXPECT_EQ(store.Get("alice", job.id)->status, JobStatus::kCompleted);
  // And a second cancel of a cancelled job as well.
  Submitted blocked = SubmitAndWatch(store, "alice", Spec("block"));
  ASSERT_TRUE(runner_.WaitForBlocked(1));
  EXPECT_EQ(CancelAndWait(store, "alice", blocked.id).status, CancelStatus::kCancelled);
  const CancelResult twice = CancelAndWait(store, "alice", blocked.id);
  EXPECT_EQ(twice.status, CancelStatus::kAlreadyFinished);
  EXPECT_EQ(twice.job.status, JobStatus::kCancelled);
}

TEST_F(JobStoreTest, AFullQueueRefusesRatherThanAcceptingWhatWillNotRun) {
  JobStore store(Options(/*workers=*/1, /*max_pending=*/1), runner_, clock_);
  Submitted running = SubmitAndWatch(store, "alice", Spec("block"));
  Submitted waiting = SubmitAndWatch(store, "bob", Spec("block"));
  const auto refused = store.Submit("alice", Spec("x"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, api::ErrorCode::kQueueFull);
  EXPECT_EQ(refused.error().http_status(), 429);
  const StoreStats stats = store.Stats();
  EXPECT_EQ(stats.pending + stats.running, 2u);

  // Once a job ends, there is room again.
  EXPECT_EQ(CancelAndWait(store, "alice", running.id).status, CancelStatus::kCancelled);
  Submitted accepted = SubmitAndWatch(store, "alice", Spec("quick"));
  EXPECT_FALSE(accepted.id.empty());
  runner_.ReleaseAll();
  EXPECT_EQ(waiting.final_view.get().status, JobStatus::kCompleted);
  EXPECT_EQ(accepted.final_view.get().status, JobStatus::kCompleted);
}

TEST_F(JobStoreTest, APendingByteBudgetAlsoBoundsTheQueue) {
  StoreOptions options = Options(/*workers=*/1, /*max_pending=*/100);
  options.max_pending_bytes = 4096;
  JobStore store(options, runner_, clock_);
  SubmitAndWatch(store, "alice", Spec("block"));
  ASSERT_TRUE(runner_.WaitForBlocked(1));
  // The first waiting job is accepted whatever its size, so that any job
  // the request limits allow can run; the next one over budget is not.
  SubmitAndWatch(store, "alice", Spec(std::string(3000, 'a')));
  const auto refused = store.Submit("alice", Spec(std::string(3000, 'b')));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, api::ErrorCode::kQueueFull);
  runner_.ReleaseAll();
}

TEST_F(JobStoreTest, FinishedJobsAreForgottenAfterTheRetentionPeriod) {
  JobStore store(Options(), runner_, clock_);
  Submitted job = SubmitAndWatch(store, "alice", Spec("quick"));
  job.final_view.get();
  clock_.Advance(59s);
  EXPECT_TRUE(store.Get("alice", job.id).has_value());
  clock_.Advance(1s);
  EXPECT_FALSE(store.Get("alice", job.id).has_value());
  EXPECT_EQ(CancelAndWait(store, "alice", job.id).status, CancelStatus::kNotFound);
  EXPECT_EQ(store.Stats().retained, 0u);
}

TEST_F(JobStoreTest, RunningJobsAreNeverForgotten) {
  JobStore store(Options(), runner_, clock_);
  Submitted job = SubmitAndWatch(store, "alice", Spec("block"));
  ASSERT_TRUE(runner_.WaitForBlocked(1));
  clock_.Advance(10h);
  EXPECT_EQ(store.Get("alice", job.id)->status, JobStatus::kRunning);
  runner_.ReleaseAll();
  job.final_view.get();
  EXPECT_TRUE(store.Get("alice", job.id).has_value());
}

TEST_F(JobStoreTest, RetainedResultsStayWithinTheirByteBudget) {
  StoreOptions options = Options(/*workers=*/1);
  options.max_retained_bytes = 20000;
  JobStore store(options, runner_, clock_);
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) {
    Submitted job = SubmitAndWatch(store, "alice", Spec(std::string(1000, 'x')));
    job.final_view.get();
    ids.push_back(job.id);
  }
  const StoreStats stats = store.Stats();
  EXPECT_LE(stats.retained_bytes, options.max_retained_bytes);
  EXPECT_LT(stats.retained, 40u);
  EXPECT_GT(stats.retained, 5u);
  // The oldest went first; the newest is still there.
  EXPECT_FALSE(store.Get("alice", ids.front()).has_value());
  EXPECT_TRUE(store.Get("alice", ids.back()).has_value());
}

TEST_F(JobStoreTest, ShutdownCancelsWhatCannotFinishAndRefusesNewJobs) {
  JobStore store(Options(/*workers=*/1), runner_, clock_);
  Submitted running = SubmitAndWatch(store, "alice", Spec("block"));
  ASSERT_TRUE(runner_.WaitForBlocked(1));
  Submitted pending = SubmitAndWatch(store, "alice", Spec("never"));
  store.Shutdown(0ms);

  const api::JobView pending_view = pending.final_view.get();
  EXPECT_EQ(pending_view.status, JobStatus::kCancelled);
  EXPECT_EQ(pending_view.result->error,
            std::optional<std::string>("Job cancelled: the server is shutting down"));
  const api::JobView running_view = running.final_view.get();
  EXPECT_EQ(running_view.status, JobStatus::kCancelled);
  EXPECT_EQ(running_view.result->stdout_text, "partial output");

  const auto refused = store.Submit("alice", Spec("x"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, api::ErrorCode::kShuttingDown);
  EXPECT_EQ(runner_.ran_job_ids(), std::vector<std::string>{running.id});
  // Finished jobs stay readable until the store goes.
  EXPECT_EQ(store.Get("alice", running.id)->status, JobStatus::kCancelled);
}

TEST_F(JobStoreTest, ShutdownTellsPendingJobsAtOnceNotAfterTheDrain) {
  JobStore store(Options(/*workers=*/1), runner_, clock_);
  Submitted running = SubmitAndWatch(store, "alice", Spec("block"));
  ASSERT_TRUE(runner_.WaitForBlocked(1));
  Submitted pending = SubmitAndWatch(store, "alice", Spec("never"));
  std::thread shutdown([&store] { store.Shutdown(std::chrono::minutes(5)); });
  // The drain is still waiting for the running job, yet the pending job's
  // client already has its answer.
  ASSERT_EQ(pending.final_view.wait_for(30s), std::future_status::ready);
  EXPECT_EQ(pending.final_view.get().status, JobStatus::kCancelled);
  EXPECT_EQ(running.final_view.wait_for(0s), std::future_status::timeout);
  runner_.ReleaseAll();
  shutdown.join();
  EXPECT_EQ(running.final_view.get().status, JobStatus::kCompleted);
}

TEST_F(JobStoreTest, ConcurrentShutdownsBothReturnWhenAllIsDone) {
  JobStore store(Options(/*workers=*/2), runner_, clock_);
  Submitted running = SubmitAndWatch(store, "alice", Spec("block"));
  ASSERT_TRUE(runner_.WaitForBlocked(1));
  std::atomic<bool> final_seen_by_both{true};
  auto shut = [&] {
    store.Shutdown(0ms);
    // Every callback has run when Shutdown returns, whichever call it was.
    if (running.final_view.wait_for(0s) != std::future_status::ready) final_seen_by_both = false;
  };
  std::thread first(shut), second(shut);
  first.join();
  second.join();
  EXPECT_TRUE(final_seen_by_both);
  EXPECT_EQ(running.final_view.get().status, JobStatus::kCancelled);
}

TEST_F(JobStoreTest, ShutdownLetsRunningJobsFinishWithinTheDrain) {
  JobStore store(Options(/*workers=*/1), runner_, clock_);
  Submitted running = SubmitAndWatch(store, "alice", Spec("block"));
  ASSERT_TRUE(runner_.WaitForBlocked(1));
  std::thread releaser([this] { runner_.ReleaseAll(); });
  store.Shutdown(std::chrono::minutes(5));
  releaser.join();
  EXPECT_EQ(running.final_view.get().status, JobStatus::kCompleted);
}

// Many threads submit, read, list and cancel at once (ThreadSanitizer runs
// this under --config=tsan). Every job ends exactly once, in a final status
// its history allows.
TEST_F(JobStoreTest, ConcurrentClientsSeeConsistentJobs) {
  JobStore store(Options(/*workers=*/4, /*max_pending=*/1000), runner_, clock_);
  constexpr int kThreads = 8;
  constexpr int kJobsPerThread = 60;
  std::atomic<int> finals{0};
  std::atomic<int> violations{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string owner = "key" + std::to_string(t % 3);
      for (int i = 0; i < kJobsPerThread; ++i) {
        const std::string code = i % 3 == 0 ? "block" : (i % 3 == 1 ? "quick" : "timeout");
        auto id = store.Submit(owner, Spec(code), [&](const api::JobView& view) {
          if (!api::IsFinal(view.status) || !view.result) ++violations;
          ++finals;
        });
        if (!id.ok()) {
          ++violations;
          continue;
        }
        const auto view = store.Get(owner, id.value());
        if (!view || view->job_id != id.value()) ++violations;
        if (store.Get("intruder", id.value())) ++violations;
        store.ListActive(owner);
        if (code == "block") {
          store.Cancel(owner, id.value(), CancelReason::kUser, [&](const CancelResult& r) {
            if (r.status == CancelStatus::kNotFound) ++violations;
            if (r.status == CancelStatus::kCancelled && r.job.status != JobStatus::kCancelled) {
              ++violations;
            }
          });
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  store.Shutdown(std::chrono::minutes(1));
  EXPECT_EQ(finals.load(), kThreads * kJobsPerThread);
  EXPECT_EQ(violations.load(), 0);
  const StoreStats stats = store.Stats();
  EXPECT_EQ(stats.pending, 0u);
  EXPECT_EQ(stats.running, 0u);
}

}  // namespace
}  // namespace jobs

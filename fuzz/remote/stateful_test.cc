#include "fuzz/remote/stateful.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fuzz/remote/test_support.h"

namespace remote_fuzz {
namespace {

using conformance::RawResult;
using test::Answer;
using test::Answered;
using test::Context;
using test::ErrorBody;

constexpr char kJob[] = "job_1234567890_abc";

// A scripted target of the job routes. By default it is right: a job goes
// pending -> running -> completed one poll at a time, DELETE cancels what
// has not ended (409 after), and the second key sees nothing of it.
// Every knob makes it wrong in one way.
class FakeJobServer {
 public:
  int second_get_status = 404;         // GET /jobs/{id} with the second key
  int second_delete_status = 404;      // DELETE /jobs/{id} with the second key
  bool second_list_shows_job = false;  // GET /jobs with the second key
  std::string second_key_own_job;      // a job of the second key's own it lists
  // Statuses the primary key's polls report, in order (the last repeats);
  // empty: the real progression.
  std::vector<std::string> scripted_statuses;
  bool delete_always_cancels = false;  // 200 even once the job has ended
  std::string answered_job_id = kJob;  // the job_id its answers name

  std::vector<FuzzCase> received;

  Exchanger AsExchanger() {
    return [this](const FuzzCase& c) { return Handle(c); };
  }

  std::size_t Count(const std::string& method, KeyUse key) const {
    std::size_t n = 0;
    for (const FuzzCase& c : received) {
      n += c.http.method == method && c.http.key == key && c.http.target != "/jobs";
    }
    return n;
  }

 private:
  RawResult Handle(const FuzzCase& c) {
    received.push_back(c);
    const HttpRequest& r = c.http;
    const std::string path = "/jobs/" + std::string(kJob);
    if (r.method == "POST" && r.target == "/execute/async") {
      return Answered(
          {Answer(202, "{\"job_id\":\"" + std::string(kJob) + "\",\"status\":\"pending\"}")});
    }
    if (r.method == "GET" && r.target == "/jobs") {
      std::string jobs = second_list_shows_job && r.key == KeyUse::kSecond
                             ? "[{\"job_id\":\"" + std::string(kJob) + "\",\"status\":\"running\"}]"
                             : "[]";
      if (!second_key_own_job.empty() && r.key == KeyUse::kSecond && jobs == "[]") {
        jobs = "[{\"job_id\":\"" + second_key_own_job + "\",\"status\":\"running\"}]";
      }
      return Answered({Answer(200, "{\"jobs\":" + jobs + "}")});
    }
    if (r.target != path) return Answered({Answer(404, ErrorBody("not_found"))});
    if (r.key == KeyUse::kSecond) {
      const int status = r.method == "GET" ? second_get_status : second_delete_status;
      return Answered({Answer(status, status == 200 ? JobBody() : ErrorBody("not_found"))});
    }
    if (r.method == "GET") {
      if (!scripted_statuses.empty()) {
        status_ = scripted_statuses[std::min(polls_, scripted_statuses.size() - 1)];
      } else if (status_ == "pending") {
        status_ = "running";
      } else if (status_ == "running") {
        status_ = "completed";
      }
      ++polls_;
      return Answered({Answer(200, JobBody())});
    }
    if (r.method == "DELETE") {
      const bool ended = status_ == "completed" || status_ == "cancelled" || status_ == "timeout";
      if (ended && !delete_always_cancels)
        return Answered({Answer(409, ErrorBody("job_finished"))});
      status_ = "cancelled";
      return Answered(
          {Answer(200, "{\"message\":\"Job cancelled\",\"job_id\":\"" + answered_job_id +
                           "\",\"result\":{\"success\":false,\"exit_code\":-1}}")});
    }
    return Answered({Answer(405, ErrorBody("method_not_allowed"))});
  }

  std::string JobBody() const {
    return "{\"job_id\":\"" + answered_job_id + "\",\"status\":\"" + status_ + "\"}";
  }

  std::string status_ = "pending";
  std::size_t polls_ = 0;
};

std::string Describe(const SequenceResult& result) {
  std::string text;
  for (const SequenceViolation& v : result.violations) {
    text += (v.violation.strict ? "FAILED " : "NON-STRICT ") + v.violation.check + " (" +
            std::to_string(v.status) + " to " + v.request.http.method + " " +
            v.request.http.target + "): " + v.violation.message + "\n";
  }
  return text.empty() ? "(none)" : text;
}

// Sequences from several seeds against a fresh fake each; `judge` sees the
// fake (what it received) and the result.
template <class Setup, class Judge>
void ForSeeds(int seeds, Setup setup, Judge judge) {
  for (int seed = 1; seed <= seeds; ++seed) {
    FakeJobServer server;
    setup(server);
    Rng rng(static_cast<std::uint64_t>(seed), 0);
    const SequenceResult result = RunStatefulSequence(rng, server.AsExchanger(), Context());
    SCOPED_TRACE("seed " + std::to_string(seed) + ": " + Describe(result));
    EXPECT_EQ(result.skipped, "");
    EXPECT_EQ(result.requests, server.received.size());
    judge(server, result);
  }
}

TEST(RunStatefulSequence, ARightTargetBreaksNoRule) {
  ForSeeds(
      12, [](FakeJobServer&) {},
      [](const FakeJobServer& server, const SequenceResult& result) {
        EXPECT_TRUE(result.violations.empty());
        // It created one job, with the primary key, and cancelled it.
        ASSERT_FALSE(server.received.empty());
        EXPECT_EQ(server.received[0].http.method, "POST");
        EXPECT_EQ(server.received[0].http.target, "/execute/async");
        EXPECT_EQ(server.received[0].http.key, KeyUse::kPrimary);
        EXPECT_NE(server.received[0].http.body.find("\"ttl\":10"), std::string::npos);
        EXPECT_GE(server.Count("DELETE", KeyUse::kPrimary), 1u);
        const FuzzCase& last = server.received.back();
        EXPECT_EQ(last.http.method, "GET");
        EXPECT_EQ(last.http.target, "/jobs/" + std::string(kJob));
        EXPECT_EQ(result.statuses.size(), server.received.size());
      });
}

TEST(RunStatefulSequence, TheSecondKeyReadingTheJobIsAStrictViolation) {
  std::size_t seen = 0;
  ForSeeds(
      12, [](FakeJobServer& server) { server.second_get_status = 200; },
      [&](const FakeJobServer& server, const SequenceResult& result) {
        const std::size_t reads = server.Count("GET", KeyUse::kSecond);
        std::size_t found = 0;
        for (const SequenceViolation& v : result.violations) {
          if (v.request.http.key != KeyUse::kSecond) continue;
          ++found;
          EXPECT_EQ(v.violation.check, "stateful");
          EXPECT_TRUE(v.violation.strict);
          EXPECT_EQ(v.status, 200);
          EXPECT_NE(v.violation.message.find("second key read"), std::string::npos);
        }
        EXPECT_EQ(found, reads) << "one violation per read";
        seen += reads;
      });
  EXPECT_GT(seen, 0u) << "no seed made the second key read the job: the test proves nothing";
}

TEST(RunStatefulSequence, TheSecondKeyCancellingOrSeeingTheJob) {
  std::size_t deletes = 0;
  ForSeeds(
      12, [](FakeJobServer& server) { server.second_delete_status = 409; },
      [&](const FakeJobServer& server, const SequenceResult& result) {
        const std::size_t n = server.Count("DELETE", KeyUse::kSecond);
        deletes += n;
        EXPECT_EQ(result.violations.size(), n);
        for (const SequenceViolation& v : result.violations) {
          EXPECT_FALSE(v.violation.strict) << "409 only tells that the job exists";
          EXPECT_EQ(v.status, 409);
        }
      });
  EXPECT_GT(deletes, 0u);

  std::size_t lists = 0;
  ForSeeds(
      12, [](FakeJobServer& server) { server.second_list_shows_job = true; },
      [&](const FakeJobServer& server, const SequenceResult& result) {
        std::size_t n = 0;
        for (const FuzzCase& c : server.received) n += c.http.target == "/jobs";
        lists += n;
        EXPECT_EQ(result.violations.size(), n);
        for (const SequenceViolation& v : result.violations) {
          EXPECT_TRUE(v.violation.strict);
          EXPECT_EQ(v.request.http.target, "/jobs");
        }
      });
  EXPECT_GT(lists, 0u);
}

// The second key's own jobs may have ids that contain the first key's:
// only an entry with that very id is a leak.
TEST(RunStatefulSequence, AListIsJudgedByJobIdNotBySubstring) {
  std::size_t lists = 0;
  ForSeeds(
      12, [](FakeJobServer& server) { server.second_key_own_job = std::string(kJob) + "_other"; },
      [&](const FakeJobServer& server, const SequenceResult& result) {
        for (const FuzzCase& c : server.received) lists += c.http.target == "/jobs";
        EXPECT_TRUE(result.violations.empty());
      });
  EXPECT_GT(lists, 0u);
}

TEST(RunStatefulSequence, AStatusGoingBackwardsIsAViolation) {
  std::size_t backwards = 0;
  ForSeeds(
      12,
      [](FakeJobServer& server) {
        server.scripted_statuses = {"completed", "running"};
      },
      [&](const FakeJobServer& server, const SequenceResult& result) {
        // completed, then running: only seen with a second poll.
        const bool polled_twice = server.Count("GET", KeyUse::kPrimary) >= 2;
        bool found = false;
        for (const SequenceViolation& v : result.violations) {
          EXPECT_EQ(v.violation.check, "stateful");
          EXPECT_TRUE(v.violation.strict);
          found = found || v.violation.message.find("completed -> running") != std::string::npos;
        }
        EXPECT_EQ(found, polled_twice);
        backwards += polled_twice;
      });
  EXPECT_GT(backwards, 0u);
}

TEST(RunStatefulSequence, ACancelledJobThatCompletesIsAViolation) {
  ForSeeds(
      6,
      [](FakeJobServer& server) {
        server.scripted_statuses = {"completed"};
        server.delete_always_cancels = true;
      },
      [](const FakeJobServer&, const SequenceResult& result) {
        // Every sequence ends with a DELETE (200) and a GET (completed).
        bool found = false;
        for (const SequenceViolation& v : result.violations) {
          EXPECT_TRUE(v.violation.strict);
          found = found || v.violation.message.find("was cancelled") != std::string::npos;
        }
        EXPECT_TRUE(found);
      });
}

TEST(RunStatefulSequence, AnAnswerNamingAnotherJob) {
  ForSeeds(
      4, [](FakeJobServer& server) { server.answered_job_id = "someone-elses-job"; },
      [](const FakeJobServer&, const SequenceResult& result) {
        bool found = false;
        for (const SequenceViolation& v : result.violations) {
          found =
              found || v.violation.message.find("names job someone-elses-job") != std::string::npos;
        }
        EXPECT_TRUE(found);
      });
}

TEST(RunStatefulSequence, NoJobNoSequence) {
  std::vector<FuzzCase> received;
  const Exchanger refuses = [&](const FuzzCase& c) {
    received.push_back(c);
    return Answered({Answer(429, ErrorBody("queue_full"))});
  };
  Rng rng(1, 0);
  SequenceResult result = RunStatefulSequence(rng, refuses, Context());
  EXPECT_EQ(result.skipped, "the job was not created");
  EXPECT_TRUE(result.violations.empty());
  EXPECT_EQ(received.size(), 1u);

  const Exchanger no_id = [&](const FuzzCase&) {
    return Answered({Answer(202, R"({"status":"pending"})")});
  };
  Rng again(1, 0);
  result = RunStatefulSequence(again, no_id, Context());
  ASSERT_EQ(result.violations.size(), 1u);
  EXPECT_NE(result.violations[0].violation.message.find("without a job_id"), std::string::npos);
  EXPECT_EQ(result.violations[0].status, 202);
}

TEST(RunStatefulSequence, OneKeyOnlyNeverUsesTheSecond) {
  TargetContext context = Context();
  context.second_key.clear();
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    FakeJobServer server;
    server.second_get_status = 200;
    Rng rng(seed, 0);
    const SequenceResult result = RunStatefulSequence(rng, server.AsExchanger(), context);
    EXPECT_TRUE(result.violations.empty()) << Describe(result);
    for (const FuzzCase& c : server.received) EXPECT_NE(c.http.key, KeyUse::kSecond);
  }
}

TEST(RunCanary, HelloIsAlive) {
  std::vector<FuzzCase> received;
  const Exchanger hello = [&](const FuzzCase& c) {
    received.push_back(c);
    return Answered({Answer(200, R"({"success":true,"stdout":"hello\n","exit_code":0})")});
  };
  const SequenceResult result = RunCanary(hello, Context());
  EXPECT_TRUE(result.violations.empty()) << Describe(result);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].http.method, "POST");
  EXPECT_EQ(received[0].http.target, "/execute");
  EXPECT_EQ(received[0].http.key, KeyUse::kPrimary);
  EXPECT_NE(received[0].http.body.find("print('hello')"), std::string::npos)
      << received[0].http.body;
  EXPECT_NE(received[0].http.body.find("\"language\":\"python\""), std::string::npos);
}

TEST(RunCanary, SilenceOrAWrongAnswerIsNotAlive) {
  const SequenceResult silent =
      RunCanary([](const FuzzCase&) { return test::TimedOut(); }, Context());
  ASSERT_EQ(silent.violations.size(), 1u);
  EXPECT_EQ(silent.violations[0].violation.check, "still_alive");
  EXPECT_TRUE(silent.violations[0].violation.strict);
  EXPECT_EQ(silent.violations[0].status, 0);
  EXPECT_EQ(silent.violations[0].request.http.target, "/execute");

  for (const conformance::RawAnswer& wrong :
       {Answer(500, ErrorBody("internal")), Answer(200, R"({"stdout":"bye"})"),
        Answer(200, "hello"), Answer(429, ErrorBody("queue_full"))}) {
    std::size_t calls = 0;
    const SequenceResult result = RunCanary(
        [&](const FuzzCase&) {
          ++calls;
          return Answered({wrong});
        },
        Context());
    ASSERT_EQ(result.violations.size(), 1u) << wrong.status << " " << wrong.body;
    EXPECT_EQ(result.violations[0].violation.check, "still_alive");
    EXPECT_EQ(result.violations[0].status, wrong.status);
    EXPECT_EQ(calls, 1u) << "no Retry-After: no retry";
  }
}

TEST(JobIdOf, ReadsStringMembersOnly) {
  EXPECT_EQ(JobIdOf(R"({"job_id":"j-1","status":"pending"})"), "j-1");
  EXPECT_EQ(JobStatusOf(R"({"job_id":"j-1","status":"pending"})"), "pending");
  EXPECT_EQ(JobIdOf(R"({"job_id":17})"), "");
  EXPECT_EQ(JobIdOf("not json"), "");
  EXPECT_EQ(JobIdOf(R"(["job_id"])"), "");
  EXPECT_EQ(JobStatusOf("{}"), "");
}

}  // namespace
}  // namespace remote_fuzz

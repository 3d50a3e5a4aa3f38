#include "conformance/case_runner.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "conformance/fixture.h"
#include "conformance/request_builder.h"
#include "conformance/schema_store.h"
#include "conformance/test_util.h"

namespace conformance {
namespace {

using test::DirectoryWith;
using test::ErrorText;
using test::Has;
using test::RunfilesPath;
using Clock = std::chrono::steady_clock;

struct Reply {
  int status = 200;
  std::string body = "";
  bool close = false;        // close the connection after this answer
  std::string headers = "";  // more header lines, each ending in \r\n
  bool silent = false;       // close the connection without answering
};

// An HTTP/1.1 server on 127.0.0.1 answering from a script: `handle(method,
// target, body)`. Keeps connections alive; records every request line.
class ScriptedServer {
 public:
  using Handler = std::function<Reply(const std::string&, const std::string&, const std::string&)>;

  explicit ScriptedServer(Handler handle) : handle_(std::move(handle)) {
    listen_fd_ = test::ListenOnLoopback(&port_);
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedServer() {
    shutdown(listen_fd_, SHUT_RDWR);
    thread_.join();
    close(listen_fd_);
  }
  std::uint16_t port() const { return static_cast<std::uint16_t>(port_); }
  std::vector<std::string> requests() {
    const std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  // One connection at a time is enough: the runner's client keeps one.
  void Serve() {
    while (true) {
      const int fd = accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      std::string buffer;
      while (ServeOne(fd, buffer)) {
      }
      close(fd);
    }
  }

  bool ServeOne(int fd, std::string& buffer) {
    char chunk[4096];
    std::size_t end;
    while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
      const ssize_t n = read(fd, chunk, sizeof chunk);
      if (n <= 0) return false;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    const std::string head = buffer.substr(0, end);
    std::size_t length = 0;
    if (const std::size_t at = head.find("Content-Length: "); at != std::string::npos) {
      length = std::strtoul(head.c_str() + at + 16, nullptr, 10);
    }
    while (buffer.size() < end + 4 + length) {
      const ssize_t n = read(fd, chunk, sizeof chunk);
      if (n <= 0) return false;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    const std::string line = head.substr(0, head.find("\r\n"));
    const std::string body = buffer.substr(end + 4, length);
    buffer.erase(0, end + 4 + length);
    const std::string method = line.substr(0, line.find(' '));
    const std::string target = line.substr(method.size() + 1, line.rfind(' ') - method.size() - 1);
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      requests_.push_back(method + " " + target);
    }
    const Reply reply = handle_(method, target, body);
    if (reply.silent) return false;
    const std::string answer = "HTTP/1.1 " + std::to_string(reply.status) +
                               " X\r\nContent-Type: application/json\r\n" + reply.headers +
                               "Content-Length: " + std::to_string(reply.body.size()) + "\r\n\r\n" +
                               reply.body;
    return write(fd, answer.data(), answer.size()) == static_cast<ssize_t>(answer.size()) &&
           !reply.close;
  }

  Handler handle_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> requests_;
};

class CaseRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(ErrorText(schemas_.LoadDirectory(RunfilesPath("fixtures/schemas"))), "");
  }

  // Loads one case (the JSON of a case object) and runs it against `server`.
  CaseResult Run(const std::string& case_json, ScriptedServer& server, Target target = {}) {
    target.url.host = "127.0.0.1";
    target.url.port = server.port();
    return RunAt(case_json, target);
  }

  // The case against target's URL as given.
  CaseResult RunAt(const std::string& case_json, Target target) {
    const std::string file = R"j({"cases": [)j" + case_json + "]}";
    base::Expected<std::vector<Case>> loaded =
        LoadCases(DirectoryWith({{"case.json", file}}),
                  RunfilesPath("conformance/case_format.json"), schemas_);
    EXPECT_EQ(ErrorText(loaded), "");
    cases_ = loaded.ok() ? std::move(loaded).value() : std::vector<Case>();
    if (cases_.size() != 1) return {};
    target.primary_key = "key-one";
    HttpClient client(target.url);
    return RunCase(cases_[0], target, schemas_, options_, client);
  }

  // The run's deadline, `ms` from now (--max-duration).
  void StopIn(std::int64_t ms) { options_.stop_at = Clock::now() + std::chrono::milliseconds(ms); }

  SchemaStore schemas_;
  RunOptions options_;
  std::vector<Case> cases_;
};

// A case that submits a job and polls it to the end.
constexpr char kPollCase[] = R"j({
  "id": "t.poll", "title": "t", "section": "s", "requirement": "It MUST complete.",
  "level": "documented",
  "steps": [
    {"request": {"method": "POST", "path": "/execute/async", "json": {"language": "python", "code": "x"}},
     "expect": {"status": 202, "json": [{"path": "/status", "equals": "pending"}]},
     "alternatives": [{"grade": "NON-STRICT", "because": "200 instead of 202", "status": 200}],
     "capture": {"job_id": "/job_id"}},
    {"poll": {"job": "${job_id}", "deadline_s": 10},
     "expect": {"status": 200, "json": [{"path": "/status", "equals": "completed"}]}}]})j";

// A server whose job goes through `statuses`, one per GET.
ScriptedServer::Handler JobGoingThrough(std::vector<std::string> statuses, int ack_status = 202) {
  auto next = std::make_shared<std::atomic<std::size_t>>(0);
  return [statuses, next, ack_status](const std::string& method, const std::string& target,
                                      const std::string&) -> Reply {
    if (method == "POST") return {ack_status, R"j({"job_id":"j-1","status":"pending"})j"};
    if (method == "GET" && target == "/jobs/j-1") {
      const std::size_t i = std::min(next->fetch_add(1), statuses.size() - 1);
      return {200, R"j({"job_id":"j-1","status":")j" + statuses[i] + "\"}"};
    }
    return {404, R"j({"success":false,"error":"no","code":"not_found"})j"};
  };
}

TEST_F(CaseRunnerTest, AJobThatCompletesIsOk) {
  ScriptedServer server(JobGoingThrough({"pending", "running", "completed"}));
  const CaseResult result = Run(kPollCase, server);
  EXPECT_EQ(result.grade, Grade::kOk) << (result.mismatches.empty() ? "" : result.mismatches[0]);
  EXPECT_EQ(result.exchanges.size(), 4u);
}

TEST_F(CaseRunnerTest, AnAcceptedAlternativeIsNonStrictWithItsReason) {
  ScriptedServer server(JobGoingThrough({"completed"}, 200));
  const CaseResult result = Run(kPollCase, server);
  EXPECT_EQ(result.grade, Grade::kNonStrict);
  EXPECT_TRUE(Has(result.reason, "200 instead of 202"));
}

TEST_F(CaseRunnerTest, AStatusGoingBackFailsTheCase) {
  ScriptedServer server(JobGoingThrough({"running", "pending", "completed"}));
  const CaseResult result = Run(kPollCase, server);
  ASSERT_EQ(result.grade, Grade::kFailed);
  EXPECT_EQ(result.failed_step, "job status transitions");
  ASSERT_FALSE(result.mismatches.empty());
  EXPECT_TRUE(Has(result.mismatches[0], "went back from running to pending"));
}

TEST_F(CaseRunnerTest, AnUndocumentedStatusFailsAtOnceWithACurlLine) {
  ScriptedServer server(JobGoingThrough({"running", "done"}));
  const CaseResult result = Run(kPollCase, server);
  ASSERT_EQ(result.grade, Grade::kFailed);
  EXPECT_EQ(result.failed_step, "step 2");
  EXPECT_TRUE(Has(result.mismatches[0], "/status: expected \"completed\", got \"done\""));
  EXPECT_TRUE(Has(result.curl, "curl -sS -i -X GET 'http://127.0.0.1:"));
  EXPECT_TRUE(Has(result.curl, "/jobs/j-1' -H \"Authorization: Bearer ${API_KEY}\""));
  EXPECT_TRUE(Has(result.requirement, "MUST complete"));
}

TEST_F(CaseRunnerTest, AJobStuckBeforeTheDeadlineFailsAndIsCancelled) {
  ScriptedServer server(JobGoingThrough({"running"}));
  const std::string stuck = std::string(kPollCase).replace(
      std::string(kPollCase).find("\"deadline_s\": 10"), 16, "\"deadline_s\": 1");
  const CaseResult result = Run(stuck, server);
  ASSERT_EQ(result.grade, Grade::kFailed);
  EXPECT_TRUE(Has(result.mismatches[0], "still running after"));
  // The job left running is cancelled as the case ends.
  const std::vector<std::string> requests = server.requests();
  EXPECT_EQ(requests.back(), "DELETE /jobs/j-1");
  EXPECT_EQ(result.cleanup, std::vector<std::string>{"DELETE /jobs/j-1: 404"});
  EXPECT_FALSE(result.cut_short);
}

TEST_F(CaseRunnerTest, AChangedJobIdFails) {
  ScriptedServer server(
      [](const std::string& method, const std::string&, const std::string&) -> Reply {
        if (method == "POST") return {202, R"j({"job_id":"j-1","status":"pending"})j"};
        return {200, R"j({"job_id":"j-2","status":"completed"})j"};
      });
  const CaseResult result = Run(kPollCase, server);
  ASSERT_EQ(result.grade, Grade::kFailed);
  EXPECT_TRUE(Has(result.mismatches[0], "the job was j-1, the answer says \"j-2\""));
}

TEST_F(CaseRunnerTest, UnmetNeedsSkipWithTheReason) {
  ScriptedServer server(JobGoingThrough({"completed"}));
  const std::string needs_second_key = std::string(kPollCase).replace(
      std::string(kPollCase).find("\"level\""), 7, "\"needs\": [\"second_key\"], \"level\"");
  const CaseResult result = Run(needs_second_key, server);
  EXPECT_EQ(result.grade, Grade::kSkipped);
  EXPECT_TRUE(Has(result.reason, "--second-api-key"));
  EXPECT_TRUE(server.requests().empty());
}

// The first program variant in a language the target lists is used.
TEST_F(CaseRunnerTest, ProgramsFollowTheTargetsLanguages) {
  std::string seen;
  ScriptedServer server(
      [&seen](const std::string&, const std::string&, const std::string& body) -> Reply {
        seen = body;
        return {200, R"j({"success":true,"stdout":"hi\n"})j"};
      });
  constexpr char kCase[] = R"j({
    "id": "t.lang", "title": "t", "section": "s", "requirement": "It MUST print.",
    "level": "documented",
    "programs": {"ruby": {"code": "puts 'hi'"}, "bash": {"code": "echo hi"}},
    "steps": [{"request": {"method": "POST", "path": "/execute",
                           "json": {"language": "${language}", "code": "${code}"}},
               "expect": {"status": 200, "json": [{"path": "/stdout", "equals": "hi\n"}]}}]})j";
  Target target;
  target.languages = std::set<std::string>{"python", "bash"};
  const CaseResult result = Run(kCase, server, target);
  EXPECT_EQ(result.grade, Grade::kOk);
  EXPECT_EQ(result.language, "bash");
  EXPECT_EQ(seen, R"j({"language":"bash","code":"echo hi"})j");
  target.languages = std::set<std::string>{"python"};
  const CaseResult skipped = Run(kCase, server, target);
  EXPECT_EQ(skipped.grade, Grade::kSkipped);
  EXPECT_TRUE(Has(skipped.reason, "(ruby, bash)"));
}

// A raw step that asks the server to close after its answer.
constexpr char kCloseCase[] = R"j({
  "id": "t.raw", "title": "t", "section": "s", "requirement": "It MUST close.",
  "level": "reference",
  "steps": [{"raw": {"send": ["GET /x HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${api_key}\r\nConnection: close\r\n\r\n"],
                     "close_wait_ms": 300},
             "expect": {"status": 200, "connection": "closed"}}]})j";

ScriptedServer::Handler Answering(int status, bool close) {
  return [status, close](const std::string&, const std::string& target, const std::string&) {
    return target == "/x" ? Reply{status, "{}", close} : Reply{404, "{}", close};
  };
}

TEST_F(CaseRunnerTest, ARawStepPassesWhenTheServerClosesAsAsked) {
  ScriptedServer server(Answering(200, true));
  const CaseResult result = Run(kCloseCase, server);
  EXPECT_EQ(result.grade, Grade::kOk) << (result.mismatches.empty() ? "" : result.mismatches[0]);
  EXPECT_EQ(server.requests(), std::vector<std::string>{"GET /x"});
  ASSERT_EQ(result.exchanges.size(), 1u);
  EXPECT_EQ(result.exchanges[0].request, "GET /x HTTP/1.1  [raw: 92 bytes]");
  EXPECT_EQ(result.exchanges[0].status, 200);
  EXPECT_TRUE(Has(result.exchanges[0].answer, "200 X; closed after"));
}

TEST_F(CaseRunnerTest, ConnectionClosedFailsAgainstAServerThatKeepsItOpen) {
  ScriptedServer server(Answering(200, false));
  const CaseResult result = Run(kCloseCase, server);
  ASSERT_EQ(result.grade, Grade::kFailed);
  EXPECT_EQ(result.mismatches,
            std::vector<std::string>{"connection: expected closed by the server within 300 ms of "
                                     "the last answer, still open"});
  EXPECT_TRUE(Has(result.actual, "connection: still open 300 ms after the last answer"));
  EXPECT_TRUE(Has(result.actual, "last answer:\n200 X\nContent-Type: application/json"));
  // The replay sends the same bytes, the key masked.
  EXPECT_TRUE(Has(result.curl, "exec 3<>/dev/tcp/127.0.0.1/" + std::to_string(server.port())));
  EXPECT_TRUE(Has(result.curl,
                  "Authorization: Bearer %s\\r\\nConnection: close\\r\\n\\r\\n' "
                  "\"${API_KEY}\""));
  EXPECT_FALSE(Has(result.curl, "key-one"));
}

// The replay line, run with bash, gets the same answer from the server.
TEST_F(CaseRunnerTest, ARawReplayLineReproducesTheExchange) {
  ScriptedServer server(Answering(503, true));
  const CaseResult result = Run(kCloseCase, server);
  ASSERT_EQ(result.grade, Grade::kFailed);
  int status = 0;
  const std::string out =
      test::RunShell("API_KEY=key-one timeout 20 bash -c " + ShellQuote(result.curl), &status);
  EXPECT_EQ(status, 0);
  EXPECT_EQ(out.substr(0, 14), "HTTP/1.1 503 X");
  EXPECT_EQ(server.requests(), (std::vector<std::string>{"GET /x", "GET /x"}));
}

// Raw steps run over TLS on an https target (`openssl s_server -www`
// answers 200 and closes); a certificate the runner does not trust fails
// the step with the handshake error.
TEST_F(CaseRunnerTest, RawStepsRunOnHttpsTargets) {
  test::TlsServer tls;
  Target target;
  target.url = tls.url();
  target.url.ca_file = tls.ca_file();
  const CaseResult trusted = RunAt(kCloseCase, target);
  EXPECT_EQ(trusted.grade, Grade::kOk) << trusted.reason << trusted.actual;
  target.url.ca_file = "";
  const CaseResult untrusted = RunAt(kCloseCase, target);
  EXPECT_EQ(untrusted.grade, Grade::kFailed);
  EXPECT_TRUE(Has(untrusted.actual, "TLS handshake with https://127.0.0.1:"));
}

TEST_F(CaseRunnerTest, ARawExchangeErrorFailsWithItsText) {
  ScriptedServer server(Answering(200, false));
  constexpr char kCase[] = R"j({
    "id": "t.raw", "title": "t", "section": "s", "requirement": "It MUST answer.",
    "level": "reference",
    "steps": [{"raw": {"send": ["GET /x HTTP/1.1\r\nHost: ${host}\r\n"], "timeout_s": 0.3},
               "expect": {"status": 200},
               "alternatives": [{"grade": "NON-STRICT", "because": "no answer", "answers": []}]}]})j";
  const CaseResult result = Run(kCase, server);
  ASSERT_EQ(result.grade, Grade::kFailed);
  EXPECT_EQ(result.mismatches, std::vector<std::string>{
                                   "the exchange failed: no complete answer within 300 ms: 0 of 1 "
                                   "answers"});
  EXPECT_TRUE(Has(result.actual, "error: no complete answer within 300 ms"));
}

constexpr char kPipelineCase[] = R"j({
  "id": "t.pipeline", "title": "t", "section": "s", "requirement": "It MUST keep the order.",
  "level": "reference",
  "steps": [{"raw": {"send": ["GET /x HTTP/1.1\r\nHost: ${host}\r\n\r\nGET /y HTTP/1.1\r\nHost: ${host}\r\n\r\n"],
                     "answers": 2},
             "expect": {"answers": [200, 404]},
             "alternatives": [{"grade": "NON-STRICT", "because": "answers the first only, then closes",
                               "answers": [200]}]}]})j";

TEST_F(CaseRunnerTest, PipelinedAnswersAreJudgedInOrder) {
  ScriptedServer server(Answering(200, false));
  const CaseResult result = Run(kPipelineCase, server);
  EXPECT_EQ(result.grade, Grade::kOk) << (result.mismatches.empty() ? "" : result.mismatches[0]);
  EXPECT_EQ(server.requests(), (std::vector<std::string>{"GET /x", "GET /y"}));
}

TEST_F(CaseRunnerTest, AnAnswerOutOfOrderFailsNamingIt) {
  ScriptedServer server([](const std::string&, const std::string& target, const std::string&) {
    return Reply{target == "/x" ? 404 : 200, "{}"};
  });
  const CaseResult result = Run(kPipelineCase, server);
  ASSERT_EQ(result.grade, Grade::kFailed);
  EXPECT_EQ(result.mismatches,
            (std::vector<std::string>{"answer 1: status expected 200, got 404",
                                      "answer 2: status expected 404, got 200"}));
}

// A server that closes between answers may be judged by an alternative
// that expects it.
TEST_F(CaseRunnerTest, ACloseBetweenAnswersIsJudged) {
  ScriptedServer server(Answering(200, true));
  const CaseResult result = Run(kPipelineCase, server);
  EXPECT_EQ(result.grade, Grade::kNonStrict);
  EXPECT_TRUE(Has(result.reason, "answers the first only, then closes"));
}

// --- Clean-up: every job the case made and left unfinished is cancelled.

// A case that submits a job (with `key`) and ends without waiting for it.
std::string SubmitCase(const std::string& key = "primary") {
  return R"j({
    "id": "t.submit", "title": "t", "section": "s", "requirement": "It MUST accept.",
    "level": "documented",
    "steps": [{"request": {"method": "POST", "path": "/execute/async", "key": ")j" +
         key + R"j(", "json": {"language": "python", "code": "x"}},
               "expect": {"status": 202}}]})j";
}

ScriptedServer::Handler Acknowledging(Reply ack, bool answer_deletes = true) {
  return [ack, answer_deletes](const std::string& method, const std::string&,
                               const std::string&) -> Reply {
    if (method == "POST") return ack;
    if (method == "DELETE" && !answer_deletes) return Reply{.silent = true};
    return {200, R"j({"message":"cancelled"})j"};
  };
}

TEST_F(CaseRunnerTest, AnAcknowledgementWithoutAStatusIsCancelledToo) {
  ScriptedServer server(Acknowledging({202, R"j({"job_id":"j-9"})j"}));
  const CaseResult result = Run(SubmitCase(), server);
  EXPECT_EQ(result.grade, Grade::kOk) << (result.mismatches.empty() ? "" : result.mismatches[0]);
  EXPECT_EQ(server.requests(),
            (std::vector<std::string>{"POST /execute/async", "DELETE /jobs/j-9"}));
  EXPECT_EQ(result.cleanup, std::vector<std::string>{"DELETE /jobs/j-9: 200"});
}

TEST_F(CaseRunnerTest, AJobNamedOnlyByItsLocationIsCancelled) {
  ScriptedServer server(
      Acknowledging({.status = 202, .body = "{}", .headers = "Location: /jobs/j-7\r\n"}));
  const CaseResult result = Run(SubmitCase(), server);
  EXPECT_EQ(server.requests(),
            (std::vector<std::string>{"POST /execute/async", "DELETE /jobs/j-7"}));
  EXPECT_EQ(result.cleanup, std::vector<std::string>{"DELETE /jobs/j-7: 200"});
}

TEST_F(CaseRunnerTest, ARefusalOrAFinishedResultLeavesNothingToCancel) {
  for (const Reply& answer : {Reply{400, R"j({"job_id":"j-1","error":"bad"})j"},
                              Reply{200, R"j({"success":true,"stdout":"","job_id":"j-1"})j"},
                              Reply{202, R"j({"job_id":"j-1","status":"completed"})j"}}) {
    ScriptedServer server(Acknowledging(answer));
    const CaseResult result = Run(SubmitCase(), server);
    EXPECT_EQ(server.requests(), std::vector<std::string>{"POST /execute/async"}) << answer.body;
    EXPECT_TRUE(result.cleanup.empty()) << answer.body;
  }
}

TEST_F(CaseRunnerTest, AJobIsCancelledWithTheKeyThatMadeIt) {
  ScriptedServer server(Acknowledging({202, R"j({"job_id":"j-2","status":"pending"})j"}));
  Target target;
  target.second_key = "key-two";
  const CaseResult result = Run(SubmitCase("second"), server, target);
  EXPECT_EQ(result.cleanup, std::vector<std::string>{"DELETE /jobs/j-2 (second key): 200"});
}

TEST_F(CaseRunnerTest, ACancellationWithoutAnAnswerIsRecorded) {
  ScriptedServer server(Acknowledging({202, R"j({"job_id":"j-3","status":"running"})j"}, false));
  const CaseResult result = Run(SubmitCase(), server);
  ASSERT_EQ(result.cleanup.size(), 1u);
  EXPECT_TRUE(Has(result.cleanup[0], "DELETE /jobs/j-3: no answer: ")) << result.cleanup[0];
}

// --- The run's deadline (--max-duration).

TEST(CapTimeoutTest, TheDeadlineShortensEveryWait) {
  using std::chrono::milliseconds;
  const Clock::time_point now = Clock::now();
  EXPECT_EQ(CapTimeout(milliseconds(30'000), std::nullopt, now), milliseconds(30'000));
  EXPECT_EQ(CapTimeout(milliseconds(30'000), now + milliseconds(250), now), milliseconds(250));
  EXPECT_EQ(CapTimeout(milliseconds(100), now + milliseconds(250), now), milliseconds(100));
  // Rounded up, so that a wait cut by the deadline ends at or after it.
  EXPECT_EQ(CapTimeout(milliseconds(30'000), now + std::chrono::microseconds(1), now),
            milliseconds(1));
  EXPECT_EQ(CapTimeout(milliseconds(30'000), now, now), milliseconds(0));
  EXPECT_EQ(CapTimeout(milliseconds(30'000), now - milliseconds(5), now), milliseconds(0));
}

TEST(CapTimeoutTest, StoppedReason) {
  EXPECT_EQ(StoppedReason(2.54, "poll"), "stopped by --max-duration after 2.5 s in step \"poll\"");
  EXPECT_EQ(StoppedReason(0, "step 3"), "stopped by --max-duration after 0.0 s in step 3");
}

// A server that takes connections and never answers.
class StalledServer {
 public:
  StalledServer()
      : server_(1, [](int fd) {
          char buffer[4096];
          while (read(fd, buffer, sizeof buffer) > 0) {
          }
        }) {}
  TargetUrl url() const { return server_.url(); }

 private:
  test::RawServer server_;
};

constexpr char kSlowRequestCase[] = R"j({
  "id": "t.slow", "title": "t", "section": "s", "requirement": "It MUST answer.",
  "level": "documented",
  "steps": [{"request": {"method": "GET", "path": "/jobs", "timeout_s": 60},
             "expect": {"status": 200}}]})j";

TEST_F(CaseRunnerTest, ARequestInFlightStopsAtTheDeadline) {
  const Clock::time_point start = Clock::now();
  {
    StalledServer stalled;
    Target target;
    target.url = stalled.url();
    StopIn(300);
    const CaseResult result = RunAt(kSlowRequestCase, target);
    EXPECT_EQ(result.grade, Grade::kSkipped);
    EXPECT_TRUE(result.cut_short);
    EXPECT_TRUE(Has(result.reason, "stopped by --max-duration after 0.")) << result.reason;
    EXPECT_TRUE(Has(result.reason, " s in step 1")) << result.reason;
    EXPECT_TRUE(result.mismatches.empty());
    EXPECT_EQ(result.failed_step, "");
    ASSERT_EQ(result.exchanges.size(), 1u);  // the wire log keeps what was tried
  }
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 10);
}

TEST_F(CaseRunnerTest, APollStopsAtTheDeadlineAndItsJobIsStillCancelled) {
  ScriptedServer server(JobGoingThrough({"running"}));
  const Clock::time_point start = Clock::now();
  StopIn(500);
  const CaseResult result = Run(kPollCase, server);
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 5);
  EXPECT_EQ(result.grade, Grade::kSkipped);
  EXPECT_TRUE(result.cut_short);
  EXPECT_TRUE(Has(result.reason, " s in step 2")) << result.reason;
  EXPECT_EQ(server.requests().back(), "DELETE /jobs/j-1");
  EXPECT_EQ(result.cleanup, std::vector<std::string>{"DELETE /jobs/j-1: 404"});
}

TEST_F(CaseRunnerTest, NoCleanUpTimeLeftIsRecorded) {
  ScriptedServer server(JobGoingThrough({"running"}));
  options_.cleanup_grace = std::chrono::milliseconds(0);
  StopIn(300);
  const CaseResult result = Run(kPollCase, server);
  EXPECT_EQ(result.grade, Grade::kSkipped);
  EXPECT_EQ(result.cleanup, std::vector<std::string>{
                                "DELETE /jobs/j-1: not sent: no time left after --max-duration"});
  EXPECT_NE(server.requests().back(), "DELETE /jobs/j-1");
}

TEST_F(CaseRunnerTest, AWaitStopsAtTheDeadlineAndLaterStepsDoNotRun) {
  ScriptedServer server(Answering(200, false));
  constexpr char kCase[] = R"j({
    "id": "t.wait", "title": "t", "section": "s", "requirement": "It MUST answer.",
    "level": "documented",
    "steps": [{"name": "settle", "wait_ms": 10000, "because": "t"},
              {"request": {"method": "GET", "path": "/x"}, "expect": {"status": 200}}]})j";
  const Clock::time_point start = Clock::now();
  StopIn(200);
  const CaseResult result = Run(kCase, server);
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 5);
  EXPECT_EQ(result.grade, Grade::kSkipped);
  EXPECT_TRUE(Has(result.reason, " s in step \"settle\"")) << result.reason;
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(CaseRunnerTest, ARawExchangeStopsAtTheDeadline) {
  StalledServer stalled;
  Target target;
  target.url = stalled.url();
  constexpr char kCase[] = R"j({
    "id": "t.raw", "title": "t", "section": "s", "requirement": "It MUST answer.",
    "level": "reference",
    "steps": [{"raw": {"send": ["GET /x HTTP/1.1\r\nHost: ${host}\r\n\r\n"], "timeout_s": 60},
               "expect": {"status": 200}}]})j";
  const Clock::time_point start = Clock::now();
  StopIn(300);
  const CaseResult result = RunAt(kCase, target);
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 5);
  EXPECT_EQ(result.grade, Grade::kSkipped);
  EXPECT_TRUE(result.cut_short);
}

TEST_F(CaseRunnerTest, ACaseThatEndsBeforeTheDeadlineKeepsItsGrade) {
  ScriptedServer server(JobGoingThrough({"completed"}, 200));
  StopIn(60'000);
  const CaseResult result = Run(kPollCase, server);
  EXPECT_EQ(result.grade, Grade::kNonStrict);
  EXPECT_FALSE(result.cut_short);
}

TEST_F(CaseRunnerTest, ACaseStartedAfterTheDeadlineSendsNothing) {
  ScriptedServer server(JobGoingThrough({"completed"}));
  StopIn(-1);
  const CaseResult result = Run(kPollCase, server);
  EXPECT_EQ(result.grade, Grade::kSkipped);
  EXPECT_TRUE(result.cut_short);
  EXPECT_TRUE(Has(result.reason, " s in step 1")) << result.reason;
  EXPECT_TRUE(server.requests().empty());
}

}  // namespace
}  // namespace conformance

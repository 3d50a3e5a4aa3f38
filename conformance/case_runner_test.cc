#include "conformance/case_runner.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "conformance/fixture.h"
#include "conformance/schema_store.h"
#include "conformance/test_util.h"

namespace conformance {
namespace {

using test::DirectoryWith;
using test::Has;
using test::RunfilesPath;

struct Reply {
  int status = 200;
  std::string body;
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
    const std::string answer = "HTTP/1.1 " + std::to_string(reply.status) +
                               " X\r\nContent-Type: application/json\r\nContent-Length: " +
                               std::to_string(reply.body.size()) + "\r\n\r\n" + reply.body;
    return write(fd, answer.data(), answer.size()) == static_cast<ssize_t>(answer.size());
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
    ASSERT_EQ(schemas_.LoadDirectory(RunfilesPath("fixtures/schemas")), "");
  }

  // Loads one case (the JSON of a case object) and runs it against `server`.
  CaseResult Run(const std::string& case_json, ScriptedServer& server, Target target = {}) {
    const std::string file = R"j({"cases": [)j" + case_json + "]}";
    cases_.clear();
    const std::string error =
        LoadCases(DirectoryWith({{"case.json", file}}), RunfilesPath("conformance/case_format.json"),
                  schemas_, &cases_);
    EXPECT_EQ(error, "");
    if (cases_.size() != 1) return {};
    target.url.host = "127.0.0.1";
    target.url.port = server.port();
    target.primary_key = "key-one";
    HttpClient client(target.url);
    return RunCase(cases_[0], target, schemas_, RunOptions{}, client);
  }

  SchemaStore schemas_;
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
}

TEST_F(CaseRunnerTest, AChangedJobIdFails) {
  ScriptedServer server([](const std::string& method, const std::string&, const std::string&) -> Reply {
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
  ScriptedServer server([&seen](const std::string&, const std::string&, const std::string& body) -> Reply {
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

}  // namespace
}  // namespace conformance

#include "conformance/raw_step.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "conformance/request_builder.h"
#include "conformance/test_util.h"

namespace conformance {
namespace {

using test::Has;
using test::Json;

Target LocalTarget(int port = 8080) {
  Target target;
  target.url.host = "127.0.0.1";
  target.url.port = static_cast<std::uint16_t>(port);
  target.primary_key = "key-one";
  target.second_key = "key-two";
  return target;
}

RawPlan Plan(const std::string& raw_json, const Target& target, const Vars& vars = {}) {
  const rapidjson::Document raw = Json(raw_json);
  base::Expected<RawPlan> plan = BuildRawPlan(raw, vars, target);
  EXPECT_EQ(test::ErrorText(plan), "");
  return plan.ok() ? std::move(plan).value() : RawPlan();
}

TEST(RawStepTest, PartsBecomePiecesSplitByPausesAndAwaits) {
  Target target = LocalTarget();
  target.timeout_scale = 2;
  const RawPlan plan = Plan(R"j({"send": ["A ${x}|", {"length_of": "${x}"}, {"chunk": "hello"},
                                          {"pause_ms": 100}, {"repeat": "ab", "times": 3},
                                          {"await_answer": true}, "Z"],
                                 "answers": 2, "timeout_s": 1.5, "close_wait_ms": 250,
                                 "head": true})j",
                            target, {{"x", "value"}});
  ASSERT_EQ(plan.pieces.size(), 3u);
  EXPECT_EQ(plan.pieces[0].bytes, "A value|55\r\nhello\r\n");
  EXPECT_EQ(plan.pieces[0].pause_before.count(), 0);
  EXPECT_EQ(plan.pieces[1].bytes, "ababab");
  EXPECT_EQ(plan.pieces[1].pause_before.count(), 200);  // scaled
  EXPECT_FALSE(plan.pieces[1].await_answer);
  EXPECT_EQ(plan.pieces[2].bytes, "Z");
  EXPECT_TRUE(plan.pieces[2].await_answer);
  EXPECT_EQ(plan.bytes, 26u);
  EXPECT_EQ(plan.options.answers, 2u);
  EXPECT_EQ(plan.options.timeout.count(), 3000);
  EXPECT_EQ(plan.options.close_wait.count(), 500);
  EXPECT_TRUE(plan.options.head);
}

TEST(RawStepTest, AnUnknownVariableIsAnError) {
  const rapidjson::Document raw = Json(R"j({"send": ["x", "${nope}"]})j");
  const base::Expected<RawPlan> plan = BuildRawPlan(raw, {}, LocalTarget());
  EXPECT_TRUE(Has(test::ErrorText(plan), "raw/send/1: "));
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().code, base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(plan.error().where, "raw/send/1");
}

TEST(RawStepTest, HostHeader) {
  TargetUrl url;
  url.host = "example.com";
  EXPECT_EQ(HostHeader(url), "example.com");
  url.port = 8080;
  EXPECT_EQ(HostHeader(url), "example.com:8080");
  url.host = "::1";
  EXPECT_EQ(HostHeader(url), "[::1]:8080");
  url.tls = true;
  url.port = 443;
  EXPECT_EQ(HostHeader(url), "[::1]");
}

TEST(RawStepTest, ReplayLinesSayHowTheyDifferFromTheRun) {
  const RawPlan plan = Plan(R"j({"send": ["GET / HTTP/1.1\r\n", {"pause_ms": 250},
                                          {"repeat": "a", "times": 1000000},
                                          {"repeat": "ab\r\n", "times": 100000},
                                          {"await_answer": true}, "x"], "answers": 2})j",
                            LocalTarget(8080));
  const std::string line = ReplayCommand(plan, LocalTarget(8080));
  EXPECT_TRUE(Has(line,
                  "exec 3<>/dev/tcp/127.0.0.1/8080; cat <&3 & { printf 'GET / HTTP/1.1\\r\\n'; "
                  "sleep 0.250; head -c 1000000 /dev/zero | tr '\\000' 'a'; printf 'ab\\r\\nab"))
      << line;
  EXPECT_TRUE(Has(line, ": 'a repeat of 400000 bytes is cut to 65536 here'; ")) << line;
  EXPECT_TRUE(Has(line, "; sleep 1; printf 'x'; } >&3; wait)")) << line;
  EXPECT_TRUE(Has(line, "sleep 1 stands for waiting for an answer")) << line;
}

// bash's /dev/tcp speaks no TLS: an https target's replay pipes the bytes
// into openssl s_client, which reads until the server closes.
TEST(RawStepTest, ReplayLinesForHttpsGoThroughOpensslSClient) {
  Target target = LocalTarget(8443);
  target.url.tls = true;
  const RawPlan plan = Plan(R"j({"send": ["GET / HTTP/1.1\r\n\r\n"]})j", target);
  const std::string line = ReplayCommand(plan, target);
  EXPECT_TRUE(Has(line,
                  "(printf 'GET / HTTP/1.1\\r\\n\\r\\n') | openssl s_client -quiet "
                  "-connect '127.0.0.1:8443' -servername '127.0.0.1'"))
      << line;
  EXPECT_FALSE(Has(line, "/dev/tcp")) << line;
}

// Run with bash, a replay line sends exactly the bytes of the run: CR, LF,
// quotes, backslashes, %, bytes over 0x7f, and the keys (from the
// environment).
TEST(RawStepTest, AReplayLineSendsTheSameBytes) {
  const Target target = LocalTarget();
  const RawPlan plan =
      Plan(R"j({"send": ["POST /x?a=%41 HTTP/1.1\r\nX: it's \\ \"q\" \t é\u0001\r\n",
                         "Authorization: Bearer ${api_key}, ${second}\r\n\r\n",
                         {"repeat": "z", "times": 70000}, {"pause_ms": 1}, "end"]})j",
           target, {{"api_key", "key-one"}, {"second", "key-two"}});
  std::string expected;
  for (const RawPiece& piece : plan.pieces) expected += piece.bytes;
  std::string received;
  test::RawServer server(1, [&](int fd) {
    char buffer[4096];
    while (received.size() < expected.size()) {
      const ssize_t n = read(fd, buffer, sizeof buffer);
      if (n <= 0) break;
      received.append(buffer, static_cast<std::size_t>(n));
    }
    const std::string answer = "HTTP/1.1 204 No Content\r\n\r\n";
    EXPECT_EQ(write(fd, answer.data(), answer.size()), static_cast<ssize_t>(answer.size()));
  });
  Target local = target;
  local.url = server.url();
  const std::string line = ReplayCommand(plan, local);
  EXPECT_FALSE(Has(line, "key-one")) << line;
  EXPECT_FALSE(Has(line, "key-two")) << line;
  int status = 0;
  const std::string out = test::RunShell(
      "API_KEY=key-one SECOND_API_KEY=key-two timeout 20 bash -c " + ShellQuote(line), &status);
  EXPECT_EQ(status, 0);
  EXPECT_EQ(out, "HTTP/1.1 204 No Content\r\n\r\n");
  EXPECT_EQ(received, expected);
}

TEST(RawStepTest, RequestLineAndDescriptions) {
  const Target target = LocalTarget();
  const RawPlan plan = Plan(R"j({"send": ["GET /k?key-one HTTP/1.1\r\nHost: h\r\n\r\n",
                                          {"pause_ms": 5}, "x"], "close_wait_ms": 100})j",
                            target);
  EXPECT_EQ(RawRequestLine(plan, target),
            "GET /k?${API_KEY} HTTP/1.1  [raw: 37 bytes in 2 pieces]");

  RawResult result;
  RawAnswer first;
  first.status = 200;
  first.reason = "OK";
  first.complete = true;
  RawAnswer second;
  second.status = 404;
  second.headers = {{"Content-Type", "application/json"}};
  second.body = "{\"a\":1}";
  second.complete = true;
  result.answers = {first, second};
  result.interim = 1;
  result.trailing = "HTTP/1.1 200 OK\r\n";
  EXPECT_EQ(SummarizeRawResult(result, plan.options), "200 OK, 404; 1 interim; open after 100 ms");
  EXPECT_EQ(DescribeRawResult(result, plan.options, 100),
            "answer 1: 200 OK\nanswer 2: 404\n1 interim (1xx) answer(s) before them\n"
            "connection: still open 100 ms after the last answer\n"
            "bytes after the last answer: HTTP/1.1 200 OK\\x0d\\x0a\n"
            "last answer:\n404\nContent-Type: application/json\n\n{\"a\":1}");
  result.closed = true;
  result.closed_after = std::chrono::milliseconds(3);
  EXPECT_EQ(SummarizeRawResult(result, plan.options), "200 OK, 404; 1 interim; closed after 3 ms");
  EXPECT_EQ(DescribeRawResult(RawResult{}, RawOptions{}, 100), "no answer");
}

}  // namespace
}  // namespace conformance

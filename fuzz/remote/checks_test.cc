#include "fuzz/remote/checks.h"

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fuzz/remote/test_support.h"

namespace remote_fuzz {
namespace {

using conformance::RawAnswer;
using conformance::RawResult;
using test::Answer;
using test::Answered;
using test::ErrorBody;
using test::JsonCase;
using test::RawCase;

constexpr char kGoodBody[] = R"j({"language":"python","code":"print('hello')","ttl":5})j";

FuzzCase Get(const std::string& target) {
  FuzzCase c;
  c.kind = Kind::kHeaders;
  c.http.method = "GET";
  c.http.target = target;
  return c;
}

std::vector<Violation> Check(const FuzzCase& c, const RawResult& result,
                             const std::optional<Verdict>& verdict = std::nullopt) {
  return CheckExchange(c, result, verdict, CheckBounds{});
}

// The violations of one check.
std::vector<Violation> Of(const std::vector<Violation>& all, const std::string& check) {
  std::vector<Violation> some;
  for (const Violation& v : all) {
    if (v.check == check) some.push_back(v);
  }
  return some;
}

std::string Describe(const std::vector<Violation>& all) {
  std::string text;
  for (const Violation& v : all) {
    text += (v.strict ? "FAILED " : "NON-STRICT ") + v.check + ": " + v.message + "\n";
  }
  return text.empty() ? "(none)" : text;
}

Verdict Accepts() {
  Verdict verdict;
  verdict.accept = true;
  verdict.status = 200;
  return verdict;
}

Verdict Refuses(bool documented) {
  Verdict verdict;
  verdict.accept = false;
  verdict.status = 400;
  verdict.code = "invalid_value";
  verdict.reason = "ttl: must be an integer from 1 to 900 (seconds)";
  verdict.documented = documented;
  return verdict;
}

TEST(CheckExchange, AGoodAnswerBreaksNoRule) {
  const auto accepted =
      Check(JsonCase(kGoodBody), Answered({Answer(200, R"({"success":true,"stdout":"hello\n"})")}),
            Accepts());
  EXPECT_TRUE(accepted.empty()) << Describe(accepted);

  const auto refused =
      Check(JsonCase(R"({"ttl":0})"), Answered({Answer(400, ErrorBody())}), Refuses(true));
  EXPECT_TRUE(refused.empty()) << Describe(refused);

  const auto health = Check(Get("/health"), Answered({Answer(200, R"({"status":"ok"})")}));
  EXPECT_TRUE(health.empty()) << Describe(health);
}

TEST(CheckExchange, A500IsAServerError) {
  const auto violations =
      Check(JsonCase(kGoodBody), Answered({Answer(500, ErrorBody("internal"))}));
  const auto errors = Of(violations, "no_server_error");
  ASSERT_EQ(errors.size(), 1u) << Describe(violations);
  EXPECT_TRUE(errors[0].strict);
  EXPECT_NE(errors[0].message.find("500"), std::string::npos) << errors[0].message;
  EXPECT_NE(errors[0].message.find("POST /execute"), std::string::npos) << errors[0].message;
}

TEST(CheckExchange, A503WithRetryAfterIsAllowedWithoutIt) {
  RawAnswer busy = Answer(503, ErrorBody("server_busy"));
  busy.headers.emplace_back("Retry-After", "1");
  const auto with = Check(JsonCase(kGoodBody), Answered({busy}), Accepts());
  EXPECT_TRUE(with.empty()) << Describe(with);

  const auto without = Check(JsonCase(kGoodBody), Answered({Answer(503, ErrorBody())}));
  EXPECT_EQ(Of(without, "no_server_error").size(), 1u) << Describe(without);
}

TEST(CheckExchange, Raw501And505AreProtocolAnswersNot5xxErrors) {
  for (int status : {501, 505}) {
    const auto raw =
        Check(RawCase({"BREW / HTTP/1.1\r\n\r\n"}), Answered({Answer(status, ErrorBody())}));
    EXPECT_TRUE(Of(raw, "no_server_error").empty()) << status << Describe(raw);
    const auto json = Check(JsonCase(kGoodBody), Answered({Answer(status, ErrorBody())}));
    EXPECT_EQ(Of(json, "no_server_error").size(), 1u) << status << Describe(json);
  }
}

TEST(CheckExchange, A4xxWhoseBodyIsNotJsonBreaksTheErrorShape) {
  const auto violations =
      Check(JsonCase(R"({"ttl":0})"),
            Answered({Answer(400, "<html>Bad Request</html>", {{"Content-Type", "text/html"}})}));
  const auto shape = Of(violations, "error_shape");
  ASSERT_EQ(shape.size(), 1u) << Describe(violations);
  EXPECT_TRUE(shape[0].strict);
  EXPECT_NE(shape[0].message.find("not a JSON object"), std::string::npos) << shape[0].message;
  EXPECT_NE(shape[0].message.find("text/html"), std::string::npos) << shape[0].message;
}

TEST(CheckExchange, ErrorShapeProblemsOneByOne) {
  struct Shape {
    std::string body;
    std::string problem;
  };
  for (const Shape& shape : std::vector<Shape>{
           {R"({"success":false,"code":"x"})", "no non-empty string 'error'"},
           {R"({"success":false,"error":"","code":"x"})", "no non-empty string 'error'"},
           {R"({"success":true,"error":"e","code":"x"})", "'success' is not false"},
           {R"({"error":"e","code":1})", "no string 'code'"},
           {R"(["error"])", "not a JSON object"}}) {
    const auto violations = Check(Get("/jobs"), Answered({Answer(401, shape.body)}));
    const auto found = Of(violations, "error_shape");
    ASSERT_EQ(found.size(), 1u) << shape.body << Describe(violations);
    EXPECT_NE(found[0].message.find(shape.problem), std::string::npos) << found[0].message;
  }
  // `success` may be left out.
  const auto fine = Check(Get("/jobs"), Answered({Answer(401, R"({"error":"e","code":"x"})")}));
  EXPECT_TRUE(fine.empty()) << Describe(fine);
}

TEST(CheckExchange, OnlyCodeMissingIsNonStrict) {
  const auto violations =
      Check(Get("/jobs"), Answered({Answer(401, R"({"success":false,"error":"no key"})")}));
  const auto shape = Of(violations, "error_shape");
  ASSERT_EQ(shape.size(), 1u) << Describe(violations);
  EXPECT_FALSE(shape[0].strict);

  // With a second problem it is strict again.
  const auto two = Check(Get("/jobs"), Answered({Answer(401, R"({"success":false})")}));
  ASSERT_EQ(Of(two, "error_shape").size(), 1u) << Describe(two);
  EXPECT_TRUE(Of(two, "error_shape")[0].strict);
}

TEST(CheckExchange, ErrorShapeOfAnAnswerToRawBytesIsNonStrict) {
  const auto violations =
      Check(RawCase({"GET /health HTTP/1.1\r\n\r\n"}),
            Answered({Answer(400, "Bad Request", {{"Content-Type", "text/plain"}})}, true));
  const auto shape = Of(violations, "error_shape");
  ASSERT_EQ(shape.size(), 1u) << Describe(violations);
  EXPECT_FALSE(shape[0].strict);
}

TEST(CheckExchange, AStatusTheRouteDoesNotDocument) {
  // The synchronous route answers 200, never 202.
  auto violations = Check(JsonCase(kGoodBody), Answered({Answer(202, R"({"job_id":"j"})")}));
  auto status = Of(violations, "documented_status");
  ASSERT_EQ(status.size(), 1u) << Describe(violations);
  EXPECT_TRUE(status[0].strict);
  EXPECT_NE(status[0].message.find("202"), std::string::npos);

  violations = Check(Get("/jobs/j1"), Answered({Answer(409, ErrorBody("job_finished"))}));
  EXPECT_EQ(Of(violations, "documented_status").size(), 1u) << Describe(violations);
  violations = Check(Get("/health"), Answered({Answer(418, ErrorBody())}));
  EXPECT_EQ(Of(violations, "documented_status").size(), 1u) << Describe(violations);

  // The same statuses where they are documented.
  violations = Check(JsonCase(kGoodBody, "/execute/async"), Answered({Answer(202, "{}")}));
  EXPECT_TRUE(Of(violations, "documented_status").empty()) << Describe(violations);
  FuzzCase cancel = Get("/jobs/j1");
  cancel.http.method = "DELETE";
  violations = Check(cancel, Answered({Answer(409, ErrorBody("job_finished"))}));
  EXPECT_TRUE(violations.empty()) << Describe(violations);
  // Any route may be refused for its key or its size.
  for (int any : {401, 413, 429, 431}) {
    violations = Check(Get("/languages"), Answered({Answer(any, ErrorBody())}));
    EXPECT_TRUE(violations.empty()) << any << Describe(violations);
  }
}

TEST(DocumentedStatuses, PerRoute) {
  EXPECT_EQ(DocumentedStatuses("POST /execute"), (std::vector<int>{200}));
  EXPECT_EQ(DocumentedStatuses("POST /run/async"), (std::vector<int>{200, 202}));
  EXPECT_EQ(DocumentedStatuses("DELETE /jobs/{id}"), (std::vector<int>{200, 404, 409}));
  EXPECT_EQ(DocumentedStatuses("PUT (unknown path)"), (std::vector<int>{404, 405, 501}));
}

TEST(CheckExchange, NoAnswerInTimeIsAnswersInTime) {
  const auto violations = Check(JsonCase(kGoodBody), test::TimedOut(), Accepts());
  const auto late = Of(violations, "answers_in_time");
  ASSERT_EQ(late.size(), 1u) << Describe(violations);
  EXPECT_TRUE(late[0].strict);
  EXPECT_NE(late[0].message.find("0 of 1"), std::string::npos) << late[0].message;
  EXPECT_EQ(violations.size(), 1u) << "no differential without an answer\n" << Describe(violations);

  // Raw bytes too: every raw case that can stop short ends its sending side.
  FuzzCase pipelined = RawCase({"GET /health HTTP/1.1\r\n\r\nGET /health HTTP/1.1\r\n\r\n"});
  pipelined.raw_answers = 2;
  RawResult one = test::TimedOut();
  one.answers = {Answer(200, "{}")};
  const auto raw = Of(Check(pipelined, one), "answers_in_time");
  ASSERT_EQ(raw.size(), 1u);
  EXPECT_NE(raw[0].message.find("1 of 2"), std::string::npos) << raw[0].message;
}

TEST(CheckExchange, NoConnectionIsAnswersInTime) {
  RawResult refused;
  refused.error = "connect to 127.0.0.1:9: Connection refused";
  const auto violations = Check(JsonCase(kGoodBody), refused, Accepts());
  ASSERT_EQ(violations.size(), 1u) << Describe(violations);
  EXPECT_EQ(violations[0].check, "answers_in_time");
}

TEST(CheckExchange, ClosedWithoutAnAnswerIsWrongOnlyForWellFormedRequests) {
  RawResult closed;
  closed.connected = true;
  closed.closed = true;
  closed.early_close = true;
  closed.error = "the server closed the connection after 0 of 1 answers";
  EXPECT_EQ(Of(Check(JsonCase(kGoodBody), closed), "answers_in_time").size(), 1u);
  const auto raw = Check(RawCase({"\x01\x02garbage"}), closed);
  EXPECT_TRUE(raw.empty()) << Describe(raw);
}

TEST(CheckExchange, ConnectionCloseAskedButNotClosed) {
  FuzzCase c = JsonCase(kGoodBody);
  c.http.close = true;
  auto violations = Check(c, Answered({Answer(200, R"({"stdout":"hello"})")}, false), Accepts());
  auto late = Of(violations, "answers_in_time");
  ASSERT_EQ(late.size(), 1u) << Describe(violations);
  EXPECT_NE(late[0].message.find("Connection: close"), std::string::npos) << late[0].message;
  EXPECT_NE(late[0].message.find("2000 ms"), std::string::npos) << late[0].message;

  violations = Check(c, Answered({Answer(200, R"({"stdout":"hello"})")}, true), Accepts());
  EXPECT_TRUE(violations.empty()) << Describe(violations);

  FuzzCase raw = RawCase({"GET /health HTTP/1.0\r\n\r\n"});
  raw.raw_asks_close = true;
  EXPECT_EQ(Of(Check(raw, Answered({Answer(200, "{}")}, false)), "answers_in_time").size(), 1u);
  EXPECT_TRUE(Check(raw, Answered({Answer(200, "{}")}, true)).empty());

  // Not asked: an open connection is what keep-alive means.
  EXPECT_TRUE(Check(Get("/health"), Answered({Answer(200, "{}")}, false)).empty());
}

TEST(CheckExchange, AnIncompleteAnswerThenACloseIsBadlyFramed) {
  RawResult cut;
  cut.connected = true;
  cut.closed = true;
  cut.error =
      "the server closed the connection in the middle of answer 1 (its status line said "
      "200; 10 body bytes had arrived)";
  RawAnswer partial = Answer(200, "{\"stdout\":");
  partial.complete = false;
  cut.answers = {partial};
  const auto violations = Check(JsonCase(kGoodBody), cut, Accepts());
  const auto framing = Of(violations, "well_framed");
  ASSERT_EQ(framing.size(), 1u) << Describe(violations);
  EXPECT_TRUE(framing[0].strict);
  EXPECT_NE(framing[0].message.find("in the middle of answer 1"), std::string::npos);
  EXPECT_EQ(violations.size(), 1u) << "a partial answer is judged by nothing else\n"
                                   << Describe(violations);
}

TEST(CheckExchange, AMalformedAnswerIsBadlyFramed) {
  RawResult malformed;
  malformed.connected = true;
  malformed.error = "answer 1 is malformed: the status line does not start with HTTP/x.y: 'OK'";
  const auto violations = Check(Get("/health"), malformed);
  ASSERT_EQ(violations.size(), 1u) << Describe(violations);
  EXPECT_EQ(violations[0].check, "well_framed");
}

TEST(CheckExchange, TrailingBytesAreBadlyFramed) {
  RawResult result = Answered({Answer(200, R"({"status":"ok"})")});
  result.trailing = "HTTP/1.1 200 OK\r\n\r\n";
  const auto violations = Check(Get("/health"), result);
  const auto framing = Of(violations, "well_framed");
  ASSERT_EQ(framing.size(), 1u) << Describe(violations);
  EXPECT_TRUE(framing[0].strict);
  EXPECT_NE(framing[0].message.find("19 byte(s)"), std::string::npos) << framing[0].message;

  // A raw case that holds exactly its requests: the same.
  FuzzCase known = RawCase({"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"});
  EXPECT_EQ(Of(Check(known, result), "well_framed").size(), 1u);

  // Mutated bytes may hold more requests than counted: their answers are
  // no proof of anything.
  FuzzCase unknown = known;
  unknown.raw_count_known = false;
  const auto raw = Check(unknown, result);
  EXPECT_TRUE(raw.empty()) << Describe(raw);
}

TEST(CheckExchange, DifferentialTargetAcceptsWhatTheReferenceRefuses) {
  const RawResult accepted = Answered({Answer(200, R"({"stdout":"hello"})")});
  auto violations = Check(JsonCase(R"({"ttl":0})"), accepted, Refuses(true));
  auto differential = Of(violations, "differential");
  ASSERT_EQ(differential.size(), 1u) << Describe(violations);
  EXPECT_TRUE(differential[0].strict) << "a documented rule";
  EXPECT_NE(differential[0].message.find("invalid_value"), std::string::npos);
  EXPECT_NE(differential[0].message.find("ttl"), std::string::npos);

  violations = Check(JsonCase(R"({"env":{"1A":"x"}})"), accepted, Refuses(false));
  differential = Of(violations, "differential");
  ASSERT_EQ(differential.size(), 1u) << Describe(violations);
  EXPECT_FALSE(differential[0].strict) << "a reference decision: the target may be lenient";
}

TEST(CheckExchange, DifferentialTargetRefusesWhatTheReferenceAccepts) {
  const RawResult refused = Answered({Answer(400, ErrorBody())});
  auto violations = Check(JsonCase(kGoodBody), refused, Accepts());
  auto differential = Of(violations, "differential");
  ASSERT_EQ(differential.size(), 1u) << Describe(violations);
  EXPECT_FALSE(differential[0].strict);
  EXPECT_NE(differential[0].message.find("refused (400"), std::string::npos);

  // Its own reasons (a language it lacks, a reserved file name): no finding.
  Verdict specific = Accepts();
  specific.target_specific = true;
  violations = Check(JsonCase(kGoodBody), refused, specific);
  EXPECT_TRUE(violations.empty()) << Describe(violations);

  // Neither a refusal nor an acceptance (404, 429): no comparison.
  violations =
      Check(JsonCase(kGoodBody), Answered({Answer(429, ErrorBody("queue_full"))}), Accepts());
  EXPECT_TRUE(violations.empty()) << Describe(violations);
}

TEST(OutcomeOf, Classifies) {
  EXPECT_EQ(OutcomeOf(Answered({Answer(200)})), Outcome::kAnswered);
  EXPECT_EQ(OutcomeOf(test::TimedOut()), Outcome::kTimedOut);
  RawResult unreachable;
  unreachable.error = "connection refused";
  EXPECT_EQ(OutcomeOf(unreachable), Outcome::kUnreachable);
}

TEST(AllChecks, NamesEveryCheckOnceWithWhatItProves) {
  std::set<std::string> names;
  for (const CheckInfo& check : AllChecks()) {
    EXPECT_TRUE(names.insert(check.name).second) << check.name;
    EXPECT_GT(std::string(check.proves).size(), 20u) << check.name;
  }
  for (const char* name : {"no_server_error", "answers_in_time", "well_framed", "error_shape",
                           "documented_status", "differential", "stateful", "still_alive"}) {
    EXPECT_EQ(names.count(name), 1u) << name;
  }
}

}  // namespace
}  // namespace remote_fuzz

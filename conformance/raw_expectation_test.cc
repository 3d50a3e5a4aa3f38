#include "conformance/raw_expectation.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "conformance/test_util.h"

namespace conformance {
namespace {

using test::Json;

RawAnswer AnswerWith(int status, std::string body = "") {
  RawAnswer answer;
  answer.status = status;
  answer.headers = {{"Content-Type", "application/json"}, {"Connection", "close"}};
  answer.body = std::move(body);
  answer.complete = true;
  return answer;
}

class RawExpectationTest : public ::testing::Test {
 protected:
  RawExpectationTest() {
    context_.vars = &vars_;
    options_.answers = 2;
    options_.close_wait = std::chrono::milliseconds(2000);
    result_.answers = {AnswerWith(200), AnswerWith(404, R"j({"code":"not_found"})j")};
  }

  // The mismatches of `expectation` (JSON) against result_.
  std::vector<std::string> Mismatches(const std::string& expectation) {
    const rapidjson::Document json = Json(expectation);
    std::vector<std::string> mismatches;
    const bool met = MeetsRawExpectation(json, result_, options_, context_, &mismatches);
    EXPECT_EQ(met, mismatches.empty());
    return mismatches;
  }

  RawOptions options_;
  RawResult result_;
  Vars vars_;
  MatchContext context_;
};

TEST_F(RawExpectationTest, TheLastAnswerIsJudgedLikeARequestsAnswer) {
  EXPECT_TRUE(Mismatches(R"j({"status": 404, "headers": {"Connection": {"equals": "close"}},
                              "json": [{"path": "/code", "equals": "not_found"}]})j")
                  .empty());
  EXPECT_EQ(Mismatches(R"j({"status": 200})j"),
            std::vector<std::string>{"status: expected 200, got 404"});
}

TEST_F(RawExpectationTest, AnswersAreCountedAndJudgedInOrder) {
  EXPECT_TRUE(Mismatches(R"j({"answers": [200, [401, 404]]})j").empty());
  EXPECT_EQ(Mismatches(R"j({"answers": [404, 404]})j"),
            std::vector<std::string>{"answer 1: status expected 404, got 200"});
  EXPECT_EQ(Mismatches(R"j({"answers": [200]})j"),
            std::vector<std::string>{"answers: expected [200], got [200, 404]"});
  // Without "answers", as many as the step waited for.
  options_.answers = 3;
  result_.early_close = true;
  result_.error = "the server closed the connection after 2 of 3 answers";
  EXPECT_EQ(Mismatches(R"j({"status": 404})j"),
            std::vector<std::string>{"answers: expected 3, got [200, 404] (the server closed the "
                                     "connection after 2 of 3 answers)"});
}

TEST_F(RawExpectationTest, NoAnswerAtAll) {
  result_.answers.clear();
  result_.closed = true;
  EXPECT_TRUE(Mismatches(R"j({"answers": [], "connection": "closed"})j").empty());
  EXPECT_EQ(Mismatches(R"j({"answers": [], "status": 408})j"),
            std::vector<std::string>{"the last answer: there is none"});
}

TEST_F(RawExpectationTest, TheConnectionsEnd) {
  EXPECT_EQ(Mismatches(R"j({"status": 404, "connection": "closed"})j"),
            std::vector<std::string>{"connection: expected closed by the server within 2000 ms of "
                                     "the last answer, still open"});
  EXPECT_TRUE(Mismatches(R"j({"status": 404, "connection": "open"})j").empty());
  result_.closed = true;
  result_.closed_after = std::chrono::milliseconds(7);
  EXPECT_TRUE(Mismatches(R"j({"status": 404, "connection": "closed"})j").empty());
  EXPECT_EQ(Mismatches(R"j({"status": 404, "connection": "open"})j"),
            std::vector<std::string>{"connection: expected open for 2000 ms after the last "
                                     "answer, closed by the server after 7 ms"});
}

TEST_F(RawExpectationTest, InterimAnswersAndTrailingBytes) {
  result_.interim = 1;
  result_.trailing = "HTTP/1.1 404 Not Found\r\n";
  EXPECT_TRUE(Mismatches(R"j({"status": 404, "interim": [1, 2]})j").empty());
  EXPECT_EQ(Mismatches(R"j({"status": 404, "interim": 0})j"),
            std::vector<std::string>{"interim answers: expected 0, got 1"});
  const std::vector<std::string> trailing =
      Mismatches(R"j({"status": 404, "trailing": {"equals": ""}})j");
  ASSERT_EQ(trailing.size(), 1u);
  EXPECT_TRUE(test::Has(trailing[0], "bytes after the last answer")) << trailing[0];
  EXPECT_TRUE(Mismatches(R"j({"status": 404, "trailing": {"contains": "404"}})j").empty());
}

}  // namespace
}  // namespace conformance

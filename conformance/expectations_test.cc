#include "conformance/expectations.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "conformance/json_text.h"
#include "conformance/test_util.h"

namespace conformance {
namespace {

using test::Has;

// ParseExpectations into `expectations`; the error's message ("" on
// success).
std::string Parse(const std::string& text, std::vector<Expectation>* expectations) {
  base::Expected<std::vector<Expectation>> parsed = ParseExpectations(text);
  if (parsed.ok()) *expectations = std::move(parsed).value();
  return test::ErrorText(parsed);
}

std::string ParseError(const std::string& text) {
  std::vector<Expectation> expectations;
  return Parse(text, &expectations);
}

TEST(ParseExpectationsTest, GoodInput) {
  std::vector<Expectation> expectations;
  ASSERT_EQ(Parse(R"j({"target": "http://x", "expected": [
      {"id": "jobs.list.*", "grades": ["FAILED", "SKIPPED"], "because": "issue 12"},
      {"id": "execute.hello", "grades": ["NON-STRICT", "INFORMATIONAL", "OK"]}]})j",
                  &expectations),
            "");
  ASSERT_EQ(expectations.size(), 2u);
  EXPECT_EQ(expectations[0].id_glob, "jobs.list.*");
  EXPECT_EQ(expectations[0].grades, (std::vector<Grade>{Grade::kFailed, Grade::kSkipped}));
  EXPECT_EQ(expectations[0].because, "issue 12");
  EXPECT_EQ(expectations[1].id_glob, "execute.hello");
  EXPECT_EQ(expectations[1].grades,
            (std::vector<Grade>{Grade::kNonStrict, Grade::kInformational, Grade::kOk}));
  EXPECT_EQ(expectations[1].because, "");
}

TEST(ParseExpectationsTest, EmptyListIsFine) {
  std::vector<Expectation> expectations;
  EXPECT_EQ(Parse(R"j({"expected": []})j", &expectations), "");
  EXPECT_TRUE(expectations.empty());
}

TEST(ParseExpectationsTest, ErrorsAreInvalidArgumentsAtTheirJsonPath) {
  const base::Expected<std::vector<Expectation>> parsed =
      ParseExpectations(R"j({"expected": [{"id": 3, "grades": ["OK"]}]})j");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(parsed.error().where, "/expected/0/id");
}

TEST(ParseExpectationsTest, NotJson) {
  EXPECT_TRUE(Has(ParseError(R"j({"expected": [)j"), "at byte"));
  EXPECT_NE(ParseError(""), "");
}

TEST(ParseExpectationsTest, BadShapeErrorsHaveTheJsonPath) {
  EXPECT_EQ(ParseError("[]"), "(root): must be an object with an \"expected\" array");
  EXPECT_EQ(ParseError("{}"), "(root): must be an object with an \"expected\" array");
  EXPECT_EQ(ParseError(R"j({"expected": {}})j"),
            "(root): must be an object with an \"expected\" array");
  EXPECT_EQ(ParseError(R"j({"expected": [{"id": "a", "grades": ["OK"]}, {"grades": ["OK"]}]})j"),
            "/expected/1/id: must be a string (a glob over case ids)");
  EXPECT_EQ(ParseError(R"j({"expected": [{"id": 3, "grades": ["OK"]}]})j"),
            "/expected/0/id: must be a string (a glob over case ids)");
  EXPECT_EQ(ParseError(R"j({"expected": ["a.b"]})j"),
            "/expected/0/id: must be a string (a glob over case ids)");
  EXPECT_EQ(ParseError(R"j({"expected": [{"id": "a"}]})j"),
            "/expected/0/grades: must be a non-empty array of grades");
  EXPECT_EQ(ParseError(R"j({"expected": [{"id": "a", "grades": []}]})j"),
            "/expected/0/grades: must be a non-empty array of grades");
  EXPECT_EQ(ParseError(R"j({"expected": [{"id": "a", "grades": "FAILED"}]})j"),
            "/expected/0/grades: must be a non-empty array of grades");
  EXPECT_EQ(ParseError(R"j({"expected": [{"id": "a", "grades": ["FAILED", "PASS"]}]})j"),
            "/expected/0/grades/1: must be OK, INFORMATIONAL, NON-STRICT, SKIPPED or FAILED");
  EXPECT_EQ(ParseError(R"j({"expected": [{"id": "a", "grades": ["failed"]}]})j"),
            "/expected/0/grades/0: must be OK, INFORMATIONAL, NON-STRICT, SKIPPED or FAILED");
  EXPECT_EQ(ParseError(R"j({"expected": [{"id": "a", "grades": [1]}]})j"),
            "/expected/0/grades/0: must be OK, INFORMATIONAL, NON-STRICT, SKIPPED or FAILED");
  EXPECT_EQ(ParseError(R"j({"expected": [{"id": "a", "grades": ["OK"], "because": 12}]})j"),
            "/expected/0/because: must be a string");
}

TEST(FindExpectationTest, FirstMatchingGlobWins) {
  std::vector<Expectation> expectations;
  ASSERT_EQ(Parse(R"j({"expected": [
      {"id": "jobs.list.*", "grades": ["FAILED"]},
      {"id": "jobs.*", "grades": ["SKIPPED"]},
      {"id": "execute.hello", "grades": ["OK"]},
      {"id": "run.?", "grades": ["NON-STRICT"]}]})j",
                  &expectations),
            "");
  EXPECT_EQ(FindExpectation(expectations, "jobs.list.basic"), &expectations[0]);
  EXPECT_EQ(FindExpectation(expectations, "jobs.list"), &expectations[1]);
  EXPECT_EQ(FindExpectation(expectations, "jobs.cancel.twice"), &expectations[1]);
  EXPECT_EQ(FindExpectation(expectations, "execute.hello"), &expectations[2]);
  EXPECT_EQ(FindExpectation(expectations, "execute.hello2"), nullptr);
  EXPECT_EQ(FindExpectation(expectations, "run.a"), &expectations[3]);
  EXPECT_EQ(FindExpectation(expectations, "run.ab"), nullptr);
  EXPECT_EQ(FindExpectation(expectations, "run."), nullptr);
  EXPECT_EQ(FindExpectation(expectations, "auth.missing"), nullptr);
  EXPECT_EQ(FindExpectation({}, "jobs.list"), nullptr);
}

TEST(GlobMatchesTest, StarAndQuestionMark) {
  EXPECT_TRUE(GlobMatches("*", "anything.at.all"));
  EXPECT_TRUE(GlobMatches("a.*", "a.b.c"));
  EXPECT_TRUE(GlobMatches("*.c", "a.b.c"));
  EXPECT_TRUE(GlobMatches("a.?.c", "a.b.c"));
  EXPECT_TRUE(GlobMatches("exact.id", "exact.id"));
  EXPECT_FALSE(GlobMatches("exact.id", "exact.idx"));
  EXPECT_FALSE(GlobMatches("a.?", "a.bc"));
  EXPECT_FALSE(GlobMatches("b.*", "a.b.c"));
}

CaseResult Result(const std::string& id, Grade grade, std::vector<std::string> mismatches = {}) {
  CaseResult result;
  result.id = id;
  result.grade = grade;
  result.mismatches = std::move(mismatches);
  return result;
}

TEST(ExpectationsForTest, RecordsFailuresAndRoundTrips) {
  const std::vector<CaseResult> results = {
      Result("execute.hello", Grade::kOk),
      Result("jobs.list.basic", Grade::kFailed,
             {"/jobs: expected type array, got \"x\"\n(with \"quotes\")", "second"}),
      Result("run.skipped", Grade::kSkipped),
      Result("auth.none", Grade::kFailed),
      Result("http.odd", Grade::kNonStrict),
  };
  const std::string text = ExpectationsFor(results, "http://127.0.0.1:8080");
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');

  rapidjson::Document document;
  ASSERT_EQ(test::ErrorText(ParseJson(text, &document)), "") << text;
  ASSERT_TRUE(document.IsObject());
  ASSERT_TRUE(document.HasMember("target"));
  EXPECT_STREQ(document["target"].GetString(), "http://127.0.0.1:8080");

  std::vector<Expectation> expectations;
  ASSERT_EQ(Parse(text, &expectations), "") << text;
  ASSERT_EQ(expectations.size(), 2u);
  EXPECT_EQ(expectations[0].id_glob, "jobs.list.basic");
  EXPECT_EQ(expectations[0].grades, std::vector<Grade>{Grade::kFailed});
  EXPECT_EQ(expectations[0].because, "/jobs: expected type array, got \"x\"\n(with \"quotes\")");
  EXPECT_EQ(expectations[1].id_glob, "auth.none");
  EXPECT_EQ(expectations[1].grades, std::vector<Grade>{Grade::kFailed});
  EXPECT_EQ(expectations[1].because, "recorded baseline");

  // The recorded baseline makes those failures expected, and nothing else.
  EXPECT_EQ(FindExpectation(expectations, "jobs.list.basic"), &expectations[0]);
  EXPECT_EQ(FindExpectation(expectations, "execute.hello"), nullptr);
}

TEST(ExpectationsForTest, NoFailuresGivesAnEmptyList) {
  const std::string text = ExpectationsFor({Result("a.b", Grade::kOk)}, "t");
  std::vector<Expectation> expectations;
  ASSERT_EQ(Parse(text, &expectations), "") << text;
  EXPECT_TRUE(expectations.empty());
}

}  // namespace
}  // namespace conformance

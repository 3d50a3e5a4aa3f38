#include "conformance/report.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "conformance/json_text.h"
#include "conformance/options.h"
#include "conformance/test_util.h"

namespace conformance {
namespace {

using test::Has;
using test::RunShell;

std::string TempFile(const std::string& name, const std::string& content) {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string dir = std::string(base != nullptr ? base : "/tmp") + "/report_XXXXXX";
  if (mkdtemp(dir.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp";
    return "";
  }
  const std::string path = dir + "/" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

// Parses JUnit XML with Python's XML parser (expat) and prints what a CI
// reads from it, as JSON.
constexpr char kJunitReader[] = R"py(
import json, sys, xml.dom.minidom
doc = xml.dom.minidom.parse(sys.argv[1])
root = doc.documentElement
suites = root.getElementsByTagName("testsuite")
suite = suites[0]
def text(node):
    return "".join(c.data for c in node.childNodes if c.nodeType in (c.TEXT_NODE, c.CDATA_SECTION_NODE))
cases = []
for case in suite.getElementsByTagName("testcase"):
    entry = {"classname": case.getAttribute("classname"), "name": case.getAttribute("name"),
             "time": case.getAttribute("time")}
    for kind in ("failure", "skipped"):
        found = case.getElementsByTagName(kind)
        if found:
            entry[kind] = found[0].getAttribute("message")
            entry[kind + "_text"] = text(found[0])
    out = case.getElementsByTagName("system-out")
    if out:
        entry["system_out"] = text(out[0])
    cases.append(entry)
print(json.dumps({"root": root.tagName, "suites": len(suites),
                  "root_attributes": dict(root.attributes.items()),
                  "attributes": dict(suite.attributes.items()), "cases": cases}))
)py";

class ReportTest : public ::testing::Test {
 protected:
  ReportTest() {
    reported_.reserve(7);  // Add returns references into it
    for (int i = 0; i < 7; ++i) {
      Case c;
      c.id = "group.case" + std::to_string(i);
      c.title = "Title " + std::to_string(i);
      c.section = "Section";
      c.requirement = "It MUST work " + std::to_string(i);
      c.level = i % 2 == 0 ? Level::kDocumented : Level::kReference;
      cases_.push_back(c);
    }
    expectation_.id_glob = "group.*";
    expectation_.grades = {Grade::kFailed};
    expectation_.because = "issue 12";

    Add(0, Grade::kOk);
    ReportedCase& failed = Add(1, Grade::kFailed);
    failed.result.requirement = "POST /execute MUST answer <200> & \"json\"\x01";
    failed.result.failed_step = "step 1 (POST /execute)";
    failed.result.expected = {"200 application/json (OK)", "400 (NON-STRICT: old servers)"};
    failed.result.mismatches = {"/exit_code: expected 0, got 1", "]]> <tag> & more"};
    failed.result.actual = "500 Internal Server Error\nContent-Type: text/html\n\n<h1>oops</h1>";
    failed.result.curl =
        "curl -sS -i -X POST 'http://h:1/execute' -H \"Authorization: Bearer $API_KEY\"";
    failed.result.exchanges = {{"step 1", "POST /execute", 500, "500 text/html", 0.25}};
    ReportedCase& expected = Add(2, Grade::kFailed);
    expected.expectation = &expectation_;
    expected.expected = true;
    expected.result.requirement = "known";
    Add(3, Grade::kSkipped).result.reason = "needs a second key <--second-api-key>";
    Add(4, Grade::kNonStrict).result.reason = "answered 400 where 422 is preferred";
    Add(5, Grade::kInformational).result.reason = "noted: 'x'";
    // Listed as expected to fail, but passed: a stale expectation.
    ReportedCase& stale = Add(6, Grade::kOk);
    stale.expectation = &expectation_;
    stale.expected = false;
  }

  ReportedCase& Add(int index, Grade grade) {
    ReportedCase reported;
    reported.c = &cases_[index];
    reported.result.id = cases_[index].id;
    reported.result.level = cases_[index].level;
    reported.result.grade = grade;
    reported.result.seconds = 0.5 + index;
    reported_.push_back(reported);
    return reported_.back();
  }

  std::vector<Case> cases_;
  Expectation expectation_;
  std::vector<ReportedCase> reported_;
};

TEST_F(ReportTest, Summarize) {
  ASSERT_EQ(reported_.size(), 7u);
  const Summary summary = Summarize(reported_, 12.5);
  EXPECT_EQ(summary.counts[static_cast<int>(Grade::kOk)], 2);
  EXPECT_EQ(summary.counts[static_cast<int>(Grade::kFailed)], 2);
  EXPECT_EQ(summary.counts[static_cast<int>(Grade::kSkipped)], 1);
  EXPECT_EQ(summary.counts[static_cast<int>(Grade::kNonStrict)], 1);
  EXPECT_EQ(summary.counts[static_cast<int>(Grade::kInformational)], 1);
  EXPECT_EQ(summary.regressions, 1);
  EXPECT_EQ(summary.expected_failures, 1);
  EXPECT_EQ(summary.now_passing, 1);
  EXPECT_EQ(summary.seconds, 12.5);
  EXPECT_EQ(summary.exit_code, 1);
}

TEST_F(ReportTest, OnlyUnexpectedFailuresFailTheRun) {
  reported_.erase(reported_.begin() + 1);  // the regression
  const Summary summary = Summarize(reported_, 1);
  EXPECT_EQ(summary.regressions, 0);
  EXPECT_EQ(summary.expected_failures, 1);
  EXPECT_EQ(summary.counts[static_cast<int>(Grade::kFailed)], 1);
  EXPECT_EQ(summary.exit_code, 0);

  const Summary empty = Summarize({}, 0);
  EXPECT_EQ(empty.exit_code, 0);
  for (const int count : empty.counts) EXPECT_EQ(count, 0);
}

TEST_F(ReportTest, Regression) {
  EXPECT_FALSE(reported_[0].Regression());
  EXPECT_TRUE(reported_[1].Regression());
  EXPECT_FALSE(reported_[2].Regression());
  EXPECT_FALSE(reported_[3].Regression());
}

TEST_F(ReportTest, JsonReport) {
  const Summary summary = Summarize(reported_, 3.25);
  const std::string text = JsonReport(reported_, summary, "http://127.0.0.1:8080");
  rapidjson::Document report;
  ASSERT_EQ(test::ErrorText(ParseJson(text, &report)), "") << text;
  ASSERT_TRUE(report.IsObject());
  EXPECT_STREQ(report["target"].GetString(), "http://127.0.0.1:8080");
  ASSERT_TRUE(report.HasMember("cases"));
  ASSERT_TRUE(report["cases"].IsArray());
  const rapidjson::Value& cases = report["cases"];
  ASSERT_EQ(cases.Size(), 7u);
  for (rapidjson::SizeType i = 0; i < cases.Size(); ++i) {
    EXPECT_STREQ(cases[i]["id"].GetString(), cases_[i].id.c_str());
    EXPECT_STREQ(cases[i]["title"].GetString(), cases_[i].title.c_str());
    EXPECT_STREQ(cases[i]["level"].GetString(), LevelName(cases_[i].level));
    EXPECT_TRUE(cases[i]["exchanges"].IsArray());
  }
  EXPECT_STREQ(cases[0]["grade"].GetString(), "OK");
  EXPECT_FALSE(cases[0].HasMember("requirement"));
  EXPECT_FALSE(cases[0].HasMember("curl"));

  const rapidjson::Value& failed = cases[1];
  EXPECT_STREQ(failed["grade"].GetString(), "FAILED");
  EXPECT_FALSE(failed["expected"].GetBool());
  EXPECT_EQ(std::string(failed["requirement"].GetString()), reported_[1].result.requirement);
  EXPECT_STREQ(failed["failed_step"].GetString(), "step 1 (POST /execute)");
  ASSERT_TRUE(failed["expected_answers"].IsArray());
  ASSERT_EQ(failed["expected_answers"].Size(), 2u);
  EXPECT_STREQ(failed["expected_answers"][1].GetString(), "400 (NON-STRICT: old servers)");
  ASSERT_EQ(failed["mismatches"].Size(), 2u);
  EXPECT_STREQ(failed["mismatches"][0].GetString(), "/exit_code: expected 0, got 1");
  EXPECT_EQ(std::string(failed["actual"].GetString()), reported_[1].result.actual);
  EXPECT_EQ(std::string(failed["curl"].GetString()), reported_[1].result.curl);
  ASSERT_EQ(failed["exchanges"].Size(), 1u);
  EXPECT_EQ(failed["exchanges"][0]["status"].GetInt(), 500);
  EXPECT_STREQ(failed["exchanges"][0]["request"].GetString(), "POST /execute");

  EXPECT_TRUE(cases[2]["expected"].GetBool());
  EXPECT_STREQ(cases[3]["grade"].GetString(), "SKIPPED");
  EXPECT_STREQ(cases[3]["reason"].GetString(), "needs a second key <--second-api-key>");

  ASSERT_TRUE(report.HasMember("summary"));
  const rapidjson::Value& totals = report["summary"];
  EXPECT_EQ(totals["total"].GetInt(), 7);
  EXPECT_EQ(totals["OK"].GetInt(), 2);
  EXPECT_EQ(totals["FAILED"].GetInt(), 2);
  EXPECT_EQ(totals["SKIPPED"].GetInt(), 1);
  EXPECT_EQ(totals["NON-STRICT"].GetInt(), 1);
  EXPECT_EQ(totals["INFORMATIONAL"].GetInt(), 1);
  EXPECT_EQ(totals["unexpected_failures"].GetInt(), 1);
  EXPECT_EQ(totals["expected_failures"].GetInt(), 1);
  EXPECT_EQ(totals["stale_expectations"].GetInt(), 1);
  EXPECT_EQ(totals["exit_code"].GetInt(), 1);
  EXPECT_DOUBLE_EQ(totals["duration_s"].GetDouble(), 3.25);
}

TEST_F(ReportTest, JunitReportIsWellFormedAndCounts) {
  const Summary summary = Summarize(reported_, 3.25);
  const std::string xml = JunitReport(reported_, summary);
  const std::string path = TempFile("junit.xml", xml);
  const std::string script = TempFile("read_junit.py", kJunitReader);

  // The check the brief of this format asks for, on its own.
  EXPECT_EQ(
      std::system(("python3 -c 'import sys,xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' '" +
                   path + "'")
                      .c_str()),
      0)
      << xml;

  int status = -1;
  const std::string out = RunShell("python3 '" + script + "' '" + path + "'", &status);
  ASSERT_EQ(status, 0) << xml;
  rapidjson::Document parsed;
  ASSERT_EQ(test::ErrorText(ParseJson(out, &parsed)), "") << out;

  EXPECT_STREQ(parsed["root"].GetString(), "testsuites");
  EXPECT_EQ(parsed["suites"].GetInt(), 1);
  const rapidjson::Value& attributes = parsed["attributes"];
  EXPECT_STREQ(attributes["tests"].GetString(), "7");
  EXPECT_STREQ(attributes["failures"].GetString(), "1");  // the expected failure is not one
  EXPECT_STREQ(attributes["skipped"].GetString(), "1");
  EXPECT_STREQ(attributes["errors"].GetString(), "0");
  EXPECT_STREQ(attributes["time"].GetString(), "3.250");
  EXPECT_STREQ(parsed["root_attributes"]["failures"].GetString(), "1");
  EXPECT_STREQ(parsed["root_attributes"]["skipped"].GetString(), "1");

  const rapidjson::Value& cases = parsed["cases"];
  ASSERT_EQ(cases.Size(), 7u);
  int failures = 0;
  int skipped = 0;
  for (rapidjson::SizeType i = 0; i < cases.Size(); ++i) {
    EXPECT_STREQ(cases[i]["name"].GetString(), cases_[i].id.c_str());
    EXPECT_EQ(std::string(cases[i]["classname"].GetString()),
              std::string("conformance.") + LevelName(cases_[i].level));
    failures += cases[i].HasMember("failure");
    skipped += cases[i].HasMember("skipped");
  }
  EXPECT_EQ(failures, 1);
  EXPECT_EQ(skipped, 1);
  EXPECT_STREQ(cases[0]["time"].GetString(), "0.500");

  // Escaping: the text comes back as it was (a control character, which
  // XML cannot carry, as '?').
  const rapidjson::Value& failed = cases[1];
  ASSERT_TRUE(failed.HasMember("failure"));
  EXPECT_STREQ(failed["failure"].GetString(), "POST /execute MUST answer <200> & \"json\"?");
  const std::string failure_text = failed["failure_text"].GetString();
  EXPECT_TRUE(Has(failure_text, "]]> <tag> & more")) << failure_text;
  EXPECT_TRUE(Has(failure_text, "<h1>oops</h1>")) << failure_text;
  EXPECT_TRUE(Has(failure_text, "400 (NON-STRICT: old servers)")) << failure_text;
  EXPECT_TRUE(Has(failure_text, reported_[1].result.curl)) << failure_text;

  EXPECT_FALSE(cases[2].HasMember("failure"));  // expected by --expectations
  EXPECT_TRUE(Has(cases[2]["system_out"].GetString(), "FAILED"));
  EXPECT_STREQ(cases[3]["skipped"].GetString(), "needs a second key <--second-api-key>");
  EXPECT_TRUE(Has(cases[4]["system_out"].GetString(), "NON-STRICT: answered 400"));
  EXPECT_TRUE(Has(cases[5]["system_out"].GetString(), "INFORMATIONAL: noted: 'x'"));
  EXPECT_FALSE(cases[6].HasMember("system_out"));
}

TEST_F(ReportTest, JunitReportOfNothing) {
  const std::string xml = JunitReport({}, Summarize({}, 0));
  const std::string path = TempFile("empty.xml", xml);
  EXPECT_EQ(
      std::system(("python3 -c 'import sys,xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' '" +
                   path + "'")
                      .c_str()),
      0)
      << xml;
  EXPECT_TRUE(Has(xml, "tests=\"0\" failures=\"0\"")) << xml;
}

TEST_F(ReportTest, SummaryTextShowsFailuresInFull) {
  const Summary summary = Summarize(reported_, 3.25);
  const std::string text = SummaryText(reported_, summary, "http://t");
  EXPECT_TRUE(Has(text, "FAILED group.case1: Title 1")) << text;
  EXPECT_FALSE(Has(text, "FAILED group.case2:")) << text;  // expected
  EXPECT_TRUE(Has(text, "/exit_code: expected 0, got 1")) << text;
  EXPECT_TRUE(Has(text, reported_[1].result.curl)) << text;
  EXPECT_TRUE(Has(text, "Conformance of http://t")) << text;
  EXPECT_TRUE(Has(text,
                  "7 cases in 3.25 s: 2 OK, 1 NON-STRICT, 1 INFORMATIONAL, 1 SKIPPED, "
                  "2 FAILED"))
      << text;
  EXPECT_TRUE(Has(text, "(1 expected by --expectations)")) << text;
  EXPECT_TRUE(Has(text, "1 case(s) listed in --expectations no longer fail")) << text;
  EXPECT_TRUE(Has(text, "result: 1 unexpected failure(s)")) << text;
}

TEST_F(ReportTest, ProgressLine) {
  EXPECT_EQ(ProgressLine(1, 7, reported_[0]), "[1/7] OK            group.case0 0.50 s");
  EXPECT_EQ(ProgressLine(2, 7, reported_[1]),
            "[2/7] FAILED        group.case1 1.50 s  -- /exit_code: expected 0, got 1");
  EXPECT_TRUE(Has(ProgressLine(3, 7, reported_[2]), "  [expected]"));
  EXPECT_TRUE(Has(ProgressLine(4, 70, reported_[3]),
                  "[ 4/70] SKIPPED       group.case3 3.50 s  -- needs a second key"));
}

// What a target sends may be any bytes; the reports stay valid UTF-8.
TEST_F(ReportTest, ReportsStayValidWithBinaryAnswers) {
  reported_[1].result.actual = std::string("200 OK\n\n\xff\xfe body \xc3", 17);
  reported_[1].result.mismatches = {std::string("/stdout: got \"\xed\xa0\x80\"")};
  const Summary summary = Summarize(reported_, 1.0);
  const std::string json = JsonReport(reported_, summary, "t");
  rapidjson::Document report;
  report.Parse<rapidjson::kParseValidateEncodingFlag>(json.c_str());
  EXPECT_FALSE(report.HasParseError()) << json;
  EXPECT_EQ(ToValidUtf8(std::string("a\xff"
                                    "b\xc3",
                                    4)),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD");
  EXPECT_EQ(ToValidUtf8("caf\xc3\xa9"), "caf\xc3\xa9");
  const std::string xml = JunitReport(reported_, summary);
  EXPECT_EQ(ToValidUtf8(xml), xml);
}

// --strict: the NON-STRICT case (4) fails the run unless its expectation
// lists NON-STRICT; every report says the mode is on.
class StrictReportTest : public ReportTest {
 protected:
  StrictReportTest() {
    for (ReportedCase& reported : reported_) reported.strict = true;
  }
};

TEST_F(StrictReportTest, NonStrictIsAnUnexpectedFailure) {
  EXPECT_TRUE(reported_[4].Regression());
  EXPECT_FALSE(reported_[5].Regression());  // INFORMATIONAL stays a note
  const Summary summary = Summarize(reported_, 1);
  EXPECT_TRUE(summary.strict);
  EXPECT_EQ(summary.regressions, 2);
  EXPECT_EQ(summary.exit_code, 1);
  EXPECT_FALSE(
      Summarize(std::vector<ReportedCase>(reported_.begin(), reported_.begin() + 1), 1).exit_code);

  // Without the FAILED regression, NON-STRICT alone makes exit 1; not so
  // without --strict.
  reported_.erase(reported_.begin() + 1);
  EXPECT_EQ(Summarize(reported_, 1).exit_code, 1);
  for (ReportedCase& reported : reported_) reported.strict = false;
  const Summary lenient = Summarize(reported_, 1);
  EXPECT_FALSE(lenient.strict);
  EXPECT_EQ(lenient.regressions, 0);
  EXPECT_EQ(lenient.exit_code, 0);
}

TEST_F(StrictReportTest, AnExpectationListingNonStrictKeepsThePass) {
  Expectation non_strict;
  non_strict.id_glob = "group.case4";
  non_strict.grades = {Grade::kNonStrict};
  reported_[4].expectation = &non_strict;
  reported_[4].expected = true;
  EXPECT_FALSE(reported_[4].Regression());
  const Summary summary = Summarize(reported_, 1);
  EXPECT_EQ(summary.regressions, 1);  // the FAILED one only
  EXPECT_EQ(summary.expected_failures, 2);
  EXPECT_EQ(summary.now_passing, 1);
  EXPECT_TRUE(Has(ProgressLine(5, 7, reported_[4]), "  [expected]"));
  // An entry that lists FAILED only does not cover a NON-STRICT grade.
  reported_[4].expectation = &expectation_;
  reported_[4].expected = false;
  EXPECT_TRUE(reported_[4].Regression());
  EXPECT_EQ(Summarize(reported_, 1).now_passing, 1);
}

TEST_F(StrictReportTest, ReportsSayStrictModeIsOn) {
  const Summary summary = Summarize(reported_, 1);
  EXPECT_EQ(ProgressLine(5, 7, reported_[4]),
            "[5/7] NON-STRICT    group.case4 4.50 s  [a failure under --strict]  -- answered 400 "
            "where 422 is preferred");
  reported_[4].strict = false;
  EXPECT_FALSE(Has(ProgressLine(5, 7, reported_[4]), "--strict"));
  reported_[4].strict = true;

  const std::string text = SummaryText(reported_, summary, "http://t");
  EXPECT_TRUE(Has(text,
                  "NON-STRICT under --strict group.case4: Title 4\n"
                  "  requirement: It MUST work 4\n"
                  "  accepted alternative: answered 400 where 422 is preferred\n"))
      << text;
  EXPECT_TRUE(Has(text, "strict mode (--strict): NON-STRICT counts as a failure\n")) << text;
  EXPECT_TRUE(Has(text, "result: 2 unexpected failure(s)\n")) << text;

  rapidjson::Document report = test::Json(JsonReport(reported_, summary, "t"));
  EXPECT_TRUE(report["summary"]["strict"].GetBool());
  EXPECT_EQ(report["summary"]["unexpected_failures"].GetInt(), 2);
  EXPECT_TRUE(report["cases"][4]["unexpected_failure"].GetBool());
  EXPECT_FALSE(report["cases"][5]["unexpected_failure"].GetBool());

  const std::string xml = JunitReport(reported_, summary);
  EXPECT_TRUE(Has(xml, "failures=\"2\"")) << xml;
  EXPECT_TRUE(Has(xml, "<property name=\"strict\" value=\"true\"/>")) << xml;
  EXPECT_TRUE(Has(xml,
                  "<failure message=\"NON-STRICT under --strict: answered 400 where 422 is "
                  "preferred\">requirement: It MUST work 4"))
      << xml;
  const std::string path = TempFile("strict.xml", xml);
  EXPECT_EQ(
      std::system(("python3 -c 'import sys,xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' '" +
                   path + "'")
                      .c_str()),
      0)
      << xml;
}

TEST_F(ReportTest, WithoutStrictTheReportsSaySo) {
  const Summary summary = Summarize(reported_, 1);
  EXPECT_FALSE(summary.strict);
  EXPECT_FALSE(Has(SummaryText(reported_, summary, "t"), "strict mode"));
  EXPECT_FALSE(test::Json(JsonReport(reported_, summary, "t"))["summary"]["strict"].GetBool());
  EXPECT_FALSE(Has(JunitReport(reported_, summary), "<properties>"));
}

// --max-duration: a run with cases it cut short exits 1 even without a
// regression, and says why.
TEST_F(ReportTest, ACutShortRunIsNotACleanPass) {
  reported_.erase(reported_.begin() + 1);  // the regression
  ASSERT_EQ(Summarize(reported_, 1).exit_code, 0);
  ReportedCase& stopped = reported_[2];  // SKIPPED
  stopped.result.cut_short = true;
  stopped.result.reason = "stopped by --max-duration after 2.5 s in step poll";
  const Summary summary = Summarize(reported_, 1);
  EXPECT_EQ(summary.cut_short, 1);
  EXPECT_EQ(summary.regressions, 0);
  EXPECT_EQ(summary.exit_code, 1);

  const std::string text = SummaryText(reported_, summary, "t");
  EXPECT_TRUE(Has(text, "run cut short by --max-duration: 1 case(s) not run or stopped (SKIPPED)"))
      << text;
  EXPECT_TRUE(Has(text,
                  "result: incomplete: 1 case(s) cut short by --max-duration (no unexpected "
                  "failure in the rest)\n"))
      << text;
  rapidjson::Document report = test::Json(JsonReport(reported_, summary, "t"));
  EXPECT_TRUE(report["summary"]["cut_short"].GetBool());
  EXPECT_EQ(report["summary"]["cut_short_cases"].GetInt(), 1);
  EXPECT_EQ(report["summary"]["exit_code"].GetInt(), 1);
  EXPECT_TRUE(report["cases"][2]["cut_short"].GetBool());
  EXPECT_FALSE(report["cases"][0].HasMember("cut_short"));
  const std::string xml = JunitReport(reported_, summary);
  EXPECT_TRUE(Has(xml, "<property name=\"cut_short\" value=\"1\"/>")) << xml;
  EXPECT_TRUE(Has(xml, "<skipped message=\"stopped by --max-duration after 2.5 s in step poll\"/>"))
      << xml;

  // With a regression too, the result line names both.
  reported_[0].result.grade = Grade::kFailed;
  EXPECT_TRUE(Has(SummaryText(reported_, Summarize(reported_, 1), "t"),
                  "result: 1 unexpected failure(s), and 1 case(s) cut short by --max-duration\n"));
}

TEST_F(ReportTest, TheJsonReportShowsTheCleanUpAndTheVersion) {
  reported_[0].result.cleanup = {"DELETE /jobs/j-1: 200",
                                 "DELETE /jobs/j-2 (second key): no answer: timeout"};
  rapidjson::Document report =
      test::Json(JsonReport(reported_, Summarize(reported_, 1), "http://t"));
  EXPECT_STREQ(report["runner_version"].GetString(), kRunnerVersion);
  const rapidjson::Value& cleanup = report["cases"][0]["cleanup"];
  ASSERT_TRUE(cleanup.IsArray());
  ASSERT_EQ(cleanup.Size(), 2u);
  EXPECT_STREQ(cleanup[0].GetString(), "DELETE /jobs/j-1: 200");
  EXPECT_STREQ(cleanup[1].GetString(), "DELETE /jobs/j-2 (second key): no answer: timeout");
  EXPECT_FALSE(report["cases"][1].HasMember("cleanup"));
}

}  // namespace
}  // namespace conformance

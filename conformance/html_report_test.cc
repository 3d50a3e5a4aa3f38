#include "conformance/html_report.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "conformance/test_util.h"

namespace conformance {
namespace {

using test::Has;

// What a hostile target may answer: script, and the end of the element
// its answer is shown in followed by markup of its own.
constexpr char kScript[] = "<script>window.pwned=1</script>";
constexpr char kBreakout[] = "</pre><img src=x onerror=alert(1)>";

std::size_t CountOf(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++count;
  }
  return count;
}

// The opening tags of the page's items (<details class="item" ...>).
std::vector<std::string> ItemTags(const std::string& html) {
  std::vector<std::string> tags;
  for (std::size_t at = html.find("<details"); at != std::string::npos;
       at = html.find("<details", at + 1)) {
    const std::string tag = html.substr(at, html.find('>', at) - at + 1);
    if (tag.find("class=\"item") != std::string::npos) tags.push_back(tag);
  }
  return tags;
}

// How many items have each grade, from their data-grade attributes.
std::map<std::string, int> GradeCounts(const std::string& html) {
  std::map<std::string, int> counts;
  for (const std::string& tag : ItemTags(html)) {
    const std::string key = "data-grade=\"";
    const std::size_t at = tag.find(key);
    if (at == std::string::npos) {
      ADD_FAILURE() << "an item without data-grade: " << tag;
      continue;
    }
    const std::size_t start = at + key.size();
    ++counts[tag.substr(start, tag.find('"', start) - start)];
  }
  return counts;
}

class HtmlReportTest : public ::testing::Test {
 protected:
  HtmlReportTest() {
    reported_.reserve(8);  // Add returns references into it
    const char* sections[] = {"Execution", "Execution", "Jobs", "Execution",
                              "Jobs",      "Health",    "Jobs", "Execution"};
    for (int i = 0; i < 8; ++i) {
      Case c;
      c.id = "group.case" + std::to_string(i);
      c.title = "Title " + std::to_string(i);
      c.section = sections[i];
      c.requirement = "requirement of case " + std::to_string(i);
      c.level = i % 3 == 0 ? Level::kDocumented : i % 3 == 1 ? Level::kReference : Level::kOptional;
      cases_.push_back(c);
    }
    expectation_.id_glob = "group.case2";
    expectation_.grades = {Grade::kFailed};
    expectation_.because = "issue 12";
    stale_.id_glob = "group.case7";
    stale_.grades = {Grade::kFailed};

    ReportedCase& ok = Add(0, Grade::kOk);
    ok.result.language = "python";
    ok.result.exchanges = {{"step 1", "POST /execute", 200, "200 application/json hello", 0.2}};
    ReportedCase& failed = Add(1, Grade::kFailed);
    failed.result.requirement = "POST /execute MUST answer 200";
    failed.result.failed_step = "step 1 (POST /execute)";
    failed.result.expected = {"200 application/json (OK)", "400 (NON-STRICT: old servers)"};
    failed.result.mismatches = {"/stdout: expected \"hello\", got " + std::string(kScript)};
    failed.result.actual = "200 OK\nContent-Type: text/html\n\n" + std::string(kScript) + kBreakout;
    failed.result.curl =
        "curl -sS -i -X POST 'http://h:1/execute' -H \"Authorization: Bearer "
        "$API_KEY\"";
    failed.result.exchanges = {
        {"step 1", "POST /execute", 200, std::string(kBreakout) + kScript, 0.25}};
    ReportedCase& expected = Add(2, Grade::kFailed);
    expected.expectation = &expectation_;
    expected.expected = true;
    expected.result.requirement = "GET /jobs MUST list the caller's jobs";
    expected.result.mismatches = {"job missing"};
    Add(3, Grade::kSkipped).result.reason = "needs a second key (--second-api-key)";
    Add(4, Grade::kNonStrict).result.reason = "answered 400 where 422 is preferred";
    Add(5, Grade::kInformational).result.reason = "noted: Retry-After absent";
    Add(6, Grade::kOk);
    ReportedCase& stale = Add(7, Grade::kOk);
    stale.expectation = &stale_;
    facts_.target = "http://127.0.0.1:8080/base";
    facts_.runner_version = "runner 1.2.3";
    facts_.server_version = "server 4.5.6";
    facts_.options = "--target http://127.0.0.1:8080/base --api-key KEY --expectations e.json";
    facts_.started = "2024-05-01T10:20:30Z";
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

  std::string Html() const { return HtmlReport(reported_, Summarize(reported_, 12.5), facts_); }

  std::vector<Case> cases_;
  Expectation expectation_;
  Expectation stale_;
  std::vector<ReportedCase> reported_;
  RunFacts facts_;
};

TEST_F(HtmlReportTest, IsOneDocument) {
  const std::string html = Html();
  // Kept with the test's outputs, for a person to look at.
  if (const char* outputs = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR"); outputs != nullptr) {
    std::ofstream(std::string(outputs) + "/conformance_report.html") << html;
  }
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u) << html.substr(0, 200);
  EXPECT_TRUE(Has(html, "Conformance of http://127.0.0.1:8080/base"));
  EXPECT_TRUE(Has(html, "conformance"));
  EXPECT_EQ(CountOf(html, "</html>"), 1u);
}

TEST_F(HtmlReportTest, HostileAnswersAreText) {
  const std::string html = Html();
  EXPECT_TRUE(Has(html, "&lt;script&gt;window.pwned=1&lt;/script&gt;"));
  EXPECT_TRUE(Has(html, "&lt;/pre&gt;&lt;img src=x onerror=alert(1)&gt;"));
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("window.pwned=1</script>"), std::string::npos);
  // The page's own script is the only one, and every <pre> the page opens
  // is closed by the page, not by an answer.
  EXPECT_EQ(CountOf(html, "<script"), 1u);
  EXPECT_EQ(CountOf(html, "</script>"), 1u);
  EXPECT_EQ(CountOf(html, "<pre"), CountOf(html, "</pre>"));
}

TEST_F(HtmlReportTest, OneItemPerCaseWithItsId) {
  const std::string html = Html();
  EXPECT_EQ(ItemTags(html).size(), reported_.size());
  for (const ReportedCase& reported : reported_) {
    EXPECT_EQ(CountOf(html, "\"item-" + reported.result.id + "\""), 1u) << reported.result.id;
    EXPECT_TRUE(Has(html, reported.c->title));
  }
}

TEST_F(HtmlReportTest, GradeCountsAreTheSummarys) {
  const Summary summary = Summarize(reported_, 12.5);
  const std::map<std::string, int> counts = GradeCounts(Html());
  auto count = [&](const std::string& grade) {
    const auto it = counts.find(grade);
    return it == counts.end() ? 0 : it->second;
  };
  EXPECT_EQ(count("OK"), summary.counts[static_cast<int>(Grade::kOk)]);
  EXPECT_EQ(count("NON-STRICT"), summary.counts[static_cast<int>(Grade::kNonStrict)]);
  EXPECT_EQ(count("INFORMATIONAL"), summary.counts[static_cast<int>(Grade::kInformational)]);
  EXPECT_EQ(count("SKIPPED"), summary.counts[static_cast<int>(Grade::kSkipped)]);
  // A FAILED case the expectations list has a grade of its own.
  EXPECT_EQ(count("FAILED"), summary.regressions);
  EXPECT_EQ(count("FAILED (expected)"), summary.expected_failures);
  EXPECT_EQ(count("FAILED") + count("FAILED (expected)"),
            summary.counts[static_cast<int>(Grade::kFailed)]);
  EXPECT_EQ(summary.expected_failures, 1);
  EXPECT_EQ(counts.size(), 6u);
}

TEST_F(HtmlReportTest, ShowsTheFactsAndTheVerdict) {
  const std::string html = Html();
  for (const char* fact :
       {"<dt>target</dt><dd>http://127.0.0.1:8080/base</dd>",
        "<dt>started</dt><dd>2024-05-01T10:20:30Z</dd>", "<dt>duration</dt><dd>12.50 s</dd>",
        "<dt>cases</dt><dd>8</dd>", "<dt>runner version</dt><dd>runner 1.2.3</dd>",
        "<dt>server version</dt><dd>server 4.5.6</dd>",
        "<dt>options</dt><dd>--target http://127.0.0.1:8080/base --api-key KEY --expectations "
        "e.json</dd>",
        "<dt>expectations</dt><dd>1 expected failure(s), 1 case(s) no longer fail as "
        "expected: update the file</dd>"}) {
    EXPECT_TRUE(Has(html, fact));
  }
  EXPECT_TRUE(Has(html, "<p class=\"verdict tone-bad\">1 unexpected failure(s) (exit 1)</p>"));
}

TEST_F(HtmlReportTest, AnExpectedFailureLooksDifferent) {
  const std::string html = Html();
  EXPECT_TRUE(Has(html,
                  "class=\"item tone-warn\" id=\"item-group.case2\" "
                  "data-grade=\"FAILED (expected)\""));
  EXPECT_TRUE(Has(html, "class=\"item tone-bad\" id=\"item-group.case1\" data-grade=\"FAILED\""));
}

TEST_F(HtmlReportTest, AConformingRunSaysSo) {
  reported_.erase(reported_.begin() + 1);  // the one regression
  facts_.server_version = "";
  const std::string html = Html();
  // Conforming, but SKIPPED cases leave part of the suite unjudged.
  EXPECT_TRUE(
      Has(html, "<p class=\"verdict tone-warn\">conforms (no unexpected failure) (exit 0)"));
  EXPECT_TRUE(Has(html, "not given by GET /health"));
  EXPECT_EQ(GradeCounts(html).count("FAILED"), 0u);
  reported_.erase(reported_.begin() + 2);  // the SKIPPED case
  EXPECT_TRUE(Has(Html(), "<p class=\"verdict tone-good\">conforms"));
}

TEST_F(HtmlReportTest, StrictModeIsShown) {
  EXPECT_TRUE(Has(Html(), "<dt>strict</dt><dd>no: NON-STRICT is an accepted alternative</dd>"));
  for (ReportedCase& reported : reported_) reported.strict = true;
  const std::string html = Html();
  EXPECT_TRUE(Has(html, "<dt>strict</dt><dd>yes (--strict): NON-STRICT counts as a failure</dd>"));
  // The NON-STRICT case is a regression now: the verdict counts it, and
  // its item is a failure of its own grade (red, found by the filter).
  EXPECT_TRUE(Has(html, "<p class=\"verdict tone-bad\">2 unexpected failure(s) (exit 1)</p>"));
  const std::size_t at = html.rfind("<details", html.find("\"item-group.case4\""));
  ASSERT_NE(at, std::string::npos);
  const std::string item = html.substr(at, html.find("</details>", at) - at);
  EXPECT_TRUE(Has(item, "data-grade=\"NON-STRICT (fails --strict)\""));
  EXPECT_TRUE(item.starts_with("<details class=\"item tone-bad\"")) << item;
  EXPECT_TRUE(Has(item, "an accepted alternative, but a failure under --strict"));
  EXPECT_TRUE(Has(item, "answered 400 where 422 is preferred"));
  std::map<std::string, int> counts = GradeCounts(html);
  EXPECT_EQ(counts["NON-STRICT"], 0);
  EXPECT_EQ(counts["NON-STRICT (fails --strict)"], 1);
  EXPECT_EQ(counts["FAILED"] + counts["NON-STRICT (fails --strict)"],
            Summarize(reported_, 1).regressions);
}

TEST_F(HtmlReportTest, ARunCutShortAndItsCleanUp) {
  reported_.erase(reported_.begin() + 1);     // no regression left
  CaseResult& stopped = reported_[2].result;  // case 3, SKIPPED
  stopped.cut_short = true;
  stopped.reason = "stopped by --max-duration after 2.5 s in step poll";
  stopped.cleanup = {"DELETE /jobs/j-1: 200", "DELETE /jobs/j-2 (second key): no answer: <gone>"};
  const std::string html = Html();
  EXPECT_TRUE(Has(html,
                  "<p class=\"verdict tone-warn\">incomplete: 1 case(s) cut short by "
                  "--max-duration (no unexpected failure in the rest) (exit 1)</p>"));
  EXPECT_TRUE(Has(html, "<dt>cut short</dt><dd>1 case(s)"));
  const std::size_t at = html.find("\"item-group.case3\"");
  ASSERT_NE(at, std::string::npos);
  const std::string item = html.substr(at, html.find("</details>", at) - at);
  EXPECT_TRUE(Has(item, "stopped by --max-duration after 2.5 s in step poll"));
  EXPECT_TRUE(Has(item, "job clean-up"));
  EXPECT_TRUE(Has(item, "<li>DELETE /jobs/j-1: 200</li>"));
  EXPECT_TRUE(Has(item, "<li>DELETE /jobs/j-2 (second key): no answer: &lt;gone&gt;</li>"));
}

TEST_F(HtmlReportTest, TheGradesByLevelTable) {
  const std::string html = Html();
  EXPECT_TRUE(Has(html, "grades by level"));
  for (const char* word : {"documented", "reference", "optional", "INFORMATIONAL", "total"}) {
    EXPECT_TRUE(Has(html, word));
  }
}

TEST_F(HtmlReportTest, SectionsInTheOrderTheyRan) {
  const std::string html = Html();
  const std::size_t execution = html.find("<h2>Execution</h2>");
  const std::size_t jobs = html.find("<h2>Jobs</h2>");
  const std::size_t health = html.find("<h2>Health</h2>");
  ASSERT_NE(execution, std::string::npos);
  ASSERT_NE(jobs, std::string::npos);
  ASSERT_NE(health, std::string::npos);
  EXPECT_LT(execution, jobs);
  EXPECT_LT(jobs, health);
  // Case 7 (Execution) ran last but sits in the first section.
  EXPECT_LT(html.find("\"item-group.case7\""), jobs);
  EXPECT_EQ(CountOf(html, "<h2>Execution</h2>"), 1u);
}

TEST_F(HtmlReportTest, AFailureOpensToEverythingTheTextReportSays) {
  const std::string html = Html();
  const std::size_t start = html.find("\"item-group.case1\"");
  const std::size_t end = html.find("\"item-group.case2\"");
  ASSERT_NE(start, std::string::npos);
  ASSERT_LT(start, end);
  const std::string item = html.substr(start, end - start);
  for (const char* part :
       {"requirement", "POST /execute MUST answer 200", "failed step", "step 1 (POST /execute)",
        "acceptable answers", "400 (NON-STRICT: old servers)", "differences", "actual answer",
        "replay", "curl -sS -i -X POST", "API_KEY", "SECOND_API_KEY", "wire exchange"}) {
    EXPECT_TRUE(Has(item, part));
  }
  EXPECT_TRUE(Has(item, "step 1: POST /execute -&gt; 200 in 0.25 s"));
}

TEST_F(HtmlReportTest, APassingCaseOpensToItsExchange) {
  const std::string html = Html();
  const std::size_t start = html.find("\"item-group.case0\"");
  const std::size_t end = html.find("\"item-group.case1\"");
  ASSERT_LT(start, end);
  const std::string item = html.substr(start, end - start);
  EXPECT_TRUE(Has(item, "requirement of case 0"));
  EXPECT_TRUE(Has(item, "step 1: POST /execute -&gt; 200 in 0.20 s: 200 application/json hello"));
  EXPECT_TRUE(Has(item, "python, 0.50 s"));
  EXPECT_FALSE(Has(item, "actual answer"));
  // No request: said so, rather than an empty item.
  const std::size_t skipped = html.find("\"item-group.case3\"");
  ASSERT_NE(skipped, std::string::npos);
  const std::string skipped_item = html.substr(skipped, html.find("</details>", skipped) - skipped);
  EXPECT_TRUE(Has(skipped_item, "no request was sent"));
  EXPECT_TRUE(Has(skipped_item, "needs a second key (--second-api-key)"));
}

TEST_F(HtmlReportTest, ExpectationsAreExplained) {
  const std::string html = Html();
  EXPECT_TRUE(
      Has(html, "--expectations lists group.case2 as FAILED (issue 12): not a regression."));
  EXPECT_TRUE(Has(html,
                  "--expectations lists group.case7 as FAILED, but it was OK: the expectation "
                  "is stale, update the file."));
}

TEST_F(HtmlReportTest, EachPageHasItsOwnNonce) {
  const std::string first = Html();
  const std::string second = Html();
  const std::size_t at = first.find("nonce=\"");
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(second.find(first.substr(at, 7 + 24)), std::string::npos);
}

}  // namespace
}  // namespace conformance

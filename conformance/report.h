#ifndef CONFORMANCE_REPORT_H_
#define CONFORMANCE_REPORT_H_

#include <string>
#include <vector>

#include "conformance/case_runner.h"
#include "conformance/expectations.h"
#include "conformance/fixture.h"

namespace conformance {

// A case's result as the reports show it: with its fixture and whether its
// grade was expected for this target (--expectations).
struct ReportedCase {
  const Case* c = nullptr;
  CaseResult result;
  const Expectation* expectation = nullptr;  // the matching one, if any
  bool expected = false;                     // the grade is one the expectation lists
  // --strict (h2spec's meaning): NON-STRICT is a failure too. The runner
  // sets it on every case of a run alike.
  bool strict = false;

  // A grade that fails the run unless expected: FAILED, and NON-STRICT
  // under --strict.
  bool Failing() const {
    return result.grade == Grade::kFailed || (strict && result.grade == Grade::kNonStrict);
  }
  // A failure that counts: failing and not expected.
  bool Regression() const { return Failing() && !expected; }
};

struct Summary {
  int counts[5] = {0, 0, 0, 0, 0};  // by Grade
  int regressions = 0;
  int expected_failures = 0;
  int now_passing = 0;  // expected to fail, did not: the expectation is stale
  // Cases --max-duration left unfinished (SKIPPED: not run, or stopped).
  // A run with any exits 1 even without a regression: it did not check
  // everything, and must not pass for a clean run in CI.
  int cut_short = 0;
  bool strict = false;  // the cases were judged with --strict
  double seconds = 0;
  int exit_code = 0;
};

// The counts and exit code of a run; `strict` comes from the cases.
Summary Summarize(const std::vector<ReportedCase>& cases, double seconds);

// The grades in the order of the summary table's columns.
inline constexpr Grade kGradeColumns[] = {Grade::kOk, Grade::kNonStrict, Grade::kInformational,
                                          Grade::kSkipped, Grade::kFailed};

// The cases of one level: how many of each grade (indexed by Grade), and
// in all. The rows of the summary table.
struct LevelCounts {
  int counts[5] = {0, 0, 0, 0, 0};
  int total = 0;
};
LevelCounts CountLevel(const std::vector<ReportedCase>& cases, Level level);

// The verdict, as the exit status gives it, without "result: ":
// "conforms (no unexpected failure)", "2 unexpected failure(s)", ...
std::string Verdict(const Summary& summary);

// "0.41 s"
std::string SecondsText(double seconds);

// "[ 3/80] OK             execute.hello (python) 0.41 s"; a failing grade
// that is expected ends in "[expected]", a NON-STRICT that fails under
// --strict in "[a failure under --strict]".
std::string ProgressLine(std::size_t done, std::size_t total, const ReportedCase& reported);

// The table of grades per level, then every failure in full: requirement,
// acceptable answers, differences, the actual answer, and a curl command.
std::string SummaryText(const std::vector<ReportedCase>& cases, const Summary& summary,
                        const std::string& target);

// The JSON report: {"tool", "runner_version", "target", "cases": [...],
// "summary": {...}} (docs/CONFORMANCE.md lists the members).
std::string JsonReport(const std::vector<ReportedCase>& cases, const Summary& summary,
                       const std::string& target);

// JUnit XML, one testcase per case (classname = level, name = id).
std::string JunitReport(const std::vector<ReportedCase>& cases, const Summary& summary);

}  // namespace conformance

#endif  // CONFORMANCE_REPORT_H_

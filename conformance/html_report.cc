#include "conformance/html_report.h"

#include <string>
#include <vector>

#include "tools/html_page/html_page.h"

namespace conformance {

namespace {

using html_page::Block;
using html_page::Tone;

// An expected failure is still a failure of the contract, so it keeps a
// warning colour rather than SKIPPED's neutral grey; but it is not news
// (--expectations lists it), so it must not look like the red FAILED that
// makes the run exit 1.
constexpr char kExpectedFailure[] = "FAILED (expected)";

// Under --strict a NON-STRICT case fails the run: it must be red and be
// found by a failure filter, not hide among the accepted alternatives.
constexpr char kStrictFailure[] = "NON-STRICT (fails --strict)";

std::string GradeOf(const ReportedCase& reported) {
  if (reported.result.grade == Grade::kFailed && reported.expected) return kExpectedFailure;
  if (reported.result.grade == Grade::kNonStrict && reported.Regression()) return kStrictFailure;
  return GradeName(reported.result.grade);
}

std::vector<html_page::Grade> Grades(const Summary& summary) {
  std::vector<html_page::Grade> grades = {
      {"OK", Tone::kGood},         {"NON-STRICT", Tone::kWarn}, {"INFORMATIONAL", Tone::kInfo},
      {"SKIPPED", Tone::kNeutral}, {"FAILED", Tone::kBad},      {kExpectedFailure, Tone::kWarn}};
  if (summary.strict) grades.push_back({kStrictFailure, Tone::kBad});
  return grades;
}

Tone VerdictTone(const Summary& summary) {
  if (summary.regressions > 0) return Tone::kBad;
  // A run cut short (exit 1 without a regression) or with SKIPPED cases
  // judged less than the suite: not a failure, not a clean pass either.
  if (summary.exit_code != 0 || summary.cut_short > 0 ||
      summary.counts[static_cast<int>(Grade::kSkipped)] > 0) {
    return Tone::kWarn;
  }
  return Tone::kGood;
}

html_page::Table GradesByLevel(const std::vector<ReportedCase>& cases, const Summary& summary) {
  html_page::Table table;
  table.caption = "grades by level";
  table.header = {"level"};
  for (const Grade grade : kGradeColumns) table.header.push_back(GradeName(grade));
  table.header.push_back("total");
  for (const Level level : {Level::kDocumented, Level::kReference, Level::kOptional}) {
    const LevelCounts level_counts = CountLevel(cases, level);
    std::vector<std::string> row = {LevelName(level)};
    for (const Grade grade : kGradeColumns) {
      row.push_back(std::to_string(level_counts.counts[static_cast<int>(grade)]));
    }
    row.push_back(std::to_string(level_counts.total));
    table.rows.push_back(row);
  }
  std::vector<std::string> row = {"all"};
  for (const Grade grade : kGradeColumns) {
    row.push_back(std::to_string(summary.counts[static_cast<int>(grade)]));
  }
  row.push_back(std::to_string(cases.size()));
  table.rows.push_back(row);
  return table;
}

std::string ExpectationsFact(const Summary& summary) {
  std::string text = std::to_string(summary.expected_failures) + " expected failure(s)";
  if (summary.now_passing > 0) {
    text += ", " + std::to_string(summary.now_passing) +
            " case(s) no longer fail as expected: update the file";
  }
  return text;
}

std::vector<std::pair<std::string, std::string>> Facts(const std::vector<ReportedCase>& cases,
                                                       const Summary& summary,
                                                       const RunFacts& facts) {
  std::vector<std::pair<std::string, std::string>> out = {
      {"target", facts.target},
      {"started", facts.started},
      {"duration", SecondsText(summary.seconds)},
      {"cases", std::to_string(cases.size())},
      {"runner version", facts.runner_version},
      {"server version",
       facts.server_version.empty() ? "not given by GET /health" : facts.server_version},
      {"options", facts.options},
      {"strict", summary.strict ? "yes (--strict): NON-STRICT counts as a failure"
                                : "no: NON-STRICT is an accepted alternative"},
  };
  if (summary.cut_short > 0) {
    out.emplace_back("cut short", std::to_string(summary.cut_short) +
                                      " case(s) not run or stopped by --max-duration (SKIPPED)");
  }
  bool any_expectation = false;
  for (const ReportedCase& reported : cases) any_expectation |= reported.expectation != nullptr;
  if (any_expectation) out.emplace_back("expectations", ExpectationsFact(summary));
  return out;
}

Block TextBlock(const std::string& label, const std::string& text) {
  return {Block::Kind::kText, label, text, {}};
}

std::string WireLog(const std::vector<Exchange>& exchanges) {
  std::string text;
  for (const Exchange& e : exchanges) {
    text += e.step + ": " + e.request + " -> " +
            (e.status != 0 ? std::to_string(e.status) : std::string("no answer")) + " in " +
            SecondsText(e.seconds) + (e.answer.empty() ? "" : ": " + e.answer) + "\n";
  }
  return text;
}

std::string ExpectationNote(const ReportedCase& reported) {
  const Expectation& e = *reported.expectation;
  std::string grades;
  for (const Grade grade : e.grades)
    grades += std::string(grades.empty() ? "" : ", ") + GradeName(grade);
  const std::string listed = "--expectations lists " + e.id_glob + " as " + grades +
                             (e.because.empty() ? "" : " (" + e.because + ")");
  if (reported.expected) return listed + ": not a regression.";
  return listed + ", but it was " + GradeName(reported.result.grade) +
         ": the expectation is stale, update the file.";
}

// What went wrong, when something did: the parts of the text report's
// failure paragraph.
void AddFailureBlocks(const CaseResult& r, std::vector<Block>& blocks) {
  if (!r.failed_step.empty()) blocks.push_back(TextBlock("failed step", r.failed_step));
  if (!r.expected.empty()) {
    blocks.push_back({Block::Kind::kList, "acceptable answers", "", r.expected});
  }
  if (!r.mismatches.empty()) {
    blocks.push_back({Block::Kind::kList, "differences from the OK answer", "", r.mismatches});
  }
  if (!r.actual.empty()) blocks.push_back({Block::Kind::kPre, "actual answer", r.actual, {}});
  if (!r.curl.empty()) {
    blocks.push_back({Block::Kind::kCommand, "replay", r.curl, {}});
    blocks.push_back(TextBlock(
        "",
        "The replay needs API_KEY (and SECOND_API_KEY, when it uses it) set to the keys used."));
  }
}

html_page::Item ItemOf(const ReportedCase& reported) {
  const CaseResult& r = reported.result;
  html_page::Item item;
  item.id = r.id;
  item.grade = GradeOf(reported);
  item.title = reported.c != nullptr ? reported.c->title : "";
  item.note = (r.language.empty() ? "" : r.language + ", ") + SecondsText(r.seconds);
  if (r.grade != Grade::kOk && !r.reason.empty()) {
    item.blocks.push_back(TextBlock("reason", r.reason));
  }
  const std::string requirement = !r.requirement.empty()  ? r.requirement
                                  : reported.c != nullptr ? reported.c->requirement
                                                          : "";
  if (!requirement.empty()) item.blocks.push_back(TextBlock("requirement", requirement));
  AddFailureBlocks(r, item.blocks);
  // Every case opens to its wire exchange, so that a passing one shows
  // what was sent and answered too.
  if (r.exchanges.empty()) {
    item.blocks.push_back(TextBlock("wire exchange", "no request was sent"));
  } else {
    item.blocks.push_back({Block::Kind::kPre, "wire exchange", WireLog(r.exchanges), {}});
  }
  if (!r.cleanup.empty()) {
    item.blocks.push_back({Block::Kind::kList, "job clean-up", "", r.cleanup});
  }
  if (reported.Failing() && r.grade == Grade::kNonStrict) {
    item.blocks.push_back(
        TextBlock("strict", "an accepted alternative, but a failure under --strict"));
  }
  if (reported.expectation != nullptr) {
    item.blocks.push_back(TextBlock("expectation", ExpectationNote(reported)));
  }
  return item;
}

// Sections in the order their first case ran.
std::vector<html_page::Section> Sections(const std::vector<ReportedCase>& cases) {
  std::vector<html_page::Section> sections;
  for (const ReportedCase& reported : cases) {
    std::string name = reported.c != nullptr ? reported.c->section : "";
    if (name.empty()) name = "(no section)";
    html_page::Section* section = nullptr;
    for (html_page::Section& s : sections) {
      if (s.name == name) section = &s;
    }
    if (section == nullptr) section = &sections.emplace_back(html_page::Section{name, {}});
    section->items.push_back(ItemOf(reported));
  }
  return sections;
}

}  // namespace

std::string HtmlReport(const std::vector<ReportedCase>& cases, const Summary& summary,
                       const RunFacts& facts) {
  html_page::Page page;
  page.title = "Conformance of " + facts.target;
  page.kind = "conformance";
  // The text summary's own verdict: the page and the terminal never disagree.
  page.verdict = Verdict(summary) + " (exit " + std::to_string(summary.exit_code) + ")";
  page.verdict_tone = VerdictTone(summary);
  page.facts = Facts(cases, summary, facts);
  page.grades = Grades(summary);
  page.tables = {GradesByLevel(cases, summary)};
  page.sections = Sections(cases);
  return html_page::Render(page, html_page::RandomNonce());
}

}  // namespace conformance

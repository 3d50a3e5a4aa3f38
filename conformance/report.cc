#include "conformance/report.h"

#include <cstdio>

#include "conformance/json_text.h"
#include "conformance/options.h"
#include "rapidjson/prettywriter.h"
#include "rapidjson/stringbuffer.h"

namespace conformance {

namespace {

std::string Indent(const std::string& text, const std::string& prefix) {
  std::string out = prefix;
  for (const char c : text) {
    out += c;
    if (c == '\n') out += prefix;
  }
  return out;
}

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void WriteStrings(Writer& writer, const char* key, const std::vector<std::string>& strings) {
  writer.Key(key);
  writer.StartArray();
  for (const std::string& text : strings) writer.String(ToValidUtf8(text));
  writer.EndArray();
}

std::string FailureText(const ReportedCase& reported) {
  const CaseResult& r = reported.result;
  std::string text =
      "requirement: " + r.requirement + "\nstep: " + r.failed_step + "\nacceptable answers:\n";
  for (const std::string& e : r.expected) text += "  - " + e + "\n";
  text += "differences from the OK answer:\n";
  for (const std::string& m : r.mismatches) text += "  - " + m + "\n";
  if (!r.actual.empty()) text += "actual answer:\n" + Indent(r.actual, "  ") + "\n";
  if (!r.curl.empty()) {
    text += "replay (API_KEY / SECOND_API_KEY set to the keys used):\n  " + r.curl + "\n";
  }
  return text;
}

// What a NON-STRICT case that fails under --strict shows: the
// requirement it does not meet exactly, and the alternative it met.
std::string NonStrictText(const ReportedCase& reported) {
  return "requirement: " + reported.c->requirement +
         "\naccepted alternative: " + reported.result.reason + "\n";
}

}  // namespace

Summary Summarize(const std::vector<ReportedCase>& cases, double seconds) {
  Summary summary;
  summary.seconds = seconds;
  for (const ReportedCase& reported : cases) {
    ++summary.counts[static_cast<int>(reported.result.grade)];
    if (reported.Regression()) ++summary.regressions;
    if (reported.Failing() && reported.expected) ++summary.expected_failures;
    if (reported.expectation != nullptr && !reported.expected && !reported.Failing()) {
      ++summary.now_passing;
    }
    if (reported.result.cut_short) ++summary.cut_short;
    summary.strict = summary.strict || reported.strict;
  }
  summary.exit_code = summary.regressions == 0 && summary.cut_short == 0 ? 0 : 1;
  return summary;
}

LevelCounts CountLevel(const std::vector<ReportedCase>& cases, Level level) {
  LevelCounts level_counts;
  for (const ReportedCase& reported : cases) {
    if (reported.result.level != level) continue;
    ++level_counts.counts[static_cast<int>(reported.result.grade)];
    ++level_counts.total;
  }
  return level_counts;
}

std::string Verdict(const Summary& summary) {
  const std::string cut =
      std::to_string(summary.cut_short) + " case(s) cut short by --max-duration";
  if (summary.regressions == 0) {
    return summary.cut_short == 0 ? "conforms (no unexpected failure)"
                                  : "incomplete: " + cut + " (no unexpected failure in the rest)";
  }
  return std::to_string(summary.regressions) + " unexpected failure(s)" +
         (summary.cut_short == 0 ? "" : ", and " + cut);
}

std::string SecondsText(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f s", seconds);
  return text;
}

std::string ProgressLine(std::size_t done, std::size_t total, const ReportedCase& reported) {
  const CaseResult& r = reported.result;
  char prefix[64];
  const int width = static_cast<int>(std::to_string(total).size());
  std::snprintf(prefix, sizeof prefix, "[%*zu/%zu] %-13s ", width, done, total, GradeName(r.grade));
  std::string line = prefix + r.id;
  if (!r.language.empty()) line += " (" + r.language + ")";
  line += " " + SecondsText(r.seconds);
  if (reported.Failing() && reported.expected) line += "  [expected]";
  if (reported.Regression() && r.grade == Grade::kNonStrict) line += "  [a failure under --strict]";
  if (r.grade == Grade::kSkipped || r.grade == Grade::kNonStrict ||
      r.grade == Grade::kInformational) {
    line += "  -- " + r.reason;
  }
  if (r.grade == Grade::kFailed && !r.mismatches.empty()) line += "  -- " + r.mismatches.front();
  return line;
}

std::string SummaryText(const std::vector<ReportedCase>& cases, const Summary& summary,
                        const std::string& target) {
  std::string text;
  for (const ReportedCase& reported : cases) {
    if (!reported.Regression()) continue;
    const bool non_strict = reported.result.grade == Grade::kNonStrict;
    text += std::string(non_strict ? "\nNON-STRICT under --strict " : "\nFAILED ") +
            reported.result.id + ": " + reported.c->title + "\n" +
            Indent(non_strict ? NonStrictText(reported) : FailureText(reported), "  ");
    while (!text.empty() && text.back() == ' ') text.pop_back();
  }
  char row[160];
  text += "\nConformance of " + target + "\n";
  std::snprintf(row, sizeof row, "%-12s %6s %11s %14s %8s %7s %6s\n", "level", "OK", "NON-STRICT",
                "INFORMATIONAL", "SKIPPED", "FAILED", "total");
  text += row;
  for (const Level level : {Level::kDocumented, Level::kReference, Level::kOptional}) {
    const LevelCounts level_counts = CountLevel(cases, level);
    const int* counts = level_counts.counts;
    std::snprintf(row, sizeof row, "%-12s %6d %11d %14d %8d %7d %6d\n", LevelName(level),
                  counts[static_cast<int>(Grade::kOk)], counts[static_cast<int>(Grade::kNonStrict)],
                  counts[static_cast<int>(Grade::kInformational)],
                  counts[static_cast<int>(Grade::kSkipped)],
                  counts[static_cast<int>(Grade::kFailed)], level_counts.total);
    text += row;
  }
  text += "\n" + std::to_string(cases.size()) + " cases in " + SecondsText(summary.seconds) + ": ";
  for (const Grade grade : kGradeColumns) {
    text += std::to_string(summary.counts[static_cast<int>(grade)]) + " " + GradeName(grade) +
            (grade == Grade::kFailed ? "" : ", ");
  }
  if (summary.expected_failures > 0) {
    text += " (" + std::to_string(summary.expected_failures) + " expected by --expectations)";
  }
  text += "\n";
  if (summary.now_passing > 0) {
    text += std::to_string(summary.now_passing) +
            " case(s) listed in --expectations no longer fail as expected: update the file\n";
  }
  if (summary.strict) text += "strict mode (--strict): NON-STRICT counts as a failure\n";
  if (summary.cut_short > 0) {
    text += "run cut short by --max-duration: " + std::to_string(summary.cut_short) +
            " case(s) not run or stopped (SKIPPED)\n";
  }
  return text + "result: " + Verdict(summary) + "\n";
}

namespace {

void WriteExchanges(Writer& writer, const std::vector<Exchange>& exchanges) {
  writer.Key("exchanges");
  writer.StartArray();
  for (const Exchange& exchange : exchanges) {
    writer.StartObject();
    writer.Key("step");
    writer.String(ToValidUtf8(exchange.step));
    writer.Key("request");
    writer.String(ToValidUtf8(exchange.request));
    writer.Key("status");
    writer.Int(exchange.status);
    writer.Key("answer");
    writer.String(ToValidUtf8(exchange.answer));
    writer.Key("duration_s");
    writer.Double(exchange.seconds);
    writer.EndObject();
  }
  writer.EndArray();
}

void WriteCase(Writer& writer, const ReportedCase& reported) {
  const CaseResult& r = reported.result;
  writer.StartObject();
  writer.Key("id");
  writer.String(ToValidUtf8(r.id));
  writer.Key("title");
  writer.String(ToValidUtf8(reported.c->title));
  writer.Key("section");
  writer.String(ToValidUtf8(reported.c->section));
  writer.Key("level");
  writer.String(LevelName(r.level));
  writer.Key("grade");
  writer.String(GradeName(r.grade));
  writer.Key("expected");
  writer.Bool(reported.expected);
  writer.Key("unexpected_failure");
  writer.Bool(reported.Regression());
  writer.Key("duration_s");
  writer.Double(r.seconds);
  if (!r.language.empty()) {
    writer.Key("language");
    writer.String(ToValidUtf8(r.language));
  }
  if (!r.reason.empty()) {
    writer.Key("reason");
    writer.String(ToValidUtf8(r.reason));
  }
  if (r.grade == Grade::kFailed) {
    writer.Key("requirement");
    writer.String(ToValidUtf8(r.requirement));
    writer.Key("failed_step");
    writer.String(ToValidUtf8(r.failed_step));
    WriteStrings(writer, "expected_answers", r.expected);
    WriteStrings(writer, "mismatches", r.mismatches);
    writer.Key("actual");
    writer.String(ToValidUtf8(r.actual));
    writer.Key("curl");
    writer.String(ToValidUtf8(r.curl));
  }
  if (r.cut_short) {
    writer.Key("cut_short");
    writer.Bool(true);
  }
  if (!r.cleanup.empty()) WriteStrings(writer, "cleanup", r.cleanup);
  WriteExchanges(writer, r.exchanges);
  writer.EndObject();
}

void WriteSummary(Writer& writer, std::size_t total, const Summary& summary) {
  writer.Key("summary");
  writer.StartObject();
  writer.Key("total");
  writer.Uint(static_cast<unsigned>(total));
  for (const Grade grade : kGradeColumns) {
    writer.Key(GradeName(grade));
    writer.Int(summary.counts[static_cast<int>(grade)]);
  }
  writer.Key("unexpected_failures");
  writer.Int(summary.regressions);
  writer.Key("expected_failures");
  writer.Int(summary.expected_failures);
  writer.Key("stale_expectations");
  writer.Int(summary.now_passing);
  writer.Key("strict");
  writer.Bool(summary.strict);
  writer.Key("cut_short");
  writer.Bool(summary.cut_short > 0);
  writer.Key("cut_short_cases");
  writer.Int(summary.cut_short);
  writer.Key("duration_s");
  writer.Double(summary.seconds);
  writer.Key("exit_code");
  writer.Int(summary.exit_code);
  writer.EndObject();
}

}  // namespace

std::string JsonReport(const std::vector<ReportedCase>& cases, const Summary& summary,
                       const std::string& target) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.SetIndent(' ', 1);
  writer.StartObject();
  writer.Key("tool");
  writer.String("execprobe conformance");
  writer.Key("runner_version");
  writer.String(kRunnerVersion);
  writer.Key("target");
  writer.String(ToValidUtf8(target));
  writer.Key("cases");
  writer.StartArray();
  for (const ReportedCase& reported : cases) WriteCase(writer, reported);
  writer.EndArray();
  WriteSummary(writer, cases.size(), summary);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

namespace {

// The run's mode, for a CI that reads only the JUnit file: strict, and how
// many cases --max-duration cut short (their <skipped> says so too).
std::string JunitProperties(const Summary& summary) {
  if (!summary.strict && summary.cut_short == 0) return "";
  std::string xml = "    <properties>\n";
  if (summary.strict) xml += "      <property name=\"strict\" value=\"true\"/>\n";
  if (summary.cut_short > 0) {
    xml += "      <property name=\"cut_short\" value=\"" + std::to_string(summary.cut_short) +
           "\"/>\n";
  }
  return xml + "    </properties>\n";
}

}  // namespace

std::string JunitReport(const std::vector<ReportedCase>& cases, const Summary& summary) {
  const int failures = summary.regressions;
  const int skipped = summary.counts[static_cast<int>(Grade::kSkipped)];
  char head[256];
  std::snprintf(head, sizeof head,
                "<testsuites name=\"conformance\" tests=\"%zu\" failures=\"%d\" errors=\"0\" "
                "skipped=\"%d\" time=\"%.3f\">\n"
                "  <testsuite name=\"conformance\" tests=\"%zu\" failures=\"%d\" errors=\"0\" "
                "skipped=\"%d\" time=\"%.3f\">\n",
                cases.size(), failures, skipped, summary.seconds, cases.size(), failures, skipped,
                summary.seconds);
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + std::string(head) + JunitProperties(summary);
  for (const ReportedCase& reported : cases) {
    const CaseResult& r = reported.result;
    char time[32];
    std::snprintf(time, sizeof time, "%.3f", r.seconds);
    xml += "    <testcase classname=\"conformance." + std::string(LevelName(r.level)) +
           "\" name=\"" + XmlEscape(r.id) + "\" time=\"" + time + "\">\n";
    if (reported.Regression() && r.grade == Grade::kNonStrict) {
      xml += "      <failure message=\"" + XmlEscape("NON-STRICT under --strict: " + r.reason) +
             "\">" + XmlEscape(NonStrictText(reported)) + "</failure>\n";
    } else if (reported.Regression()) {
      xml += "      <failure message=\"" + XmlEscape(r.requirement) + "\">" +
             XmlEscape(FailureText(reported)) + "</failure>\n";
    } else if (r.grade == Grade::kSkipped) {
      xml += "      <skipped message=\"" + XmlEscape(r.reason) + "\"/>\n";
    } else if (r.grade != Grade::kOk) {
      xml += "      <system-out>" +
             XmlEscape(std::string(GradeName(r.grade)) + ": " +
                       (r.reason.empty() ? "expected failure" : r.reason)) +
             "</system-out>\n";
    }
    xml += "    </testcase>\n";
  }
  xml += "  </testsuite>\n</testsuites>\n";
  return xml;
}

}  // namespace conformance

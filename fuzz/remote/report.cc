#include "fuzz/remote/report.h"

#include <cstdio>

#include "conformance/json_text.h"
#include "fuzz/remote/checks.h"
#include "rapidjson/prettywriter.h"
#include "rapidjson/stringbuffer.h"

namespace remote_fuzz {

namespace {

using conformance::Shorten;
using conformance::ToValidUtf8;
using conformance::XmlEscape;

std::string Paragraph(const RunStats& stats, const Finding& f) {
  std::string text = FindingGrade(f) + " " + f.check + " on " + f.route +
                     (f.status ? " (status " + std::to_string(f.status) + ")" : " (no answer)") +
                     ", " + std::to_string(f.count) + " time(s)\n";
  text += "  " + Shorten(ToValidUtf8(f.message), 600) + "\n";
  text += "  first: after " + Fixed(f.first_seconds, 1) + " s, seed " + std::to_string(f.seed) +
          ", index " + std::to_string(f.index) + ", " + KindName(f.first.kind) + " case from " +
          f.first.origin + "\n";
  text += "  replay: " + ReplayCommand(stats, f) + "\n";
  if (f.minimized) {
    text += "  minimized in " + std::to_string(f.minimize_attempts) + " attempt(s)\n";
  }
  if (!f.curl.empty()) text += "  curl: " + f.curl + "\n";
  if (!f.raw_file.empty()) text += "  raw bytes: " + f.raw_file + "\n";
  return text;
}

}  // namespace

std::string FindingGrade(const Finding& finding) {
  return finding.strict ? "FAILED" : "NON-STRICT";
}

std::string Fixed(double value, int digits) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

// The command that runs the finding's case again (an embedded server is
// started anew, so its address is not part of it).
std::string ReplayCommand(const RunStats& stats, const Finding& finding) {
  std::string flags = stats.replay_flags;
  // The embedded server makes its own second key.
  if (stats.embedded) {
    const std::string second = " --second-api-key KEY2";
    if (const std::size_t at = flags.find(second); at != std::string::npos)
      flags.erase(at, second.size());
  }
  return "tools/fuzz --remote" +
         (stats.embedded ? std::string() : " --target " + stats.target + " --api-key KEY") + flags +
         " --seed " + std::to_string(finding.seed) + " --index " + std::to_string(finding.index);
}

std::string TextReport(const RunStats& stats, const std::vector<Finding>& findings) {
  std::string text;
  text += "requests: " + std::to_string(stats.requests) + " in " + Fixed(stats.seconds, 1) +
          " s (" + Fixed(stats.RequestsPerSecond(), 1) + "/s), " + std::to_string(stats.cases) +
          " cases, " + std::to_string(stats.canaries) + " canaries; stopped: " + stats.stopped +
          "\n";
  text += "by status:";
  for (const auto& [status, count] : stats.by_status) {
    text +=
        " " + (status ? std::to_string(status) : std::string("none")) + "=" + std::to_string(count);
  }
  text += "\nby kind:";
  for (const auto& [kind, count] : stats.by_kind) text += " " + kind + "=" + std::to_string(count);
  text += "\nchecks:";
  for (const CheckInfo& check : AllChecks()) {
    const auto run = stats.checks_run.find(check.name);
    text += std::string(" ") + check.name + "=" +
            std::to_string(run == stats.checks_run.end() ? 0 : run->second);
  }
  text += "\n";
  std::size_t strict = 0;
  for (const Finding& f : findings) strict += f.strict ? 1 : 0;
  text += "findings: " + std::to_string(findings.size()) + " (" + std::to_string(strict) +
          " FAILED, " + std::to_string(findings.size() - strict) + " NON-STRICT)\n";
  for (const Finding& f : findings) text += "\n" + Paragraph(stats, f);
  return text;
}

std::string JsonReport(const RunStats& stats, const std::vector<Finding>& findings) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
  auto string = [&](const char* key, const std::string& value) {
    w.Key(key);
    w.String(ToValidUtf8(value));
  };
  w.StartObject();
  string("tool", "api_fuzz");
  string("target", stats.target);
  w.Key("seed");
  w.Uint64(stats.seed);
  string("options", stats.options);
  w.Key("duration_s");
  w.Double(stats.seconds);
  w.Key("requests");
  w.Uint64(stats.requests);
  w.Key("requests_per_s");
  w.Double(stats.RequestsPerSecond());
  w.Key("cases");
  w.Uint64(stats.cases);
  w.Key("canaries");
  w.Uint64(stats.canaries);
  string("stopped", stats.stopped);
  w.Key("by_status");
  w.StartObject();
  for (const auto& [status, count] : stats.by_status) {
    w.Key(status ? std::to_string(status) : "none");
    w.Uint64(count);
  }
  w.EndObject();
  w.Key("by_kind");
  w.StartObject();
  for (const auto& [kind, count] : stats.by_kind) {
    w.Key(kind);
    w.Uint64(count);
  }
  w.EndObject();
  w.Key("checks");
  w.StartObject();
  for (const CheckInfo& check : AllChecks()) {
    w.Key(check.name);
    w.StartObject();
    const auto run = stats.checks_run.find(check.name);
    w.Key("run");
    w.Uint64(run == stats.checks_run.end() ? 0 : run->second);
    std::size_t failed = 0;
    for (const Finding& f : findings) failed += f.check == check.name ? f.count : 0;
    w.Key("violations");
    w.Uint64(failed);
    string("proves", check.proves);
    w.EndObject();
  }
  w.EndObject();
  w.Key("findings");
  w.StartArray();
  std::size_t strict = 0;
  for (const Finding& f : findings) {
    strict += f.strict ? 1 : 0;
    w.StartObject();
    string("grade", FindingGrade(f));
    string("check", f.check);
    string("route", f.route);
    w.Key("status");
    w.Int(f.status);
    w.Key("count");
    w.Uint64(f.count);
    string("message", Shorten(f.message, 4000));
    w.Key("seed");
    w.Uint64(f.seed);
    w.Key("index");
    w.Uint64(f.index);
    w.Key("first_seconds");
    w.Double(f.first_seconds);
    string("kind", KindName(f.first.kind));
    string("origin", f.first.origin);
    string("replay", ReplayCommand(stats, f));
    w.Key("minimized");
    w.Bool(f.minimized);
    w.Key("minimize_attempts");
    w.Uint64(f.minimize_attempts);
    string("curl", f.curl);
    string("raw_file", f.raw_file);
    w.EndObject();
  }
  w.EndArray();
  string("result", strict ? "findings" : findings.empty() ? "no findings" : "non-strict findings");
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

std::string JUnitReport(const RunStats& stats, const std::vector<Finding>& findings) {
  std::size_t failures = 0;
  std::string cases;
  for (const CheckInfo& check : AllChecks()) {
    std::string failed;
    std::string noted;
    for (const Finding& f : findings) {
      if (f.check != check.name) continue;
      (f.strict ? failed : noted) += Paragraph(stats, f) + "\n";
    }
    cases += "    <testcase classname=\"api_fuzz\" name=\"" + std::string(check.name) + "\">\n";
    const auto run = stats.checks_run.find(check.name);
    if (run == stats.checks_run.end() || run->second == 0) {
      cases += "      <skipped message=\"not run in this campaign\"/>\n";
    } else if (!failed.empty()) {
      ++failures;
      cases += "      <failure message=\"" + XmlEscape(check.proves) + "\">" + XmlEscape(failed) +
               "</failure>\n";
    }
    if (!noted.empty()) cases += "      <system-out>" + XmlEscape(noted) + "</system-out>\n";
    cases += "    </testcase>\n";
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"api_fuzz\" "
         "tests=\"" +
         std::to_string(AllChecks().size()) + "\" failures=\"" + std::to_string(failures) +
         "\" time=\"" + Fixed(stats.seconds, 3) + "\">\n" + cases +
         "  </testsuite>\n</testsuites>\n";
}

}  // namespace remote_fuzz

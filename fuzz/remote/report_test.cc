#include "fuzz/remote/report.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "fuzz/remote/checks.h"
#include "fuzz/remote/test_support.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"

namespace remote_fuzz {
namespace {

using test::CountOf;

// What a target may send back, quoted in a finding's message: markup that
// would end the report's own elements, and bytes that are not UTF-8.
const std::string kHostile =
    "answered 500 <script>alert(1)</script></failure></testcase>]]>&amp; \"q\" "
    "\xff\xfe\xc3 bad \xed\xa0\x80 surrogate \x01\x02 control end";

RunStats Stats() {
  RunStats stats;
  stats.target = "http://127.0.0.1:8080";
  stats.seed = 7;
  stats.seconds = 4;
  stats.requests = 10;
  stats.cases = 9;
  stats.by_status = {{0, 1}, {200, 6}, {400, 2}, {500, 1}};
  stats.by_kind = {{"json", 5}, {"raw", 4}};
  stats.checks_run = {{"no_server_error", 9}, {"well_framed", 9}, {"differential", 3}};
  stats.canaries = 1;
  stats.stopped = "requests";
  return stats;
}

Finding MakeFinding(const std::string& check, bool strict, std::size_t count,
                    const std::string& message) {
  Finding f;
  f.check = check;
  f.route = "POST /execute";
  f.status = 500;
  f.strict = strict;
  f.message = message;
  f.seed = 7;
  f.index = 12;
  f.count = count;
  f.first = test::JsonCase("{}");
  f.first.origin = "grammar";
  f.reproducer = f.first;
  return f;
}

std::vector<Finding> Findings() {
  return {MakeFinding("no_server_error", true, 3, kHostile),
          MakeFinding("differential", false, 2, "lenient " + kHostile)};
}

// Every byte valid UTF-8, and every character one XML 1.0 can carry.
::testing::AssertionResult IsXmlText(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = c < 0x80         ? 1
                         : (c >> 5) == 6  ? 2
                         : (c >> 4) == 14 ? 3
                         : (c >> 3) == 30 ? 4
                                          : 0;
    if (length == 0 || i + length > text.size()) {
      return ::testing::AssertionFailure() << "invalid UTF-8 at byte " << i;
    }
    std::uint32_t point = length == 1 ? c : c & (0x7f >> length);
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return ::testing::AssertionFailure() << "invalid UTF-8 at " << i;
      point = (point << 6) | (next & 0x3f);
    }
    const bool allowed =
        point == 0x9 || point == 0xa || point == 0xd || (point >= 0x20 && point <= 0xd7ff) ||
        (point >= 0xe000 && point <= 0xfffd) || (point >= 0x10000 && point <= 0x10ffff);
    if (!allowed) {
      char hex[16];
      std::snprintf(hex, sizeof hex, "U+%04X", static_cast<unsigned>(point));
      return ::testing::AssertionFailure()
             << "character " << hex << " at byte " << i << " is not allowed in XML";
    }
    i += length;
  }
  return ::testing::AssertionSuccess();
}

rapidjson::Document ParseStrictly(const std::string& text) {
  rapidjson::Document document;
  document.Parse<rapidjson::kParseValidateEncodingFlag>(text.c_str(), text.size());
  EXPECT_FALSE(document.HasParseError()) << rapidjson::GetParseError_En(document.GetParseError())
                                         << " at " << document.GetErrorOffset();
  return document;
}

TEST(JsonReport, HasTheDocumentedFields) {
  const std::string text = JsonReport(Stats(), Findings());
  const rapidjson::Document report = ParseStrictly(text);
  ASSERT_TRUE(report.IsObject()) << text;
  EXPECT_STREQ(report["tool"].GetString(), "api_fuzz");
  EXPECT_STREQ(report["target"].GetString(), "http://127.0.0.1:8080");
  EXPECT_EQ(report["seed"].GetUint64(), 7u);
  EXPECT_EQ(report["requests"].GetUint64(), 10u);
  EXPECT_DOUBLE_EQ(report["requests_per_s"].GetDouble(), 2.5);
  EXPECT_EQ(report["cases"].GetUint64(), 9u);
  EXPECT_STREQ(report["stopped"].GetString(), "requests");

  const auto& by_status = report["by_status"];
  ASSERT_TRUE(by_status.IsObject());
  EXPECT_EQ(by_status["none"].GetUint64(), 1u);
  EXPECT_EQ(by_status["200"].GetUint64(), 6u);
  EXPECT_EQ(by_status["500"].GetUint64(), 1u);
  EXPECT_FALSE(by_status.HasMember("0"));
  EXPECT_EQ(report["by_kind"]["raw"].GetUint64(), 4u);

  const auto& checks = report["checks"];
  ASSERT_TRUE(checks.IsObject());
  EXPECT_EQ(checks.MemberCount(), AllChecks().size());
  for (const CheckInfo& check : AllChecks()) {
    ASSERT_TRUE(checks.HasMember(check.name)) << check.name;
    EXPECT_TRUE(checks[check.name]["run"].IsUint64()) << check.name;
    EXPECT_TRUE(checks[check.name]["violations"].IsUint64()) << check.name;
    EXPECT_STREQ(checks[check.name]["proves"].GetString(), check.proves);
  }
  EXPECT_EQ(checks["no_server_error"]["run"].GetUint64(), 9u);
  EXPECT_EQ(checks["no_server_error"]["violations"].GetUint64(), 3u);
  EXPECT_EQ(checks["differential"]["run"].GetUint64(), 3u);
  EXPECT_EQ(checks["differential"]["violations"].GetUint64(), 2u);
  EXPECT_EQ(checks["stateful"]["run"].GetUint64(), 0u);
  EXPECT_EQ(checks["stateful"]["violations"].GetUint64(), 0u);

  const auto& findings = report["findings"];
  ASSERT_TRUE(findings.IsArray());
  ASSERT_EQ(findings.Size(), 2u);
  EXPECT_STREQ(findings[0]["grade"].GetString(), "FAILED");
  EXPECT_STREQ(findings[0]["check"].GetString(), "no_server_error");
  EXPECT_STREQ(findings[0]["route"].GetString(), "POST /execute");
  EXPECT_EQ(findings[0]["status"].GetInt(), 500);
  EXPECT_EQ(findings[0]["count"].GetUint64(), 3u);
  EXPECT_EQ(findings[0]["seed"].GetUint64(), 7u);
  EXPECT_EQ(findings[0]["index"].GetUint64(), 12u);
  EXPECT_STREQ(findings[0]["kind"].GetString(), "json");
  const std::string replay = findings[0]["replay"].GetString();
  EXPECT_NE(replay.find("--seed 7 --index 12"), std::string::npos) << replay;
  EXPECT_STREQ(findings[1]["grade"].GetString(), "NON-STRICT");
  EXPECT_STREQ(report["result"].GetString(), "findings");
}

TEST(JsonReport, HostileTextStaysInsideItsString) {
  const std::string text = JsonReport(Stats(), Findings());
  const rapidjson::Document report = ParseStrictly(text);
  ASSERT_TRUE(report.IsObject());
  const std::string message = report["findings"][0]["message"].GetString();
  EXPECT_NE(message.find("<script>alert(1)</script></failure>"), std::string::npos) << message;
  EXPECT_NE(message.find("\"q\""), std::string::npos);
  EXPECT_NE(message.find("end"), std::string::npos) << "nothing after the bad bytes was lost";
  EXPECT_EQ(message.find('\xff'), std::string::npos);
}

TEST(JsonReport, ResultWithoutStrictFindings) {
  const rapidjson::Document none = ParseStrictly(JsonReport(Stats(), {}));
  EXPECT_STREQ(none["result"].GetString(), "no findings");
  EXPECT_EQ(none["findings"].Size(), 0u);
  const rapidjson::Document lenient =
      ParseStrictly(JsonReport(Stats(), {MakeFinding("differential", false, 1, "m")}));
  EXPECT_STREQ(lenient["result"].GetString(), "non-strict findings");
}

TEST(JUnitReport, HostileTextIsEscaped) {
  const std::string xml = JUnitReport(Stats(), Findings());
  EXPECT_TRUE(IsXmlText(xml));
  EXPECT_EQ(xml.find("<script>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("&lt;script&gt;"), std::string::npos) << xml;
  EXPECT_NE(xml.find("&lt;/failure&gt;"), std::string::npos) << xml;
  EXPECT_EQ(xml.find("]]>"), std::string::npos);
  // The document's own structure is intact: one testcase per check, one
  // failure (the strict finding's check), opened and closed once each.
  EXPECT_EQ(CountOf(xml, "<testcase "), AllChecks().size());
  EXPECT_EQ(CountOf(xml, "</testcase>"), AllChecks().size());
  EXPECT_EQ(CountOf(xml, "<failure "), 1u);
  EXPECT_EQ(CountOf(xml, "</failure>"), 1u);
  EXPECT_NE(xml.find("failures=\"1\""), std::string::npos);
  const std::size_t failure = xml.find("<failure ");
  const std::size_t testcase = xml.rfind("<testcase ", failure);
  EXPECT_EQ(xml.substr(testcase, xml.find('>', testcase) - testcase),
            "<testcase classname=\"api_fuzz\" name=\"no_server_error\"");
  // The NON-STRICT finding is told, not failed.
  EXPECT_EQ(CountOf(xml, "<system-out>"), 1u);
  EXPECT_NE(xml.find("NON-STRICT differential"), std::string::npos);
  EXPECT_EQ(xml.rfind("</testsuites>\n"), xml.size() - 14);
}

TEST(JUnitReport, ChecksThatDidNotRunAreSkipped) {
  const std::string xml = JUnitReport(Stats(), {});
  // no_server_error, well_framed and differential ran (Stats()).
  EXPECT_EQ(CountOf(xml, "<skipped "), AllChecks().size() - 3);
  EXPECT_EQ(CountOf(xml, "<failure"), 0u);
  EXPECT_NE(xml.find("failures=\"0\""), std::string::npos);
}

TEST(TextReport, FiguresAndOneParagraphPerFinding) {
  const std::string text = TextReport(Stats(), Findings());
  EXPECT_NE(text.find("requests: 10 in 4.0 s (2.5/s), 9 cases, 1 canaries; stopped: requests"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("none=1"), std::string::npos);
  EXPECT_NE(text.find("500=1"), std::string::npos);
  EXPECT_NE(text.find("findings: 2 (1 FAILED, 1 NON-STRICT)"), std::string::npos) << text;
  EXPECT_NE(text.find("FAILED no_server_error on POST /execute (status 500), 3 time(s)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("--seed 7 --index 12"), std::string::npos) << text;
  EXPECT_EQ(text.find('\xff'), std::string::npos) << "the target's bytes are made valid UTF-8";
}

TEST(RunStats, RequestsPerSecond) {
  RunStats stats;
  stats.requests = 10;
  EXPECT_EQ(stats.RequestsPerSecond(), 0) << "no time, no rate (not a division by zero)";
  stats.seconds = 4;
  EXPECT_DOUBLE_EQ(stats.RequestsPerSecond(), 2.5);
}

// What a hostile target may answer, quoted back in findings: script, and
// the end of the element it is shown in followed by markup of its own.
const std::string kPageScript = "<script>window.pwned=1</script>";
const std::string kPageBreakout = "</pre><img src=x onerror=alert(1)>";

// A strict finding whose message, request and raw bytes carry the hostile
// text; a NON-STRICT one minimized, with a curl line; a raw one.
std::vector<Finding> HostileFindings() {
  Finding answered = MakeFinding("no_server_error", true, 3,
                                 "POST /execute answered 500 " + kPageScript + kPageBreakout);
  answered.reproducer = test::JsonCase("{\"code\":\"" + kPageBreakout + kPageScript + "\"}");
  Finding lenient = MakeFinding("differential", false, 2, "lenient " + kPageScript);
  lenient.minimized = true;
  lenient.minimize_attempts = 14;
  lenient.curl =
      "curl -sS -i 'http://127.0.0.1:8080/execute' -H \"Authorization: Bearer $API_KEY\"";
  Finding raw = MakeFinding("well_framed", true, 1, "raw answer " + kPageBreakout);
  raw.route = "raw";
  raw.status = 0;
  raw.first = test::RawCase({"GET / HTTP/1.1\r\n", "X: " + kPageScript + "\r\n\r\n\x01"});
  raw.reproducer = raw.first;
  raw.raw_file = "fuzz-findings/seed-7/3-well_framed.raw";
  return {answered, lenient, raw};
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

std::size_t ItemsGraded(const std::string& html, const std::string& grade) {
  std::size_t count = 0;
  for (const std::string& tag : ItemTags(html)) {
    count += tag.find("data-grade=\"" + grade + "\"") != std::string::npos ? 1 : 0;
  }
  return count;
}

// The part of the page from item `id` to the end of its element.
std::string ItemText(const std::string& html, const std::string& id) {
  const std::size_t at = html.find("\"item-" + id + "\"");
  if (at == std::string::npos) return "";
  return html.substr(at, html.find("</details>", at) - at);
}

TEST(HtmlReport, HostileAnswersAreText) {
  const std::string html = HtmlReport(Stats(), HostileFindings());
  // Kept with the test's outputs, for a person to look at.
  if (const char* outputs = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR"); outputs != nullptr) {
    std::ofstream(std::string(outputs) + "/fuzz_report.html") << html;
  }
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("&lt;script&gt;window.pwned=1&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;/pre&gt;&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("window.pwned=1</script>"), std::string::npos);
  EXPECT_EQ(CountOf(html, "<script"), 1u) << "the page's own script only";
  EXPECT_EQ(CountOf(html, "</script>"), 1u);
  EXPECT_EQ(CountOf(html, "<pre"), CountOf(html, "</pre>"));
}

TEST(HtmlReport, OneItemPerFindingGradedBySeverity) {
  const std::vector<Finding> findings = HostileFindings();
  const std::string html = HtmlReport(Stats(), findings);
  EXPECT_EQ(ItemTags(html).size(), findings.size());
  EXPECT_EQ(ItemsGraded(html, "FAILED"), 2u);
  EXPECT_EQ(ItemsGraded(html, "NON-STRICT"), 1u);
  EXPECT_EQ(ItemsGraded(html, "OK"), 0u);
  // Named as the reproducer files are, in the reports' order.
  for (const char* id : {"1-no_server_error", "2-differential", "3-well_framed"}) {
    EXPECT_NE(ItemText(html, id), "") << id;
  }
  EXPECT_NE(html.find("3 finding(s): 2 FAILED, 1 NON-STRICT (exit 1)"), std::string::npos);
}

TEST(HtmlReport, SectionsByCheckInTheListsOrder) {
  const std::string html = HtmlReport(Stats(), HostileFindings());
  const std::size_t server_error = html.find("<h2>no_server_error</h2>");
  const std::size_t framed = html.find("<h2>well_framed</h2>");
  const std::size_t differential = html.find("<h2>differential</h2>");
  ASSERT_NE(server_error, std::string::npos);
  ASSERT_NE(framed, std::string::npos);
  ASSERT_NE(differential, std::string::npos);
  // AllChecks() order: no_server_error, ..., well_framed, ..., differential.
  EXPECT_LT(server_error, framed);
  EXPECT_LT(framed, differential);
}

TEST(HtmlReport, AFindingOpensToItsReproducer) {
  const std::vector<Finding> findings = HostileFindings();
  const std::string html = HtmlReport(Stats(), findings);
  const std::string answered = ItemText(html, "1-no_server_error");
  for (const char* part :
       {"what was wrong", "request", "answer", "status 500", "replay", "POST /execute HTTP/1.1",
        "Authorization: Bearer ${API_KEY}", "first seen",
        "seed 7, index 12, json case from grammar", "minimization", "not minimized"}) {
    EXPECT_NE(answered.find(part), std::string::npos) << part << " in " << answered;
  }
  // The replay is the text report's, word for word.
  const std::string replay = ReplayCommand(Stats(), findings[0]);
  EXPECT_NE(TextReport(Stats(), findings).find("replay: " + replay), std::string::npos);
  EXPECT_NE(answered.find(replay), std::string::npos) << replay;

  const std::string lenient = ItemText(html, "2-differential");
  EXPECT_NE(lenient.find("minimized in 14 attempt(s)"), std::string::npos) << lenient;
  EXPECT_NE(lenient.find("curl -sS -i"), std::string::npos) << lenient;

  const std::string raw = ItemText(html, "3-well_framed");
  EXPECT_NE(raw.find("GET / HTTP/1.1\\r\\n"), std::string::npos) << raw;
  EXPECT_NE(raw.find("\\r\\n\n\\r\\n\n\\x01"), std::string::npos) << raw;
  EXPECT_NE(raw.find("(sent in 2 pieces)"), std::string::npos) << raw;
  EXPECT_NE(raw.find("no answer"), std::string::npos) << raw;
  EXPECT_NE(raw.find("fuzz-findings/seed-7/3-well_framed.raw"), std::string::npos) << raw;
}

TEST(HtmlReport, FactsAndTables) {
  RunStats stats = Stats();
  stats.options = "--requests 10 --seed 7 --api-key KEY";
  stats.replay_flags = " --validation-only";
  const std::string html = HtmlReport(stats, HostileFindings());
  EXPECT_NE(html.find("Remote fuzzing of http://127.0.0.1:8080"), std::string::npos);
  EXPECT_NE(html.find("remote fuzzing"), std::string::npos);
  for (const char* part :
       {"seed", "duration", "4.0 s", "requests per second", "2.5", "stopped",
        "--requests 10 --seed 7 --api-key KEY", "replay flags", "--validation-only",
        "answers by status", "cases by kind", "checks run", ">none<", ">raw<", ">still_alive<"}) {
    EXPECT_NE(html.find(part), std::string::npos) << part;
  }
}

TEST(HtmlReport, NoFindingsIsOneOkItem) {
  const std::string html = HtmlReport(Stats(), {});
  EXPECT_EQ(ItemTags(html).size(), 1u);
  EXPECT_EQ(ItemsGraded(html, "OK"), 1u);
  EXPECT_NE(html.find("no findings (exit 0)"), std::string::npos);
  EXPECT_NE(ItemText(html, "no-findings").find("9 case(s)"), std::string::npos);
}

}  // namespace
}  // namespace remote_fuzz

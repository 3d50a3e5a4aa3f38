// The remote fuzzer's page (--html), in the style of every report of the
// project (tools/html_page).
#include <string>
#include <vector>

#include "conformance/json_text.h"
#include "fuzz/remote/checks.h"
#include "fuzz/remote/report.h"
#include "tools/html_page/html_page.h"

namespace remote_fuzz {

namespace {

using html_page::Block;
using html_page::Tone;

// What a reproducer shows of its bytes: enough to read the bug, not the
// megabytes some cases send.
constexpr std::size_t kShownBytes = 4000;

// Bytes as a reader needs them to rebuild the request: line ends and every
// byte that is not printable ASCII spelt out (raw attacks hinge on a bare
// \n or a stray \x00), a line break kept after each \n.
std::string Visible(const std::string& bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes.size() && i < kShownBytes; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c < 0x20 || c >= 0x7f) {
      out += std::string("\\x") + kHex[c >> 4] + kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (bytes.size() > kShownBytes) {
    out += "... (" + std::to_string(bytes.size()) + " bytes in all)";
  }
  return out;
}

std::string AuthorizationLine(KeyUse key) {
  switch (key) {
    case KeyUse::kPrimary:
      return "Authorization: Bearer ${API_KEY}\n";
    case KeyUse::kSecond:
      return "Authorization: Bearer ${SECOND_API_KEY}\n";
    case KeyUse::kWrong:
      return "Authorization: Bearer (a key the target never issued)\n";
    case KeyUse::kNone:
      return "";
  }
  return "";
}

// The request as sent, but for the Host and Content-Length headers the
// transport adds (api_fuzz --index prints the exact bytes).
std::string RequestText(const FuzzCase& c) {
  if (c.kind == Kind::kRaw) {
    std::string bytes;
    for (const std::string& piece : c.raw_pieces) bytes += piece;
    std::string text = Visible(bytes);
    if (c.raw_pieces.size() > 1) {
      text += "\n(sent in " + std::to_string(c.raw_pieces.size()) + " pieces)";
    }
    return text;
  }
  std::string text =
      Visible(c.http.method + " " + c.http.target) + " HTTP/1.1\n" + AuthorizationLine(c.http.key);
  for (const auto& [name, value] : c.http.headers) text += Visible(name + ": " + value) + "\n";
  if (c.http.close) text += "Connection: close\n";
  if (!c.http.body.empty()) text += "\n" + Visible(c.http.body);
  return text;
}

std::string Minimization(const Finding& f) {
  if (f.minimized) {
    return "minimized in " + std::to_string(f.minimize_attempts) +
           " attempt(s): the request shown is the smallest that still fails";
  }
  if (f.minimize_attempts > 0) {
    return "not minimized: none of " + std::to_string(f.minimize_attempts) +
           " smaller request(s) failed the same way";
  }
  return "not minimized: no smaller request was tried (sequences are not minimized, nor anything "
         "under --no-minimize or after the target stopped answering)";
}

html_page::Item ItemOf(const RunStats& stats, const Finding& f, std::size_t number) {
  html_page::Item item;
  // As the reproducer files are named under --findings-dir.
  item.id = std::to_string(number) + "-" + f.check;
  item.grade = FindingGrade(f);
  item.title = f.route + (f.status ? " answered " + std::to_string(f.status) : " got no answer");
  item.note = std::to_string(f.count) + " time(s)";
  item.blocks.push_back(
      {Block::Kind::kText, "what was wrong", conformance::Shorten(f.message, kShownBytes), {}});
  item.blocks.push_back({Block::Kind::kPre, "request", RequestText(f.reproducer), {}});
  // A finding keeps the answer's status; its words are in the message
  // (the checks quote what they judged), and the replay shows it whole.
  item.blocks.push_back({Block::Kind::kPre,
                         "answer",
                         f.status ? "status " + std::to_string(f.status) : "no answer",
                         {}});
  item.blocks.push_back({Block::Kind::kText,
                         "first seen",
                         "after " + Fixed(f.first_seconds, 1) + " s: seed " +
                             std::to_string(f.seed) + ", index " + std::to_string(f.index) + ", " +
                             KindName(f.first.kind) + " case from " + f.first.origin,
                         {}});
  item.blocks.push_back({Block::Kind::kCommand, "replay", ReplayCommand(stats, f), {}});
  if (!f.curl.empty()) {
    item.blocks.push_back({Block::Kind::kCommand, "curl", f.curl, {}});
    item.blocks.push_back(
        {Block::Kind::kText, "", "curl needs API_KEY (and SECOND_API_KEY) set to the keys.", {}});
  }
  if (!f.raw_file.empty()) item.blocks.push_back({Block::Kind::kText, "raw bytes", f.raw_file, {}});
  item.blocks.push_back({Block::Kind::kText, "minimization", Minimization(f), {}});
  return item;
}

// One section a check, in the order `--list-checks` gives them.
std::vector<html_page::Section> Sections(const RunStats& stats,
                                         const std::vector<Finding>& findings) {
  std::vector<html_page::Section> sections;
  for (const CheckInfo& check : AllChecks()) {
    html_page::Section section{check.name, {}};
    for (std::size_t i = 0; i < findings.size(); ++i) {
      if (findings[i].check == check.name)
        section.items.push_back(ItemOf(stats, findings[i], i + 1));
    }
    if (!section.items.empty()) sections.push_back(std::move(section));
  }
  // A check the list does not name yet still shows its findings.
  html_page::Section other{"other checks", {}};
  for (std::size_t i = 0; i < findings.size(); ++i) {
    bool known = false;
    for (const CheckInfo& check : AllChecks()) known |= findings[i].check == check.name;
    if (!known) other.items.push_back(ItemOf(stats, findings[i], i + 1));
  }
  if (!other.items.empty()) sections.push_back(std::move(other));
  if (sections.empty()) {
    html_page::Item none{"no-findings", "OK", "no findings", "", {}};
    none.blocks.push_back(
        {Block::Kind::kText,
         "",
         "Every answer of " + std::to_string(stats.cases) + " case(s) passed every check that ran.",
         {}});
    sections.push_back({"findings", {none}});
  }
  return sections;
}

std::vector<std::pair<std::string, std::string>> Facts(const RunStats& stats) {
  std::vector<std::pair<std::string, std::string>> facts = {
      {"target", stats.target + (stats.embedded ? " (embedded reference server)" : "")},
      {"seed", std::to_string(stats.seed)},
      {"duration", Fixed(stats.seconds, 1) + " s"},
      {"requests", std::to_string(stats.requests)},
      {"cases", std::to_string(stats.cases)},
      {"requests per second", Fixed(stats.RequestsPerSecond(), 1)},
      {"canaries", std::to_string(stats.canaries)},
      {"stopped", stats.stopped},
      {"options", stats.options},
  };
  if (!stats.replay_flags.empty()) facts.emplace_back("replay flags", stats.replay_flags);
  return facts;
}

std::vector<html_page::Table> Tables(const RunStats& stats, const std::vector<Finding>& findings) {
  html_page::Table statuses{"answers by status", {"status", "answers"}, {}};
  for (const auto& [status, count] : stats.by_status) {
    statuses.rows.push_back({status ? std::to_string(status) : "none", std::to_string(count)});
  }
  html_page::Table kinds{"cases by kind", {"kind", "cases"}, {}};
  for (const auto& [kind, count] : stats.by_kind)
    kinds.rows.push_back({kind, std::to_string(count)});
  html_page::Table checks{"checks run", {"check", "run", "violations", "proves"}, {}};
  for (const CheckInfo& check : AllChecks()) {
    const auto run = stats.checks_run.find(check.name);
    std::size_t violations = 0;
    for (const Finding& f : findings) violations += f.check == check.name ? f.count : 0;
    checks.rows.push_back({check.name,
                           std::to_string(run == stats.checks_run.end() ? 0 : run->second),
                           std::to_string(violations), check.proves});
  }
  return {statuses, kinds, checks};
}

}  // namespace

std::string HtmlReport(const RunStats& stats, const std::vector<Finding>& findings) {
  std::size_t strict = 0;
  for (const Finding& f : findings) strict += f.strict ? 1 : 0;
  html_page::Page page;
  page.title = "Remote fuzzing of " + stats.target;
  page.kind = "remote fuzzing";
  page.verdict = findings.empty()
                     ? "no findings (exit 0)"
                     : std::to_string(findings.size()) + " finding(s): " + std::to_string(strict) +
                           " FAILED, " + std::to_string(findings.size() - strict) +
                           " NON-STRICT (exit " + (strict ? "1" : "0") + ")";
  page.verdict_tone = strict ? Tone::kBad : findings.empty() ? Tone::kGood : Tone::kWarn;
  page.facts = Facts(stats);
  page.grades = {{"FAILED", Tone::kBad}, {"NON-STRICT", Tone::kWarn}};
  // OK grades only the "no findings" item: a filter "OK 0" beside findings
  // would read as if some answers had been judged and found good.
  if (findings.empty()) page.grades.push_back({"OK", Tone::kGood});
  page.tables = Tables(stats, findings);
  page.sections = Sections(stats, findings);
  return html_page::Render(page, html_page::RandomNonce());
}

}  // namespace remote_fuzz

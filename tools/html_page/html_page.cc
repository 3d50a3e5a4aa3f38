// Render: a Page as one self-contained HTML document. Every string of the
// Page goes through EscapeHtml; the only markup is written here.
#include "tools/html_page/html_page.h"

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tools/html_page/page_style.h"

namespace html_page {
namespace {

std::string_view ToneClass(Tone tone) {
  switch (tone) {
    case Tone::kGood:
      return "tone-good";
    case Tone::kWarn:
      return "tone-warn";
    case Tone::kBad:
      return "tone-bad";
    case Tone::kInfo:
      return "tone-info";
    case Tone::kNeutral:
      break;
  }
  return "tone-neutral";
}

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Letters and digits only, so that it can go into the CSP header and the
// attribute as is; 16 at least, so that it cannot be guessed.
bool ValidNonce(std::string_view nonce) {
  return nonce.size() >= 16 && std::all_of(nonce.begin(), nonce.end(), IsAsciiAlnum);
}

// An item's element id: "item-" then its id with every byte other than a
// letter, a digit, '.', '-' or '_' written ~XX. The result has no space (a
// valid HTML id), needs no percent-encoding as a URL fragment, and two
// distinct ids stay distinct.
std::string AnchorId(std::string_view id) {
  constexpr char kDigits[] = "0123456789ABCDEF";
  std::string anchor = "item-";
  for (char c : id) {
    if (IsAsciiAlnum(c) || c == '.' || c == '-' || c == '_') {
      anchor += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      anchor += '~';
      anchor += kDigits[byte >> 4];
      anchor += kDigits[byte & 0xF];
    }
  }
  return anchor;
}

// The grades the filter offers: the page's, then any an item names that
// the page does not (neutral), so that every item can be filtered to.
struct FilterGrade {
  std::string name;
  Tone tone = Tone::kNeutral;
  int count = 0;
};

std::vector<FilterGrade> FilterGrades(const Page& page) {
  std::vector<FilterGrade> grades;
  std::map<std::string, std::size_t, std::less<>> index;
  auto add = [&](const std::string& name, Tone tone) -> FilterGrade& {
    auto [it, inserted] = index.try_emplace(name, grades.size());
    if (inserted) grades.push_back({name, tone, 0});
    return grades[it->second];
  };
  for (const Grade& grade : page.grades) add(grade.name, grade.tone);
  for (const Section& section : page.sections) {
    for (const Item& item : section.items) ++add(item.grade, Tone::kNeutral).count;
  }
  return grades;
}

Tone ToneOf(const std::vector<FilterGrade>& grades, std::string_view name) {
  for (const FilterGrade& grade : grades) {
    if (grade.name == name) return grade.tone;
  }
  return Tone::kNeutral;
}

void AppendHead(const Page& page, std::string_view nonce, std::string& out) {
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  // The second line of defence: should markup ever slip through, no other
  // script runs, nothing is fetched and no form posts anywhere.
  out +=
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; script-src 'nonce-";
  out += nonce;
  out += "'; img-src data:; base-uri 'none'; form-action 'none'\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + EscapeHtml(page.title) + "</title>\n<style>";
  out += PageCss();
  out += "</style>\n</head>\n";
}

void AppendTable(const Table& table, std::string& out) {
  out += "<table class=\"summary\">\n";
  if (!table.caption.empty()) out += "<caption>" + EscapeHtml(table.caption) + "</caption>\n";
  if (!table.header.empty()) {
    out += "<thead><tr>";
    for (const std::string& cell : table.header) out += "<th>" + EscapeHtml(cell) + "</th>";
    out += "</tr></thead>\n";
  }
  out += "<tbody>\n";
  for (const std::vector<std::string>& row : table.rows) {
    out += "<tr>";
    for (const std::string& cell : row) out += "<td>" + EscapeHtml(cell) + "</td>";
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
}

void AppendHeader(const Page& page, std::string& out) {
  out += "<header>\n";
  if (!page.kind.empty()) out += "<p class=\"kind\">" + EscapeHtml(page.kind) + "</p>\n";
  out += "<h1>" + EscapeHtml(page.title) + "</h1>\n";
  if (!page.verdict.empty()) {
    out += "<p class=\"verdict ";
    out += ToneClass(page.verdict_tone);
    out += "\">" + EscapeHtml(page.verdict) + "</p>\n";
  }
  if (!page.facts.empty()) {
    out += "<dl class=\"facts\">\n";
    for (const auto& [name, value] : page.facts) {
      out += "<dt>" + EscapeHtml(name) + "</dt><dd>" + EscapeHtml(value) + "</dd>\n";
    }
    out += "</dl>\n";
  }
  for (const Table& table : page.tables) AppendTable(table, out);
  out += "</header>\n";
}

void AppendFilters(const std::vector<FilterGrade>& grades, int total, std::string& out) {
  out += "<nav class=\"filters\" aria-label=\"filters\">\n";
  for (const FilterGrade& grade : grades) {
    out += "<button type=\"button\" class=\"grade-filter ";
    out += ToneClass(grade.tone);
    out += "\" data-grade=\"" + EscapeHtml(grade.name) + "\" aria-pressed=\"false\">";
    out += "<span class=\"grade-name\">" + EscapeHtml(grade.name) + "</span> ";
    out += "<span class=\"count\">" + std::to_string(grade.count) + "</span></button>\n";
  }
  out +=
      "<input type=\"search\" id=\"filter-text\" placeholder=\"filter by text\" "
      "aria-label=\"filter by text\" autocomplete=\"off\">\n";
  // Before the script runs (or if it never does) every item is shown.
  const std::string count = std::to_string(total);
  out += "<p class=\"shown\">showing <span id=\"shown-count\">" + count +
         "</span> of <span id=\"total-count\">" + count + "</span></p>\n</nav>\n";
}

std::string_view KindClass(Block::Kind kind) {
  switch (kind) {
    case Block::Kind::kPre:
      return "block-pre";
    case Block::Kind::kList:
      return "block-list";
    case Block::Kind::kCommand:
      return "block-command";
    case Block::Kind::kText:
      break;
  }
  return "block-text";
}

void AppendBlock(const Block& block, std::string& out) {
  out += "<div class=\"block ";
  out += KindClass(block.kind);
  out += "\">";
  if (!block.label.empty()) out += "<h3 class=\"label\">" + EscapeHtml(block.label) + "</h3>";
  // The newline after <pre> is the one the HTML parser drops, so that a
  // text's own leading newline is kept.
  switch (block.kind) {
    case Block::Kind::kText:
      out += "<p class=\"body\">" + EscapeHtml(block.text) + "</p>";
      break;
    case Block::Kind::kPre:
      out += "<pre class=\"body\">\n" + EscapeHtml(block.text) + "</pre>";
      break;
    case Block::Kind::kList:
      out += "<ul class=\"body\">";
      for (const std::string& line : block.lines) out += "<li>" + EscapeHtml(line) + "</li>";
      out += "</ul>";
      break;
    case Block::Kind::kCommand:
      out += "<div class=\"command\"><pre class=\"body\">\n" + EscapeHtml(block.text) +
             "</pre><button type=\"button\" class=\"copy\">copy</button></div>";
      break;
  }
  out += "</div>\n";
}

void AppendItem(const Item& item, Tone tone, std::string& out) {
  const std::string anchor = EscapeHtml(AnchorId(item.id));
  const std::string grade = EscapeHtml(item.grade);
  out += "<details class=\"item ";
  out += ToneClass(tone);
  out += "\" id=\"" + anchor + "\" data-grade=\"" + grade + "\">\n<summary>";
  out += "<span class=\"badge\">" + grade + "</span> ";
  out += "<code class=\"id\">" + EscapeHtml(item.id) + "</code> ";
  out += "<span class=\"title\">" + EscapeHtml(item.title) + "</span> ";
  out += "<span class=\"note\">" + EscapeHtml(item.note) + "</span></summary>\n";
  out += "<div class=\"blocks\">\n";
  for (const Block& block : item.blocks) AppendBlock(block, out);
  out += "<p class=\"permalink\"><a href=\"#" + anchor + "\">link to this item</a></p>\n";
  out += "</div>\n</details>\n";
}

void AppendSection(const Section& section, const std::vector<FilterGrade>& grades,
                   std::string& out) {
  // A section without items has nothing to show: hidden from the start,
  // as the script would hide it.
  out += section.items.empty() ? "<section class=\"section\" hidden>\n"
                               : "<section class=\"section\">\n";
  if (!section.name.empty()) out += "<h2>" + EscapeHtml(section.name) + "</h2>\n";
  for (const Item& item : section.items) AppendItem(item, ToneOf(grades, item.grade), out);
  out += "</section>\n";
}

}  // namespace

std::string Render(const Page& page, std::string_view nonce) {
  // A caller passing a bad nonce is a bug; a fresh one keeps the page safe.
  const std::string safe_nonce = ValidNonce(nonce) ? std::string(nonce) : RandomNonce();
  const std::vector<FilterGrade> grades = FilterGrades(page);
  int total = 0;
  for (const Section& section : page.sections) total += static_cast<int>(section.items.size());

  std::string out;
  AppendHead(page, safe_nonce, out);
  out += "<body>\n";
  AppendHeader(page, out);
  AppendFilters(grades, total, out);
  out += "<main>\n";
  for (const Section& section : page.sections) AppendSection(section, grades, out);
  out += "</main>\n<script nonce=\"" + safe_nonce + "\">";
  out += PageJs();
  out += "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace html_page

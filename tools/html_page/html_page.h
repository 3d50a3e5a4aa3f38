#ifndef TOOLS_HTML_PAGE_HTML_PAGE_H_
#define TOOLS_HTML_PAGE_HTML_PAGE_H_

// One page style for every report of the project (the conformance runner,
// tools/fuzz --remote, tools/fault_matrix, tools/bench): a self-contained
// HTML file (no network, works from file://) with a summary, and items
// grouped in sections, colour-coded by grade, filterable by grade and by
// text, each opening to its details.
//
// Everything in a Page is text: Render escapes all of it, so that a hostile
// target's answer cannot add markup or script to the page. As a second
// line of defence the page's Content-Security-Policy only runs the one
// script that carries the page's nonce.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/expected.h"

namespace html_page {

// How a grade is coloured.
enum class Tone { kGood, kWarn, kBad, kNeutral, kInfo };

struct Grade {
  std::string name;  // "OK", "FAILED", ...; what items refer to
  Tone tone = Tone::kNeutral;
};

// One part of an opened item.
struct Block {
  enum class Kind {
    kText,     // a paragraph
    kPre,      // preformatted (an answer, a wire exchange), kept as is
    kList,     // one entry per line of `lines`
    kCommand,  // a command line with a copy button (curl replay)
  };
  Kind kind = Kind::kText;
  std::string label;               // "requirement", "actual answer", ...
  std::string text;                // kText, kPre, kCommand
  std::vector<std::string> lines;  // kList
};

struct Item {
  std::string id;     // unique within the page (also its anchor)
  std::string grade;  // one of Page::grades' names
  std::string title;  // a line after the id
  std::string note;   // a short right-hand note: "0.41 s", "python"
  std::vector<Block> blocks;
};

struct Section {
  std::string name;
  std::vector<Item> items;
};

struct Table {
  std::string caption;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

struct Page {
  std::string title;    // the page's <title> and heading
  std::string kind;     // "conformance", "remote fuzzing", "fault matrix", "bench"
  std::string verdict;  // one line: "3 unexpected failures (exit 1)"
  Tone verdict_tone = Tone::kNeutral;
  std::vector<std::pair<std::string, std::string>> facts;  // target, duration, version, options
  std::vector<Grade> grades;  // in display order; the filter buttons and the counts
  std::vector<Table> tables;  // the summary tables (grades by level, ...)
  std::vector<Section> sections;
};

// The page as one HTML document. `nonce` (letters and digits, at least 16)
// is the Content-Security-Policy nonce of its script: callers pass a fresh
// random one (RandomNonce). An item whose grade is not in page.grades is
// shown with a neutral colour.
std::string Render(const Page& page, std::string_view nonce);

// 24 random letters and digits from the system's random source.
std::string RandomNonce();

// `text` as HTML character data or a quoted attribute value: & < > " '
// escaped, invalid UTF-8 replaced by U+FFFD, control characters other than
// tab and newline shown as \xNN, bidirectional formatting characters
// (U+202A..U+202E, U+2066..U+2069, marks) shown as \u{NNNN}.
std::string EscapeHtml(std::string_view text);

// The JSON form of a Page, for reports written by scripts
// (tools/html_page/render_page reads it):
// {"title", "kind", "verdict", "verdict_tone", "facts": [[k, v], ...],
//  "grades": [{"name", "tone"}], "tables": [{"caption", "header", "rows"}],
//  "sections": [{"name", "items": [{"id", "grade", "title", "note",
//  "blocks": [{"kind": "text"|"pre"|"list"|"command", "label", "text",
//  "lines"}]}]}]}; tones are "good", "warn", "bad", "neutral", "info".
// Only "title" is required. An error names the path of the member at fault
// ("sections[2].items[0].blocks[1].kind: ...").
base::Expected<Page> PageFromJson(std::string_view json);

}  // namespace html_page

#endif  // TOOLS_HTML_PAGE_HTML_PAGE_H_

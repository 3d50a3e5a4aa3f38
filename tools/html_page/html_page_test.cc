#include "tools/html_page/html_page.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace html_page {
namespace {

constexpr std::string_view kNonce = "abcDEF0123456789xyz";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

std::size_t Count(std::string_view text, std::string_view needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string_view::npos;
       at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

std::string Repeat(std::string_view text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

// What follows each `prefix` in `html` up to the next `end`, in order.
// (Not std::regex: gcc warns inside <regex> at the asan build's -O1.)
std::vector<std::string> Between(std::string_view html, std::string_view prefix, char end) {
  std::vector<std::string> out;
  for (std::size_t at = html.find(prefix); at != std::string_view::npos;
       at = html.find(prefix, at + 1)) {
    const std::size_t start = at + prefix.size();
    out.emplace_back(html.substr(start, html.find(end, start) - start));
  }
  return out;
}

bool IsFreshNonce(std::string_view nonce) {
  return nonce.size() == 24 && std::all_of(nonce.begin(), nonce.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
         });
}

// A page with one of each thing, in plain text.
Page PlainPage() {
  Page page;
  page.title = "run";
  page.kind = "conformance";
  page.verdict = "all good";
  page.verdict_tone = Tone::kGood;
  page.facts = {{"target", "local"}};
  page.grades = {{"OK", Tone::kGood}, {"FAILED", Tone::kBad}};
  page.tables = {{"grades by level", {"level", "OK"}, {{"MUST", "1"}}}};
  Item item{"case.one", "OK", "a case", "0.1 s", {}};
  item.blocks = {{Block::Kind::kText, "requirement", "a text", {}},
                 {Block::Kind::kPre, "answer", "a pre", {}},
                 {Block::Kind::kList, "differences", "", {"a line"}},
                 {Block::Kind::kCommand, "replay", "curl x", {}}};
  page.sections = {{"section", {item}}};
  return page;
}

TEST(EscapeHtml, EscapesMarkupCharacters) {
  EXPECT_EQ(EscapeHtml("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
  EXPECT_EQ(EscapeHtml("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
  EXPECT_EQ(EscapeHtml(""), "");
}

TEST(EscapeHtml, KeepsValidUtf8TabAndNewline) {
  const std::string text = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF\t\n";
  EXPECT_EQ(EscapeHtml(text), text);
}

TEST(EscapeHtml, ReplacesInvalidUtf8) {
  const std::string r(kReplacement);
  EXPECT_EQ(EscapeHtml("a\x80z"), "a" + r + "z");            // lone continuation
  EXPECT_EQ(EscapeHtml("\xC0\xAF"), r + r);                  // overlong '/'
  EXPECT_EQ(EscapeHtml("\xC1\xBF"), r + r);                  // overlong
  EXPECT_EQ(EscapeHtml("\xE0\x80\xAF"), r + r + r);          // overlong, 3 bytes
  EXPECT_EQ(EscapeHtml("\xF0\x80\x80\xAF"), r + r + r + r);  // overlong, 4 bytes
  EXPECT_EQ(EscapeHtml("\xED\xA0\x80"), r + r + r);          // surrogate U+D800
  EXPECT_EQ(EscapeHtml("\xED\xBF\xBF"), r + r + r);          // surrogate U+DFFF
  EXPECT_EQ(EscapeHtml("\xF4\x90\x80\x80"), r + r + r + r);  // past U+10FFFF
  EXPECT_EQ(EscapeHtml("\xF5\xFE\xFF"), r + r + r);          // never in UTF-8
  EXPECT_EQ(EscapeHtml("x\xE2\x82"), "x" + r);               // cut at the end
  EXPECT_EQ(EscapeHtml("\xE2\x82<"), r + "&lt;");            // cut, then markup
  EXPECT_EQ(EscapeHtml("\xF0\x9F\x98"), r);                  // cut 4-byte form
}

TEST(EscapeHtml, ShowsControlCharactersAsHex) {
  EXPECT_EQ(EscapeHtml(std::string_view("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(EscapeHtml("\x1B[31mred"), "\\x1B[31mred");
  EXPECT_EQ(EscapeHtml("line\r\n"), "line\\x0D\n");
  EXPECT_EQ(EscapeHtml("\x7F\x01\x1F"), "\\x7F\\x01\\x1F");
  EXPECT_EQ(EscapeHtml("\xC2\x85\xC2\x9F"), "\\x85\\x9F");  // C1 controls
  EXPECT_EQ(EscapeHtml("\xC2\xA0"), "\xC2\xA0");            // U+00A0 is not one
}

TEST(EscapeHtml, ShowsBidiControlsAsCodePoints) {
  // "Trojan Source": a right-to-left override would make the rest read
  // backwards; isolates and marks too.
  EXPECT_EQ(EscapeHtml("ok \xE2\x80\xAE;kcatta"), "ok \\u{202E};kcatta");
  EXPECT_EQ(EscapeHtml("\xE2\x81\xA6x\xE2\x81\xA9"), "\\u{2066}x\\u{2069}");
  EXPECT_EQ(EscapeHtml("\xE2\x80\x8F\xD8\x9C"), "\\u{200F}\\u{061C}");
  // Right-to-left text itself is not a control: Hebrew stays as it is.
  EXPECT_EQ(EscapeHtml("\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D"), "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D");
}

TEST(RandomNonce, IsTwentyFourLettersAndDigitsEachTime) {
  const std::string first = RandomNonce();
  const std::string second = RandomNonce();
  EXPECT_TRUE(IsFreshNonce(first)) << first;
  EXPECT_TRUE(IsFreshNonce(second)) << second;
  EXPECT_NE(first, second);
}

TEST(Render, HasTheCspAndTheOneScriptWithTheNonce) {
  const std::string html = Render(PlainPage(), kNonce);
  EXPECT_NE(html.find("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                      "style-src 'unsafe-inline'; script-src 'nonce-abcDEF0123456789xyz'; "
                      "img-src data:; base-uri 'none'; form-action 'none'\">"),
            std::string::npos);
  EXPECT_EQ(Count(html, "<script"), 1u);
  EXPECT_EQ(Count(html, "<script nonce=\"abcDEF0123456789xyz\">"), 1u);
  EXPECT_EQ(Count(html, "</script>"), 1u);
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>\n"));
}

TEST(Render, ReplacesABadNonceWithAFreshOne) {
  for (std::string_view bad : {std::string_view(""), std::string_view("short1234"),
                               std::string_view("abcdefghij0123456789'><script>"),
                               std::string_view("abcdefghij 0123456789")}) {
    const std::string html = Render(PlainPage(), bad);
    const auto csp = Between(html, "script-src 'nonce-", '\'');
    const auto script = Between(html, "<script nonce=\"", '"');
    ASSERT_EQ(csp.size(), 1u) << bad;
    ASSERT_EQ(script.size(), 1u) << bad;
    EXPECT_EQ(csp[0], script[0]) << bad;
    EXPECT_TRUE(IsFreshNonce(csp[0])) << bad;
    EXPECT_EQ(Count(html, "<script"), 1u) << bad;
  }
}

TEST(Render, IsDeterministicForAPageAndANonce) {
  EXPECT_EQ(Render(PlainPage(), kNonce), Render(PlainPage(), kNonce));
}

TEST(Render, FetchesNothing) {
  const std::string html = Render(PlainPage(), kNonce);
  for (std::string_view fetch : {"http:", "https:", "src=", "url(", "@import", "<link", "<img"}) {
    EXPECT_EQ(Count(html, fetch), 0u) << fetch;
  }
}

TEST(Render, ShowsEveryBlockKind) {
  const std::string html = Render(PlainPage(), kNonce);
  EXPECT_NE(html.find("<p class=\"body\">a text</p>"), std::string::npos);
  EXPECT_NE(html.find("<pre class=\"body\">\na pre</pre>"), std::string::npos);
  EXPECT_NE(html.find("<ul class=\"body\"><li>a line</li></ul>"), std::string::npos);
  EXPECT_NE(html.find("<pre class=\"body\">\ncurl x</pre><button type=\"button\" "
                      "class=\"copy\">copy</button>"),
            std::string::npos);
  EXPECT_NE(html.find("<h3 class=\"label\">replay</h3>"), std::string::npos);
  EXPECT_NE(html.find("<p class=\"verdict tone-good\">all good</p>"), std::string::npos);
  EXPECT_NE(html.find("<dt>target</dt><dd>local</dd>"), std::string::npos);
  EXPECT_NE(html.find("<td>MUST</td><td>1</td>"), std::string::npos);
}

TEST(Render, KeepsALeadingNewlineOfAPre) {
  Page page = PlainPage();
  page.sections[0].items[0].blocks[1].text = "\nafter a blank line";
  // The parser drops one newline after <pre>: the text's own must follow it.
  EXPECT_NE(Render(page, kNonce).find("<pre class=\"body\">\n\nafter a blank line</pre>"),
            std::string::npos);
}

// A page where one field holds `text`: what each of the field kinds is.
using Setter = std::function<void(Page&, const std::string&)>;

std::vector<std::pair<std::string, Setter>> FieldSetters() {
  auto item = [](Page& page) -> Item& { return page.sections[0].items[0]; };
  return {
      {"title", [](Page& p, const std::string& t) { p.title = t; }},
      {"kind", [](Page& p, const std::string& t) { p.kind = t; }},
      {"verdict", [](Page& p, const std::string& t) { p.verdict = t; }},
      {"fact name", [](Page& p, const std::string& t) { p.facts[0].first = t; }},
      {"fact value", [](Page& p, const std::string& t) { p.facts[0].second = t; }},
      {"grade name", [](Page& p, const std::string& t) { p.grades[0].name = t; }},
      {"table caption", [](Page& p, const std::string& t) { p.tables[0].caption = t; }},
      {"table header", [](Page& p, const std::string& t) { p.tables[0].header[0] = t; }},
      {"table cell", [](Page& p, const std::string& t) { p.tables[0].rows[0][1] = t; }},
      {"section name", [](Page& p, const std::string& t) { p.sections[0].name = t; }},
      {"item id", [=](Page& p, const std::string& t) { item(p).id = t; }},
      {"item grade", [=](Page& p, const std::string& t) { item(p).grade = t; }},
      {"item title", [=](Page& p, const std::string& t) { item(p).title = t; }},
      {"item note", [=](Page& p, const std::string& t) { item(p).note = t; }},
      {"block label", [=](Page& p, const std::string& t) { item(p).blocks[0].label = t; }},
      {"text block", [=](Page& p, const std::string& t) { item(p).blocks[0].text = t; }},
      {"pre block", [=](Page& p, const std::string& t) { item(p).blocks[1].text = t; }},
      {"list line", [=](Page& p, const std::string& t) { item(p).blocks[2].lines[0] = t; }},
      {"command block", [=](Page& p, const std::string& t) { item(p).blocks[3].text = t; }},
  };
}

TEST(Render, EscapesInjectedMarkupInEveryField) {
  const std::vector<std::pair<std::string, std::string>> attacks = {
      {"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
      {"</pre><img src=x onerror=alert(1)>", "&lt;/pre&gt;&lt;img src=x onerror=alert(1)&gt;"},
      {"x\" onmouseover=\"alert(1)", "x&quot; onmouseover=&quot;alert(1)"},
      {"x' onfocus='alert(1)", "x&#39; onfocus=&#39;alert(1)"},
      {"</textarea></title></style><script>", "&lt;/textarea&gt;&lt;/title&gt;&lt;/style&gt;"},
  };
  for (const auto& [field, set] : FieldSetters()) {
    for (const auto& [attack, escaped] : attacks) {
      Page page = PlainPage();
      set(page, attack);
      const std::string html = Render(page, kNonce);
      EXPECT_EQ(Count(html, "<script"), 1u) << field << ": " << attack;
      EXPECT_EQ(Count(html, "<img"), 0u) << field << ": " << attack;
      EXPECT_EQ(Count(html, "</style>"), 1u) << field << ": " << attack;
      EXPECT_EQ(Count(html, "onmouseover=\""), 0u) << field << ": " << attack;
      EXPECT_EQ(Count(html, "onfocus='"), 0u) << field << ": " << attack;
      EXPECT_NE(html.find(escaped), std::string::npos) << field << ": " << attack;
    }
  }
}

TEST(Render, EscapesInvalidUtf8AndControlsInEveryField) {
  for (const auto& [field, set] : FieldSetters()) {
    Page page = PlainPage();
    set(page, "bad\xFF\xED\xA0\x80 esc\x1B[2J cr\r");
    const std::string html = Render(page, kNonce);
    EXPECT_EQ(html.find_first_of(std::string("\xFF\x1B\r", 3)), std::string::npos) << field;
    EXPECT_EQ(html.find("\xED\xA0\x80"), std::string::npos) << field;
    if (field == "item id") continue;  // shown, but its anchor is ~XX-encoded
    EXPECT_NE(html.find("bad" + Repeat(kReplacement, 4) + " esc\\x1B[2J cr\\x0D"),
              std::string::npos)
        << field;
  }
}

TEST(Render, GivesItemsSafeDistinctAnchors) {
  Page page = PlainPage();
  const Item base = page.sections[0].items[0];
  page.sections[0].items.clear();
  for (std::string id : {"a b", "a~20b", "a_b", "a/b\"'<>&", "caf\xC3\xA9", "", "x\xFF"}) {
    Item item = base;
    item.id = id;
    page.sections[0].items.push_back(item);
  }
  const std::string html = Render(page, kNonce);
  std::vector<std::string> anchors = Between(html, "\" id=\"item-", '"');
  ASSERT_EQ(anchors.size(), page.sections[0].items.size());
  std::map<std::string, int> seen;
  constexpr std::string_view kSafe =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._~-";
  for (std::string& anchor : anchors) {
    EXPECT_EQ(anchor.find_first_not_of(kSafe), std::string::npos) << anchor;
    anchor = "item-" + anchor;
    EXPECT_EQ(++seen[anchor], 1) << anchor;
  }
  EXPECT_EQ(anchors[0], "item-a~20b");
  EXPECT_EQ(anchors[1], "item-a~7E20b");
  EXPECT_EQ(anchors[2], "item-a_b");
  // The permalink of an item is its anchor.
  EXPECT_NE(html.find("<a href=\"#item-a~20b\">"), std::string::npos);
}

TEST(Render, ColoursItemsByTheirGradeAndUnknownGradesNeutral) {
  Page page = PlainPage();
  Item item = page.sections[0].items[0];
  page.grades.push_back({"NON-STRICT", Tone::kWarn});
  page.grades.push_back({"NOTE", Tone::kInfo});
  page.sections[0].items.clear();
  for (std::string grade : {"OK", "FAILED", "NON-STRICT", "NOTE", "MYSTERY", ""}) {
    item.id = "case." + grade;
    item.grade = grade;
    page.sections[0].items.push_back(item);
  }
  const std::string html = Render(page, kNonce);
  const auto tones = Between(html, "<details class=\"item ", '"');
  EXPECT_EQ(tones, (std::vector<std::string>{"tone-good", "tone-bad", "tone-warn", "tone-info",
                                             "tone-neutral", "tone-neutral"}));
  // An unknown grade still gets a (neutral) button, so it can be filtered to.
  EXPECT_NE(html.find("class=\"grade-filter tone-neutral\" data-grade=\"MYSTERY\""),
            std::string::npos);
}

TEST(Render, CountsItemsPerGradeInTheButtons) {
  Page page = PlainPage();
  page.grades.push_back({"SKIPPED", Tone::kNeutral});
  page.grades.push_back({"OK", Tone::kBad});  // a repeated grade: the first one counts
  const Item base = page.sections[0].items[0];
  page.sections.clear();
  const std::vector<std::vector<std::string>> sections = {
      {"OK", "FAILED", "OK"}, {}, {"FAILED", "WEIRD", "OK"}};
  for (const auto& grades : sections) {
    Section section{"s" + std::to_string(page.sections.size()), {}};
    for (const std::string& grade : grades) {
      Item item = base;
      item.id = section.name + "." + std::to_string(section.items.size());
      item.grade = grade;
      section.items.push_back(item);
    }
    page.sections.push_back(section);
  }
  const std::string html = Render(page, kNonce);
  const auto names = Between(html, "\" aria-pressed=\"false\"><span class=\"grade-name\">", '<');
  const auto counts = Between(html, "<span class=\"count\">", '<');
  EXPECT_EQ(names, (std::vector<std::string>{"OK", "FAILED", "SKIPPED", "WEIRD"}));
  ASSERT_EQ(counts.size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::size_t items = Count(html, "data-grade=\"" + names[i] + "\">\n<summary>");
    EXPECT_EQ(counts[i], std::to_string(items)) << names[i];
  }
  EXPECT_EQ(counts, (std::vector<std::string>{"3", "2", "0", "1"}));
  EXPECT_NE(html.find("class=\"grade-filter tone-good\" data-grade=\"OK\""), std::string::npos);
  EXPECT_NE(html.find("showing <span id=\"shown-count\">6</span> of "
                      "<span id=\"total-count\">6</span>"),
            std::string::npos);
  // The empty section starts hidden; the others are shown.
  EXPECT_EQ(Count(html, "<section class=\"section\" hidden>"), 1u);
  EXPECT_EQ(Count(html, "<section class=\"section\">"), 2u);
}

TEST(Render, HasTheFilterControlsTheScriptReads) {
  const std::string html = Render(PlainPage(), kNonce);
  EXPECT_EQ(Count(html, "<input type=\"search\" id=\"filter-text\""), 1u);
  EXPECT_EQ(Count(html, "id=\"shown-count\""), 1u);
  EXPECT_EQ(Count(html,
                  "<details class=\"item tone-good\" id=\"item-case.one\" "
                  "data-grade=\"OK\">"),
            1u);
  // Nothing is hidden before the script runs.
  EXPECT_EQ(Count(html, " hidden>"), 0u);
}

}  // namespace
}  // namespace html_page

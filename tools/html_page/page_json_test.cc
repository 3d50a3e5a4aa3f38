#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "tools/html_page/html_page.h"

namespace html_page {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// The test's own writer of the JSON form, independent of PageFromJson.
std::string_view ToneName(Tone tone) {
  switch (tone) {
    case Tone::kGood:
      return "good";
    case Tone::kWarn:
      return "warn";
    case Tone::kBad:
      return "bad";
    case Tone::kInfo:
      return "info";
    case Tone::kNeutral:
      break;
  }
  return "neutral";
}

std::string_view KindName(Block::Kind kind) {
  switch (kind) {
    case Block::Kind::kPre:
      return "pre";
    case Block::Kind::kList:
      return "list";
    case Block::Kind::kCommand:
      return "command";
    case Block::Kind::kText:
      break;
  }
  return "text";
}

void Str(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void Strs(Writer& w, const std::vector<std::string>& strings) {
  w.StartArray();
  for (const std::string& s : strings) Str(w, s);
  w.EndArray();
}

void WriteItem(Writer& w, const Item& item) {
  w.StartObject();
  for (auto [key, value] : {std::pair{"id", &item.id}, std::pair{"grade", &item.grade},
                            std::pair{"title", &item.title}, std::pair{"note", &item.note}}) {
    w.Key(key);
    Str(w, *value);
  }
  w.Key("blocks");
  w.StartArray();
  for (const Block& block : item.blocks) {
    w.StartObject();
    w.Key("kind");
    Str(w, KindName(block.kind));
    w.Key("label");
    Str(w, block.label);
    w.Key("text");
    Str(w, block.text);
    w.Key("lines");
    Strs(w, block.lines);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

void WriteHeader(Writer& w, const Page& page) {
  for (auto [key, value] : {std::pair{"title", &page.title}, std::pair{"kind", &page.kind},
                            std::pair{"verdict", &page.verdict}}) {
    w.Key(key);
    Str(w, *value);
  }
  w.Key("verdict_tone");
  Str(w, ToneName(page.verdict_tone));
  w.Key("facts");
  w.StartArray();
  for (const auto& [name, value] : page.facts) Strs(w, {name, value});
  w.EndArray();
  w.Key("grades");
  w.StartArray();
  for (const Grade& grade : page.grades) {
    w.StartObject();
    w.Key("name");
    Str(w, grade.name);
    w.Key("tone");
    Str(w, ToneName(grade.tone));
    w.EndObject();
  }
  w.EndArray();
}

std::string ToJson(const Page& page) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  WriteHeader(w, page);
  w.Key("tables");
  w.StartArray();
  for (const Table& table : page.tables) {
    w.StartObject();
    w.Key("caption");
    Str(w, table.caption);
    w.Key("header");
    Strs(w, table.header);
    w.Key("rows");
    w.StartArray();
    for (const auto& row : table.rows) Strs(w, row);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("sections");
  w.StartArray();
  for (const Section& section : page.sections) {
    w.StartObject();
    w.Key("name");
    Str(w, section.name);
    w.Key("items");
    w.StartArray();
    for (const Item& item : section.items) WriteItem(w, item);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

void ExpectSameItem(const Item& a, const Item& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.grade, b.grade);
  EXPECT_EQ(a.title, b.title);
  EXPECT_EQ(a.note, b.note);
  ASSERT_EQ(a.blocks.size(), b.blocks.size());
  for (std::size_t i = 0; i < a.blocks.size(); ++i) {
    EXPECT_EQ(a.blocks[i].kind, b.blocks[i].kind) << i;
    EXPECT_EQ(a.blocks[i].label, b.blocks[i].label) << i;
    EXPECT_EQ(a.blocks[i].text, b.blocks[i].text) << i;
    EXPECT_EQ(a.blocks[i].lines, b.blocks[i].lines) << i;
  }
}

void ExpectSamePage(const Page& a, const Page& b) {
  EXPECT_EQ(a.title, b.title);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.verdict, b.verdict);
  EXPECT_EQ(a.verdict_tone, b.verdict_tone);
  EXPECT_EQ(a.facts, b.facts);
  ASSERT_EQ(a.grades.size(), b.grades.size());
  for (std::size_t i = 0; i < a.grades.size(); ++i) {
    EXPECT_EQ(a.grades[i].name, b.grades[i].name);
    EXPECT_EQ(a.grades[i].tone, b.grades[i].tone);
  }
  ASSERT_EQ(a.tables.size(), b.tables.size());
  for (std::size_t i = 0; i < a.tables.size(); ++i) {
    EXPECT_EQ(a.tables[i].caption, b.tables[i].caption);
    EXPECT_EQ(a.tables[i].header, b.tables[i].header);
    EXPECT_EQ(a.tables[i].rows, b.tables[i].rows);
  }
  ASSERT_EQ(a.sections.size(), b.sections.size());
  for (std::size_t i = 0; i < a.sections.size(); ++i) {
    EXPECT_EQ(a.sections[i].name, b.sections[i].name);
    ASSERT_EQ(a.sections[i].items.size(), b.sections[i].items.size());
    for (std::size_t j = 0; j < a.sections[i].items.size(); ++j) {
      ExpectSameItem(a.sections[i].items[j], b.sections[i].items[j]);
    }
  }
}

// Every member set, every tone and block kind, odd text included.
Page FullPage() {
  Page page;
  page.title = "fault matrix \xE2\x80\x94 <run>";
  page.kind = "fault matrix";
  page.verdict = "2 faults not caught";
  page.verdict_tone = Tone::kWarn;
  page.facts = {{"target", "http://127.0.0.1:1"}, {"duration", "3 s"}, {"", ""}};
  page.grades = {{"CAUGHT", Tone::kGood},
                 {"MISSED", Tone::kBad},
                 {"ODD", Tone::kWarn},
                 {"SKIPPED", Tone::kNeutral},
                 {"NOTE", Tone::kInfo}};
  page.tables = {{"by fault", {"fault", "caught"}, {{"a", "1"}, {"b", "0", "extra"}}},
                 {"", {}, {}}};
  Item first{"fault.a", "CAUGHT", "drops the body", "1.2 s", {}};
  first.blocks = {{Block::Kind::kText, "what", "text\nwith \"quotes\"", {}},
                  {Block::Kind::kPre, "wire", std::string("nul\0byte", 8), {}},
                  {Block::Kind::kList, "cases", "", {"x", "", "z"}},
                  {Block::Kind::kCommand, "replay", "curl -d '{}' x", {}}};
  Item second{"fault.b", "MISSED", "", "", {}};
  page.sections = {{"faults", {first, second}}, {"empty", {}}};
  return page;
}

TEST(PageFromJson, RoundTripsEveryMember) {
  const Page page = FullPage();
  const std::string json = ToJson(page);
  base::Expected<Page> back = PageFromJson(json);
  ASSERT_TRUE(back.ok()) << back.error().Describe() << "\n" << json;
  ExpectSamePage(*back, page);
}

TEST(PageFromJson, ReadsTheNamesOfToneAndKind) {
  base::Expected<Page> page = PageFromJson(R"({"title": "t", "verdict_tone": "bad",
      "grades": [{"name": "A", "tone": "good"}, {"name": "B", "tone": "warn"},
                 {"name": "C", "tone": "neutral"}, {"name": "D", "tone": "info"}, {"name": "E"}],
      "sections": [{"name": "s", "items": [{"id": "i", "blocks": [{"kind": "pre"},
          {"kind": "list", "lines": ["l"]}, {"kind": "command"}, {"kind": "text"}, {}]}]}]})");
  ASSERT_TRUE(page.ok()) << page.error().Describe();
  EXPECT_EQ(page->verdict_tone, Tone::kBad);
  std::vector<Tone> tones;
  for (const Grade& grade : page->grades) tones.push_back(grade.tone);
  EXPECT_EQ(tones, (std::vector<Tone>{Tone::kGood, Tone::kWarn, Tone::kNeutral, Tone::kInfo,
                                      Tone::kNeutral}));
  std::vector<Block::Kind> kinds;
  for (const Block& block : page->sections[0].items[0].blocks) kinds.push_back(block.kind);
  EXPECT_EQ(kinds,
            (std::vector<Block::Kind>{Block::Kind::kPre, Block::Kind::kList, Block::Kind::kCommand,
                                      Block::Kind::kText, Block::Kind::kText}));
}

TEST(PageFromJson, NeedsOnlyATitle) {
  base::Expected<Page> page = PageFromJson(R"({"title": "only"})");
  ASSERT_TRUE(page.ok()) << page.error().Describe();
  EXPECT_EQ(page->title, "only");
  EXPECT_EQ(page->verdict_tone, Tone::kNeutral);
  EXPECT_TRUE(page->facts.empty() && page->grades.empty() && page->tables.empty() &&
              page->sections.empty());
}

// The error of a JSON text that must not parse, as "where: message".
std::string ErrorOf(std::string_view json) {
  base::Expected<Page> page = PageFromJson(json);
  if (page.ok()) return "(parsed)";
  EXPECT_EQ(page.error().code, base::ErrorCode::kInvalidArgument) << json;
  return page.error().Describe();
}

TEST(PageFromJson, NamesThePathOfAWrongMember) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({})", "title: is required"},
      {R"({"kind": "x"})", "title: is required"},
      {R"({"title": 5})", "title: must be a string"},
      {R"({"title": null})", "title: must be a string"},
      {R"([])", "the page must be a JSON object"},
      {R"("page")", "the page must be a JSON object"},
      {R"({"title": "t", "titel": "t"})",
       "titel: unknown member; known: title, kind, verdict, verdict_tone, facts, grades, tables, "
       "sections"},
      {R"({"title": "t", "verdict": ["x"]})", "verdict: must be a string"},
      {R"({"title": "t", "verdict_tone": "red"})",
       "verdict_tone: must be one of good, warn, bad, neutral, info"},
      {R"({"title": "t", "facts": {}})", "facts: must be an array"},
      {R"({"title": "t", "facts": [["a", "b"], ["a"]]})",
       "facts[1]: must be an array of two strings, [name, value]"},
      {R"({"title": "t", "facts": [["a", 1]]})",
       "facts[0]: must be an array of two strings, [name, value]"},
      {R"({"title": "t", "grades": ["OK"]})", "grades[0]: must be an object"},
      {R"({"title": "t", "grades": [{"name": "OK", "tone": 3}]})",
       "grades[0].tone: must be a string"},
      {R"({"title": "t", "grades": [{"name": "OK"}, {"name": "X", "tone": "pink"}]})",
       "grades[1].tone: must be one of good, warn, bad, neutral, info"},
      {R"({"title": "t", "tables": [{"header": "x"}]})",
       "tables[0].header: must be an array of strings"},
      {R"({"title": "t", "tables": [{"rows": [[], ["a", "b", 7]]}]})",
       "tables[0].rows[1][2]: must be a string"},
      {R"({"title": "t", "tables": [{"rows": ["a"]}]})",
       "tables[0].rows[0]: must be an array of strings"},
      {R"({"title": "t", "sections": null})", "sections: must be an array"},
      {R"({"title": "t", "sections": [{"items": [{}, {"titel": ""}]}]})",
       "sections[0].items[1].titel: unknown member; known: id, grade, title, note, blocks"},
      {R"({"title": "t", "sections": [{"name": 1}]})", "sections[0].name: must be a string"},
      {R"({"title": "t", "sections": [{}, {"items": [{"blocks": [{}, {}, {"kind": "html"}]}]}]})",
       "sections[1].items[0].blocks[2].kind: must be one of text, pre, list, command"},
      {R"({"title": "t", "sections": [{"items": [{"blocks": [{"kind": 2}]}]}]})",
       "sections[0].items[0].blocks[0].kind: must be a string"},
      {R"({"title": "t", "sections": [{"items": [{"blocks": [{"lines": ["a", false]}]}]}]})",
       "sections[0].items[0].blocks[0].lines[1]: must be a string"},
      {R"({"title": "t", "sections": [{"items": [{"blocks": {}}]}]})",
       "sections[0].items[0].blocks: must be an array"},
      {R"({"title": "t", "sections": [{"items": [{"note": 0.5}]}]})",
       "sections[0].items[0].note: must be a string"},
  };
  for (const auto& [json, error] : cases) EXPECT_EQ(ErrorOf(json), error) << json;
}

TEST(PageFromJson, GivesTheOffsetOfInvalidJson) {
  EXPECT_EQ(ErrorOf(R"({"title": "t",})"),
            "invalid JSON at offset 14: Missing a name for object member.");
  EXPECT_EQ(ErrorOf(R"({"title": "t"} x)"),
            "invalid JSON at offset 15: The document root must not be followed by other values.");
  EXPECT_EQ(ErrorOf(""), "invalid JSON at offset 0: The document is empty.");
  EXPECT_EQ(ErrorOf(R"({"title": "\ud800"})"),
            "invalid JSON at offset 11: The surrogate pair in string is invalid.");
}

TEST(PageFromJson, SurvivesDeepNesting) {
  // Iterative parsing: a hostile depth is an error, not a stack overflow.
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  EXPECT_EQ(ErrorOf(deep), "the page must be a JSON object");
}

TEST(PageFromJson, KeepsBytesOfStringsAsTheyAre) {
  base::Expected<Page> page = PageFromJson("{\"title\": \"a\\u0000b \xFF <x>\"}");
  ASSERT_TRUE(page.ok()) << page.error().Describe();
  EXPECT_EQ(page->title, std::string("a\0b \xFF <x>", 9));
}

}  // namespace
}  // namespace html_page

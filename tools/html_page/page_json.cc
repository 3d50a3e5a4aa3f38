// PageFromJson: the JSON form of a Page, for reports written by scripts.
// Strict: a wrong type or an unknown member is an error naming its path,
// so that a script's typo shows at once rather than as a blank field.
#include <algorithm>
#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"
#include "base/expected.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"
#include "tools/html_page/html_page.h"

namespace html_page {
namespace {

using rapidjson::Value;

base::Error Invalid(std::string where, std::string message) {
  return base::MakeError(base::ErrorCode::kInvalidArgument, std::move(message), std::move(where));
}

std::string Member(const std::string& path, std::string_view name) {
  return path.empty() ? std::string(name) : path + "." + std::string(name);
}

std::string Index(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

const Value* Find(const Value& object, std::string_view name) {
  const auto it = object.FindMember(
      Value(rapidjson::StringRef(name.data(), static_cast<rapidjson::SizeType>(name.size()))));
  return it == object.MemberEnd() ? nullptr : &it->value;
}

// `value` must be an object whose members are all among `known`.
base::Status CheckObject(const Value& value, const std::string& path,
                         std::initializer_list<std::string_view> known) {
  if (!value.IsObject()) return Invalid(path, "must be an object");
  for (const auto& member : value.GetObject()) {
    const std::string_view name(member.name.GetString(), member.name.GetStringLength());
    bool found = false;
    std::string names;
    for (std::string_view k : known) {
      found = found || k == name;
      names += names.empty() ? std::string(k) : ", " + std::string(k);
    }
    if (!found) return Invalid(Member(path, name), "unknown member; known: " + names);
  }
  return base::Ok();
}

base::Status ToString(const Value& value, const std::string& path, std::string& out) {
  if (!value.IsString()) return Invalid(path, "must be a string");
  out.assign(value.GetString(), value.GetStringLength());
  return base::Ok();
}

// An optional string member: left as is when absent.
base::Status ReadString(const Value& object, std::string_view name, const std::string& path,
                        std::string& out) {
  const Value* value = Find(object, name);
  return value == nullptr ? base::Ok() : ToString(*value, Member(path, name), out);
}

base::Status ToStrings(const Value& value, const std::string& path, std::vector<std::string>& out) {
  if (!value.IsArray()) return Invalid(path, "must be an array of strings");
  out.clear();
  for (const Value& entry : value.GetArray()) {
    const std::string at = Index(path, out.size());
    base::Status status = ToString(entry, at, out.emplace_back());
    if (!status.ok()) return status;
  }
  return base::Ok();
}

// Calls `read(element, its path)` for each element of the optional array
// member `name` of `object`.
template <class Read>
base::Status ForEach(const Value& object, std::string_view name, const std::string& path,
                     Read read) {
  const Value* array = Find(object, name);
  const std::string at = Member(path, name);
  if (array == nullptr) return base::Ok();
  if (!array->IsArray()) return Invalid(at, "must be an array");
  std::size_t index = 0;
  for (const Value& element : array->GetArray()) {
    base::Status status = read(element, Index(at, index++));
    if (!status.ok()) return status;
  }
  return base::Ok();
}

base::Status ReadTone(const Value& object, std::string_view name, const std::string& path,
                      Tone& out) {
  static constexpr std::pair<std::string_view, Tone> kTones[] = {{"good", Tone::kGood},
                                                                 {"warn", Tone::kWarn},
                                                                 {"bad", Tone::kBad},
                                                                 {"neutral", Tone::kNeutral},
                                                                 {"info", Tone::kInfo}};
  std::string text;
  if (Find(object, name) == nullptr) return base::Ok();
  if (base::Status status = ReadString(object, name, path, text); !status.ok()) return status;
  for (const auto& [tone_name, tone] : kTones) {
    if (text == tone_name) {
      out = tone;
      return base::Ok();
    }
  }
  return Invalid(Member(path, name), "must be one of good, warn, bad, neutral, info");
}

base::Status ReadBlock(const Value& value, const std::string& path, Block& block) {
  static constexpr std::pair<std::string_view, Block::Kind> kKinds[] = {
      {"text", Block::Kind::kText},
      {"pre", Block::Kind::kPre},
      {"list", Block::Kind::kList},
      {"command", Block::Kind::kCommand}};
  base::Status status = CheckObject(value, path, {"kind", "label", "text", "lines"});
  if (!status.ok()) return status;
  if (const Value* kind = Find(value, "kind")) {
    const std::string at = Member(path, "kind");
    std::string text;
    if (status = ToString(*kind, at, text); !status.ok()) return status;
    const auto* match = std::find_if(std::begin(kKinds), std::end(kKinds),
                                     [&](const auto& entry) { return entry.first == text; });
    if (match == std::end(kKinds)) return Invalid(at, "must be one of text, pre, list, command");
    block.kind = match->second;
  }
  if (status = ReadString(value, "label", path, block.label); !status.ok()) return status;
  if (status = ReadString(value, "text", path, block.text); !status.ok()) return status;
  const Value* lines = Find(value, "lines");
  return lines == nullptr ? base::Ok() : ToStrings(*lines, Member(path, "lines"), block.lines);
}

base::Status ReadItem(const Value& value, const std::string& path, Item& item) {
  base::Status status = CheckObject(value, path, {"id", "grade", "title", "note", "blocks"});
  if (!status.ok()) return status;
  for (auto [name, field] : {std::pair{"id", &item.id}, std::pair{"grade", &item.grade},
                             std::pair{"title", &item.title}, std::pair{"note", &item.note}}) {
    if (status = ReadString(value, name, path, *field); !status.ok()) return status;
  }
  return ForEach(value, "blocks", path, [&](const Value& block, const std::string& at) {
    return ReadBlock(block, at, item.blocks.emplace_back());
  });
}

base::Status ReadSection(const Value& value, const std::string& path, Section& section) {
  base::Status status = CheckObject(value, path, {"name", "items"});
  if (!status.ok()) return status;
  if (status = ReadString(value, "name", path, section.name); !status.ok()) return status;
  return ForEach(value, "items", path, [&](const Value& item, const std::string& at) {
    return ReadItem(item, at, section.items.emplace_back());
  });
}

base::Status ReadTable(const Value& value, const std::string& path, Table& table) {
  base::Status status = CheckObject(value, path, {"caption", "header", "rows"});
  if (!status.ok()) return status;
  if (status = ReadString(value, "caption", path, table.caption); !status.ok()) return status;
  if (const Value* header = Find(value, "header")) {
    if (status = ToStrings(*header, Member(path, "header"), table.header); !status.ok()) {
      return status;
    }
  }
  return ForEach(value, "rows", path, [&](const Value& row, const std::string& at) {
    return ToStrings(row, at, table.rows.emplace_back());
  });
}

base::Status ReadFact(const Value& value, const std::string& path, Page& page) {
  if (!value.IsArray() || value.Size() != 2 || !value[0].IsString() || !value[1].IsString()) {
    return Invalid(path, "must be an array of two strings, [name, value]");
  }
  page.facts.emplace_back(std::string(value[0].GetString(), value[0].GetStringLength()),
                          std::string(value[1].GetString(), value[1].GetStringLength()));
  return base::Ok();
}

base::Status ReadGrade(const Value& value, const std::string& path, Grade& grade) {
  base::Status status = CheckObject(value, path, {"name", "tone"});
  if (!status.ok()) return status;
  if (status = ReadString(value, "name", path, grade.name); !status.ok()) return status;
  return ReadTone(value, "tone", path, grade.tone);
}

base::Status ReadPage(const Value& root, Page& page) {
  const std::string path;
  if (!root.IsObject()) return Invalid("", "the page must be a JSON object");
  base::Status status = CheckObject(
      root, path,
      {"title", "kind", "verdict", "verdict_tone", "facts", "grades", "tables", "sections"});
  if (!status.ok()) return status;
  if (Find(root, "title") == nullptr) return Invalid("title", "is required");
  for (auto [name, field] : {std::pair{"title", &page.title}, std::pair{"kind", &page.kind},
                             std::pair{"verdict", &page.verdict}}) {
    if (status = ReadString(root, name, path, *field); !status.ok()) return status;
  }
  if (status = ReadTone(root, "verdict_tone", path, page.verdict_tone); !status.ok()) {
    return status;
  }
  status = ForEach(root, "facts", path, [&](const Value& fact, const std::string& at) {
    return ReadFact(fact, at, page);
  });
  if (!status.ok()) return status;
  status = ForEach(root, "grades", path, [&](const Value& grade, const std::string& at) {
    return ReadGrade(grade, at, page.grades.emplace_back());
  });
  if (!status.ok()) return status;
  status = ForEach(root, "tables", path, [&](const Value& table, const std::string& at) {
    return ReadTable(table, at, page.tables.emplace_back());
  });
  if (!status.ok()) return status;
  return ForEach(root, "sections", path, [&](const Value& section, const std::string& at) {
    return ReadSection(section, at, page.sections.emplace_back());
  });
}

}  // namespace

base::Expected<Page> PageFromJson(std::string_view json) {
  rapidjson::Document document;
  // Iterative: a deeply nested document cannot exhaust the stack.
  document.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (document.HasParseError()) {
    return Invalid("", "invalid JSON at offset " + std::to_string(document.GetErrorOffset()) +
                           ": " + rapidjson::GetParseError_En(document.GetParseError()));
  }
  Page page;
  if (base::Status status = ReadPage(document, page); !status.ok()) {
    return std::move(status).error();
  }
  return page;
}

}  // namespace html_page

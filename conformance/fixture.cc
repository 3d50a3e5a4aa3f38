#include "conformance/fixture.h"

#include <algorithm>
#include <set>

#include "conformance/json_text.h"
#include "conformance/matchers.h"
#include "conformance/step_checks.h"
#include "rapidjson/stringbuffer.h"

namespace conformance {

namespace {

std::vector<std::string> StringsOf(const rapidjson::Value& object, const char* name) {
  std::vector<std::string> strings;
  if (const auto found = object.FindMember(name); found != object.MemberEnd()) {
    for (const auto& item : found->value.GetArray()) strings.emplace_back(item.GetString());
  }
  return strings;
}

std::string StringOf(const rapidjson::Value& object, const char* name) {
  const auto found = object.FindMember(name);
  return found == object.MemberEnd() ? "" : found->value.GetString();
}

// What the format schema cannot say: regexes compile, schema names exist.
// Walks expectations only: request bodies are data, where a member named
// "schema" is something the fixture sends.
void CheckSemantics(const rapidjson::Value& value, const std::string& path,
                    const SchemaStore& schemas, std::vector<std::string>* problems) {
  if (value.IsArray()) {
    for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
      CheckSemantics(value[i], path + "/" + std::to_string(i), schemas, problems);
    }
    return;
  }
  if (!value.IsObject()) return;
  for (const auto& member : value.GetObject()) {
    const std::string name = member.name.GetString();
    const std::string where = path + "/" + name;
    if (name == "regex" && member.value.IsString()) {
      // ${var} stands for a literal value known only at run time.
      std::string pattern = member.value.GetString();
      for (std::size_t at = pattern.find("${"); at != std::string::npos; at = pattern.find("${")) {
        const std::size_t close = pattern.find('}', at);
        if (close == std::string::npos) break;
        pattern.replace(at, close - at + 1, "x");
      }
      if (std::string problem = RegexProblem(pattern, nullptr); !problem.empty()) {
        problems->push_back(where + ": " + problem);
      }
    }
    if (name == "schema" && member.value.IsString() && !schemas.Has(member.value.GetString())) {
      problems->push_back(where + ": no schema named " + member.value.GetString());
    }
    CheckSemantics(member.value, where, schemas, problems);
  }
}

// [a-z0-9_]+(\.[a-z0-9_-]+)+: a group, then one or more names.
bool IsCaseId(const std::string& id) {
  std::size_t parts = 0;
  std::size_t start = 0;
  while (start <= id.size()) {
    const std::size_t end = std::min(id.find('.', start), id.size());
    if (end == start) return false;
    for (std::size_t i = start; i < end; ++i) {
      const char c = id[i];
      const bool ok =
          (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (c == '-' && parts > 0);
      if (!ok) return false;
    }
    ++parts;
    start = end + 1;
  }
  return parts >= 2;
}

}  // namespace

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDocumented:
      return "documented";
    case Level::kReference:
      return "reference";
    case Level::kOptional:
      return "optional";
  }
  return "?";
}

std::string LoadCases(const std::string& directory, const std::string& format_schema,
                      const SchemaStore& schemas, std::vector<Case>* cases) {
  std::string format_text;
  if (!ReadWholeFile(format_schema, &format_text)) return "cannot read " + format_schema;
  rapidjson::Document format_json;
  if (std::string error = ParseJson(format_text, &format_json); !error.empty()) {
    return format_schema + ": " + error;
  }
  const rapidjson::SchemaDocument format(format_json);

  const std::vector<std::string> files = JsonFilesIn(directory);
  if (files.empty()) return "no *.json fixtures in " + directory;
  std::vector<std::string> problems;
  std::set<std::string> ids;

  for (const std::string& file : files) {
    std::string text;
    if (!ReadWholeFile(directory + "/" + file, &text)) {
      problems.push_back(file + ": cannot read");
      continue;
    }
    auto document = std::make_shared<rapidjson::Document>();
    if (std::string error = ParseJson(text, document.get()); !error.empty()) {
      problems.push_back(file + ": " + error);
      continue;
    }
    rapidjson::SchemaValidator validator(format);
    if (!document->Accept(validator)) {
      problems.push_back(file + ": " + PointerText(validator.GetInvalidDocumentPointer()) +
                         " breaks the fixture format ('" + validator.GetInvalidSchemaKeyword() +
                         "' at " + PointerText(validator.GetInvalidSchemaPointer()) +
                         " of conformance/case_format.json)");
      continue;
    }
    const rapidjson::Value& list = (*document)["cases"];
    for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
      const rapidjson::Value& json = list[i];
      Case c;
      c.id = json["id"].GetString();
      const std::string where = file + ": /cases/" + std::to_string(i) + " (" + c.id + ")";
      if (!IsCaseId(c.id)) {
        problems.push_back(where + ": id must look like group.name, in [a-z0-9_-]");
      }
      if (!ids.insert(c.id).second) problems.push_back(where + ": duplicate id");
      std::vector<std::string> semantic;
      const rapidjson::Value& steps = json["steps"];
      for (rapidjson::SizeType s = 0; s < steps.Size(); ++s) {
        CheckStep(steps[s], "/steps/" + std::to_string(s), &semantic);
        for (const char* part : {"expect", "alternatives"}) {
          if (const auto found = steps[s].FindMember(part); found != steps[s].MemberEnd()) {
            CheckSemantics(found->value, "/steps/" + std::to_string(s) + "/" + part, schemas,
                           &semantic);
          }
        }
      }
      for (const std::string& problem : semantic) problems.push_back(where + problem);
      c.title = json["title"].GetString();
      c.section = json["section"].GetString();
      c.api_section = StringOf(json, "api");
      c.requirement = json["requirement"].GetString();
      const std::string level = json["level"].GetString();
      c.level = level == "documented"  ? Level::kDocumented
                : level == "reference" ? Level::kReference
                                       : Level::kOptional;
      c.tags = StringsOf(json, "tags");
      c.needs = StringsOf(json, "needs");
      c.file = file;
      c.source = document;
      c.json = &json;
      cases->push_back(std::move(c));
    }
  }
  if (problems.empty()) return "";
  std::string all;
  for (const std::string& problem : problems) all += problem + "\n";
  all.pop_back();
  return all;
}

}  // namespace conformance

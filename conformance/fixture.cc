#include "conformance/fixture.h"

#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "conformance/json_text.h"
#include "rapidjson/stringbuffer.h"

namespace conformance {

namespace {

bool ReadFile(const std::string& path, std::string* text) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return false;
  std::stringstream buffer;
  buffer << file.rdbuf();
  *text = buffer.str();
  return true;
}

std::vector<std::string> JsonFiles(const std::string& directory) {
  std::vector<std::string> names;
  if (DIR* dir = opendir(directory.c_str())) {
    while (const dirent* entry = readdir(dir)) {
      const std::string name = entry->d_name;
      if (name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0) names.push_back(name);
    }
    closedir(dir);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string PointerText(const rapidjson::Pointer& pointer) {
  rapidjson::StringBuffer buffer;
  pointer.Stringify(buffer);
  return buffer.GetSize() == 0 ? "(root)" : std::string(buffer.GetString(), buffer.GetSize());
}

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
      try {
        std::regex pattern(member.value.GetString());
      } catch (const std::regex_error& error) {
        problems->push_back(where + ": bad regex: " + error.what());
      }
    }
    if (name == "schema" && member.value.IsString() && !schemas.Has(member.value.GetString())) {
      problems->push_back(where + ": no schema named " + member.value.GetString());
    }
    CheckSemantics(member.value, where, schemas, problems);
  }
}

}  // namespace

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDocumented: return "documented";
    case Level::kReference: return "reference";
    case Level::kOptional: return "optional";
  }
  return "?";
}

std::string LoadCases(const std::string& directory, const std::string& format_schema,
                      const SchemaStore& schemas, std::vector<Case>* cases) {
  std::string format_text;
  if (!ReadFile(format_schema, &format_text)) return "cannot read " + format_schema;
  rapidjson::Document format_json;
  if (std::string error = ParseJson(format_text, &format_json); !error.empty()) {
    return format_schema + ": " + error;
  }
  const rapidjson::SchemaDocument format(format_json);

  const std::vector<std::string> files = JsonFiles(directory);
  if (files.empty()) return "no *.json fixtures in " + directory;
  std::vector<std::string> problems;
  std::set<std::string> ids;
  const std::regex id_pattern("[a-z0-9_]+(\\.[a-z0-9_-]+)+");
  for (const std::string& file : files) {
    std::string text;
    if (!ReadFile(directory + "/" + file, &text)) {
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
      if (!std::regex_match(c.id, id_pattern)) {
        problems.push_back(where + ": id must look like group.name, in [a-z0-9_-]");
      }
      if (!ids.insert(c.id).second) problems.push_back(where + ": duplicate id");
      std::vector<std::string> semantic;
      const rapidjson::Value& steps = json["steps"];
      for (rapidjson::SizeType s = 0; s < steps.Size(); ++s) {
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

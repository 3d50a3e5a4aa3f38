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
      if (const base::Status compiles = CheckRegex(pattern); !compiles.ok()) {
        problems->push_back(where + ": " + compiles.error().message);
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

namespace {

// The case at cases[index] of `file`, read from its JSON; its problems
// beyond the format schema appended to `problems`.
Case ReadCase(const rapidjson::Value& json, const std::string& file, rapidjson::SizeType index,
              const SchemaStore& schemas, std::set<std::string>& ids,
              std::vector<std::string>& problems) {
  Case c;
  c.id = json["id"].GetString();
  const std::string where = file + ": /cases/" + std::to_string(index) + " (" + c.id + ")";
  if (!IsCaseId(c.id)) problems.push_back(where + ": id must look like group.name, in [a-z0-9_-]");
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
  c.json = &json;
  return c;
}

// The cases of one fixture file, appended to `cases`; its problems to
// `problems`.
void ReadFile(const std::string& directory, const std::string& file,
              const rapidjson::SchemaDocument& format, const SchemaStore& schemas,
              std::set<std::string>& ids, std::vector<Case>& cases,
              std::vector<std::string>& problems) {
  const base::Expected<std::string> text = ReadWholeFile(directory + "/" + file);
  if (!text.ok()) {
    problems.push_back(file + ": cannot read");
    return;
  }
  auto document = std::make_shared<rapidjson::Document>();
  if (const base::Status parsed = ParseJson(*text, document.get()); !parsed.ok()) {
    problems.push_back(file + ": " + parsed.error().message);
    return;
  }
  rapidjson::SchemaValidator validator(format);
  if (!document->Accept(validator)) {
    problems.push_back(file + ": " + PointerText(validator.GetInvalidDocumentPointer()) +
                       " breaks the fixture format ('" + validator.GetInvalidSchemaKeyword() +
                       "' at " + PointerText(validator.GetInvalidSchemaPointer()) +
                       " of conformance/case_format.json)");
    return;
  }
  const rapidjson::Value& list = (*document)["cases"];
  for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
    cases.push_back(ReadCase(list[i], file, i, schemas, ids, problems));
    cases.back().source = document;
  }
}

}  // namespace

base::Expected<std::vector<Case>> LoadCases(const std::string& directory,
                                            const std::string& format_schema,
                                            const SchemaStore& schemas) {
  const base::Expected<std::string> format_text = ReadWholeFile(format_schema);
  if (!format_text.ok()) return format_text.error();
  rapidjson::Document format_json;
  if (const base::Status parsed = ParseJson(*format_text, &format_json); !parsed.ok()) {
    base::Error error = base::WithContext(parsed.error(), format_schema + ": ");
    error.where = format_schema;
    return error;
  }
  const rapidjson::SchemaDocument format(format_json);
  const std::vector<std::string> files = JsonFilesIn(directory);
  if (files.empty()) {
    return base::MakeError(base::ErrorCode::kNotFound, "no *.json fixtures in " + directory,
                           directory);
  }
  std::vector<Case> cases;
  std::vector<std::string> problems;
  std::set<std::string> ids;
  for (const std::string& file : files) {
    ReadFile(directory, file, format, schemas, ids, cases, problems);
  }
  if (problems.empty()) return cases;
  std::string all;
  for (const std::string& problem : problems) all += problem + "\n";
  all.pop_back();
  return base::MakeError(base::ErrorCode::kInvalidArgument, all, directory);
}

}  // namespace conformance

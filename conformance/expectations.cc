#include "conformance/expectations.h"

#include <fnmatch.h>

#include "conformance/json_text.h"
#include "rapidjson/prettywriter.h"
#include "rapidjson/stringbuffer.h"

namespace conformance {

namespace {

bool GradeNamed(const std::string& name, Grade* grade) {
  for (const Grade g :
       {Grade::kOk, Grade::kInformational, Grade::kNonStrict, Grade::kSkipped, Grade::kFailed}) {
    if (name == GradeName(g)) {
      *grade = g;
      return true;
    }
  }
  return false;
}

}  // namespace

bool GlobMatches(const std::string& glob, const std::string& text) {
  return fnmatch(glob.c_str(), text.c_str(), 0) == 0;
}

namespace {

// A problem of an expectations file at `where` (a JSON path).
base::Error At(const std::string& where, const std::string& message) {
  return base::MakeError(base::ErrorCode::kInvalidArgument, where + ": " + message, where);
}

// One entry of the "expected" list, at `where`.
base::Expected<Expectation> ReadEntry(const rapidjson::Value& entry, const std::string& where) {
  if (!entry.IsObject() || !entry.HasMember("id") || !entry["id"].IsString()) {
    return At(where + "/id", "must be a string (a glob over case ids)");
  }
  if (!entry.HasMember("grades") || !entry["grades"].IsArray() || entry["grades"].Empty()) {
    return At(where + "/grades", "must be a non-empty array of grades");
  }
  Expectation expectation;
  expectation.id_glob = entry["id"].GetString();
  for (rapidjson::SizeType g = 0; g < entry["grades"].Size(); ++g) {
    const rapidjson::Value& name = entry["grades"][g];
    Grade grade;
    if (!name.IsString() || !GradeNamed(name.GetString(), &grade)) {
      return At(where + "/grades/" + std::to_string(g),
                "must be OK, INFORMATIONAL, NON-STRICT, SKIPPED or FAILED");
    }
    expectation.grades.push_back(grade);
  }
  if (entry.HasMember("because")) {
    if (!entry["because"].IsString()) return At(where + "/because", "must be a string");
    expectation.because = entry["because"].GetString();
  }
  return expectation;
}

}  // namespace

base::Expected<std::vector<Expectation>> ParseExpectations(const std::string& text) {
  rapidjson::Document document;
  if (const base::Status parsed = ParseJson(text, &document); !parsed.ok()) return parsed.error();
  if (!document.IsObject() || !document.HasMember("expected") || !document["expected"].IsArray()) {
    return At("(root)", "must be an object with an \"expected\" array");
  }
  const rapidjson::Value& list = document["expected"];
  std::vector<Expectation> expectations;
  for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
    base::Expected<Expectation> entry = ReadEntry(list[i], "/expected/" + std::to_string(i));
    if (!entry.ok()) return entry.error();
    expectations.push_back(std::move(entry).value());
  }
  return expectations;
}

const Expectation* FindExpectation(const std::vector<Expectation>& expectations,
                                   const std::string& id) {
  for (const Expectation& expectation : expectations) {
    if (GlobMatches(expectation.id_glob, id)) return &expectation;
  }
  return nullptr;
}

std::string ExpectationsFor(const std::vector<CaseResult>& results, const std::string& target) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  writer.SetIndent(' ', 2);
  writer.StartObject();
  writer.Key("target");
  writer.String(target);
  writer.Key("expected");
  writer.StartArray();
  for (const CaseResult& result : results) {
    if (result.grade != Grade::kFailed) continue;
    writer.StartObject();
    writer.Key("id");
    writer.String(result.id);
    writer.Key("grades");
    writer.StartArray();
    writer.String("FAILED");
    writer.EndArray();
    writer.Key("because");
    writer.String(result.mismatches.empty() ? "recorded baseline" : result.mismatches.front());
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace conformance

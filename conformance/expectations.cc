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

std::string ParseExpectations(const std::string& text, std::vector<Expectation>* expectations) {
  rapidjson::Document document;
  if (std::string error = ParseJson(text, &document); !error.empty()) return error;
  if (!document.IsObject() || !document.HasMember("expected") || !document["expected"].IsArray()) {
    return "(root): must be an object with an \"expected\" array";
  }
  const rapidjson::Value& list = document["expected"];
  for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
    const std::string where = "/expected/" + std::to_string(i);
    const rapidjson::Value& entry = list[i];
    if (!entry.IsObject() || !entry.HasMember("id") || !entry["id"].IsString()) {
      return where + "/id: must be a string (a glob over case ids)";
    }
    if (!entry.HasMember("grades") || !entry["grades"].IsArray() || entry["grades"].Empty()) {
      return where + "/grades: must be a non-empty array of grades";
    }
    Expectation expectation;
    expectation.id_glob = entry["id"].GetString();
    for (rapidjson::SizeType g = 0; g < entry["grades"].Size(); ++g) {
      const rapidjson::Value& name = entry["grades"][g];
      Grade grade;
      if (!name.IsString() || !GradeNamed(name.GetString(), &grade)) {
        return where + "/grades/" + std::to_string(g) +
               ": must be OK, INFORMATIONAL, NON-STRICT, SKIPPED or FAILED";
      }
      expectation.grades.push_back(grade);
    }
    if (entry.HasMember("because")) {
      if (!entry["because"].IsString()) return where + "/because: must be a string";
      expectation.because = entry["because"].GetString();
    }
    expectations->push_back(std::move(expectation));
  }
  return "";
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

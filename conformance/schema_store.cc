#include "conformance/schema_store.h"

#include <dirent.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

#include "conformance/json_text.h"
#include "rapidjson/stringbuffer.h"

namespace conformance {

namespace {

std::vector<std::string> JsonFilesOf(const std::string& directory) {
  std::vector<std::string> names;
  if (DIR* dir = opendir(directory.c_str())) {
    while (const dirent* entry = readdir(dir)) {
      const std::string name = entry->d_name;
      if (name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0) {
        names.push_back(name);
      }
    }
    closedir(dir);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string PointerText(const rapidjson::Pointer& pointer) {
  rapidjson::StringBuffer buffer;
  pointer.Stringify(buffer);
  const std::string text(buffer.GetString(), buffer.GetSize());
  return text.empty() ? "(root)" : text;
}

}  // namespace

std::string SchemaStore::LoadDirectory(const std::string& directory) {
  directory_ = directory;
  const std::vector<std::string> names = JsonFilesOf(directory);
  if (names.empty()) return "no *.json schemas in " + directory;
  for (const std::string& name : names) {
    if (Load(name) == nullptr) return error_;
  }
  return "";
}

std::vector<std::string> SchemaStore::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, entry] : schemas_) names.push_back(name);
  return names;
}

const SchemaStore::Entry* SchemaStore::Load(const std::string& name) {
  if (const auto found = schemas_.find(name); found != schemas_.end()) {
    return found->second.get();
  }
  if (name.find('/') != std::string::npos || loading_.count(name) != 0) {
    error_ = "schema " + name + ": a $ref must name a file of the schema directory, "
             "without cycles";
    return nullptr;
  }
  std::ifstream file(directory_ + "/" + name, std::ios::binary);
  if (!file) {
    error_ = "schema " + name + ": no such file in " + directory_;
    return nullptr;
  }
  std::stringstream text;
  text << file.rdbuf();
  auto entry = std::make_unique<Entry>();
  if (const std::string error = ParseJson(text.str(), &entry->source); !error.empty()) {
    error_ = "schema " + name + ": " + error;
    return nullptr;
  }
  loading_.insert(name);
  entry->schema = std::make_unique<rapidjson::SchemaDocument>(entry->source, this);
  loading_.erase(name);
  if (!error_.empty()) return nullptr;
  return schemas_.emplace(name, std::move(entry)).first->second.get();
}

const rapidjson::SchemaDocument* SchemaStore::GetRemoteDocument(const char* uri,
                                                                rapidjson::SizeType) {
  // RapidJSON 1.1.0 passes the length of the file part minus one
  // (schema.h, HandleRefSchema); the reference is NUL-terminated, so the
  // file part is everything before the '#'.
  const Entry* entry = Load(std::string(uri, std::strcspn(uri, "#")));
  return entry == nullptr ? nullptr : entry->schema.get();
}

std::string SchemaStore::Validate(const std::string& name, const rapidjson::Value& value) const {
  const auto found = schemas_.find(name);
  if (found == schemas_.end()) return "no schema named " + name;
  rapidjson::SchemaValidator validator(*found->second->schema);
  if (value.Accept(validator)) return "";
  return "schema " + name + ": the value at " + PointerText(validator.GetInvalidDocumentPointer()) +
         " breaks '" + validator.GetInvalidSchemaKeyword() + "' (schema " +
         PointerText(validator.GetInvalidSchemaPointer()) + ")";
}

}  // namespace conformance

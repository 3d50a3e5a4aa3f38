#include "conformance/schema_store.h"

#include <cstring>

#include "conformance/json_text.h"

namespace conformance {

std::string SchemaStore::LoadDirectory(const std::string& directory) {
  directory_ = directory;
  const std::vector<std::string> names = JsonFilesIn(directory);
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
    error_ = "schema " + name +
             ": a $ref must name a file of the schema directory, "
             "without cycles";
    return nullptr;
  }
  std::string text;
  if (!ReadWholeFile(directory_ + "/" + name, &text)) {
    error_ = "schema " + name + ": no such file in " + directory_;
    return nullptr;
  }
  auto entry = std::make_unique<Entry>();
  if (const std::string error = ParseJson(text, &entry->source); !error.empty()) {
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
  const std::lock_guard<std::mutex> lock(validating_);
  rapidjson::SchemaValidator validator(*found->second->schema);
  if (value.Accept(validator)) return "";
  return "schema " + name + ": the value at " + PointerText(validator.GetInvalidDocumentPointer()) +
         " breaks '" + validator.GetInvalidSchemaKeyword() + "' (schema " +
         PointerText(validator.GetInvalidSchemaPointer()) + ")";
}

}  // namespace conformance

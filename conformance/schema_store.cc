#include "conformance/schema_store.h"

#include <cstring>

#include "conformance/json_text.h"

namespace conformance {

base::Status SchemaStore::LoadDirectory(const std::string& directory) {
  directory_ = directory;
  const std::vector<std::string> names = JsonFilesIn(directory);
  if (names.empty()) {
    return base::MakeError(base::ErrorCode::kNotFound, "no *.json schemas in " + directory,
                           directory);
  }
  for (const std::string& name : names) {
    if (Load(name) == nullptr) return *load_error_;
  }
  return base::Ok();
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
    load_error_ = base::MakeError(base::ErrorCode::kInvalidArgument,
                                  "schema " + name +
                                      ": a $ref must name a file of the schema directory, "
                                      "without cycles",
                                  name);
    return nullptr;
  }
  const base::Expected<std::string> text = ReadWholeFile(directory_ + "/" + name);
  if (!text.ok()) {
    load_error_ = base::MakeError(base::ErrorCode::kNotFound,
                                  "schema " + name + ": no such file in " + directory_,
                                  directory_ + "/" + name);
    return nullptr;
  }
  auto entry = std::make_unique<Entry>();
  if (const base::Status parsed = ParseJson(*text, &entry->source); !parsed.ok()) {
    load_error_ = base::WithContext(parsed.error(), "schema " + name + ": ");
    load_error_->where = directory_ + "/" + name;
    return nullptr;
  }
  loading_.insert(name);
  entry->schema = std::make_unique<rapidjson::SchemaDocument>(entry->source, this);
  loading_.erase(name);
  if (load_error_) return nullptr;
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

base::Status SchemaStore::Validate(const std::string& name, const rapidjson::Value& value) const {
  const auto found = schemas_.find(name);
  if (found == schemas_.end()) {
    return base::MakeError(base::ErrorCode::kNotFound, "no schema named " + name, name);
  }
  const std::lock_guard<std::mutex> lock(validating_);
  rapidjson::SchemaValidator validator(*found->second->schema);
  if (value.Accept(validator)) return base::Ok();
  const std::string at = PointerText(validator.GetInvalidDocumentPointer());
  return base::MakeError(base::ErrorCode::kInvalidArgument,
                         "schema " + name + ": the value at " + at + " breaks '" +
                             validator.GetInvalidSchemaKeyword() + "' (schema " +
                             PointerText(validator.GetInvalidSchemaPointer()) + ")",
                         at);
}

}  // namespace conformance

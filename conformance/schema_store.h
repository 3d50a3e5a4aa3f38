#ifndef CONFORMANCE_SCHEMA_STORE_H_
#define CONFORMANCE_SCHEMA_STORE_H_

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "rapidjson/document.h"
#include "rapidjson/schema.h"

namespace conformance {

// The JSON Schemas (draft 4, as RapidJSON 1.1 implements it) of
// fixtures/schemas/, by file name ("result.json"). A schema may refer to
// another file with "$ref": "other.json#/definitions/x".
class SchemaStore : public rapidjson::IRemoteSchemaDocumentProvider {
 public:
  // Loads every *.json of `directory`; a file that is not valid JSON, or a
  // $ref to a file that does not exist, is an error naming the file.
  // "" on success.
  std::string LoadDirectory(const std::string& directory);

  bool Has(const std::string& name) const { return schemas_.count(name) != 0; }
  std::vector<std::string> Names() const;

  // "" when `value` is valid against schema `name`; else which keyword
  // failed, where in the document and where in the schema.
  std::string Validate(const std::string& name, const rapidjson::Value& value) const;

  const rapidjson::SchemaDocument* GetRemoteDocument(const char* uri,
                                                     rapidjson::SizeType length) override;

 private:
  struct Entry {
    rapidjson::Document source;
    std::unique_ptr<rapidjson::SchemaDocument> schema;
  };
  const Entry* Load(const std::string& name);

  std::string directory_;
  std::map<std::string, std::unique_ptr<Entry>> schemas_;
  // RapidJSON 1.1.0's regex (for "pattern") keeps its search state in the
  // schema itself (internal/regex.h: stateSet_, state0_, state1_), so two
  // validations at once corrupt each other: the runner's workers take
  // turns.
  mutable std::mutex validating_;
  std::set<std::string> loading_;
  std::string error_;
};

}  // namespace conformance

#endif  // CONFORMANCE_SCHEMA_STORE_H_

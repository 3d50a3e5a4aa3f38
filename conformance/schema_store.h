#ifndef CONFORMANCE_SCHEMA_STORE_H_
#define CONFORMANCE_SCHEMA_STORE_H_

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/expected.h"
#include "rapidjson/document.h"
#include "rapidjson/schema.h"

namespace conformance {

// The JSON Schemas (draft 4, as RapidJSON 1.1 implements it) of
// fixtures/schemas/, by file name ("result.json"). A schema may refer to
// another file with "$ref": "other.json#/definitions/x".
class SchemaStore : public rapidjson::IRemoteSchemaDocumentProvider {
 public:
  // Loads every *.json of `directory`. A directory without schemas, or a
  // $ref to a file that does not exist, is kNotFound; a file that is not
  // valid JSON, or a $ref outside the directory or in a cycle, is
  // kInvalidArgument; each names the file.
  base::Status LoadDirectory(const std::string& directory);

  bool Has(const std::string& name) const { return schemas_.count(name) != 0; }
  std::vector<std::string> Names() const;

  // Whether `value` is valid against schema `name`: if not, a
  // kInvalidArgument error saying which keyword failed, where in the
  // document and where in the schema (kNotFound: no schema of that name).
  base::Status Validate(const std::string& name, const rapidjson::Value& value) const;

  const rapidjson::SchemaDocument* GetRemoteDocument(const char* uri,
                                                     rapidjson::SizeType length) override;

 private:
  struct Entry {
    rapidjson::Document source;
    std::unique_ptr<rapidjson::SchemaDocument> schema;
  };
  // The schema, loaded on first use; nullptr with load_error_ set when it
  // cannot be. (RapidJSON asks for a $ref's file through GetRemoteDocument,
  // which can only answer nullptr: the reason waits in load_error_ for
  // LoadDirectory.)
  const Entry* Load(const std::string& name);

  std::string directory_;
  std::map<std::string, std::unique_ptr<Entry>> schemas_;
  // RapidJSON 1.1.0's regex (for "pattern") keeps its search state in the
  // schema itself (internal/regex.h: stateSet_, state0_, state1_), so two
  // validations at once corrupt each other: the runner's workers take
  // turns.
  mutable std::mutex validating_;
  std::set<std::string> loading_;
  std::optional<base::Error> load_error_;
};

}  // namespace conformance

#endif  // CONFORMANCE_SCHEMA_STORE_H_

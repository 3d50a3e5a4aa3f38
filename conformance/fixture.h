#ifndef CONFORMANCE_FIXTURE_H_
#define CONFORMANCE_FIXTURE_H_

#include <memory>
#include <string>
#include <vector>

#include "base/expected.h"
#include "conformance/schema_store.h"
#include "rapidjson/document.h"

namespace conformance {

// How a case's requirement is grounded (docs/CONFORMANCE.md):
// documented: the API documentation states or shows it;
// reference: a decision of docs/API.md where the documentation is silent;
// optional: an extension (GET /languages, GET /health).
enum class Level { kDocumented, kReference, kOptional };
const char* LevelName(Level level);

// One conformance case, as read from fixtures/conformance/*.json. Its steps
// stay JSON (`json`), interpreted when the case runs; the loader has
// checked their shape.
struct Case {
  std::string id;
  std::string title;
  std::string section;      // heading of the API documentation it comes from
  std::string api_section;  // section of docs/API.md, "" if none
  std::string requirement;  // RFC 2119 words
  Level level = Level::kDocumented;
  std::vector<std::string> tags;
  std::vector<std::string> needs;
  std::string file;  // fixture file name, for messages
  std::shared_ptr<const rapidjson::Document> source;
  const rapidjson::Value* json = nullptr;  // the case object inside `source`
};

// Loads and checks every *.json of `directory` in name order. The format is
// described by `format_schema` (a JSON Schema file); beyond it, ids must be
// unique and match [a-z0-9_]+(\.[a-z0-9_-]+)+, regexes must compile, and
// every "schema" matcher must name a schema of `schemas`, and each step
// must fit its kind (step_checks.h). The cases, in file and then list
// order; or kInvalidArgument (where = `directory`) whose message lists every
// problem, one a line, with its file and JSON path; or kNotFound when the
// format schema cannot be read or `directory` holds no fixture.
base::Expected<std::vector<Case>> LoadCases(const std::string& directory,
                                            const std::string& format_schema,
                                            const SchemaStore& schemas);

}  // namespace conformance

#endif  // CONFORMANCE_FIXTURE_H_

#ifndef CONFORMANCE_CASE_RUNNER_H_
#define CONFORMANCE_CASE_RUNNER_H_

#include <string>
#include <vector>

#include "conformance/fixture.h"
#include "conformance/http_client.h"
#include "conformance/schema_store.h"
#include "conformance/target.h"

namespace conformance {

// Grades, from best to worst (docs/CONFORMANCE.md):
// OK: the expected behaviour;
// INFORMATIONAL: the documentation is silent, the answer is noted;
// NON-STRICT: an accepted alternative (SHOULD-level, or another reading);
// SKIPPED: could not run here (the reason says why);
// FAILED: none of the acceptable answers came back.
enum class Grade { kOk, kInformational, kNonStrict, kSkipped, kFailed };
const char* GradeName(Grade grade);

// One request and its answer, for the report's wire log.
struct Exchange {
  std::string step;
  std::string request;  // request line
  int status = 0;
  std::string answer;  // short description
  double seconds = 0;
};

struct CaseResult {
  std::string id;
  Level level = Level::kDocumented;
  Grade grade = Grade::kOk;
  double seconds = 0;
  std::string language;  // the program variant chosen, if any
  std::string reason;    // why SKIPPED, or what made it NON-STRICT/INFORMATIONAL
  // When FAILED:
  std::string requirement;
  std::string failed_step;
  std::vector<std::string> expected;    // each acceptable answer, with its grade
  std::vector<std::string> mismatches;  // how the actual answer differs from the OK one
  std::string actual;                   // the answer that failed (status, headers, body)
  std::string curl;                     // replays the failing request
  std::vector<Exchange> exchanges;
};

struct RunOptions {
  // Where request bodies too large for a curl command line are written.
  std::string replay_directory;
};

// Runs one case against the target, then cancels any job it left
// unfinished. Never throws; any problem becomes the case's grade.
CaseResult RunCase(const Case& c, const Target& target, const SchemaStore& schemas,
                   const RunOptions& options, HttpClient& client);

}  // namespace conformance

#endif  // CONFORMANCE_CASE_RUNNER_H_

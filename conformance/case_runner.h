#ifndef CONFORMANCE_CASE_RUNNER_H_
#define CONFORMANCE_CASE_RUNNER_H_

#include <chrono>
#include <optional>
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
  // SKIPPED because the run's deadline (--max-duration) came first: the
  // case did not start, or was stopped in a step (the reason says which).
  bool cut_short = false;
  // Each job the case left unfinished, cancelled as it ended:
  // "DELETE /jobs/ID: 200", "DELETE /jobs/ID (second key): no answer: ...".
  std::vector<std::string> cleanup;
};

struct RunOptions {
  // Where request bodies too large for a curl command line are written.
  std::string replay_directory;
  // The run's deadline (--max-duration): every wait of a case ends by it
  // (request and raw exchange timeouts, polls, wait_ms steps); a case that
  // reaches it is SKIPPED, cut short.
  std::optional<std::chrono::steady_clock::time_point> stop_at;
  // After stop_at, the time left to cancel a stopped case's jobs.
  std::chrono::milliseconds cleanup_grace{5000};
};

// Runs one case against the target, then cancels any job it left
// unfinished. Never throws; any problem becomes the case's grade.
CaseResult RunCase(const Case& c, const Target& target, const SchemaStore& schemas,
                   const RunOptions& options, HttpClient& client);

// `timeout`, shortened to end by `stop_at` (rounded up to the next
// millisecond, so that a wait cut by it ends at or after the deadline; 0
// once it has passed).
std::chrono::milliseconds CapTimeout(
    std::chrono::milliseconds timeout,
    const std::optional<std::chrono::steady_clock::time_point>& stop_at,
    std::chrono::steady_clock::time_point now);

// The reason of a case stopped by --max-duration, naming the step it was
// in: 'stopped by --max-duration after 2.5 s in step "poll"', or '... in
// step 3' for an unnamed step.
std::string StoppedReason(double seconds, const std::string& step);

}  // namespace conformance

#endif  // CONFORMANCE_CASE_RUNNER_H_

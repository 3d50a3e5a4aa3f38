#ifndef CONFORMANCE_SUITE_RUN_H_
#define CONFORMANCE_SUITE_RUN_H_

#include <chrono>
#include <vector>

#include "conformance/case_runner.h"
#include "conformance/expectations.h"
#include "conformance/fixture.h"
#include "conformance/options.h"
#include "conformance/report.h"
#include "conformance/schema_store.h"
#include "conformance/target.h"

namespace conformance {

// What a run replays: the schemas, every case, the selected ones, and the
// expectations they are judged against.
struct Suite {
  SchemaStore schemas;
  std::vector<Case> all;
  std::vector<const Case*> selected;
  std::vector<Expectation> expectations;
};

// Phase 3 of a run: every selected case, `options.jobs` at a time, each
// judged against its expectation, with the progress line (live when
// standard output is a terminal). Cases not started by the run's deadline
// (run_options.stop_at) are SKIPPED without a request. `start` is when the
// cases began, for the elapsed time shown.
std::vector<ReportedCase> RunCases(const Suite& suite, const Target& target, const Options& options,
                                   const RunOptions& run_options,
                                   std::chrono::steady_clock::time_point start);

}  // namespace conformance

#endif  // CONFORMANCE_SUITE_RUN_H_

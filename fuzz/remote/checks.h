#ifndef FUZZ_REMOTE_CHECKS_H_
#define FUZZ_REMOTE_CHECKS_H_

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "conformance/raw_http.h"
#include "fuzz/remote/fuzz_case.h"
#include "fuzz/remote/oracle.h"

namespace remote_fuzz {

// The named checks (docs/FUZZING.md says what each proves), as Schemathesis
// names its checks: a finding always says which one failed.
struct CheckInfo {
  const char* name;
  const char* proves;
};
const std::vector<CheckInfo>& AllChecks();

// One broken rule. `strict` false: the target differs from the reference
// where the documentation leaves room (NON-STRICT), not a failure.
struct Violation {
  std::string check;
  std::string message;
  bool strict = true;
};

struct CheckBounds {
  // An answer must start arriving within this (plus the request's ttl for
  // a synchronous run).
  std::chrono::milliseconds answer{10000};
  // A connection the client asked to close must be closed within this of
  // the answer.
  std::chrono::milliseconds close{2000};
};

// Every per-request check on one exchange: no_server_error,
// answers_in_time, well_framed, error_shape, documented_status and (with a
// verdict) differential.
std::vector<Violation> CheckExchange(const FuzzCase& fuzz_case,
                                     const conformance::RawResult& result,
                                     const std::optional<Verdict>& verdict,
                                     const CheckBounds& bounds);

// The statuses the API documents for a route (docs/API.md), besides those
// any request may get (400, 401, 408, 413, 414, 415, 429, 431, 503).
std::vector<int> DocumentedStatuses(const std::string& route);

// How the raw exchange ended, for the checks.
enum class Outcome {
  kAnswered,     // every answer arrived whole
  kClosedEarly,  // the server closed before all answers (maybe none)
  kTimedOut,     // nothing more arrived before the bound
  kMalformed,    // what arrived is not HTTP/1.1
  kUnreachable,  // no connection
};
Outcome OutcomeOf(const conformance::RawResult& result);

}  // namespace remote_fuzz

#endif  // FUZZ_REMOTE_CHECKS_H_

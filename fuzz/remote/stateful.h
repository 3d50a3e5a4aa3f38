#ifndef FUZZ_REMOTE_STATEFUL_H_
#define FUZZ_REMOTE_STATEFUL_H_

#include <string>
#include <vector>

#include "fuzz/remote/checks.h"
#include "fuzz/remote/exchange.h"
#include "fuzz/remote/rng.h"

namespace remote_fuzz {

// A violation of the `stateful` or `still_alive` check, with the request
// that showed it (its route and the answer's status make the bucket).
struct SequenceViolation {
  Violation violation;
  FuzzCase request;
  int status = 0;
};

struct SequenceResult {
  std::vector<SequenceViolation> violations;
  std::size_t requests = 0;
  std::vector<int> statuses;  // of every answer, for the statistics
  std::string skipped;        // why the sequence could not run ("" if it ran)
};

// One random sequence, as RESTler's checkers do: creates a job with the
// first key, then polls, lists and cancels it with either key in a random
// order. Checks that the second key never sees or cancels the job (GET and
// DELETE answer 404, GET /jobs does not list it), that its status never
// goes backwards and a final status never changes, and that a job
// cancelled with 200 stays cancelled. The job is cancelled at the end.
SequenceResult RunStatefulSequence(Rng& rng, const Exchanger& send, const TargetContext& context);

// The canary: a hello-world /execute that must answer 200 with "hello" in
// its stdout. Retries a 429 or 503 (with Retry-After) up to 3 times.
SequenceResult RunCanary(const Exchanger& send, const TargetContext& context);

// The job id and status of an acknowledgement or result body, "" if none.
std::string JobIdOf(const std::string& body);
std::string JobStatusOf(const std::string& body);

}  // namespace remote_fuzz

#endif  // FUZZ_REMOTE_STATEFUL_H_

#ifndef FUZZ_REMOTE_CAMPAIGN_H_
#define FUZZ_REMOTE_CAMPAIGN_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "fuzz/remote/checks.h"
#include "fuzz/remote/exchange.h"
#include "fuzz/remote/findings.h"
#include "fuzz/remote/report.h"
#include "fuzz/remote/seeds.h"
#include "fuzz/remote/stateful.h"

namespace remote_fuzz {

// Case `index` of `seed`: from the grammar (JSON, /run, headers), a seed
// mutation, a raw HTTP attack, or a stateful sequence. Depends on nothing
// else, so a finding replays from its seed and index. `validation_only`:
// no stateful sequence, and no request the reference validator accepts
// (nothing runs on the target but the canary).
FuzzCase GenerateCase(std::uint64_t seed, std::uint64_t index, const SeedPool& seeds,
                      const TargetContext& context, bool validation_only = false);

struct CampaignLimits {
  std::optional<std::chrono::milliseconds> duration;  // stop starting cases after this
  std::uint64_t cases = 0;                            // 0: no count limit
  int jobs = 2;
  double rate = 0;               // requests per second; 0: no cap
  std::uint64_t batch = 500;     // a canary after every this many cases
  bool validation_only = false;  // see GenerateCase
  // Stop at the first strict finding of one of these checks (the proof
  // table measures how soon a planted fault is found).
  std::vector<std::string> until_found;
};

// The outcome of one case: its violations, and the status of the answer
// they are about (the last one; 0 when none).
struct CaseOutcome {
  std::vector<Violation> violations;
  std::vector<SequenceViolation> sequence_violations;  // stateful cases
  std::vector<std::string> checks;                     // the checks that ran
  std::vector<int> statuses;
  int status = 0;
};

// Sends a case (or runs its sequence) and judges it; cancels a job it
// created. `send` does the I/O.
CaseOutcome RunCase(const FuzzCase& c, std::uint64_t seed, const Exchanger& send,
                    const TargetContext& context, const CheckBounds& bounds);

// Runs cases from index 0 on `limits.jobs` threads until a limit is
// reached or the canary dies; violations go to `findings`. Honours
// 429/503 Retry-After for every thread, and the rate cap.
RunStats RunCampaign(std::uint64_t seed, const CampaignLimits& limits, const SeedPool& seeds,
                     const TargetContext& context, const CheckBounds& bounds, const Exchanger& send,
                     FindingStore& findings);

}  // namespace remote_fuzz

#endif  // FUZZ_REMOTE_CAMPAIGN_H_

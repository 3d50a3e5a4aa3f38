#include "fuzz/remote/campaign.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "base/ascii.h"
#include "fuzz/remote/grammar.h"
#include "fuzz/remote/oracle.h"
#include "fuzz/remote/raw_cases.h"
#include "fuzz/remote/stateful.h"

namespace remote_fuzz {

namespace {

using Clock = std::chrono::steady_clock;

// Every request of the campaign goes through here: the rate cap, the pause
// a Retry-After asked for (for all threads: the target is the one that is
// busy), and the counts by status.
class Pacer {
 public:
  Pacer(double rate, Clock::time_point end) : rate_(rate), end_(end) {}

  Exchanger Wrap(const Exchanger& send) {
    return [this, &send](const FuzzCase& c) {
      WaitForTurn();
      conformance::RawResult result = send(c);
      std::lock_guard lock(mutex_);
      ++requests_;
      if (result.answers.empty()) ++by_status_[0];
      for (const conformance::RawAnswer& answer : result.answers) {
        ++by_status_[answer.status];
        if (const auto pause = RetryAfter(answer)) {
          resume_at_ = std::max(resume_at_, Clock::now() + *pause);
        }
      }
      return result;
    };
  }

  std::size_t requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::map<int, std::size_t> by_status() const {
    std::lock_guard lock(mutex_);
    return by_status_;
  }

 private:
  void WaitForTurn() {
    Clock::time_point at;
    {
      std::lock_guard lock(mutex_);
      at = resume_at_;
      if (rate_ > 0) {
        const auto interval =
            std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / rate_));
        next_slot_ = std::max(next_slot_, Clock::now());
        at = std::max(at, next_slot_);
        next_slot_ += interval;
      }
    }
    // Never past the end of the campaign: the last requests then go out
    // late rather than the run overstaying its limit.
    if (at > Clock::now()) std::this_thread::sleep_until(std::min(at, end_));
  }

  const double rate_;
  const Clock::time_point end_;
  mutable std::mutex mutex_;
  Clock::time_point next_slot_{};
  Clock::time_point resume_at_{};
  std::size_t requests_ = 0;
  std::map<int, std::size_t> by_status_;
};

// Whether the target may run a program for a case: a request the reference
// accepts with the primary key (the second key is as valid, and a
// credential header of the case's own may be the one the target reads), or
// a raw seed, which is a whole request of the corpus, program included,
// that the oracle does not judge.
bool MayRun(const FuzzCase& c, const TargetContext& context) {
  if (c.kind == Kind::kRaw) return c.origin.rfind("seed ", 0) == 0;
  FuzzCase judged = c;
  bool credential = c.http.key == KeyUse::kPrimary || c.http.key == KeyUse::kSecond;
  std::erase_if(judged.http.headers, [&](const auto& header) {
    const bool key = base::EqualsIgnoreCase(header.first, "Authorization") ||
                     base::EqualsIgnoreCase(header.first, "X-Api-Key");
    credential = credential || key;
    return key;
  });
  if (!credential) return false;
  judged.http.key = KeyUse::kPrimary;
  const std::optional<Verdict> verdict = ReferenceVerdict(judged, context);
  return verdict && verdict->accept;
}

}  // namespace

FuzzCase GenerateCase(std::uint64_t seed, std::uint64_t index, const SeedPool& seeds,
                      const TargetContext& context, bool validation_only) {
  Rng rng(seed, index);
  const std::size_t kind = rng.Below(100);
  FuzzCase c;
  // Validation only: a case that may run a program is drawn again (from
  // the same stream, so still reproducible), a few times at most.
  for (int draw = 0; draw < 8; ++draw) {
    if (kind < 28) {
      c = GenerateJsonCase(rng, context);
    } else if (kind < 38) {
      c = GenerateRunCase(rng, context);
    } else if (kind < 50) {
      c = GenerateHeaderCase(rng, context);
    } else if (kind < 75) {
      c = MutateSeed(rng, seeds);
    } else if (kind < 97 || validation_only) {
      c = GenerateRawCase(rng, context);
    } else {
      c.kind = Kind::kStateful;
      c.origin = "stateful sequence";
    }
    if (!validation_only || !MayRun(c, context)) break;
    // Still one at the last draw (mostly valid grammars make that likely
    // enough to happen in a long campaign): a raw attack instead, whose
    // bytes never carry a program.
    if (draw == 7) c = GenerateRawCase(rng, context);
  }
  c.index = index;
  return c;
}

CaseOutcome RunCase(const FuzzCase& c, std::uint64_t seed, const Exchanger& send,
                    const TargetContext& context, const CheckBounds& bounds) {
  CaseOutcome outcome;
  if (c.kind == Kind::kStateful) {
    Rng rng(seed, c.index);
    rng.Next();  // the draw that chose the kind
    SequenceResult sequence = RunStatefulSequence(rng, send, context);
    outcome.checks = {"stateful"};
    outcome.statuses = sequence.statuses;
    outcome.sequence_violations = std::move(sequence.violations);
    return outcome;
  }
  const conformance::RawResult result = send(c);
  const std::optional<Verdict> verdict = ReferenceVerdict(c, context);
  outcome.checks = {"no_server_error", "answers_in_time", "well_framed", "error_shape",
                    "documented_status"};
  if (c.kind != Kind::kRaw && (c.http.key == KeyUse::kNone || c.http.key == KeyUse::kWrong)) {
    outcome.checks.push_back("auth_required");
  }
  if (verdict) outcome.checks.push_back("differential");
  outcome.violations = CheckExchange(c, result, verdict, bounds);
  for (const conformance::RawAnswer& answer : result.answers) {
    outcome.statuses.push_back(answer.status);
  }
  if (!result.answers.empty()) outcome.status = result.answers.back().status;
  // A job this case created (an asynchronous acknowledgement, from any
  // kind of case: raw bytes may hold a valid submission too) is cancelled
  // at once: programs from the seeds sleep for minutes, and a few of them
  // would hold every worker of the target.
  for (const conformance::RawAnswer& answer : result.answers) {
    if (answer.status < 200 || answer.status >= 300) continue;
    const std::string job = JobIdOf(answer.body);
    const std::string status = JobStatusOf(answer.body);
    // A synchronous result has no status; a job in any other state than a
    // final one (whatever the target calls it) may still run.
    const bool final =
        status.empty() || status == "completed" || status == "timeout" || status == "cancelled";
    if (!job.empty() && !final) {
      send(RequestCase("DELETE", "/jobs/" + job, KeyUse::kPrimary));
    }
  }
  return outcome;
}

RunStats RunCampaign(std::uint64_t seed, const CampaignLimits& limits, const SeedPool& seeds,
                     const TargetContext& context, const CheckBounds& bounds, const Exchanger& send,
                     FindingStore& findings) {
  const Clock::time_point start = Clock::now();
  const Clock::time_point end =
      limits.duration ? start + *limits.duration : Clock::time_point::max();
  Pacer pacer(limits.rate, end);
  const Exchanger paced = pacer.Wrap(send);
  std::atomic<std::uint64_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;  // guards `stats` and `dead_canaries`
  RunStats stats;
  stats.seed = seed;
  int dead_canaries = 0;

  auto worker = [&] {
    while (!stop) {
      const std::uint64_t index = next++;
      if (limits.cases != 0 && index >= limits.cases) break;
      if (Clock::now() >= end) break;
      const FuzzCase c = GenerateCase(seed, index, seeds, context, limits.validation_only);
      const CaseOutcome outcome = RunCase(c, seed, paced, context, bounds);
      for (const Violation& violation : outcome.violations) {
        findings.Add(violation, c, outcome.status, seed);
      }
      for (const SequenceViolation& violation : outcome.sequence_violations) {
        FuzzCase request = violation.request;
        request.index = index;
        request.origin = "stateful sequence";
        findings.Add(violation.violation, request, violation.status, seed);
      }
      if (!limits.until_found.empty() && findings.HasStrict(limits.until_found)) {
        std::lock_guard lock(mutex);
        stats.stopped = "found";
        stop = true;
      }
      {
        std::lock_guard lock(mutex);
        ++stats.cases;
        ++stats.by_kind[KindName(c.kind)];
        for (const std::string& check : outcome.checks) ++stats.checks_run[check];
      }
      if ((index + 1) % limits.batch != 0) continue;
      SequenceResult canary = RunCanary(paced, context);
      std::lock_guard lock(mutex);
      ++stats.canaries;
      ++stats.checks_run["still_alive"];
      // A canary that got an answer, if a wrong one, shows a target that
      // still answers: only silence counts towards giving up.
      const bool silent = std::any_of(canary.violations.begin(), canary.violations.end(),
                                      [](const SequenceViolation& v) { return v.status == 0; });
      if (!silent) dead_canaries = 0;
      if (canary.violations.empty()) continue;
      for (const SequenceViolation& violation : canary.violations) {
        FuzzCase request = violation.request;
        request.index = index;
        request.origin = "canary after case " + std::to_string(index);
        findings.Add(violation.violation, request, violation.status, seed);
      }
      // Silent twice in a row: the target is gone, and every further case
      // would only add noise.
      if (silent && ++dead_canaries >= 2) {
        stats.stopped = "target stopped answering";
        stop = true;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < std::max(1, limits.jobs); ++i) threads.emplace_back(worker);
  for (std::thread& thread : threads) thread.join();

  // The end of a campaign is a batch too.
  if (!stop) {
    SequenceResult canary = RunCanary(paced, context);
    ++stats.canaries;
    ++stats.checks_run["still_alive"];
    for (const SequenceViolation& violation : canary.violations) {
      FuzzCase request = violation.request;
      request.index = next;
      request.origin = "canary at the end";
      findings.Add(violation.violation, request, violation.status, seed);
    }
  }
  stats.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  stats.requests = pacer.requests();
  stats.by_status = pacer.by_status();
  if (stats.stopped.empty()) {
    stats.stopped = limits.cases != 0 && next >= limits.cases ? "requests" : "time";
  }
  return stats;
}

}  // namespace remote_fuzz

#ifndef FUZZ_REMOTE_FINDINGS_H_
#define FUZZ_REMOTE_FINDINGS_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "fuzz/remote/checks.h"
#include "fuzz/remote/fuzz_case.h"

namespace remote_fuzz {

// One bug, as RESTler buckets them: every violation of one check on one
// route with one status is the same finding, counted, with the first case
// that showed it and its minimized reproducer.
struct Finding {
  std::string check;
  std::string route;
  int status = 0;  // of the answer that broke the rule; 0 when there was none
  bool strict = true;
  std::string message;  // of the first occurrence
  std::uint64_t seed = 0;
  std::uint64_t index = 0;  // the case index: --seed S --index I replays it
  std::size_t count = 0;
  double first_seconds = 0;  // into the campaign, when it was first seen
  FuzzCase first;
  FuzzCase reproducer;  // `first`, minimized when it could be
  std::size_t minimize_attempts = 0;
  bool minimized = false;
  std::string raw_file;  // the reproducer's exact bytes
  std::string curl;      // a curl line sending it, when curl can ("" for raw bytes)
};

std::string BucketOf(const std::string& check, const std::string& route, int status);

// Thread-safe: the workers add to it as they go.
class FindingStore {
 public:
  FindingStore() : start_(std::chrono::steady_clock::now()) {}

  // Records one violation; true when it opens a new bucket.
  bool Add(const Violation& violation, const FuzzCase& c, int status, std::uint64_t seed);
  // Every finding, strict ones first, then by check and route.
  std::vector<Finding> Sorted() const;
  // Replaces a finding (after minimization), matched by bucket.
  void Update(const Finding& finding);
  std::size_t Violations(const std::string& check) const;
  std::size_t StrictCount() const;
  // Whether a strict finding of one of `checks` is in.
  bool HasStrict(const std::vector<std::string>& checks) const;

 private:
  const std::chrono::steady_clock::time_point start_;
  mutable std::mutex mutex_;
  std::map<std::string, Finding> buckets_;
  std::map<std::string, std::size_t> violations_;
};

}  // namespace remote_fuzz

#endif  // FUZZ_REMOTE_FINDINGS_H_

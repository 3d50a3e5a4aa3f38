#include "fuzz/remote/findings.h"

#include <algorithm>

namespace remote_fuzz {

std::string BucketOf(const std::string& check, const std::string& route, int status) {
  return check + " | " + route + " | " + std::to_string(status);
}

bool FindingStore::Add(const Violation& violation, const FuzzCase& c, int status,
                       std::uint64_t seed) {
  std::lock_guard lock(mutex_);
  ++violations_[violation.check];
  const std::string route = RouteOf(c);
  auto [it, added] = buckets_.try_emplace(BucketOf(violation.check, route, status));
  Finding& finding = it->second;
  ++finding.count;
  // A bucket is strict when any of its violations is.
  if (!added) {
    finding.strict = finding.strict || violation.strict;
    return false;
  }
  finding.check = violation.check;
  finding.route = route;
  finding.status = status;
  finding.strict = violation.strict;
  finding.message = violation.message;
  finding.seed = seed;
  finding.index = c.index;
  finding.first_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  finding.first = c;
  finding.reproducer = c;
  return true;
}

std::vector<Finding> FindingStore::Sorted() const {
  std::vector<Finding> all;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [bucket, finding] : buckets_) all.push_back(finding);
  }
  // The buckets come in check, route, status order; strict ones are moved
  // first (an order that does not depend on which worker found what first).
  std::stable_sort(all.begin(), all.end(),
                   [](const Finding& a, const Finding& b) { return a.strict && !b.strict; });
  return all;
}

void FindingStore::Update(const Finding& finding) {
  std::lock_guard lock(mutex_);
  const auto it = buckets_.find(BucketOf(finding.check, finding.route, finding.status));
  if (it != buckets_.end()) it->second = finding;
}

std::size_t FindingStore::Violations(const std::string& check) const {
  std::lock_guard lock(mutex_);
  const auto it = violations_.find(check);
  return it == violations_.end() ? 0 : it->second;
}

bool FindingStore::HasStrict(const std::vector<std::string>& checks) const {
  std::lock_guard lock(mutex_);
  for (const auto& [bucket, finding] : buckets_) {
    if (finding.strict && std::find(checks.begin(), checks.end(), finding.check) != checks.end()) {
      return true;
    }
  }
  return false;
}

std::size_t FindingStore::StrictCount() const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(std::count_if(
      buckets_.begin(), buckets_.end(), [](const auto& entry) { return entry.second.strict; }));
}

}  // namespace remote_fuzz

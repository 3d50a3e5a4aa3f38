#include "reference_server/sandbox/host_uids.h"

#include <string>

namespace sandbox {

HostUids::HostUids(std::uint32_t first, std::uint32_t count) : first_(first), used_(count) {}

base::Expected<std::uint32_t> HostUids::Acquire() {
  std::lock_guard lock(mutex_);
  const auto count = static_cast<std::uint32_t>(used_.size());
  for (std::uint32_t tried = 0; tried < count; ++tried) {
    const std::uint32_t at = (next_ + tried) % count;
    if (used_[at]) continue;
    used_[at] = true;
    ++in_use_;
    next_ = (at + 1) % count;
    return first_ + at;
  }
  return base::MakeError(base::ErrorCode::kUnavailable,
                         "all " + std::to_string(count) + " host uids are in use by sandboxes");
}

void HostUids::Release(std::uint32_t uid) {
  std::lock_guard lock(mutex_);
  const std::uint32_t at = uid - first_;
  if (uid < first_ || at >= used_.size() || !used_[at]) return;
  used_[at] = false;
  --in_use_;
}

std::uint32_t HostUids::in_use() const {
  std::lock_guard lock(mutex_);
  return in_use_;
}

}  // namespace sandbox

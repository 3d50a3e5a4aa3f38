#ifndef REFERENCE_SERVER_SANDBOX_HOST_UIDS_H_
#define REFERENCE_SERVER_SANDBOX_HOST_UIDS_H_

#include <cstdint>
#include <mutex>
#include <vector>

#include "base/expected.h"

namespace sandbox {

// The host uids sandboxes are given, each to one live sandbox at a time:
// a uid is free again only once every process of its sandbox is gone. Ready
// sandboxes of a rarely used class live long, so handing uids out round
// robin could give a new sandbox one still in use. Thread-safe.
class HostUids {
 public:
  // Uids first .. first + count - 1.
  HostUids(std::uint32_t first, std::uint32_t count);

  // The next free uid after the last one given (spreading reuse), or
  // kUnavailable when all `count` are in use.
  base::Expected<std::uint32_t> Acquire();
  // `uid` (given by Acquire) is free again.
  void Release(std::uint32_t uid);
  std::uint32_t in_use() const;

 private:
  const std::uint32_t first_;
  mutable std::mutex mutex_;
  std::vector<bool> used_;
  std::uint32_t next_ = 0;  // where the search for a free uid starts
  std::uint32_t in_use_ = 0;
};

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_HOST_UIDS_H_

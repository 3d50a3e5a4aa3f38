#ifndef REFERENCE_SERVER_JOBS_CLOCK_H_
#define REFERENCE_SERVER_JOBS_CLOCK_H_

#include <chrono>
#include <cstdint>

namespace jobs {

// Time as the job store sees it: wall-clock seconds for the timestamps the
// API reports, a monotonic clock for retention (immune to clock changes).
// Tests substitute a clock they advance by hand, so retention is tested
// without waiting.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t UnixSeconds() const = 0;
  virtual std::chrono::steady_clock::time_point Monotonic() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::int64_t UnixSeconds() const override {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  std::chrono::steady_clock::time_point Monotonic() const override {
    return std::chrono::steady_clock::now();
  }
};

}  // namespace jobs

#endif  // REFERENCE_SERVER_JOBS_CLOCK_H_

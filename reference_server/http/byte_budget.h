#ifndef REFERENCE_SERVER_HTTP_BYTE_BUDGET_H_
#define REFERENCE_SERVER_HTTP_BYTE_BUDGET_H_

#include <cstddef>
#include <mutex>

namespace http {

// Bytes of answers being written, across every connection. Clients that
// do not read their answers would otherwise pin memory without bound (a
// job's result can serialize to 12 MiB, and 512 connections may ask for
// it). One answer is always allowed when nothing else is in flight, so any
// answer can be delivered. Thread-safe.
class ByteBudget {
 public:
  explicit ByteBudget(std::size_t limit) : limit_(limit) {}

  bool TryReserve(std::size_t bytes) {
    std::lock_guard lock(mutex_);
    if (used_ != 0 && used_ + bytes > limit_) return false;
    used_ += bytes;
    return true;
  }
  // For small answers that must go out anyway (the refusal itself).
  void Reserve(std::size_t bytes) {
    std::lock_guard lock(mutex_);
    used_ += bytes;
  }
  void Release(std::size_t bytes) {
    std::lock_guard lock(mutex_);
    used_ -= bytes;
  }

 private:
  const std::size_t limit_;
  std::mutex mutex_;
  std::size_t used_ = 0;
};

}  // namespace http

#endif  // REFERENCE_SERVER_HTTP_BYTE_BUDGET_H_

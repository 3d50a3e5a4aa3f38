#ifndef REFERENCE_SERVER_SANDBOX_DISPOSER_H_
#define REFERENCE_SERVER_SANDBOX_DISPOSER_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "reference_server/sandbox/ready_pool.h"

namespace sandbox {

// Destroys finished sandboxes on a thread of its own: once a run has
// reported, what is left (reaping its init while the kernel tears its
// namespaces down, removing its cgroup) need not delay the run's answer.
// Thread-safe.
class Disposer {
 public:
  Disposer();
  // Destroys everything still queued, then stops.
  ~Disposer();
  Disposer(const Disposer&) = delete;
  Disposer& operator=(const Disposer&) = delete;

  // Queues `done` for destruction. Waits (at most 10 s) while 64 are queued:
  // runs must not outpace teardown for long, nor wait for it without bound.
  void Dispose(std::unique_ptr<Pooled> done);
  // Waits until everything queued so far is destroyed.
  void AwaitDisposed();

 private:
  void Serve();

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::unique_ptr<Pooled>> queued_;
  std::size_t busy_ = 0;  // being destroyed right now
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_DISPOSER_H_

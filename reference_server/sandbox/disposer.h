#ifndef REFERENCE_SERVER_SANDBOX_DISPOSER_H_
#define REFERENCE_SERVER_SANDBOX_DISPOSER_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

namespace sandbox {

// Destroys objects on a thread of its own: what is left of a finished run
// (reaping its init or its network helper while the kernel tears its
// namespaces and interface down, removing its cgroups) need not delay the
// run's answer. Thread-safe.
class Disposer {
 public:
  Disposer();
  // Destroys everything still queued, then stops.
  ~Disposer();
  Disposer(const Disposer&) = delete;
  Disposer& operator=(const Disposer&) = delete;

  // Queues `done` for destruction. Waits (at most 10 s) while 64 are queued:
  // runs must not outpace teardown for long, nor wait for it without bound.
  template <typename T>
  void Dispose(std::unique_ptr<T> done) {
    Queue(Erased(done.release(), [](void* object) { delete static_cast<T*>(object); }));
  }
  // Waits until everything queued so far is destroyed.
  void AwaitDisposed();

 private:
  using Erased = std::unique_ptr<void, void (*)(void*)>;

  void Queue(Erased done);
  void Serve();

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Erased> queued_;
  std::size_t busy_ = 0;  // being destroyed right now
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_DISPOSER_H_

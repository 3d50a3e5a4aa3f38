#include "reference_server/sandbox/disposer.h"

#include <chrono>
#include <utility>

namespace sandbox {
namespace {

constexpr std::size_t kMaxQueued = 64;
constexpr auto kMaxWait = std::chrono::seconds(10);

}  // namespace

Disposer::Disposer() : thread_([this] { Serve(); }) {}

Disposer::~Disposer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void Disposer::Queue(Erased done) {
  {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, kMaxWait, [this] { return queued_.size() < kMaxQueued; });
    queued_.push_back(std::move(done));
  }
  changed_.notify_all();
}

void Disposer::AwaitDisposed() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return queued_.empty() && busy_ == 0; });
}

void Disposer::Serve() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return stopping_ || !queued_.empty(); });
    if (queued_.empty()) return;  // stopping, and everything is destroyed
    Erased done = std::move(queued_.front());
    queued_.pop_front();
    ++busy_;
    lock.unlock();
    done.reset();
    lock.lock();
    --busy_;
    changed_.notify_all();
  }
}

}  // namespace sandbox

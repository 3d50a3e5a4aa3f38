#include "reference_server/sandbox/ready_pool.h"

#include <algorithm>
#include <utility>

namespace sandbox {
namespace {

using Clock = std::chrono::steady_clock;
using Items = std::vector<std::unique_ptr<Pooled>>;

}  // namespace

ReadyPool::ReadyPool(PoolOptions options) : options_(options) {
  if (options_.per_class <= 0) return;
  // With no thread nothing would ever be built: at least one.
  const int count = std::max(1, options_.refill_threads);
  threads_.reserve(count);
  for (int i = 0; i < count; ++i) threads_.emplace_back([this] { RefillLoop(); });
}

ReadyPool::~ReadyPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  work_.notify_all();
  changed_.notify_all();
  // A thread inside make() finishes that build and destroys its item.
  for (std::thread& thread : threads_) thread.join();
  // Destroyed after the lock is released: an item's teardown may be slow.
  std::list<Class> classes;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    classes.swap(classes_);
  }
}

std::unique_ptr<Pooled> ReadyPool::Take(const std::string& key, const Make& make) {
  // Declared before the lock so that dropped items die after it is released.
  Items discard;
  std::unique_ptr<Pooled> item;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (options_.per_class <= 0) {
      ++stats_.misses;
      return nullptr;
    }
    Class& taken = Touch(key, make, discard);
    if (taken.ready.empty()) {
      ++stats_.misses;
    } else {
      item = std::move(taken.ready.front());
      taken.ready.pop_front();
      ++stats_.hits;
      ++stats_.in_use;
    }
  }
  work_.notify_all();
  changed_.notify_all();
  return item;
}

void ReadyPool::Release() {
  std::lock_guard<std::mutex> lock(mutex_);
  --stats_.in_use;
}

void ReadyPool::Prime(const std::string& key, const Make& make) {
  if (options_.per_class <= 0) return;
  Items discard;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Touch(key, make, discard);
  }
  work_.notify_all();
  changed_.notify_all();
}

PoolStats ReadyPool::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  PoolStats stats = stats_;
  stats.ready = 0;
  stats.building = 0;
  for (const Class& c : classes_) {
    stats.ready += static_cast<std::int64_t>(c.ready.size());
    stats.building += c.building;
  }
  stats.classes = static_cast<int>(classes_.size());
  return stats;
}

bool ReadyPool::AwaitFull(std::chrono::milliseconds timeout) {
  if (options_.per_class <= 0) return true;
  std::unique_lock<std::mutex> lock(mutex_);
  const auto all_full = [this] {
    return std::all_of(classes_.begin(), classes_.end(),
                       [this](const Class& c) { return Full(c); });
  };
  // A failed class stays short until its backoff ends: waiting for it
  // would only ever end in the timeout.
  const auto settled = [this] {
    return stopping_ || std::all_of(classes_.begin(), classes_.end(),
                                    [this](const Class& c) { return Full(c) || c.failed; });
  };
  changed_.wait_for(lock, timeout, settled);
  return all_full();
}

ReadyPool::Class& ReadyPool::Touch(const std::string& key, const Make& make, Items& discard) {
  const auto found = std::find_if(classes_.begin(), classes_.end(),
                                  [&key](const Class& c) { return c.key == key; });
  if (found != classes_.end()) {
    classes_.splice(classes_.begin(), classes_, found);
    return classes_.front();
  }
  Class& added = classes_.emplace_front();
  added.key = key;
  added.make = make;
  added.id = next_id_++;
  // The class just added is at the front, so at least it always stays.
  const std::size_t limit = static_cast<std::size_t>(std::max(1, options_.max_classes));
  while (classes_.size() > limit) {
    Class& dropped = classes_.back();
    stats_.discarded += static_cast<std::int64_t>(dropped.ready.size());
    for (std::unique_ptr<Pooled>& item : dropped.ready) discard.push_back(std::move(item));
    classes_.pop_back();
  }
  return classes_.front();
}

ReadyPool::Class* ReadyPool::NextToBuild(Clock::time_point now, Clock::time_point& wake) {
  wake = Clock::time_point::max();
  for (Class& c : classes_) {
    if (static_cast<int>(c.ready.size()) + c.building >= options_.per_class) continue;
    if (c.retry_at <= now) return &c;
    wake = std::min(wake, c.retry_at);
  }
  return nullptr;
}

void ReadyPool::RefillLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    Clock::time_point wake;
    Class* next = NextToBuild(Clock::now(), wake);
    if (next == nullptr) {
      // time_point::max() would overflow inside wait_until.
      if (wake == Clock::time_point::max()) {
        work_.wait(lock);
      } else {
        work_.wait_until(lock, wake);
      }
      continue;
    }
    ++next->building;
    // Copies: the class may be dropped while the lock is released.
    const std::uint64_t id = next->id;
    const Make make = next->make;
    lock.unlock();
    Built built = make();
    lock.lock();
    FinishBuild(id, std::move(built), lock);
  }
}

void ReadyPool::FinishBuild(std::uint64_t id, Built built, std::unique_lock<std::mutex>& lock) {
  std::unique_ptr<Pooled> item;
  if (built.ok()) item = std::move(built).value();
  Class* built_for = Find(id);
  if (built_for != nullptr) --built_for->building;
  if (item == nullptr) {
    // A null item can never be handed out: counted as a failure too.
    ++stats_.refill_failures;
    stats_.last_failure = built.ok() ? "the build made nothing" : built.error().Describe();
    if (built_for != nullptr) {
      built_for->failed = true;
      built_for->retry_at = Clock::now() + options_.failure_backoff;
    }
  } else if (built_for == nullptr || stopping_) {
    ++stats_.discarded;
  } else {
    built_for->ready.push_back(std::move(item));
    built_for->failed = false;
    ++stats_.refills;
  }
  changed_.notify_all();
  if (item != nullptr) {
    lock.unlock();
    item.reset();
    lock.lock();
  }
}

ReadyPool::Class* ReadyPool::Find(std::uint64_t id) {
  for (Class& c : classes_) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

bool ReadyPool::Full(const Class& c) const {
  return static_cast<int>(c.ready.size()) >= options_.per_class;
}

}  // namespace sandbox

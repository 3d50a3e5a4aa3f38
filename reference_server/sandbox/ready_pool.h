#ifndef REFERENCE_SERVER_SANDBOX_READY_POOL_H_
#define REFERENCE_SERVER_SANDBOX_READY_POOL_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/expected.h"

namespace sandbox {

// Something a pool keeps ready; destroying it tears it down.
class Pooled {
 public:
  virtual ~Pooled() = default;
};

struct PoolOptions {
  // Ready items kept per class; 0 turns the pool off (Take always misses,
  // no thread runs, nothing is built ahead). The server's default.
  int per_class = 4;
  // Classes kept; beyond it the least recently used one is dropped, its
  // ready items destroyed.
  int max_classes = 8;
  // Threads that build items ahead.
  int refill_threads = 1;
  // After a build of a class fails, that class is not built again for
  // this long (a missing network helper must not make a hot loop).
  std::chrono::milliseconds failure_backoff{1000};
};

struct PoolStats {
  std::int64_t ready = 0;     // built, waiting
  std::int64_t building = 0;  // being built by a refill thread
  std::int64_t in_use = 0;    // handed out by Take, not yet Released
  std::int64_t hits = 0;      // Take found one ready
  std::int64_t misses = 0;    // Take found none (the caller builds its own)
  std::int64_t refills = 0;   // items built ahead
  std::int64_t refill_failures = 0;
  std::int64_t discarded = 0;  // ready items destroyed unused (class dropped)
  int classes = 0;
  std::string last_failure;  // why the last failed build failed
};

// A bounded set of ready items per class, each handed out once and never
// returned: the caller destroys it after its one use. Refilling happens
// on the pool's own threads, never on Take's caller. Thread-safe.
class ReadyPool {
 public:
  using Make = std::function<base::Expected<std::unique_ptr<Pooled>>()>;

  explicit ReadyPool(PoolOptions options);
  // Stops the refill threads (waiting for builds in progress) and destroys
  // every ready item.
  ~ReadyPool();
  ReadyPool(const ReadyPool&) = delete;
  ReadyPool& operator=(const ReadyPool&) = delete;

  const PoolOptions& options() const { return options_; }

  // A ready item of class `key`, or null: a miss, and the caller builds
  // its own. Either way the class becomes the most recently used and is
  // kept full from now on with `make` (the first `make` given for a class
  // is the one kept). A hit counts as in use until Release().
  std::unique_ptr<Pooled> Take(const std::string& key, const Make& make);
  // Marks one item taken by a hit as finished.
  void Release();
  // Starts keeping class `key` full without taking anything (start-up).
  void Prime(const std::string& key, const Make& make);

  PoolStats stats() const;
  // Waits until every class is full, or has failed since its last
  // success, or `timeout` passes: true when all are full (tests, bench).
  bool AwaitFull(std::chrono::milliseconds timeout);

 private:
  using Built = base::Expected<std::unique_ptr<Pooled>>;

  struct Class {
    std::string key;
    Make make;
    // Tells a class apart from a later one of the same key: a build that
    // outlives its class (dropped, then made again) must not be credited
    // to the new one, whose `building` does not count it.
    std::uint64_t id = 0;
    std::deque<std::unique_ptr<Pooled>> ready;
    int building = 0;
    bool failed = false;  // the last build failed
    std::chrono::steady_clock::time_point retry_at{};
  };

  // The class with that key, made the most recently used (created, and
  // the least recently used dropped beyond max_classes, when absent).
  // Items dropped are appended to `discard`, to be destroyed unlocked.
  Class& Touch(const std::string& key, const Make& make,
               std::vector<std::unique_ptr<Pooled>>& discard);
  // A class short of items whose build may start now, or null; `wake` is
  // set to the earliest backoff end when one is waiting for it.
  Class* NextToBuild(std::chrono::steady_clock::time_point now,
                     std::chrono::steady_clock::time_point& wake);
  void RefillLoop();
  // Files the result of a build of class `id` (started with `lock` held,
  // made unlocked); an item with nowhere to go is destroyed unlocked.
  void FinishBuild(std::uint64_t id, Built built, std::unique_lock<std::mutex>& lock);
  Class* Find(std::uint64_t id);
  bool Full(const Class& c) const;

  const PoolOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable work_;     // refill threads wait here
  std::condition_variable changed_;  // AwaitFull waits here
  std::list<Class> classes_;         // most recently used first
  std::uint64_t next_id_ = 0;
  PoolStats stats_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_READY_POOL_H_

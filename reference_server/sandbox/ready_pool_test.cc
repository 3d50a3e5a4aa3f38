#include "reference_server/sandbox/ready_pool.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace sandbox {
namespace {

using std::chrono::milliseconds;

// Long enough never to end on a healthy machine, short enough that a bug
// fails the test instead of hanging it.
constexpr milliseconds kLong{20000};
// How long something that must not happen is given to happen anyway.
constexpr milliseconds kShort{200};

// Builds fake items on demand: counts calls and live items, fails when told
// to, and holds builds on a latch so that a test decides when they end.
class Maker {
 public:
  class Item : public Pooled {
   public:
    Item(Maker& maker, int id) : maker_(maker), id_(id) {}
    ~Item() override { maker_.Destroyed(); }
    int id() const { return id_; }

   private:
    Maker& maker_;
    const int id_;
  };

  ReadyPool::Make make() {
    return [this] { return Build(); };
  }

  void Fail(int builds) {
    std::lock_guard<std::mutex> lock(mutex_);
    failures_left_ = builds;
  }
  // Builds started from now on wait in make() until Open().
  void Hold() {
    std::lock_guard<std::mutex> lock(mutex_);
    held_ = true;
  }
  void Open() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      held_ = false;
    }
    changed_.notify_all();
  }

  int calls() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return calls_;
  }
  int live() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return made_ - destroyed_;
  }
  bool AwaitCalls(int calls, milliseconds timeout) {
    return Await(timeout, [&] { return calls_ >= calls; });
  }
  bool AwaitHeld(int builds, milliseconds timeout) {
    return Await(timeout, [&] { return held_builds_ >= builds; });
  }
  // True once `made` items were built and `live` of them still exist.
  bool AwaitItems(int made, int live, milliseconds timeout) {
    return Await(timeout, [&] { return made_ == made && made_ - destroyed_ == live; });
  }

 private:
  template <class Predicate>
  bool Await(milliseconds timeout, Predicate predicate) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, timeout, predicate);
  }

  base::Expected<std::unique_ptr<Pooled>> Build() {
    std::unique_lock<std::mutex> lock(mutex_);
    ++calls_;
    changed_.notify_all();
    if (held_) {
      ++held_builds_;
      changed_.notify_all();
      changed_.wait_for(lock, kLong, [this] { return !held_; });
      --held_builds_;
    }
    if (failures_left_ > 0) {
      --failures_left_;
      return base::MakeError(base::ErrorCode::kUnavailable, "no network helper");
    }
    const int id = made_++;
    changed_.notify_all();
    return std::unique_ptr<Pooled>(std::make_unique<Item>(*this, id));
  }

  void Destroyed() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++destroyed_;
    }
    changed_.notify_all();
  }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  int calls_ = 0;
  int made_ = 0;
  int destroyed_ = 0;
  int failures_left_ = 0;
  bool held_ = false;
  int held_builds_ = 0;
};

int IdOf(const std::unique_ptr<Pooled>& item) {
  const auto* fake = dynamic_cast<const Maker::Item*>(item.get());
  return fake == nullptr ? -1 : fake->id();
}

PoolOptions Options(int per_class, int refill_threads = 1) {
  PoolOptions options;
  options.per_class = per_class;
  options.refill_threads = refill_threads;
  return options;
}

TEST(ReadyPoolTest, OffMissesAndBuildsNothing) {
  Maker maker;
  ReadyPool pool(Options(0));
  pool.Prime("python", maker.make());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(pool.Take("python", maker.make()), nullptr);
  EXPECT_TRUE(pool.AwaitFull(milliseconds(0)));

  const PoolStats stats = pool.stats();
  EXPECT_EQ(stats.misses, 3);
  EXPECT_EQ(stats.hits, 0);
  EXPECT_EQ(stats.ready, 0);
  EXPECT_EQ(stats.building, 0);
  EXPECT_EQ(stats.refills, 0);
  EXPECT_EQ(stats.classes, 0);
  EXPECT_EQ(maker.calls(), 0);
}

TEST(ReadyPoolTest, PrimeFillsTheClass) {
  Maker maker;
  ReadyPool pool(Options(3));
  pool.Prime("python", maker.make());
  ASSERT_TRUE(pool.AwaitFull(kLong));

  const PoolStats stats = pool.stats();
  EXPECT_EQ(stats.ready, 3);
  EXPECT_EQ(stats.building, 0);
  EXPECT_EQ(stats.refills, 3);
  EXPECT_EQ(stats.classes, 1);
  EXPECT_EQ(stats.hits + stats.misses, 0);
  EXPECT_EQ(maker.live(), 3);
}

TEST(ReadyPoolTest, HitHandsOutTheOldestAndRefills) {
  Maker maker;
  ReadyPool pool(Options(2));
  pool.Prime("python", maker.make());
  ASSERT_TRUE(pool.AwaitFull(kLong));

  std::unique_ptr<Pooled> first = pool.Take("python", maker.make());
  EXPECT_EQ(IdOf(first), 0);  // one refill thread builds in order
  PoolStats stats = pool.stats();
  EXPECT_EQ(stats.hits, 1);
  EXPECT_EQ(stats.misses, 0);
  EXPECT_EQ(stats.in_use, 1);

  ASSERT_TRUE(pool.AwaitFull(kLong));
  stats = pool.stats();
  EXPECT_EQ(stats.ready, 2);
  EXPECT_EQ(stats.refills, 3);
  EXPECT_EQ(maker.live(), 3);  // two ready and the one taken

  std::unique_ptr<Pooled> second = pool.Take("python", maker.make());
  EXPECT_EQ(IdOf(second), 1);
  first.reset();
  pool.Release();
  second.reset();
  pool.Release();
  EXPECT_EQ(pool.stats().in_use, 0);
  ASSERT_TRUE(pool.AwaitFull(kLong));
  EXPECT_EQ(maker.live(), 2);
}

TEST(ReadyPoolTest, NeverHandsOutTheSameItemTwice) {
  constexpr int kThreads = 8;
  constexpr int kTakes = 50;
  Maker maker;
  ReadyPool pool(Options(2, 2));
  pool.Prime("python", maker.make());
  ASSERT_TRUE(pool.AwaitFull(kLong));

  std::vector<std::vector<int>> taken(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&pool, &maker, &taken, t] {
      for (int i = 0; i < kTakes; ++i) {
        std::unique_ptr<Pooled> item = pool.Take("python", maker.make());
        if (item == nullptr) continue;
        taken[t].push_back(IdOf(item));
        item.reset();
        pool.Release();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  std::set<int> distinct;
  std::size_t hits = 0;
  for (const std::vector<int>& ids : taken) {
    hits += ids.size();
    distinct.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(distinct.size(), hits);
  EXPECT_EQ(distinct.count(-1), 0u);
  const PoolStats stats = pool.stats();
  EXPECT_EQ(stats.hits, static_cast<std::int64_t>(hits));
  EXPECT_GE(stats.hits, 2);  // the pool was full when the threads started
  EXPECT_EQ(stats.hits + stats.misses, kThreads * kTakes);
  EXPECT_EQ(stats.in_use, 0);
}

TEST(ReadyPoolTest, BurstThatEmptiesThePoolGetsMisses) {
  Maker maker;
  ReadyPool pool(Options(2));
  pool.Prime("python", maker.make());
  ASSERT_TRUE(pool.AwaitFull(kLong));
  maker.Hold();  // nothing is refilled during the burst

  std::vector<std::unique_ptr<Pooled>> items;
  for (int i = 0; i < 5; ++i) items.push_back(pool.Take("python", maker.make()));
  EXPECT_EQ(IdOf(items[0]), 0);
  EXPECT_EQ(IdOf(items[1]), 1);
  for (int i = 2; i < 5; ++i) EXPECT_EQ(items[i], nullptr);

  const PoolStats stats = pool.stats();
  EXPECT_EQ(stats.hits, 2);
  EXPECT_EQ(stats.misses, 3);
  EXPECT_EQ(stats.in_use, 2);
  maker.Open();
}

TEST(ReadyPoolTest, FailingBuildBacksOffInsteadOfLooping) {
  Maker maker;
  maker.Fail(1000);
  PoolOptions options = Options(2);
  options.failure_backoff = std::chrono::hours(1);
  ReadyPool pool(options);
  pool.Prime("python", maker.make());

  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(pool.AwaitFull(kLong));
  EXPECT_LT(std::chrono::steady_clock::now() - start, kLong);  // settled, not timed out
  EXPECT_EQ(pool.Take("python", maker.make()), nullptr);
  EXPECT_FALSE(maker.AwaitCalls(2, kShort));
  EXPECT_EQ(maker.calls(), 1);

  const PoolStats stats = pool.stats();
  EXPECT_EQ(stats.refill_failures, 1);
  EXPECT_EQ(stats.last_failure, "no network helper");
  EXPECT_EQ(stats.refills, 0);
  EXPECT_EQ(stats.ready, 0);
  EXPECT_EQ(stats.building, 0);
  EXPECT_EQ(stats.misses, 1);
}

TEST(ReadyPoolTest, FailedClassIsRetriedAfterItsBackoff) {
  Maker maker;
  maker.Fail(1);
  PoolOptions options = Options(2);
  options.failure_backoff = milliseconds(10);
  ReadyPool pool(options);
  pool.Prime("python", maker.make());

  ASSERT_TRUE(maker.AwaitItems(2, 2, kLong));
  EXPECT_TRUE(pool.AwaitFull(kLong));
  const PoolStats stats = pool.stats();
  EXPECT_EQ(stats.refill_failures, 1);
  EXPECT_EQ(stats.refills, 2);
  EXPECT_EQ(maker.calls(), 3);
}

TEST(ReadyPoolTest, DropsTheLeastRecentlyUsedClass) {
  Maker python;
  Maker ruby;
  Maker go;
  PoolOptions options = Options(2);
  options.max_classes = 2;
  ReadyPool pool(options);
  pool.Prime("python", python.make());
  ASSERT_TRUE(pool.AwaitFull(kLong));
  pool.Prime("ruby", ruby.make());
  ASSERT_TRUE(pool.AwaitFull(kLong));
  // Python becomes the most recently used.
  EXPECT_NE(pool.Take("python", python.make()), nullptr);
  pool.Release();
  ASSERT_TRUE(pool.AwaitFull(kLong));

  pool.Prime("go", go.make());
  EXPECT_EQ(ruby.live(), 0);  // destroyed before Prime returns
  PoolStats stats = pool.stats();
  EXPECT_EQ(stats.classes, 2);
  EXPECT_EQ(stats.discarded, 2);

  ASSERT_TRUE(pool.AwaitFull(kLong));
  EXPECT_EQ(python.live(), 2);
  EXPECT_EQ(go.live(), 2);
  EXPECT_EQ(pool.stats().ready, 4);
  std::unique_ptr<Pooled> kept = pool.Take("python", python.make());
  EXPECT_NE(kept, nullptr);
  EXPECT_EQ(pool.stats().hits, 2);
  pool.Release();
}

TEST(ReadyPoolTest, BuildOfADroppedClassIsDestroyed) {
  Maker python;
  Maker ruby;
  PoolOptions options = Options(1);
  options.max_classes = 1;
  ReadyPool pool(options);
  python.Hold();
  pool.Prime("python", python.make());
  ASSERT_TRUE(python.AwaitHeld(1, kLong));

  pool.Prime("ruby", ruby.make());  // drops python mid-build
  EXPECT_EQ(pool.stats().discarded, 0);
  python.Open();
  ASSERT_TRUE(python.AwaitItems(1, 0, kLong));
  EXPECT_EQ(pool.stats().discarded, 1);

  ASSERT_TRUE(pool.AwaitFull(kLong));
  const PoolStats stats = pool.stats();
  EXPECT_EQ(stats.classes, 1);
  EXPECT_EQ(stats.ready, 1);
  EXPECT_EQ(stats.refills, 1);
  EXPECT_EQ(ruby.live(), 1);
  EXPECT_EQ(python.calls(), 1);
}

TEST(ReadyPoolTest, BuildIsNotCreditedToANewClassOfTheSameKey) {
  Maker old_python;
  Maker ruby;
  Maker new_python;
  PoolOptions options = Options(2);
  options.max_classes = 1;
  ReadyPool pool(options);
  old_python.Hold();
  pool.Prime("python", old_python.make());
  ASSERT_TRUE(old_python.AwaitHeld(1, kLong));
  pool.Prime("ruby", ruby.make());
  pool.Prime("python", new_python.make());  // drops ruby, a new python class
  old_python.Open();

  ASSERT_TRUE(old_python.AwaitItems(1, 0, kLong));
  ASSERT_TRUE(pool.AwaitFull(kLong));
  const PoolStats stats = pool.stats();
  EXPECT_EQ(stats.ready, 2);
  EXPECT_EQ(stats.building, 0);
  EXPECT_EQ(stats.discarded, 1);
  EXPECT_EQ(new_python.live(), 2);
  EXPECT_EQ(ruby.calls(), 0);
}

TEST(ReadyPoolTest, DestructorDestroysEveryReadyItem) {
  Maker python;
  Maker ruby;
  auto pool = std::make_unique<ReadyPool>(Options(3, 2));
  pool->Prime("python", python.make());
  pool->Prime("ruby", ruby.make());
  ASSERT_TRUE(pool->AwaitFull(kLong));
  ASSERT_EQ(python.live() + ruby.live(), 6);
  pool.reset();
  EXPECT_EQ(python.live(), 0);
  EXPECT_EQ(ruby.live(), 0);
}

TEST(ReadyPoolTest, DestructorWaitsForBuildsInProgress) {
  Maker maker;
  auto pool = std::make_unique<ReadyPool>(Options(1));
  maker.Hold();
  pool->Prime("python", maker.make());
  ASSERT_TRUE(maker.AwaitHeld(1, kLong));

  std::mutex mutex;
  std::condition_variable gone_changed;
  bool gone = false;
  std::thread destroyer([&] {
    pool.reset();
    std::lock_guard<std::mutex> lock(mutex);
    gone = true;
    gone_changed.notify_all();
  });
  {
    std::unique_lock<std::mutex> lock(mutex);
    EXPECT_FALSE(gone_changed.wait_for(lock, kShort, [&] { return gone; }));
  }
  maker.Open();
  destroyer.join();
  EXPECT_TRUE(gone);
  EXPECT_TRUE(maker.AwaitItems(1, 0, milliseconds(0)));  // built, then destroyed
}

}  // namespace
}  // namespace sandbox

#include "reference_server/sandbox/disposer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>

namespace sandbox {
namespace {

// Counts its destructions, and on which thread they happened.
struct Counted {
  Counted(std::atomic<int>& destroyed, std::thread::id& on) : destroyed(destroyed), on(on) {}
  ~Counted() {
    on = std::this_thread::get_id();
    ++destroyed;
  }
  std::atomic<int>& destroyed;
  std::thread::id& on;
};

TEST(DisposerTest, DestroysOffTheCallersThreadAndSaysWhenDone) {
  std::atomic<int> destroyed{0};
  std::thread::id on;
  Disposer disposer;
  for (int i = 0; i < 100; ++i) disposer.Dispose(std::make_unique<Counted>(destroyed, on));
  disposer.AwaitDisposed();
  EXPECT_EQ(destroyed.load(), 100);
  EXPECT_NE(on, std::this_thread::get_id());
}

TEST(DisposerTest, DestroysWhatIsStillQueuedWhenItGoes) {
  std::atomic<int> destroyed{0};
  std::thread::id on;
  {
    Disposer disposer;
    for (int i = 0; i < 10; ++i) disposer.Dispose(std::make_unique<Counted>(destroyed, on));
  }
  EXPECT_EQ(destroyed.load(), 10);
}

}  // namespace
}  // namespace sandbox

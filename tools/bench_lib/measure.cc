#include "tools/bench_lib/measure.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "tools/bench_lib/runners.h"

namespace exec_latency {
namespace {

// P loops of one series for `slice`, each stopping at the deadline (or at
// --runs of its own); the samples and the time are added to the series.
base::Status RunLoops(const MeasureOptions& options, Series& series, Clock::duration slice) {
  const auto timeout = std::chrono::seconds(options.run_timeout_s);
  std::vector<std::unique_ptr<Runner>> runners;
  for (int i = 0; i < options.parallel; ++i) runners.push_back(MakeRunner(*series.spec, timeout));
  for (auto& runner : runners) {  // warm-up, one loop at a time
    for (int i = 0; i < options.warmup; ++i) {
      if (base::Expected<double> ms = runner->RunOnce(); !ms.ok()) return ms.error();
    }
  }
  std::mutex mutex;
  std::vector<base::Error> errors;
  std::atomic<bool> failed{false};
  const auto start = Clock::now();
  const auto deadline = start + slice;
  std::vector<std::thread> threads;
  for (auto& runner : runners) {
    threads.emplace_back([&, runner = runner.get()] {
      std::vector<double> mine;
      for (int i = 0; i < options.runs && Clock::now() < deadline && !failed; ++i) {
        base::Expected<double> ms = runner->RunOnce();
        if (!ms.ok()) {
          failed = true;
          std::lock_guard lock(mutex);
          errors.push_back(ms.error());
          return;
        }
        mine.push_back(ms.value());
      }
      std::lock_guard lock(mutex);
      series.ms.insert(series.ms.end(), mine.begin(), mine.end());
    });
  }
  for (std::thread& thread : threads) thread.join();
  series.seconds += std::chrono::duration<double>(Clock::now() - start).count();
  if (!errors.empty()) return errors.front();
  return base::Ok();
}

}  // namespace

base::Status MeasureSequential(const MeasureOptions& options, std::vector<Series>& series) {
  const auto timeout = std::chrono::seconds(options.run_timeout_s);
  std::vector<std::unique_ptr<Runner>> runners;
  for (Series& s : series) runners.push_back(MakeRunner(*s.spec, timeout));
  for (int i = 0; i < options.warmup; ++i) {
    for (auto& runner : runners) {
      if (base::Expected<double> ms = runner->RunOnce(); !ms.ok()) return ms.error();
    }
  }
  const auto deadline = Clock::now() + std::chrono::seconds(options.seconds);
  for (int round = 0; round < options.runs && Clock::now() < deadline; ++round) {
    for (std::size_t k = 0; k < series.size(); ++k) {
      const std::size_t which = (round + k) % series.size();
      base::Expected<double> ms = runners[which]->RunOnce();
      if (!ms.ok()) return base::WithContext(ms.error(), "run " + std::to_string(round) + ": ");
      series[which].ms.push_back(ms.value());
    }
  }
  return base::Ok();
}

base::Status MeasureParallel(const MeasureOptions& options, std::vector<Series>& series) {
  const auto slice = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(static_cast<double>(options.seconds) / options.rounds));
  for (int round = 0; round < options.rounds; ++round) {
    for (Series& s : series) {
      if (base::Status ran = RunLoops(options, s, slice); !ran.ok()) return ran;
    }
  }
  return base::Ok();
}

}  // namespace exec_latency

#include "conformance/suite_run.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <thread>

#include "conformance/progress.h"

namespace conformance {

namespace {

using Clock = std::chrono::steady_clock;

// The workers of a run, taking the selected cases in order.
class SuiteRun {
 public:
  SuiteRun(const Suite& suite, const Target& target, const Options& options,
           const RunOptions& run_options, Clock::time_point start, Progress& progress)
      : suite_(suite),
        target_(target),
        options_(options),
        run_options_(run_options),
        start_(start),
        progress_(progress),
        reported_(suite.selected.size()) {}

  std::vector<ReportedCase> Run() {
    std::vector<std::thread> workers;
    for (int i = 0; i < options_.jobs; ++i) workers.emplace_back([this] { Work(); });
    for (std::thread& worker : workers) worker.join();
    return std::move(reported_);
  }

 private:
  double Elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

  void Work() {
    HttpClient client(target_.url);
    for (std::size_t i = next_++; i < reported_.size(); i = next_++) {
      const Case& c = *suite_.selected[i];
      ReportedCase& r = reported_[i];
      r.c = &c;
      r.strict = options_.strict;
      if (run_options_.stop_at && Clock::now() >= *run_options_.stop_at) {
        r.result = NotRun(c);
      } else {
        progress_.Started(c.id, Elapsed());
        r.result = RunCase(c, target_, suite_.schemas, run_options_, client);
      }
      r.expectation = FindExpectation(suite_.expectations, r.result.id);
      if (r.expectation != nullptr) {
        for (const Grade grade : r.expectation->grades) {
          r.expected = r.expected || grade == r.result.grade;
        }
      }
      progress_.Finished(r, Elapsed());
    }
  }

  CaseResult NotRun(const Case& c) const {
    CaseResult result;
    result.id = c.id;
    result.level = c.level;
    result.grade = Grade::kSkipped;
    result.cut_short = true;
    result.reason = "not run: --max-duration " + DurationText(*options_.max_duration) + " reached";
    return result;
  }

  const Suite& suite_;
  const Target& target_;
  const Options& options_;
  const RunOptions& run_options_;
  const Clock::time_point start_;
  Progress& progress_;
  std::vector<ReportedCase> reported_;
  std::atomic<std::size_t> next_{0};
};

// Redraws the live progress line every second while cases run (a long
// case would otherwise freeze its elapsed time); nothing when plain.
class Ticker {
 public:
  Ticker(Progress& progress, bool live, Clock::time_point start) {
    if (!live) return;
    thread_ = std::thread([this, &progress, start] {
      std::unique_lock<std::mutex> lock(mutex_);
      while (!cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; })) {
        progress.Tick(std::chrono::duration<double>(Clock::now() - start).count());
      }
    });
  }
  ~Ticker() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  Ticker(const Ticker&) = delete;
  Ticker& operator=(const Ticker&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// The terminal's width, for the live line; 80 when it does not say.
std::size_t TerminalWidth() {
  winsize size{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

}  // namespace

std::vector<ReportedCase> RunCases(const Suite& suite, const Target& target, const Options& options,
                                   const RunOptions& run_options, Clock::time_point start) {
  std::cout << "running " << suite.selected.size() << " cases, " << options.jobs << " at a time";
  if (options.strict) std::cout << ", --strict (NON-STRICT counts as a failure)";
  if (options.max_duration) std::cout << ", --max-duration " << DurationText(*options.max_duration);
  std::cout << std::endl;
  const bool live = isatty(STDOUT_FILENO) == 1;
  Progress progress(std::cout, live, suite.selected.size(), live ? TerminalWidth() : 80);
  std::vector<ReportedCase> reported;
  {
    const Ticker ticker(progress, live, start);
    reported = SuiteRun(suite, target, options, run_options, start, progress).Run();
  }
  progress.Close();
  return reported;
}

}  // namespace conformance

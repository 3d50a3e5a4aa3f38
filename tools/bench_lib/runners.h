#ifndef TOOLS_BENCH_LIB_RUNNERS_H_
#define TOOLS_BENCH_LIB_RUNNERS_H_

#include <chrono>
#include <memory>

#include "base/expected.h"
#include "tools/bench_lib/series_spec.h"

namespace exec_latency {

using Clock = std::chrono::steady_clock;

// One loop's means of running a series once: per thread (memory files and
// connections are not shared).
class Runner {
 public:
  virtual ~Runner() = default;
  // The run's wall time in milliseconds, or why it does not count: a
  // command that does not exit 0 within the timeout, an answer that is not
  // 2xx, or output lacking an expected text.
  virtual base::Expected<double> RunOnce() = 0;
};

// For a command, posix_spawn + wait with stdin from /dev/null and stdout
// and stderr in memory files; for an http series, a POST on one kept-alive
// connection. `spec` must outlive the runner.
std::unique_ptr<Runner> MakeRunner(const SeriesSpec& spec, std::chrono::milliseconds timeout);

}  // namespace exec_latency

#endif  // TOOLS_BENCH_LIB_RUNNERS_H_

#ifndef TOOLS_BENCH_LIB_MEASURE_H_
#define TOOLS_BENCH_LIB_MEASURE_H_

#include <vector>

#include "base/expected.h"
#include "tools/bench_lib/series_spec.h"

namespace exec_latency {

// How a measurement runs (the flags of the same names; exec_latency.cc).
struct MeasureOptions {
  int runs = 100;
  int seconds = 60;
  int warmup = 1;
  int parallel = 0;  // 0: sequential, interleaved
  int rounds = 1;
  int run_timeout_s = 120;
};

// A series' samples, as measured.
struct Series {
  const SeriesSpec* spec;
  std::vector<double> ms;
  double seconds = 0;  // --parallel: the time its loops ran
};

// Sequentially: warm-up, then rounds of one run of each series (each round
// starting one series further on, so that drift hits them all alike) until
// --runs or --seconds. The first failed run ends it, as the error.
base::Status MeasureSequential(const MeasureOptions& options, std::vector<Series>& series);

// --parallel loops (threads) of each series in turn, --rounds times, each
// turn for seconds / rounds; the first failed run ends it, as the error.
base::Status MeasureParallel(const MeasureOptions& options, std::vector<Series>& series);

}  // namespace exec_latency

#endif  // TOOLS_BENCH_LIB_MEASURE_H_

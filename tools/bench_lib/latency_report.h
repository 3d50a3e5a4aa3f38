#ifndef TOOLS_BENCH_LIB_LATENCY_REPORT_H_
#define TOOLS_BENCH_LIB_LATENCY_REPORT_H_

#include <cstdio>
#include <string>
#include <vector>

#include "tools/bench_lib/measure.h"

namespace exec_latency {

// Nearest-rank percentile `p` (0 < p <= 100) of non-empty sorted samples.
double Percentile(const std::vector<double>& sorted, double p);

// The result as one line of JSON, {"mode", "loops", "series": [{"name",
// "runs", "p50_ms", "p90_ms", "p99_ms", "min_ms", "max_ms", "mean_ms"}, and
// with --parallel "seconds" and "rate_per_s"]}, and a table on `table`
// (when not null). Sorts each series' samples; none may be empty.
std::string Report(const MeasureOptions& options, std::vector<Series>& series, std::FILE* table);

}  // namespace exec_latency

#endif  // TOOLS_BENCH_LIB_LATENCY_REPORT_H_

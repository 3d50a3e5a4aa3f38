#include "tools/bench_lib/latency_report.h"

#include <algorithm>
#include <cmath>

namespace exec_latency {

double Percentile(const std::vector<double>& sorted, double p) {
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * sorted.size()));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

std::string Report(const MeasureOptions& options, std::vector<Series>& series, std::FILE* table) {
  const bool parallel = options.parallel > 0;
  std::string json = std::string("{\"mode\":\"") + (parallel ? "parallel" : "sequential") +
                     "\",\"loops\":" + std::to_string(parallel ? options.parallel : 1) +
                     ",\"series\":[";
  if (table) {
    std::fprintf(table, "%-16s %7s %9s %9s %9s %9s %10s\n", "series", "runs", "p50 ms", "p90 ms",
                 "p99 ms", "max ms", "runs/s");
  }
  for (std::size_t i = 0; i < series.size(); ++i) {
    std::vector<double>& ms = series[i].ms;
    std::sort(ms.begin(), ms.end());
    double sum = 0;
    for (double v : ms) sum += v;
    const double p50 = Percentile(ms, 50), p90 = Percentile(ms, 90), p99 = Percentile(ms, 99);
    char entry[512];
    std::snprintf(entry, sizeof entry,
                  "%s{\"name\":\"%s\",\"runs\":%zu,\"p50_ms\":%.4f,\"p90_ms\":%.4f,"
                  "\"p99_ms\":%.4f,\"min_ms\":%.4f,\"max_ms\":%.4f,\"mean_ms\":%.4f",
                  i ? "," : "", series[i].spec->name.c_str(), ms.size(), p50, p90, p99, ms.front(),
                  ms.back(), sum / ms.size());
    json += entry;
    double rate = 0;
    if (parallel) {
      rate = ms.size() / series[i].seconds;
      std::snprintf(entry, sizeof entry, ",\"seconds\":%.4f,\"rate_per_s\":%.4f", series[i].seconds,
                    rate);
      json += entry;
    }
    json += "}";
    if (table) {
      std::fprintf(table, "%-16s %7zu %9.3f %9.3f %9.3f %9.3f %10s\n", series[i].spec->name.c_str(),
                   ms.size(), p50, p90, p99, ms.back(),
                   rate > 0 ? std::to_string(static_cast<long>(rate)).c_str() : "-");
    }
  }
  return json + "]}\n";
}

}  // namespace exec_latency

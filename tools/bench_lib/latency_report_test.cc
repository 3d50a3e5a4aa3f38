#include "tools/bench_lib/latency_report.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rapidjson/document.h"

namespace exec_latency {
namespace {

// The samples are numbers made up here, never measured: no test asserts a
// time.
TEST(Percentile, IsTheNearestRank) {
  const std::vector<double> ten = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_EQ(Percentile(ten, 50), 5);
  EXPECT_EQ(Percentile(ten, 90), 9);
  EXPECT_EQ(Percentile(ten, 99), 10);
  EXPECT_EQ(Percentile(ten, 100), 10);
  EXPECT_EQ(Percentile(ten, 1), 1);
  EXPECT_EQ(Percentile({1, 2, 3, 4}, 50), 2);
  EXPECT_EQ(Percentile({1, 2, 3, 4}, 51), 3);
  EXPECT_EQ(Percentile({7}, 50), 7);
  EXPECT_EQ(Percentile({7}, 99), 7);
}

TEST(Report, SequentialSeriesSortedWithTheirPercentiles) {
  SeriesSpec a, b;
  a.name = "a";
  b.name = "b";
  std::vector<Series> series = {{&a, {4, 1, 3, 2}}, {&b, {8}}};
  const std::string json = Report(MeasureOptions{}, series, nullptr);
  rapidjson::Document d;
  d.Parse(json.c_str());
  ASSERT_FALSE(d.HasParseError()) << json;
  EXPECT_STREQ(d["mode"].GetString(), "sequential");
  EXPECT_EQ(d["loops"].GetInt(), 1);
  ASSERT_EQ(d["series"].Size(), 2u);
  const auto& first = d["series"][0];
  EXPECT_STREQ(first["name"].GetString(), "a");
  EXPECT_EQ(first["runs"].GetInt(), 4);
  EXPECT_DOUBLE_EQ(first["min_ms"].GetDouble(), 1);
  EXPECT_DOUBLE_EQ(first["p50_ms"].GetDouble(), 2);
  EXPECT_DOUBLE_EQ(first["p90_ms"].GetDouble(), 4);
  EXPECT_DOUBLE_EQ(first["p99_ms"].GetDouble(), 4);
  EXPECT_DOUBLE_EQ(first["max_ms"].GetDouble(), 4);
  EXPECT_DOUBLE_EQ(first["mean_ms"].GetDouble(), 2.5);
  EXPECT_FALSE(first.HasMember("rate_per_s"));
  EXPECT_STREQ(d["series"][1]["name"].GetString(), "b");
  EXPECT_EQ(series[0].ms, (std::vector<double>{1, 2, 3, 4}));
}

TEST(Report, ParallelSeriesHaveTheirRate) {
  SeriesSpec a;
  a.name = "a";
  std::vector<Series> series = {{&a, {1, 1, 1, 1, 1, 1}, 2.0}};
  MeasureOptions options;
  options.parallel = 3;
  const std::string json = Report(options, series, nullptr);
  rapidjson::Document d;
  d.Parse(json.c_str());
  ASSERT_FALSE(d.HasParseError()) << json;
  EXPECT_STREQ(d["mode"].GetString(), "parallel");
  EXPECT_EQ(d["loops"].GetInt(), 3);
  EXPECT_DOUBLE_EQ(d["series"][0]["seconds"].GetDouble(), 2);
  EXPECT_DOUBLE_EQ(d["series"][0]["rate_per_s"].GetDouble(), 3);
}

TEST(Report, PrintsATableWhenAsked) {
  SeriesSpec a;
  a.name = "alpha";
  std::vector<Series> series = {{&a, {1, 2}}};
  std::FILE* table = std::tmpfile();
  ASSERT_NE(table, nullptr);
  Report(MeasureOptions{}, series, table);
  std::rewind(table);
  char text[1024] = {};
  const std::size_t n = std::fread(text, 1, sizeof text - 1, table);
  std::fclose(table);
  const std::string printed(text, n);
  EXPECT_NE(printed.find("series"), std::string::npos) << printed;
  EXPECT_NE(printed.find("alpha"), std::string::npos) << printed;
}

}  // namespace
}  // namespace exec_latency

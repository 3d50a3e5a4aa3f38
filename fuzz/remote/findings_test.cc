#include "fuzz/remote/findings.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "fuzz/remote/test_support.h"

namespace remote_fuzz {
namespace {

using test::JsonCase;

FuzzCase CaseAt(std::uint64_t index, const std::string& target = "/execute") {
  FuzzCase c = JsonCase("{}", target);
  c.index = index;
  return c;
}

FuzzCase GetAt(std::uint64_t index, const std::string& target) {
  FuzzCase c = CaseAt(index, target);
  c.kind = Kind::kHeaders;
  c.http.method = "GET";
  return c;
}

TEST(BucketOf, NamesCheckRouteAndStatus) {
  EXPECT_EQ(BucketOf("no_server_error", "POST /execute", 500),
            "no_server_error | POST /execute | 500");
}

TEST(FindingStore, OneBucketPerCheckRouteAndStatusWithACount) {
  FindingStore store;
  EXPECT_TRUE(store.Add({"no_server_error", "first", true}, CaseAt(7), 500, 42));
  EXPECT_FALSE(store.Add({"no_server_error", "second", true}, CaseAt(9), 500, 42));
  EXPECT_FALSE(store.Add({"no_server_error", "third", true}, CaseAt(3), 500, 42));
  // The route is the documented one: job ids and queries do not split buckets.
  EXPECT_TRUE(store.Add({"documented_status", "a", true}, GetAt(1, "/jobs/abc"), 418, 42));
  EXPECT_FALSE(store.Add({"documented_status", "b", true}, GetAt(2, "/jobs/xyz?x=1"), 418, 42));
  // Another status, route or check: another finding.
  EXPECT_TRUE(store.Add({"no_server_error", "m", true}, CaseAt(4), 502, 42));
  EXPECT_TRUE(store.Add({"no_server_error", "m", true}, CaseAt(5, "/execute/async"), 500, 42));
  EXPECT_TRUE(store.Add({"error_shape", "m", true}, CaseAt(6), 500, 42));

  const std::vector<Finding> findings = store.Sorted();
  ASSERT_EQ(findings.size(), 5u);
  const Finding* server_error = nullptr;
  const Finding* jobs = nullptr;
  for (const Finding& f : findings) {
    if (f.check == "no_server_error" && f.route == "POST /execute" && f.status == 500) {
      server_error = &f;
    }
    if (f.check == "documented_status") jobs = &f;
  }
  ASSERT_NE(server_error, nullptr);
  EXPECT_EQ(server_error->count, 3u);
  // The first occurrence is kept, with what replays it.
  EXPECT_EQ(server_error->message, "first");
  EXPECT_EQ(server_error->index, 7u);
  EXPECT_EQ(server_error->seed, 42u);
  EXPECT_EQ(server_error->first.index, 7u);
  EXPECT_EQ(server_error->reproducer.index, 7u);
  ASSERT_NE(jobs, nullptr);
  EXPECT_EQ(jobs->route, "GET /jobs/{id}");
  EXPECT_EQ(jobs->count, 2u);

  EXPECT_EQ(store.Violations("no_server_error"), 5u);
  EXPECT_EQ(store.Violations("documented_status"), 2u);
  EXPECT_EQ(store.Violations("stateful"), 0u);
}

TEST(FindingStore, StrictFirstThenByCheckAndRoute) {
  FindingStore store;
  store.Add({"differential", "lenient", false}, CaseAt(1), 200, 1);
  store.Add({"no_server_error", "late", true}, CaseAt(30), 500, 1);
  store.Add({"error_shape", "on /run", true}, CaseAt(5, "/run"), 400, 1);
  store.Add({"no_server_error", "early", true}, CaseAt(2, "/execute/async"), 500, 1);
  store.Add({"error_shape", "on /execute", true}, CaseAt(10), 400, 1);
  store.Add({"documented_status", "lenient 2", false}, GetAt(40, "/health"), 201, 1);
  const std::vector<Finding> findings = store.Sorted();
  std::vector<std::string> order;
  for (const Finding& f : findings) order.push_back(f.message);
  // Not by index: with several workers, which case reaches a bucket first
  // is a matter of timing, and the report's order must not be.
  EXPECT_EQ(order, (std::vector<std::string>{"on /execute", "on /run", "late", "early", "lenient",
                                             "lenient 2"}));
  EXPECT_EQ(store.StrictCount(), 4u);
}

TEST(FindingStore, ABucketIsStrictWhenAnyOfItsViolationsIs) {
  FindingStore store;
  store.Add({"differential", "lenient", false}, CaseAt(1), 200, 1);
  EXPECT_EQ(store.StrictCount(), 0u);
  store.Add({"differential", "strict", true}, CaseAt(2), 200, 1);
  EXPECT_EQ(store.StrictCount(), 1u);
  store.Add({"differential", "lenient again", false}, CaseAt(3), 200, 1);
  const std::vector<Finding> findings = store.Sorted();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_TRUE(findings[0].strict);
  EXPECT_EQ(findings[0].count, 3u);
  EXPECT_EQ(store.StrictCount(), 1u);
}

TEST(FindingStore, UpdateReplacesByBucket) {
  FindingStore store;
  store.Add({"no_server_error", "m", true}, CaseAt(1), 500, 1);
  Finding finding = store.Sorted().at(0);
  finding.minimized = true;
  finding.minimize_attempts = 12;
  finding.reproducer = JsonCase("{\"x\":1}");
  store.Update(finding);
  Finding other = finding;
  other.status = 501;  // no such bucket: ignored
  store.Update(other);
  const std::vector<Finding> findings = store.Sorted();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_TRUE(findings[0].minimized);
  EXPECT_EQ(findings[0].minimize_attempts, 12u);
  EXPECT_EQ(findings[0].reproducer.http.body, "{\"x\":1}");
}

TEST(FindingStore, AddsFromManyThreads) {
  FindingStore store;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&store, t] {
      for (int i = 0; i < 250; ++i) {
        store.Add({"no_server_error", "m", true}, CaseAt(static_cast<std::uint64_t>(i)),
                  500 + (i % 2), static_cast<std::uint64_t>(t));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const std::vector<Finding> findings = store.Sorted();
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].count + findings[1].count, 1000u);
  EXPECT_EQ(store.Violations("no_server_error"), 1000u);
}

}  // namespace
}  // namespace remote_fuzz

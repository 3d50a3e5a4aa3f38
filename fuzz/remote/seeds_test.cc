#include "fuzz/remote/seeds.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "base/ascii.h"
#include "fuzz/remote/test_support.h"

namespace remote_fuzz {
namespace {

using test::Context;
using test::Joined;

const SeedPool& Seeds() {
  static const SeedPool pool = test::RealSeeds(Context());
  return pool;
}

TEST(LoadSeeds, ReadsTheFixturesAndTheCorpora) {
  const SeedPool& pool = Seeds();
  EXPECT_GT(pool.fixtures.size(), 100u);
  EXPECT_GT(pool.json_bodies.size(), 50u);
  EXPECT_GT(pool.run_inputs.size(), 20u);
  EXPECT_GT(pool.raw_requests.size(), 50u);
  std::set<std::string> ids;
  for (const SeedPool::Fixture& fixture : pool.fixtures) ids.insert(fixture.case_id);
  EXPECT_GT(ids.size(), 50u) << "requests from many cases, not one";
}

TEST(LoadSeeds, FixtureRequestsAreBuiltForTheContext) {
  std::set<KeyUse> keys;
  std::size_t hello = 0;
  std::size_t authorized = 0;
  for (const SeedPool::Fixture& fixture : Seeds().fixtures) {
    SCOPED_TRACE(fixture.case_id);
    const HttpRequest& request = fixture.request;
    keys.insert(request.key);
    EXPECT_FALSE(request.method.empty());
    EXPECT_EQ(request.target.front(), '/') << request.target;
    // Unresolved variables would send "${...}" to the target.
    EXPECT_EQ(request.target.find("${"), std::string::npos) << request.target;
    EXPECT_EQ(request.body.find("${"), std::string::npos) << request.body.substr(0, 200);
    // The key goes by role (Serialize adds the header the builder added),
    // or is the fixture's own header: one Authorization either way.
    std::string head = Serialize(request, Context());
    head = base::AsciiLowered(head.substr(0, head.find("\r\n\r\n")));
    EXPECT_LE(test::CountOf(head, "\r\nauthorization:"), 1u) << head;
    authorized += test::CountOf(head, "\r\nauthorization:");
    hello += request.body.find("print('hello')") != std::string::npos;
  }
  EXPECT_GT(hello, 10u) << "the context's program replaces ${code}";
  EXPECT_GT(authorized, 80u);
  EXPECT_EQ(keys.count(KeyUse::kPrimary), 1u);
  EXPECT_EQ(keys.count(KeyUse::kNone), 1u);
  EXPECT_EQ(keys.count(KeyUse::kWrong), 1u);
  EXPECT_EQ(keys.count(KeyUse::kSecond), 1u);
}

TEST(LoadSeeds, RawCorpusGetsTheContextsKeyAndHost) {
  std::size_t keyed = 0;
  for (const std::string& raw : Seeds().raw_requests) {
    EXPECT_EQ(raw.find("Bearer fuzz-key"), std::string::npos);
    EXPECT_EQ(raw.find("Host: localhost"), std::string::npos);
    keyed += raw.find("Authorization: Bearer primary-KEY-123") != std::string::npos;
  }
  EXPECT_GT(keyed, 50u);
  std::size_t hosted = 0;
  for (const std::string& raw : Seeds().raw_requests) {
    hosted += raw.find("Host: fuzz.example:8123") != std::string::npos;
  }
  EXPECT_GT(hosted, 50u);
}

TEST(LoadSeeds, RunInputsAreSplitIntoQueryAndBody) {
  std::size_t shebangs = 0;
  for (const auto& [query, body] : Seeds().run_inputs) {
    EXPECT_EQ(query.find('\n'), std::string::npos) << query;
    shebangs += body.rfind("#!", 0) == 0;
  }
  EXPECT_GT(shebangs, 10u);
}

TEST(LoadSeeds, MissingDirectoriesAreNamed) {
  SeedPool pool;
  const base::Status missing = LoadSeeds("/nonexistent/fixtures", Context(), &pool);
  const std::string error = test::ErrorText(missing);
  EXPECT_NE(error.find("/nonexistent/fixtures/conformance"), std::string::npos) << error;

  // Fixtures without corpora.
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string dir = std::string(tmp != nullptr ? tmp : "/tmp") + "/seeds_no_corpora";
  ASSERT_EQ(std::system(("rm -rf " + dir + " && mkdir -p " + dir + " && cp -rL " +
                         test::FixturesDir() + "/conformance " + dir + "/")
                            .c_str()),
            0);
  SeedPool partial;
  const base::Status no_corpora = LoadSeeds(dir, Context(), &partial);
  const std::string corpora = test::ErrorText(no_corpora);
  EXPECT_NE(corpora.find("no seed corpora"), std::string::npos) << corpora;
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, base::ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().where, "/nonexistent/fixtures/conformance");
  ASSERT_FALSE(no_corpora.ok());
  EXPECT_EQ(no_corpora.error().code, base::ErrorCode::kNotFound);
}

TEST(MutateBytes, IsDeterministicForAGivenRng) {
  const std::vector<std::string> tokens = {"null", "\r\n", "{}"};
  const std::string seed = R"j({"language":"python","code":"print(1)","ttl":5})j";
  std::size_t changed = 0;
  std::set<std::string> outputs;
  for (std::uint64_t i = 0; i < 200; ++i) {
    Rng a(31, i), b(31, i);
    const std::string first = MutateBytes(a, seed, tokens);
    EXPECT_EQ(first, MutateBytes(b, seed, tokens)) << i;
    EXPECT_EQ(a.Next(), b.Next()) << "the same draws were taken";
    changed += first != seed;
    outputs.insert(first);
  }
  EXPECT_GT(changed, 180u);
  EXPECT_GT(outputs.size(), 150u) << "another index, another mutation";
}

TEST(MutateBytes, HandlesEmptyAndTinyInputs) {
  for (std::uint64_t i = 0; i < 300; ++i) {
    Rng rng(32, i);
    const std::string empty = MutateBytes(rng, "", {"x"});
    EXPECT_LE(empty.size(), 64u);
    const std::string one = MutateBytes(rng, "a", {"x"});
    EXPECT_LE(one.size(), 64u);
  }
}

TEST(MutateSeed, IsDeterministicAndCoversEverySource) {
  const TargetContext context = Context();
  std::set<std::string> sources;
  for (std::uint64_t i = 0; i < 400; ++i) {
    Rng a(33, i), b(33, i);
    const FuzzCase first = MutateSeed(a, Seeds());
    const FuzzCase second = MutateSeed(b, Seeds());
    ASSERT_EQ(first.origin, second.origin);
    ASSERT_EQ(first.kind, second.kind);
    ASSERT_EQ(Joined(first, context), Joined(second, context)) << i;
    sources.insert(first.origin.substr(0, first.origin.find(' ', 5)));
    if (first.kind == Kind::kRaw) {
      EXPECT_FALSE(first.raw_count_known) << "mutated bytes hold any number of requests";
      EXPECT_TRUE(first.raw_half_close);
    }
  }
  EXPECT_EQ(sources,
            (std::set<std::string>{"fixture", "seed request_json_fuzzer", "seed run_request_fuzzer",
                                   "seed http_request_fuzzer"}));
}

TEST(MutateSeed, NeverRunsASeedSynchronously) {
  // The seeds hold programs that sleep for minutes: a synchronous run
  // would hold a worker of the target; the asynchronous job is cancelled.
  for (std::uint64_t i = 0; i < 2000; ++i) {
    Rng rng(34, i);
    const FuzzCase c = MutateSeed(rng, Seeds());
    if (c.kind == Kind::kRaw || c.http.method != "POST") continue;
    const std::string route = RouteOf(c);
    EXPECT_NE(route, "POST /execute") << i << " " << c.origin << " " << c.http.target;
    EXPECT_NE(route, "POST /run") << i << " " << c.origin << " " << c.http.target;
  }
}

}  // namespace
}  // namespace remote_fuzz

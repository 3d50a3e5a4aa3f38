#include "fuzz/remote/minimize.h"

#include <gtest/gtest.h>

#include <string>

#include "fuzz/remote/test_support.h"

namespace remote_fuzz {
namespace {

using test::JsonCase;
using test::RawCase;

bool BodyHasDotDot(const FuzzCase& c) { return c.http.body.find("../") != std::string::npos; }

FuzzCase BigJsonCase() {
  FuzzCase c = JsonCase(
      R"({"language":"python","code":"print('hello') # a comment long enough to be cut",)"
      R"("env":{"A":"1","B":"2","C":"3"},"ttl":5,"network_mode":"zerotrust",)"
      R"("input_files":[{"filename":"ok.txt","content":"aGk="},)"
      R"({"filename":"../escape","content":"aGk="},{"filename":"b.txt","content":"AAAA"}]})",
      "/execute/async?x=1&y=2");
  c.http.headers.push_back({"X-Extra", "one"});
  c.http.headers.push_back({"Accept", "application/json"});
  return c;
}

TEST(Minimize, KeepsTheFailureAndShrinks) {
  const FuzzCase original = BigJsonCase();
  ASSERT_TRUE(BodyHasDotDot(original));
  std::size_t calls = 0;
  const Minimized minimized = Minimize(
      original,
      [&](const FuzzCase& candidate) {
        ++calls;
        return BodyHasDotDot(candidate);
      },
      MinimizeLimits{1000, std::chrono::seconds(60)});
  EXPECT_TRUE(BodyHasDotDot(minimized.reproducer)) << minimized.reproducer.http.body;
  EXPECT_LT(CaseSize(minimized.reproducer), CaseSize(original) / 3)
      << minimized.reproducer.http.body;
  EXPECT_GT(minimized.accepted, 0u);
  EXPECT_EQ(minimized.attempts, calls);
  EXPECT_LE(minimized.accepted, minimized.attempts);
  // Headers and query parameters do not matter here: all gone.
  EXPECT_TRUE(minimized.reproducer.http.headers.empty());
  EXPECT_EQ(minimized.reproducer.http.target, "/execute/async");
  // Everything but the bad name went away.
  EXPECT_EQ(minimized.reproducer.http.body.find("ok.txt"), std::string::npos)
      << minimized.reproducer.http.body;
  EXPECT_EQ(minimized.reproducer.http.body.find("env"), std::string::npos)
      << minimized.reproducer.http.body;
  // What it does not touch.
  EXPECT_EQ(minimized.reproducer.kind, original.kind);
  EXPECT_EQ(minimized.reproducer.http.method, "POST");
}

TEST(Minimize, BodiesThatAreNotJsonLoseByteRanges) {
  FuzzCase c = JsonCase("{not json at all, but the ../ is somewhere in here, see?");
  const Minimized minimized =
      Minimize(c, BodyHasDotDot, MinimizeLimits{1000, std::chrono::seconds(60)});
  EXPECT_TRUE(BodyHasDotDot(minimized.reproducer));
  EXPECT_LT(minimized.reproducer.http.body.size(), 10u) << minimized.reproducer.http.body;
}

TEST(Minimize, AttemptsAreBounded) {
  const FuzzCase original = BigJsonCase();
  std::size_t calls = 0;
  const Minimized always = Minimize(
      original,
      [&](const FuzzCase&) {
        ++calls;
        return true;
      },
      MinimizeLimits{5, std::chrono::seconds(60)});
  EXPECT_EQ(calls, 5u);
  EXPECT_EQ(always.attempts, 5u);
  EXPECT_EQ(always.accepted, 5u);
  EXPECT_LT(CaseSize(always.reproducer), CaseSize(original));

  calls = 0;
  const Minimized never = Minimize(
      original,
      [&](const FuzzCase&) {
        ++calls;
        return false;
      },
      MinimizeLimits{7, std::chrono::seconds(60)});
  EXPECT_EQ(calls, 7u);
  EXPECT_EQ(never.attempts, 7u);
  EXPECT_EQ(never.accepted, 0u);
  EXPECT_EQ(never.reproducer.http.body, original.http.body) << "nothing smaller failed";
  EXPECT_EQ(never.reproducer.http.headers, original.http.headers);

  calls = 0;
  const Minimized no_time = Minimize(
      original,
      [&](const FuzzCase&) {
        ++calls;
        return true;
      },
      MinimizeLimits{100, std::chrono::milliseconds(0)});
  EXPECT_EQ(calls, 0u);
  EXPECT_EQ(no_time.attempts, 0u);
}

TEST(Minimize, StopsWhenNothingSmallerFails) {
  std::size_t calls = 0;
  const Minimized minimized = Minimize(
      JsonCase("{}"),
      [&](const FuzzCase&) {
        ++calls;
        return false;
      },
      MinimizeLimits{1000, std::chrono::seconds(60)});
  EXPECT_EQ(minimized.attempts, calls);
  EXPECT_LT(calls, 10u);
  EXPECT_EQ(minimized.reproducer.http.body, "{}");
}

TEST(Minimize, RawPiecesAreJoinedFirst) {
  FuzzCase slow = RawCase({"POST /execute HTTP/1.1\r\n", "Host: x\r\nContent-Length: 3\r\n",
                           "X-Bad: ../\r\n\r\n", "abc"});
  slow.slow_piece_ms = 50;
  const std::vector<FuzzCase> variants = SmallerVariants(slow);
  ASSERT_EQ(variants.size(), 1u);
  ASSERT_EQ(variants[0].raw_pieces.size(), 1u);
  EXPECT_EQ(variants[0].raw_pieces[0],
            "POST /execute HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nX-Bad: ../\r\n\r\nabc");
  EXPECT_EQ(variants[0].slow_piece_ms, 0u);
  EXPECT_LT(CaseSize(variants[0]), CaseSize(slow));

  auto has = [](const FuzzCase& c) {
    std::string all;
    for (const std::string& piece : c.raw_pieces) all += piece;
    return all.find("../") != std::string::npos;
  };
  const Minimized minimized = Minimize(slow, has, MinimizeLimits{1000, std::chrono::seconds(60)});
  ASSERT_EQ(minimized.reproducer.raw_pieces.size(), 1u);
  EXPECT_TRUE(has(minimized.reproducer));
  EXPECT_LE(minimized.reproducer.raw_pieces[0].size(), 4u) << minimized.reproducer.raw_pieces[0];
  EXPECT_EQ(minimized.reproducer.kind, Kind::kRaw);
}

TEST(SmallerVariants, RawLinesButNotTheBlankLineThatEndsTheHeader) {
  const FuzzCase raw = RawCase({"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n"});
  const std::vector<FuzzCase> variants = SmallerVariants(raw);
  ASSERT_GE(variants.size(), 3u);
  EXPECT_EQ(variants[0].raw_pieces[0], "A: 1\r\nB: 2\r\n\r\n");
  EXPECT_EQ(variants[1].raw_pieces[0], "GET / HTTP/1.1\r\nB: 2\r\n\r\n");
  EXPECT_EQ(variants[2].raw_pieces[0], "GET / HTTP/1.1\r\nA: 1\r\n\r\n");
  for (const FuzzCase& variant : variants) {
    EXPECT_LT(CaseSize(variant), CaseSize(raw));
    EXPECT_EQ(variant.raw_pieces.size(), 1u);
  }
}

TEST(SmallerVariants, QueryParametersOneAtATime) {
  FuzzCase run = JsonCase("", "/run?ttl=5&env=x&network=none");
  run.http.headers.clear();
  std::vector<std::string> targets;
  for (const FuzzCase& variant : SmallerVariants(run)) targets.push_back(variant.http.target);
  EXPECT_EQ(targets, (std::vector<std::string>{"/run?env=x&network=none", "/run?ttl=5&network=none",
                                               "/run?ttl=5&env=x"}));
}

TEST(CaseSize, CountsWhatIsSent) {
  FuzzCase c = JsonCase("12345", "/run");
  c.http.headers = {{"A", "bc"}};
  EXPECT_EQ(CaseSize(c), 4u + 4u + 5u + (1u + 2u + 4u));
  c.http.close = true;
  EXPECT_EQ(CaseSize(c), 4u + 4u + 5u + 7u + 19u);
  EXPECT_EQ(CaseSize(RawCase({"ab", "cde"})), 5u + 2u);
}

// A cut may leave a request unfinished, or fewer requests than the case
// had: every variant ends its sending side and no longer knows how many
// answers to expect, so that a correct server's wait is never taken for
// the finding.
TEST(SmallerVariants, CutRawBytesHalfCloseAndCountNoAnswers) {
  FuzzCase c;
  c.kind = Kind::kRaw;
  c.raw_pieces = {"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n"};
  c.raw_answers = 2;
  const std::vector<FuzzCase> variants = SmallerVariants(c);
  ASSERT_FALSE(variants.empty());
  for (const FuzzCase& v : variants) {
    EXPECT_TRUE(v.raw_half_close);
    EXPECT_FALSE(v.raw_count_known);
  }
}

}  // namespace
}  // namespace remote_fuzz

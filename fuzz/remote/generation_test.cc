// Generating cases: the Rng, the grammar, the raw HTTP attacks and
// GenerateCase (which picks among them and the seed mutations).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/ascii.h"
#include "fuzz/remote/campaign.h"
#include "fuzz/remote/grammar.h"
#include "fuzz/remote/oracle.h"
#include "fuzz/remote/raw_cases.h"
#include "fuzz/remote/rng.h"
#include "fuzz/remote/test_support.h"

namespace remote_fuzz {
namespace {

using test::Context;
using test::CountOf;
using test::Joined;

// The seeds are loaded once: GenerateCase needs them, and they do not change.
const SeedPool& Seeds() {
  static const SeedPool pool = test::RealSeeds(Context());
  return pool;
}

// Everything that makes a case what it is, as one string.
std::string Fingerprint(const FuzzCase& c, const TargetContext& context) {
  std::string text = std::to_string(c.index) + "|" + KindName(c.kind) + "|" + c.origin + "|" +
                     std::to_string(c.slow_piece_ms) + "|" + std::to_string(c.raw_answers) + "|" +
                     std::to_string(c.raw_asks_close) + std::to_string(c.raw_half_close) +
                     std::to_string(c.raw_count_known) + "|" + std::to_string(c.raw_linger_ms) +
                     "|";
  for (const std::string& piece : WirePieces(c, context))
    text += std::to_string(piece.size()) + ":" + piece;
  return text;
}

TEST(Rng, IsSplitMix64SeededBySeedAndIndex) {
  // Values computed independently from the SplitMix64 reference: a change
  // here would make every recorded finding replay as another case.
  Rng zero(0, 0);
  EXPECT_EQ(zero.Next(), 0x2a4c004b6ae97d7full);
  EXPECT_EQ(zero.Next(), 0xfccac7c96d3a1e78ull);
  Rng other(42, 7);
  EXPECT_EQ(other.Next(), 0x8556eec37ae32833ull);
  EXPECT_EQ(other.Next(), 0x3c4caa5646a80fb9ull);
}

TEST(Rng, SameSeedAndIndexSameStreamOthersDiffer) {
  Rng a(5, 9), b(5, 9), next_index(5, 10), next_seed(6, 9);
  std::set<std::uint64_t> firsts;
  for (int i = 0; i < 100; ++i) {
    const std::uint64_t value = a.Next();
    EXPECT_EQ(value, b.Next());
    if (i == 0) {
      firsts = {value, next_index.Next(), next_seed.Next()};
      EXPECT_EQ(firsts.size(), 3u);
    }
  }
}

TEST(Rng, BelowAndPercentStayInRange) {
  Rng rng(1, 2);
  EXPECT_EQ(rng.Below(0), 0u);
  EXPECT_EQ(rng.Below(1), 0u);
  std::set<std::size_t> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::size_t value = rng.Below(7);
    EXPECT_LT(value, 7u);
    seen.insert(value);
    EXPECT_FALSE(rng.Percent(0));
    EXPECT_TRUE(rng.Percent(100));
  }
  EXPECT_EQ(seen.size(), 7u);
  const std::vector<std::string> items = {"a", "b", "c"};
  for (int i = 0; i < 50; ++i) EXPECT_LE(rng.Pick(items).size(), 1u);
}

TEST(Serialize, FramesARequestWithKeyHostAndLength) {
  TargetContext context = Context();
  context.base_path = "/base";
  HttpRequest request;
  request.target = "/execute?x=1";
  request.headers = {{"Content-Type", "application/json"}};
  request.body = "{}";
  request.close = true;
  EXPECT_EQ(Serialize(request, context),
            "POST /base/execute?x=1 HTTP/1.1\r\nHost: fuzz.example:8123\r\n"
            "Authorization: Bearer primary-KEY-123\r\nContent-Type: application/json\r\n"
            "Content-Length: 2\r\nConnection: close\r\n\r\n{}");

  HttpRequest get;
  get.method = "GET";
  get.target = "/jobs";
  get.key = KeyUse::kNone;
  EXPECT_EQ(Serialize(get, context), "GET /base/jobs HTTP/1.1\r\nHost: fuzz.example:8123\r\n\r\n");
  // An empty POST still says its length.
  HttpRequest empty;
  EXPECT_NE(Serialize(empty, context).find("Content-Length: 0\r\n"), std::string::npos);

  get.key = KeyUse::kSecond;
  EXPECT_NE(Serialize(get, context).find("Bearer second-KEY-456\r\n"), std::string::npos);
  get.key = KeyUse::kWrong;
  const std::string wrong = Serialize(get, context);
  EXPECT_NE(wrong.find("Authorization: Bearer "), std::string::npos);
  EXPECT_EQ(wrong.find("primary-KEY-123"), std::string::npos);
  EXPECT_EQ(wrong.find("second-KEY-456"), std::string::npos);
}

TEST(RouteOf, NamesDocumentedRoutes) {
  EXPECT_EQ(RouteOf("POST", "/execute?ttl=1"), "POST /execute");
  EXPECT_EQ(RouteOf("GET", "/jobs/abc"), "GET /jobs/{id}");
  EXPECT_EQ(RouteOf("DELETE", "/jobs/abc?x"), "DELETE /jobs/{id}");
  EXPECT_EQ(RouteOf("GET", "/jobs/"), "GET (unknown path)");
  EXPECT_EQ(RouteOf("GET", "/jobs/a/b"), "GET (unknown path)");
  EXPECT_EQ(RouteOf("PUT", "/nope"), "PUT (unknown path)");
  EXPECT_EQ(RouteOf(std::string(17, 'M'), "/nope"), "(unknown method)");
  EXPECT_EQ(RouteOf(test::RawCase({"x"})), "raw");
}

TEST(Grammar, JsonCasesGoToTheJsonRoutes) {
  const TargetContext context = Context();
  for (std::uint64_t i = 0; i < 300; ++i) {
    Rng rng(3, i);
    const FuzzCase c = GenerateJsonCase(rng, context);
    EXPECT_EQ(c.kind, Kind::kJson);
    EXPECT_EQ(c.http.method, "POST");
    EXPECT_TRUE(c.http.target == "/execute" || c.http.target == "/execute/async") << c.http.target;
    ASSERT_EQ(c.http.headers.size(), 1u);
    EXPECT_EQ(c.http.headers[0].second.rfind("application/json", 0), 0u);
    EXPECT_EQ(c.http.key, KeyUse::kPrimary);
  }
}

TEST(Grammar, RunCasesGoToTheRunRoutesWithAShebangMostly) {
  const TargetContext context = Context();
  std::size_t shebangs = 0;
  for (std::uint64_t i = 0; i < 300; ++i) {
    Rng rng(3, i);
    const FuzzCase c = GenerateRunCase(rng, context);
    EXPECT_EQ(c.kind, Kind::kRun);
    EXPECT_TRUE(c.http.target.rfind("/run?", 0) == 0 || c.http.target.rfind("/run/async?", 0) == 0)
        << c.http.target;
    EXPECT_NE(c.http.target.find("ttl="), std::string::npos) << c.http.target;
    shebangs += c.http.body.rfind("#!/usr/bin/env python3\n", 0) == 0;
  }
  EXPECT_GT(shebangs, 150u);
}

TEST(Grammar, HeaderCasesUseTheSecondKeyOnlyWhenThereIsOne) {
  TargetContext one_key = Context();
  one_key.second_key.clear();
  std::size_t second = 0;
  for (std::uint64_t i = 0; i < 500; ++i) {
    Rng rng(4, i);
    EXPECT_NE(GenerateHeaderCase(rng, one_key).http.key, KeyUse::kSecond);
    Rng again(4, i);
    second += GenerateHeaderCase(again, Context()).http.key == KeyUse::kSecond;
  }
  EXPECT_GT(second, 0u);
}

TEST(Grammar, InputFilesListsAreJsonArrays) {
  std::size_t eleven = 0;
  for (std::uint64_t i = 0; i < 300; ++i) {
    Rng rng(5, i);
    const std::string list = GenerateInputFiles(rng);
    EXPECT_EQ(list.front(), '[');
    EXPECT_EQ(list.back(), ']');
    eleven += CountOf(list, "{") == 11;
  }
  EXPECT_GT(eleven, 0u) << "one past the documented limit is drawn";
}

TEST(RawCases, EveryNameBuildsBytesForTheContext) {
  TargetContext context = Context();
  context.base_path = "/base";
  const std::vector<std::string> names = RawCaseNames();
  EXPECT_GE(names.size(), 30u);
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size()) << "unique";
  // Those that send no Host line, or no request line of their own.
  const std::set<std::string> hostless = {"no-host", "no-version", "garbage", "http10"};
  // Those whose every request carries the key.
  const std::set<std::string> keyed = {"long-target",
                                       "obs-fold",
                                       "content-length-and-chunked",
                                       "transfer-encoding-not-chunked",
                                       "duplicate-content-length",
                                       "invalid-content-length",
                                       "bad-chunk-size",
                                       "chunked-body",
                                       "truncated-body",
                                       "slow-send",
                                       "expect-continue",
                                       "over-body-limit"};
  for (const std::string& name : names) {
    for (std::uint64_t i = 0; i < 20; ++i) {
      Rng rng(6, i);
      const FuzzCase c = RawCaseNamed(name, rng, context);
      SCOPED_TRACE(name + " #" + std::to_string(i));
      EXPECT_EQ(c.kind, Kind::kRaw);
      EXPECT_EQ(c.origin, "raw " + name);
      ASSERT_FALSE(c.raw_pieces.empty());
      for (const std::string& piece : c.raw_pieces) EXPECT_FALSE(piece.empty());
      const std::string bytes = Joined(c, context);
      if (name == "truncated-header") {
        const std::string full =
            "GET /base/jobs HTTP/1.1\r\nHost: fuzz.example:8123\r\n"
            "Authorization: Bearer primary-KEY-123\r\n\r\n";
        EXPECT_LT(bytes.size(), full.size() - 1);
        EXPECT_EQ(full.rfind(bytes, 0), 0u) << bytes;
        continue;
      }
      if (hostless.count(name) == 0) {
        EXPECT_NE(bytes.find("fuzz.example:8123"), std::string::npos) << bytes.substr(0, 200);
      }
      if (keyed.count(name) != 0) {
        EXPECT_NE(bytes.find("Authorization: Bearer primary-KEY-123\r\n"), std::string::npos)
            << bytes.substr(0, 200);
      }
      // Any key it sends is the context's.
      for (std::size_t at = bytes.find("Bearer "); at != std::string::npos;
           at = bytes.find("Bearer ", at + 1)) {
        EXPECT_EQ(bytes.compare(at + 7, 15, "primary-KEY-123"), 0) << bytes.substr(at, 40);
      }
      // A request line it writes for a path of the API is under the base path.
      for (const char* method : {"GET /", "POST /"}) {
        for (std::size_t at = bytes.find(method); at != std::string::npos;
             at = bytes.find(method, at + 1)) {
          if (at != 0 && bytes[at - 1] != '\n') continue;
          EXPECT_EQ(bytes.compare(at + std::string(method).size() - 1, 5, "/base"), 0)
              << bytes.substr(at, 40);
        }
      }
      EXPECT_GE(c.raw_answers, 1u);
    }
  }
}

TEST(RawCases, PipelinedWaitsForAnAnswerPerRequest) {
  const TargetContext context = Context();
  std::set<std::size_t> counts;
  for (std::uint64_t i = 0; i < 100; ++i) {
    Rng rng(7, i);
    const FuzzCase c = RawCaseNamed("pipelined", rng, context);
    const std::string bytes = Joined(c, context);
    const std::size_t requests = CountOf(bytes, " HTTP/1.1\r\nHost: ");
    EXPECT_EQ(c.raw_answers, requests) << bytes;
    EXPECT_TRUE(c.raw_count_known);
    counts.insert(requests);
  }
  EXPECT_EQ(counts, (std::set<std::size_t>{2, 3, 4, 5}));
}

TEST(RawCases, SlowSendIsOneRequestInPiecesWithPauses) {
  const TargetContext context = Context();
  for (std::uint64_t i = 0; i < 20; ++i) {
    Rng rng(8, i);
    const FuzzCase c = RawCaseNamed("slow-send", rng, context);
    EXPECT_GE(c.raw_pieces.size(), 2u);
    EXPECT_GT(c.slow_piece_ms, 0u);
    const std::string whole = Joined(c, context);
    EXPECT_EQ(whole.rfind("POST /execute HTTP/1.1\r\n", 0), 0u);
    EXPECT_EQ(CountOf(whole, "HTTP/1.1"), 1u);
  }
}

TEST(RawCases, GenerateRawCaseReachesEveryName) {
  const TargetContext context = Context();
  std::set<std::string> origins;
  for (std::uint64_t i = 0; i < 2000; ++i) {
    Rng rng(9, i);
    origins.insert(GenerateRawCase(rng, context).origin);
  }
  EXPECT_EQ(origins.size(), RawCaseNames().size());
}

TEST(GenerateCase, SameSeedAndIndexSameCaseAndBytes) {
  const TargetContext context = Context();
  std::set<std::string> distinct;
  std::map<Kind, std::size_t> kinds;
  const std::size_t count = 400;
  for (std::uint64_t index = 0; index < count; ++index) {
    const FuzzCase a = GenerateCase(11, index, Seeds(), context);
    const FuzzCase b = GenerateCase(11, index, Seeds(), context);
    EXPECT_EQ(a.index, index);
    ASSERT_EQ(Fingerprint(a, context), Fingerprint(b, context)) << index;
    EXPECT_EQ(a.http.key, b.http.key);
    ++kinds[a.kind];
    if (a.kind != Kind::kStateful) distinct.insert(Joined(a, context));
  }
  // Different indices: different cases (some raw attacks have no random
  // part, so a few repeat).
  std::size_t sequences = kinds[Kind::kStateful];
  EXPECT_GT(distinct.size(), (count - sequences) * 8 / 10);
  // Every kind is drawn.
  for (Kind kind : {Kind::kJson, Kind::kRun, Kind::kHeaders, Kind::kRaw, Kind::kStateful}) {
    EXPECT_GT(kinds[kind], 0u) << KindName(kind);
  }
  // Another seed: another campaign.
  std::size_t same = 0;
  for (std::uint64_t index = 0; index < 100; ++index) {
    same += Fingerprint(GenerateCase(11, index, Seeds(), context), context) ==
            Fingerprint(GenerateCase(12, index, Seeds(), context), context);
  }
  EXPECT_LT(same, 10u);
}

TEST(GenerateCase, ValidationOnlyNeverSendsWhatTheReferenceAcceptsNorASequence) {
  const TargetContext context = Context();
  std::size_t accepted_without = 0;
  std::size_t judged = 0;
  for (std::uint64_t index = 0; index < 3000; ++index) {
    const FuzzCase c = GenerateCase(21, index, Seeds(), context, /*validation_only=*/true);
    ASSERT_NE(c.kind, Kind::kStateful) << index;
    const std::optional<Verdict> verdict = ReferenceVerdict(c, context);
    judged += verdict.has_value();
    ASSERT_FALSE(verdict && verdict->accept)
        << "index " << index << ": " << KindName(c.kind) << " from " << c.origin << "\n"
        << Joined(c, context).substr(0, 400);
    if (index >= 600) continue;
    const FuzzCase normal = GenerateCase(21, index, Seeds(), context);
    const std::optional<Verdict> normal_verdict = ReferenceVerdict(normal, context);
    accepted_without += normal_verdict && normal_verdict->accept;
  }
  // Without the option, many are accepted: the test above is not vacuous.
  EXPECT_GT(accepted_without, 60u);
  EXPECT_GT(judged, 500u) << "most refusals are still judged by the oracle";
}

TEST(GenerateCase, ValidationOnlySendsNoProgramTheOracleCannotJudge) {
  // The reference judges requests with the primary key only; the second
  // key is just as valid, another credential header may be the one the
  // target reads, and raw bytes are not judged at all. None of these may
  // carry a program the target would run.
  const TargetContext context = Context();
  std::size_t raw = 0;
  for (std::uint64_t index = 0; index < 3000; ++index) {
    const FuzzCase c = GenerateCase(22, index, Seeds(), context, /*validation_only=*/true);
    SCOPED_TRACE("index " + std::to_string(index) + ": " + KindName(c.kind) + " from " + c.origin);
    if (c.kind == Kind::kRaw) {
      ++raw;
      const std::string bytes = Joined(c, context);
      ASSERT_EQ(bytes.find("\"code\""), std::string::npos) << bytes.substr(0, 400);
      ASSERT_EQ(bytes.find("\r\n\r\n#!"), std::string::npos) << bytes.substr(0, 400);
      continue;
    }
    FuzzCase primary = c;
    primary.http.key = KeyUse::kPrimary;
    bool credential = c.http.key == KeyUse::kPrimary || c.http.key == KeyUse::kSecond;
    std::erase_if(primary.http.headers, [&](const auto& header) {
      const bool key = base::EqualsIgnoreCase(header.first, "authorization") ||
                       base::EqualsIgnoreCase(header.first, "x-api-key");
      credential = credential || key;
      return key;
    });
    if (!credential) continue;
    const std::optional<Verdict> verdict = ReferenceVerdict(primary, context);
    ASSERT_FALSE(verdict && verdict->accept) << Joined(c, context).substr(0, 400);
  }
  EXPECT_GT(raw, 500u);
}

}  // namespace
}  // namespace remote_fuzz

// The decisions of the wire faults, without sockets (the wire itself is
// in wire_proxy_test).

#include "tools/fault_proxy/wire_faults.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fault_proxy {
namespace {

Response WithBody(int status, std::size_t size) {
  return JsonResponse(status, std::string(size, 'x'));
}

TEST(WireFaultTable, WireFaultsAreNamedAndDescribedWithTheirNumbers) {
  const struct {
    const char* name;
    WireFault wire;
    std::string number;  // the description must agree with the constant
  } expected[] = {
      {"connection-not-closed", WireFault::kConnectionNotClosed, ""},
      {"answer-truncated", WireFault::kAnswerTruncated, std::to_string(kTruncateAbove) + " bytes"},
      {"content-length-wrong", WireFault::kContentLengthWrong,
       std::to_string(kLengthOverstatement) + " bytes too large"},
      {"answer-hangs", WireFault::kAnswerHangs, std::to_string(kHangEvery) + "th"},
  };
  for (const auto& [name, wire, number] : expected) {
    const Fault* fault = FindFault(name);
    ASSERT_NE(fault, nullptr) << name;
    EXPECT_EQ(fault->wire, wire) << name;
    EXPECT_EQ(fault->on_request, nullptr) << name;
    EXPECT_EQ(fault->on_response, nullptr) << name;
    EXPECT_NE(fault->description.find(number), std::string_view::npos) << fault->description;
  }
  EXPECT_NE(FindFault("content-length-wrong")
                ->description.find(std::to_string(kOverstatedHold.count()) + " s"),
            std::string_view::npos);
  int wire_faults = 0;
  for (const Fault& fault : AllFaults()) wire_faults += fault.wire != WireFault::kNone;
  EXPECT_EQ(wire_faults, 4);
}

TEST(WirePlan, NoWireFaultLeavesEveryAnswerAsIs) {
  for (WireFault fault : {WireFault::kNone, WireFault::kAnswerHangs}) {
    for (bool keep_alive : {true, false}) {
      EXPECT_EQ(PlanAnswer(fault, "POST", keep_alive, WithBody(200, 100)), WireAction::kAsIs);
    }
  }
}

TEST(WirePlan, ConnectionNotClosedOnlyWhenTheClientAskedForAClose) {
  const WireFault fault = WireFault::kConnectionNotClosed;
  EXPECT_EQ(PlanAnswer(fault, "GET", /*keep_alive=*/false, WithBody(200, 5)),
            WireAction::kKeepOpen);
  EXPECT_EQ(PlanAnswer(fault, "HEAD", false, WithBody(204, 0)), WireAction::kKeepOpen);
  EXPECT_EQ(PlanAnswer(fault, "GET", /*keep_alive=*/true, WithBody(200, 5)), WireAction::kAsIs);
}

TEST(WirePlan, AnswerTruncatedOnlyForPostAnswersOverTheThreshold) {
  const WireFault fault = WireFault::kAnswerTruncated;
  EXPECT_EQ(PlanAnswer(fault, "POST", true, WithBody(200, kTruncateAbove + 1)),
            WireAction::kTruncate);
  EXPECT_EQ(PlanAnswer(fault, "POST", false, WithBody(400, 100)), WireAction::kTruncate);
  EXPECT_EQ(PlanAnswer(fault, "POST", true, WithBody(200, kTruncateAbove)), WireAction::kAsIs);
  EXPECT_EQ(PlanAnswer(fault, "GET", true, WithBody(200, 100)), WireAction::kAsIs);
  EXPECT_EQ(PlanAnswer(fault, "DELETE", true, WithBody(200, 100)), WireAction::kAsIs);
  EXPECT_EQ(PlanAnswer(fault, "POST", true, WithBody(204, 100)), WireAction::kAsIs);
  EXPECT_EQ(TruncatedLength(41), 20u);
}

TEST(WirePlan, ContentLengthWrongForEveryAnswerToPostWithABody) {
  const WireFault fault = WireFault::kContentLengthWrong;
  EXPECT_EQ(PlanAnswer(fault, "POST", true, WithBody(200, 1)), WireAction::kOverstateLength);
  EXPECT_EQ(PlanAnswer(fault, "POST", false, WithBody(500, 50)), WireAction::kOverstateLength);
  EXPECT_EQ(PlanAnswer(fault, "POST", true, WithBody(200, 0)), WireAction::kAsIs);
  EXPECT_EQ(PlanAnswer(fault, "POST", true, WithBody(204, 10)), WireAction::kAsIs);
  // Answers to other methods stay right: a client's GET /jobs key check
  // (the conformance runner's preflight) gets through.
  EXPECT_EQ(PlanAnswer(fault, "GET", true, WithBody(200, 100)), WireAction::kAsIs);
  EXPECT_EQ(PlanAnswer(fault, "DELETE", true, WithBody(200, 100)), WireAction::kAsIs);
  EXPECT_EQ(PlanAnswer(fault, "HEAD", true, WithBody(200, 10)), WireAction::kAsIs);
  EXPECT_EQ(PlanAnswer(fault, "GET", true, WithBody(304, 10)), WireAction::kAsIs);
}

TEST(WirePlan, EveryFifthRequestHangsCountedAcrossTheProxy) {
  FaultState state(1);
  std::vector<std::uint64_t> hung;
  for (std::uint64_t request = 1; request <= 3 * kHangEvery; ++request) {
    if (RequestHangs(WireFault::kAnswerHangs, state)) hung.push_back(request);
  }
  EXPECT_EQ(hung, (std::vector<std::uint64_t>{kHangEvery, 2 * kHangEvery, 3 * kHangEvery}));

  // Other faults neither hang nor count.
  FaultState other(1);
  for (std::uint64_t request = 1; request <= kHangEvery; ++request) {
    EXPECT_FALSE(RequestHangs(WireFault::kContentLengthWrong, other));
  }
  EXPECT_EQ(other.requests_read, 0u);
}

TEST(WirePlan, AnswerCarriesBody) {
  EXPECT_TRUE(AnswerCarriesBody("GET", 200));
  EXPECT_TRUE(AnswerCarriesBody("POST", 500));
  EXPECT_FALSE(AnswerCarriesBody("HEAD", 200));
  EXPECT_FALSE(AnswerCarriesBody("GET", 101));
  EXPECT_FALSE(AnswerCarriesBody("GET", 204));
  EXPECT_FALSE(AnswerCarriesBody("GET", 304));
}

}  // namespace
}  // namespace fault_proxy

#ifndef TOOLS_FAULT_PROXY_WIRE_FAULTS_H_
#define TOOLS_FAULT_PROXY_WIRE_FAULTS_H_

// The decisions behind the wire faults (WireFault in faults.h), kept apart
// from the sockets so that tests can drive them without any: which request
// goes unanswered, and how each answer is framed and followed on the wire.
// proxy.cc asks; wire_writer.h does the I/O.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tools/fault_proxy/faults.h"

namespace fault_proxy {

// answer-truncated leaves bodies of this size or less alone: half of a
// tiny body is hardly a body, and GET /jobs with no jobs ({"jobs":[]}, 11
// bytes) stays whole either way.
inline constexpr std::size_t kTruncateAbove = 16;
// content-length-wrong: how much more Content-Length says than is sent.
inline constexpr std::size_t kLengthOverstatement = 10;
// content-length-wrong: how long the connection stays open, silent, after
// the answer before the proxy closes it. Short, so that a client that waits
// for the missing bytes longer than this learns of the lie by an early end
// of the body; one with a shorter answer timeout learns by its timeout.
inline constexpr auto kOverstatedHold = std::chrono::seconds(5);
// answer-hangs: the 5th, 10th, ... well-formed request the proxy reads
// (on all connections) goes unanswered. Small, so that a case run alone
// meets it for sure: the conformance runner's preflight sends four
// requests (GET /jobs with each key, /languages, /health), all answered,
// and the first request of the case is the 5th.
inline constexpr std::uint64_t kHangEvery = 5;

// What the proxy does with one answer on the wire.
enum class WireAction {
  kAsIs,             // what a correct server does
  kKeepOpen,         // no close signal and no close: the connection goes on
  kTruncate,         // head, then the first half of the body, then close
  kOverstateLength,  // Content-Length too large, hold kOverstatedHold, close
};

// Whether an answer to `method` with `status` carries a body at all
// (RFC 9112 section 6.3: not to HEAD, not 1xx, 204 or 304).
bool AnswerCarriesBody(std::string_view method, int status);

// How `response`, the answer to a `method` request, goes on the wire under
// `fault`; `keep_alive` is what the request asked for (RFC 9112 section 9.3).
WireAction PlanAnswer(WireFault fault, std::string_view method, bool keep_alive,
                      const Response& response);

// Called once per well-formed request, before it is forwarded: true when it
// is to get no answer at all (answer-hangs). Counts in `state`.
bool RequestHangs(WireFault fault, FaultState& state);

// The body bytes answer-truncated sends.
inline std::size_t TruncatedLength(std::size_t body_size) { return body_size / 2; }

}  // namespace fault_proxy

#endif  // TOOLS_FAULT_PROXY_WIRE_FAULTS_H_

#ifndef FUZZ_REMOTE_EXCHANGE_H_
#define FUZZ_REMOTE_EXCHANGE_H_

#include <chrono>
#include <functional>
#include <optional>

#include "conformance/raw_http.h"
#include "conformance/target_url.h"
#include "fuzz/remote/checks.h"
#include "fuzz/remote/fuzz_case.h"

namespace remote_fuzz {

// Sends one case to the target and reads its answers, on a connection of
// its own: what the checks see. A std::function so that tests and the
// minimizer can stand in for the network.
using Exchanger = std::function<conformance::RawResult(const FuzzCase&)>;

// The real one: RawExchange to `url` within `bounds` (the answer bound,
// plus the close bound when the case asks to close).
Exchanger NetworkExchanger(const conformance::TargetUrl& url, const TargetContext& context,
                           const CheckBounds& bounds);

// The pause a 429 or 503 answer asks for with Retry-After (seconds),
// bounded to 1..10 s: a target asking for an hour gets 10 s at a time.
std::optional<std::chrono::seconds> RetryAfter(const conformance::RawAnswer& answer);

// `send` for one thread at a time (minimization, after the campaign) that
// keeps the campaign's manners: at most `rate` requests per second (0: no
// cap), and the pause a 429 or 503 Retry-After asks for (at most 10 s).
Exchanger SerialPaced(Exchanger send, double rate);

// A well-formed request as a case (for the stateful sequences, clean-up and
// the canary).
FuzzCase RequestCase(const std::string& method, const std::string& target, KeyUse key,
                     const std::string& json_body = "");

}  // namespace remote_fuzz

#endif  // FUZZ_REMOTE_EXCHANGE_H_

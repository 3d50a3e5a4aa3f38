#ifndef TOOLS_FAULT_PROXY_FAULTS_H_
#define TOOLS_FAULT_PROXY_FAULTS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"
#include "tools/fault_proxy/message.h"

namespace fault_proxy {

// What the faults that need memory across requests remember. One per
// proxy, shared by its connection threads, hence the mutex (every hook that
// touches a member holds it).
struct FaultState {
  explicit FaultState(std::uint64_t seed) : random(seed) {}

  struct FinishedJob {
    std::string job_id;
    std::string status;
    std::string language;                 // "" when the answer had none
    std::optional<std::int64_t> created;  // Unix seconds
  };

  std::mutex mutex;
  // jobs-leak-across-keys: the first Authorization value ever seen.
  std::optional<std::string> first_authorization;
  // auth-ignored: the first Authorization value the upstream accepted.
  std::optional<std::string> accepted_authorization;
  // status-backwards: how often each job id was seen final.
  std::map<std::string, int> final_answers;
  // jobs-list-finished: finished jobs in the order seen, per Authorization.
  std::map<std::string, std::vector<FinishedJob>> finished_jobs;
  // job-id-changes: seeded, so a test gets the same ids on every run.
  std::mt19937_64 random;
  // answer-hangs: the well-formed requests read so far, on all connections.
  std::uint64_t requests_read = 0;
};

// Rewrites `request` before it goes upstream. Returns an answer when the
// proxy must answer itself instead of forwarding.
using RequestHook = std::optional<Response> (*)(Request& request, FaultState& state);

// Rewrites the upstream's `response` to `request` (as it was forwarded).
// Returns a request when the proxy must send that one upstream instead; its
// answer goes through this hook again (at most one such resend).
using ResponseHook = std::optional<Request> (*)(const Request& request, Response& response,
                                                FaultState& state);

// Faults that act on the connection rather than on messages: the framing
// and timing of answers, which only the proxy's I/O can get wrong. The
// decisions are pure (wire_faults.h); proxy.cc carries them out.
enum class WireFault {
  kNone,
  kConnectionNotClosed,  // a close the client asked for never comes
  kAnswerTruncated,      // the connection closes in the middle of a body
  kContentLengthWrong,   // Content-Length promises more than the body
  kAnswerHangs,          // some requests are never answered
};

struct Fault {
  std::string_view name;
  std::string_view description;  // one line, for --list
  RequestHook on_request = nullptr;
  ResponseHook on_response = nullptr;
  WireFault wire = WireFault::kNone;
};

// Every fault, "none" first.
std::span<const Fault> AllFaults();
const Fault* FindFault(std::string_view name);

// Sends a request upstream: the answer, or the error when there is none
// (connection refused, broken answer...).
using Forward = std::function<base::Expected<Response>(const Request&)>;

// One client request through `fault`: hooks and forwarding, the I/O left to
// `forward`. An upstream that gives no answer is reported as 502 without
// passing through the fault, so a broken upstream is never mistaken for a
// fault's effect.
Response RunExchange(const Fault& fault, FaultState& state, Request request,
                     const Forward& forward);

// The 502 the proxy answers when the upstream gives no answer.
Response BadGateway(std::string_view why);

}  // namespace fault_proxy

#endif  // TOOLS_FAULT_PROXY_FAULTS_H_

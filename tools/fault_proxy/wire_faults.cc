#include "tools/fault_proxy/wire_faults.h"

#include <mutex>

namespace fault_proxy {

bool AnswerCarriesBody(std::string_view method, int status) {
  return method != "HEAD" && status >= 200 && status != 204 && status != 304;
}

WireAction PlanAnswer(WireFault fault, std::string_view method, bool keep_alive,
                      const Response& response) {
  const bool has_body = AnswerCarriesBody(method, response.status) && !response.body.empty();
  switch (fault) {
    case WireFault::kConnectionNotClosed:
      return keep_alive ? WireAction::kAsIs : WireAction::kKeepOpen;
    // These two touch only answers to POST: the GETs a client makes to find
    // its bearings (a key check on GET /jobs, /languages, /health) stay
    // whole, so the damage shows where the API does its work.
    case WireFault::kAnswerTruncated:
      return method == "POST" && has_body && response.body.size() > kTruncateAbove
                 ? WireAction::kTruncate
                 : WireAction::kAsIs;
    case WireFault::kContentLengthWrong:
      return method == "POST" && has_body ? WireAction::kOverstateLength : WireAction::kAsIs;
    case WireFault::kNone:
    case WireFault::kAnswerHangs:
      break;
  }
  return WireAction::kAsIs;
}

bool RequestHangs(WireFault fault, FaultState& state) {
  if (fault != WireFault::kAnswerHangs) return false;
  std::lock_guard lock(state.mutex);
  return ++state.requests_read % kHangEvery == 0;
}

}  // namespace fault_proxy

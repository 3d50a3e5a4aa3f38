#include <utility>

#include "rapidjson/document.h"
#include "tools/fault_proxy/fault_hooks.h"
#include "tools/fault_proxy/faults.h"
#include "tools/fault_proxy/json_body.h"

namespace fault_proxy {

namespace {

using namespace hooks;

// The names are stable: the conformance documentation refers to them.
constexpr Fault kFaults[] = {
    {"none", "transparent pass-through", nullptr, nullptr},
    {"result-missing-stdout", "removes stdout from every result object", nullptr,
     ResultMissingStdout},
    {"exit-code-as-string", "every result object's exit_code becomes a JSON string", nullptr,
     ExitCodeAsString},
    {"validation-500", "answers 400, 413 and 415 become 500 (same body)", nullptr, Validation500},
    {"status-renamed", "job status completed becomes done in GET /jobs/{id}", nullptr,
     StatusRenamed},
    {"status-backwards",
     "per job, the first final GET /jobs/{id} answer says running, the second pending", nullptr,
     StatusBackwards},
    {"jobs-leak-across-keys",
     "every request is sent with the first Authorization ever seen (one namespace for all keys)",
     JobsLeakAcrossKeys, nullptr},
    {"ttl-ignored", "drops ttl from /execute* bodies and /run* queries", TtlIgnored, nullptr},
    {"filename-unchecked",
     "input file names with / or .. are rewritten so the upstream accepts them", FilenameUnchecked,
     nullptr},
    {"env-ignored", "drops env from /execute* bodies and /run* queries", EnvIgnored, nullptr},
    {"auth-ignored",
     "requests without a key, or refused with 401, are sent with the first accepted key",
     AuthIgnoredRequest, AuthIgnoredResponse},
    {"content-type-text", "every answer's Content-Type becomes text/plain", nullptr,
     ContentTypeText},
    {"job-id-changes", "GET /jobs/{id} answers carry a fresh random job_id", nullptr, JobIdChanges},
    {"file-limit-unchecked", "input_files beyond the 10th are dropped before forwarding",
     FileLimitUnchecked, nullptr},
    {"zerotrust-ignored", "network mode zerotrust (or none given) is forwarded as semitrusted",
     ZerotrustIgnored, nullptr},
    {"default-filename-wrong", "an input file without filename gets file<i> instead of <i>",
     DefaultFilenameWrong, nullptr},
    {"cancel-ignored", "DELETE /jobs/{id} is answered 200 by the proxy and never forwarded",
     CancelIgnored, nullptr},
    {"async-ack-not-pending", "async acknowledgements say status queued instead of pending",
     nullptr, AsyncAckNotPending},
    {"error-body-plain", "answers with status >= 400 get body 'error' as text/plain", nullptr,
     ErrorBodyPlain},
    {"timestamps-missing", "drops created_at from GET /jobs/{id} answers", nullptr,
     TimestampsMissing},
    {"stdout-lost-on-cancel", "DELETE /jobs/{id} answers have an empty result.stdout", nullptr,
     StdoutLostOnCancel},
    {"ttl-bounds-unchecked", "a ttl above 900 is forwarded as 900, below 1 as 1",
     TtlBoundsUnchecked, nullptr},
    {"base64-lenient",
     "input file content loses whitespace and gains missing = padding before forwarding",
     Base64Lenient, nullptr},
    {"shebang-ignored", "a /run* body's shebang line becomes #!/usr/bin/env python3",
     ShebangIgnored, nullptr},
    {"unknown-job-pending", "GET /jobs/{id} answered 404 becomes 200 with status pending", nullptr,
     UnknownJobPending},
    {"jobs-list-finished", "GET /jobs also lists the jobs seen finished, with their final status",
     nullptr, JobsListFinished},
    {"malformed-body-500",
     "a POST /execute* body that is not JSON is answered 500 internal by the proxy, never "
     "forwarded",
     MalformedBody500, nullptr},
    // Wire faults (wire_faults.h): the messages stay right, the connection
    // does not.
    {"connection-not-closed",
     "answers to Connection: close or plain HTTP/1.0 requests lack Connection: close, and the "
     "connection stays open",
     nullptr, nullptr, WireFault::kConnectionNotClosed},
    {"answer-truncated",
     "answers to POST with a body over 16 bytes stop after half the body (true Content-Length), "
     "then the connection closes",
     nullptr, nullptr, WireFault::kAnswerTruncated},
    {"content-length-wrong",
     "answers to POST with a body declare a Content-Length 10 bytes too large; the connection "
     "closes 5 s later",
     nullptr, nullptr, WireFault::kContentLengthWrong},
    {"answer-hangs",
     "every 5th request (counted on all connections) is neither forwarded nor answered; its "
     "connection stays open, silent, until the client leaves",
     nullptr, nullptr, WireFault::kAnswerHangs},
};

}  // namespace

std::span<const Fault> AllFaults() { return kFaults; }

const Fault* FindFault(std::string_view name) {
  for (const Fault& fault : kFaults) {
    if (fault.name == name) return &fault;
  }
  return nullptr;
}

Response BadGateway(std::string_view why) {
  rapidjson::Document body(rapidjson::kObjectType);
  auto& allocator = body.GetAllocator();
  body.AddMember("success", false, allocator);
  SetStringMember(body, "error", "fault_proxy: no answer from the upstream: " + std::string(why),
                  allocator);
  SetStringMember(body, "code", "bad_gateway", allocator);
  return JsonResponse(502, SerializeJson(body));
}

Response RunExchange(const Fault& fault, FaultState& state, Request request,
                     const Forward& forward) {
  if (fault.on_request != nullptr) {
    if (std::optional<Response> answer = fault.on_request(request, state))
      return std::move(*answer);
  }
  constexpr int kMaxSends = 2;  // the first send and at most one resend
  for (int send = 1;; ++send) {
    base::Expected<Response> response = forward(request);
    if (!response) return BadGateway(response.error().Describe());
    if (fault.on_response == nullptr) return std::move(*response);
    std::optional<Request> again = fault.on_response(request, *response, state);
    if (!again || send == kMaxSends) return std::move(*response);
    request = std::move(*again);
  }
}

}  // namespace fault_proxy

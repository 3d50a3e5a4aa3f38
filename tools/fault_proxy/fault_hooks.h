#ifndef TOOLS_FAULT_PROXY_FAULT_HOOKS_H_
#define TOOLS_FAULT_PROXY_FAULT_HOOKS_H_

// The hooks behind the fault table (faults_table.cc); one function per
// fault and side. Internal to this package: tests go through FindFault.

#include <optional>

#include "tools/fault_proxy/faults.h"

namespace fault_proxy::hooks {

// request_faults.cc: stateless rewrites of requests.
std::optional<Response> TtlIgnored(Request&, FaultState&);
std::optional<Response> FilenameUnchecked(Request&, FaultState&);
std::optional<Response> EnvIgnored(Request&, FaultState&);
std::optional<Response> FileLimitUnchecked(Request&, FaultState&);
std::optional<Response> ZerotrustIgnored(Request&, FaultState&);
std::optional<Response> DefaultFilenameWrong(Request&, FaultState&);
std::optional<Response> TtlBoundsUnchecked(Request&, FaultState&);
std::optional<Response> Base64Lenient(Request&, FaultState&);
std::optional<Response> ShebangIgnored(Request&, FaultState&);
std::optional<Response> CancelIgnored(Request&, FaultState&);
std::optional<Response> MalformedBody500(Request&, FaultState&);

// response_faults.cc: stateless rewrites of answers.
std::optional<Request> ResultMissingStdout(const Request&, Response&, FaultState&);
std::optional<Request> ExitCodeAsString(const Request&, Response&, FaultState&);
std::optional<Request> Validation500(const Request&, Response&, FaultState&);
std::optional<Request> StatusRenamed(const Request&, Response&, FaultState&);
std::optional<Request> ContentTypeText(const Request&, Response&, FaultState&);
std::optional<Request> AsyncAckNotPending(const Request&, Response&, FaultState&);
std::optional<Request> ErrorBodyPlain(const Request&, Response&, FaultState&);
std::optional<Request> TimestampsMissing(const Request&, Response&, FaultState&);
std::optional<Request> StdoutLostOnCancel(const Request&, Response&, FaultState&);
std::optional<Request> UnknownJobPending(const Request&, Response&, FaultState&);

// stateful_faults.cc: faults that remember across requests.
std::optional<Request> StatusBackwards(const Request&, Response&, FaultState&);
std::optional<Response> JobsLeakAcrossKeys(Request&, FaultState&);
std::optional<Response> AuthIgnoredRequest(Request&, FaultState&);
std::optional<Request> AuthIgnoredResponse(const Request&, Response&, FaultState&);
std::optional<Request> JobIdChanges(const Request&, Response&, FaultState&);
std::optional<Request> JobsListFinished(const Request&, Response&, FaultState&);

}  // namespace fault_proxy::hooks

#endif  // TOOLS_FAULT_PROXY_FAULT_HOOKS_H_

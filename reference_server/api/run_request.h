#ifndef REFERENCE_SERVER_API_RUN_REQUEST_H_
#define REFERENCE_SERVER_API_RUN_REQUEST_H_

#include <string_view>

#include "reference_server/api/limits.h"
#include "reference_server/api/request.h"
#include "reference_server/api/result.h"

namespace api {

// Parses POST /run and /run/async: the raw body is the code, its language
// comes from the shebang (shebang.h), and the query string (without the
// leading '?') may carry `env` (URL-encoded JSON object), `network_mode`
// (alias `network`), `ttl`, `return_artifact` (alias `return_artifacts`)
// and `return_wasm_artifact` (true/false/1/0). Unknown parameters are
// ignored. Field paths in errors are "body" and "query.<name>".
Result<RunRequest> ParseRunRequest(std::string_view body, std::string_view query,
                                   const RequestLimits& limits = {});

}  // namespace api

#endif  // REFERENCE_SERVER_API_RUN_REQUEST_H_

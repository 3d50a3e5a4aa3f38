#ifndef REFERENCE_SERVER_API_EXECUTE_REQUEST_H_
#define REFERENCE_SERVER_API_EXECUTE_REQUEST_H_

#include <string_view>

#include "reference_server/api/input_files.h"
#include "reference_server/api/limits.h"
#include "reference_server/api/request.h"
#include "reference_server/api/result.h"

namespace api {

// Parses the JSON body of POST /execute and POST /execute/async.
// Required: `language`, `code`. Optional: `env`, `network_mode` (alias
// `network`), `ttl`, `return_artifact` (alias `return_artifacts`),
// `return_wasm_artifact`, `input_files`. Unknown members are ignored; null
// is not accepted for any known member (omit it instead). The first rule
// broken is reported, with the path of the field at fault. Input files may
// not take a name `reserved` returns for the request's language.
Result<ExecuteRequest> ParseExecuteRequest(std::string_view body, const RequestLimits& limits = {},
                                           const ReservedFilenames& reserved = {});

}  // namespace api

#endif  // REFERENCE_SERVER_API_EXECUTE_REQUEST_H_

#ifndef REFERENCE_SERVER_API_REQUEST_JSON_H_
#define REFERENCE_SERVER_API_REQUEST_JSON_H_

#include <string>

#include "reference_server/api/request.h"

namespace api {

// The JSON body of POST /execute that parses back to `request`: the
// documented member names only, every input file named and base64-encoded.
// ParseExecuteRequest(ExecuteRequestToJson(r)) gives r again (the
// request_json fuzzer checks it on every accepted input).
std::string ExecuteRequestToJson(const ExecuteRequest& request);

}  // namespace api

#endif  // REFERENCE_SERVER_API_REQUEST_JSON_H_

#ifndef TOOLS_FAULT_PROXY_CLIENT_MESSAGE_H_
#define TOOLS_FAULT_PROXY_CLIENT_MESSAGE_H_

#include "tools/fault_proxy/message.h"
#include "tools/http_client/client.h"

namespace fault_proxy {

// The faults' messages and those of //tools/http_client are the same data
// (headers in order, duplicates kept) in two types: converted as they are,
// shared by the upstream connection and the test client.
http_client::Request ToClientRequest(const Request& request);
Response FromClientResponse(http_client::Response response);

}  // namespace fault_proxy

#endif  // TOOLS_FAULT_PROXY_CLIENT_MESSAGE_H_

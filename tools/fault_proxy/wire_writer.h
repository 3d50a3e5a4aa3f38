#ifndef TOOLS_FAULT_PROXY_WIRE_WRITER_H_
#define TOOLS_FAULT_PROXY_WIRE_WRITER_H_

// The I/O of the wire faults: answers written as wire_faults.h planned, and
// connections held open in silence. Kept out of proxy.cc so that its loop
// reads as the correct proxy with one call where a fault takes over.

#include <chrono>

#include "boost/beast/http.hpp"
#include "tools/fault_proxy/wire_faults.h"
#include "tools/http_client/deadline_stream.h"

namespace fault_proxy {

// Writes `answer` (framed by the correct proxy, body and Content-Length
// true) to the client on `stream`/`client_fd` the way `action` says, under
// the deadline already set on `stream`. Returns true when the connection is
// to go on serving requests, false when the proxy must close it now.
bool WriteAnswer(http_client::DeadlineStream& stream, int client_fd,
                 boost::beast::http::response<boost::beast::http::string_body>& answer,
                 WireAction action);

// Sends nothing and reads nothing on `client_fd` until the client closes its
// side (or resets, or Proxy::Stop shuts the socket down), or `limit` has
// passed. What the client sends meanwhile stays unread.
void HoldSilently(int client_fd, std::chrono::steady_clock::duration limit);

}  // namespace fault_proxy

#endif  // TOOLS_FAULT_PROXY_WIRE_WRITER_H_

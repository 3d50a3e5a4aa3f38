#ifndef TOOLS_FAULT_PROXY_UPSTREAM_H_
#define TOOLS_FAULT_PROXY_UPSTREAM_H_

#include <cstddef>
#include <cstdint>

#include "base/expected.h"
#include "tools/fault_proxy/flags.h"
#include "tools/fault_proxy/message.h"
#include "tools/http_client/client.h"

namespace fault_proxy {

// The largest body the proxy carries either way (the reference server
// takes 20 MiB requests and writes answers of up to about 12 MiB).
inline constexpr std::size_t kMaxBodyBytes = 32 << 20;
inline constexpr std::uint32_t kMaxHeaderBytes = 64 << 10;

// The request as the upstream should see it: Host names the upstream, and
// the headers that belong to the client's hop (framing, Expect, which the
// proxy answered itself) are gone.
Request PrepareForUpstream(Request request, const UpstreamAddress& upstream);

// One kept-alive connection to the upstream, owned by one client
// connection's thread: the shared //tools/http_client, with its one retry
// policy (a request is resent only when a reused connection closed before
// any byte of the answer).
class UpstreamConnection {
 public:
  explicit UpstreamConnection(const UpstreamAddress& address);

  // Sends `request` and reads the answer (its hop-by-hop headers removed).
  // The wait is abandoned, and the upstream connection closed (so the
  // upstream sees its client leave), when the peer of `client_fd` hangs
  // up; client_gone() then says so.
  base::Expected<Response> Exchange(const Request& request, int client_fd);
  bool client_gone() const { return client_.abandoned(); }

 private:
  http_client::Client client_;
};

}  // namespace fault_proxy

#endif  // TOOLS_FAULT_PROXY_UPSTREAM_H_

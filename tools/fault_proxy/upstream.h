#ifndef TOOLS_FAULT_PROXY_UPSTREAM_H_
#define TOOLS_FAULT_PROXY_UPSTREAM_H_

#include <chrono>
#include <optional>
#include <string>

#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/beast/core/flat_buffer.hpp"
#include "tools/fault_proxy/flags.h"
#include "tools/fault_proxy/message.h"

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
// connection's thread.
class UpstreamConnection {
 public:
  UpstreamConnection(boost::asio::io_context& io, UpstreamAddress address)
      : socket_(io), address_(std::move(address)) {}

  // Sends `request` and reads the answer: nullopt and `error` when there is
  // none. The wait is abandoned, and the upstream connection closed (so the
  // upstream sees its client leave), when the peer of `client_fd` hangs up;
  // `*client_gone` then says so.
  std::optional<Response> Exchange(const Request& request, int client_fd, bool* client_gone,
                                   std::string* error);

 private:
  bool Connect(std::string* error);
  void Close();

  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
  UpstreamAddress address_;
};

}  // namespace fault_proxy

#endif  // TOOLS_FAULT_PROXY_UPSTREAM_H_

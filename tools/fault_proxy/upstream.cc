#include "tools/fault_proxy/upstream.h"

#include <chrono>
#include <utility>

#include "base/ascii.h"
#include "tools/fault_proxy/client_message.h"

namespace fault_proxy {

namespace {

http_client::Options UpstreamOptions() {
  http_client::Options options;
  options.connect_timeout = std::chrono::seconds(30);
  options.send_timeout = std::chrono::minutes(5);
  // A synchronous /execute waits up to its ttl (900 s) plus the queue.
  options.answer_timeout = std::chrono::minutes(20);
  options.max_body_bytes = kMaxBodyBytes;
  options.max_header_bytes = kMaxHeaderBytes;
  return options;
}

}  // namespace

Request PrepareForUpstream(Request request, const UpstreamAddress& upstream) {
  RemoveHopByHopHeaders(request);
  request.Remove("Expect");
  // Each Host the client sent is rewritten, none is added: a request with
  // no Host (or two) reaches the upstream as such, to be judged there.
  for (Header& header : request.headers) {
    if (base::EqualsIgnoreCase(header.name, "Host")) header.value = upstream.host_header;
  }
  return request;
}

UpstreamConnection::UpstreamConnection(const UpstreamAddress& address)
    : client_(address.host, address.port, UpstreamOptions()) {}

base::Expected<Response> UpstreamConnection::Exchange(const Request& request, int client_fd) {
  base::Expected<http_client::Response> answer = client_.Send(ToClientRequest(request), client_fd);
  if (!answer.ok()) return std::move(answer).error();
  Response response = FromClientResponse(std::move(answer).value());
  RemoveHopByHopHeaders(response);
  return response;
}

}  // namespace fault_proxy

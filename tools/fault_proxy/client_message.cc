#include "tools/fault_proxy/client_message.h"

#include <utility>

namespace fault_proxy {

http_client::Request ToClientRequest(const Request& request) {
  http_client::Request out{request.method, request.target, {}, request.body};
  for (const Header& header : request.headers) out.headers.push_back({header.name, header.value});
  return out;
}

Response FromClientResponse(http_client::Response in) {
  Response response;
  response.status = in.status;
  for (http_client::Header& header : in.headers) {
    response.headers.push_back({std::move(header.name), std::move(header.value)});
  }
  response.body = std::move(in.body);
  return response;
}

}  // namespace fault_proxy

#include "tools/fault_proxy/beast_message.h"

namespace fault_proxy {

namespace http = boost::beast::http;

namespace {

template <class Message>
std::vector<Header> HeadersOf(const Message& in) {
  std::vector<Header> headers;
  for (const auto& field : in) {
    headers.push_back({std::string(field.name_string()), std::string(field.value())});
  }
  return headers;
}

}  // namespace

Request RequestFromBeast(const http::request<http::string_body>& in) {
  Request request;
  request.method = std::string(in.method_string());
  request.target = std::string(in.target());
  request.headers = HeadersOf(in);
  request.body = in.body();
  return request;
}

Response ResponseFromBeast(const http::response<http::string_body>& in) {
  Response response;
  response.status = static_cast<int>(in.result_int());
  response.headers = HeadersOf(in);
  response.body = in.body();
  return response;
}

}  // namespace fault_proxy

#include "tools/fault_proxy/upstream.h"

#include "boost/beast/http.hpp"
#include "tools/fault_proxy/beast_message.h"
#include "tools/fault_proxy/deadline_stream.h"

namespace fault_proxy {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

// A synchronous /execute waits up to its ttl (900 s) plus the queue.
constexpr auto kAnswerLimit = std::chrono::minutes(20);
constexpr auto kSendLimit = std::chrono::minutes(5);
constexpr int kMaxInterimAnswers = 8;

http::request<http::string_body> ToBeast(const Request& request) {
  http::request<http::string_body> out;
  out.method_string(request.method);
  out.target(request.target);
  out.version(11);
  for (const Header& header : request.headers) {
    if (!EqualsIgnoreCase(header.name, "Content-Length")) out.insert(header.name, header.value);
  }
  out.body() = request.body;
  const bool takes_body = request.method == "POST" || request.method == "PUT" ||
                          request.method == "PATCH" || request.method == "OPTIONS";
  if (!request.body.empty() || takes_body) out.content_length(request.body.size());
  return out;
}

Response FromBeast(const http::response<http::string_body>& in) {
  Response response = ResponseFromBeast(in);
  RemoveHopByHopHeaders(response);
  return response;
}

}  // namespace

Request PrepareForUpstream(Request request, const UpstreamAddress& upstream) {
  RemoveHopByHopHeaders(request);
  request.Remove("Expect");
  // Each Host the client sent is rewritten, none is added: a request with
  // no Host (or two) reaches the upstream as such, to be judged there.
  for (Header& header : request.headers) {
    if (EqualsIgnoreCase(header.name, "Host")) header.value = upstream.host_header;
  }
  return request;
}

bool UpstreamConnection::Connect(std::string* error) {
  boost::system::error_code ec;
  tcp::resolver resolver(socket_.get_executor());
  const auto endpoints = resolver.resolve(address_.host, address_.port, ec);
  if (!ec) {
    for (const auto& entry : endpoints) {
      socket_.close(ec);
      socket_.connect(entry.endpoint(), ec);
      if (!ec) break;
    }
  }
  if (ec) {
    Close();
    *error = "cannot connect to " + address_.host_header + ": " + ec.message();
    return false;
  }
  socket_.set_option(tcp::no_delay(true), ec);
  return true;
}

void UpstreamConnection::Close() {
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  buffer_.clear();
}

std::optional<Response> UpstreamConnection::Exchange(const Request& request, int client_fd,
                                                     bool* client_gone, std::string* error) {
  http::request<http::string_body> out = ToBeast(request);
  // A kept connection the upstream closed while idle fails before any answer
  // arrives; then, and only then, the request is sent once more on a new one.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = socket_.is_open();
    if (!reused && !Connect(error)) return std::nullopt;
    DeadlineStream stream(socket_);
    stream.ExpiresAfter(kSendLimit);
    boost::system::error_code ec;
    http::write(stream, out, ec);
    // Read even when the write failed: an upstream that refuses a request
    // from its header may answer and close before taking all of the body.
    stream.ExpiresAfter(kAnswerLimit);
    stream.WatchForHangup(client_fd);
    std::optional<http::response_parser<http::string_body>> parser;
    for (int interim = 0; interim < kMaxInterimAnswers; ++interim) {
      parser.emplace();
      parser->body_limit(kMaxBodyBytes);
      parser->header_limit(kMaxHeaderBytes);
      if (request.method == "HEAD") parser->skip(true);
      ec = {};
      http::read(stream, buffer_, *parser, ec);
      if (ec || parser->get().result_int() >= 200) break;
    }
    if (!ec && parser->get().result_int() >= 200) {
      Response response = FromBeast(parser->get());
      if (!parser->get().keep_alive()) Close();
      return response;
    }
    Close();
    if (stream.watched_hung_up()) {
      *client_gone = true;
      *error = "the client went away";
      return std::nullopt;
    }
    const bool stale = ec == http::error::end_of_stream ||
                       ec == boost::asio::error::connection_reset ||
                       ec == boost::asio::error::broken_pipe;
    if (reused && stale && !parser->got_some()) continue;
    *error = ec ? "reading the answer of " + address_.host_header + ": " + ec.message()
                : "too many interim answers from " + address_.host_header;
    return std::nullopt;
  }
  *error = address_.host_header + " closed the connection without an answer";
  return std::nullopt;
}

}  // namespace fault_proxy

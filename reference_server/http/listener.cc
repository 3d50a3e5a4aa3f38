#include "reference_server/http/listener.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

namespace http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

Listener::Listener(net::io_context& io, Router& router, AccessLog& log,
                   const SessionOptions& options, ByteBudget& answers, Connections& connections)
    : io_(io),
      strand_(net::make_strand(io)),
      acceptor_(strand_),
      retry_(strand_),
      router_(router),
      log_(log),
      options_(options),
      answers_(answers),
      connections_(connections) {}

base::Status Listener::Open(const tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (!ec) return base::Ok();
  const bool refused = ec == boost::system::errc::permission_denied ||
                       ec == boost::system::errc::operation_not_permitted;
  return base::MakeError(
      refused ? base::ErrorCode::kPermissionDenied : base::ErrorCode::kUnavailable, ec.message(),
      endpoint.address().to_string() + ":" + std::to_string(endpoint.port()));
}

tcp::endpoint Listener::local_endpoint() const {
  boost::system::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void Listener::Start() {
  net::dispatch(strand_, [self = shared_from_this()] { self->Accept(); });
}

void Listener::Stop() {
  net::post(strand_, [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
    self->retry_.cancel();
  });
}

void Listener::Accept() {
  acceptor_.async_accept(
      net::make_strand(io_),
      [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
        if (!self->acceptor_.is_open()) return;
        if (!ec) {
          Connections& connections = self->connections_;
          auto session = std::make_shared<Session>(
              std::move(socket), self->router_, self->log_, self->options_, self->answers_,
              [&connections](Session* closed) { connections.Remove(closed); });
          // Over the limit, the connection is closed at once (the session
          // goes with its socket) rather than queued without bound.
          if (connections.Admit(session)) session->Start();
        } else {
          // EMFILE and the like pass as connections close: retry after a
          // pause rather than spinning on the error.
          self->log_.Event("accept_failed", {{"error", ec.message()}});
          self->retry_.expires_after(std::chrono::milliseconds(100));
          self->retry_.async_wait([self](boost::system::error_code wait) {
            if (!wait && self->acceptor_.is_open()) self->Accept();
          });
          return;
        }
        self->Accept();
      });
}

}  // namespace http

#ifndef REFERENCE_SERVER_HTTP_LISTENER_H_
#define REFERENCE_SERVER_HTTP_LISTENER_H_

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <memory>
#include <string>

#include "base/expected.h"
#include "reference_server/http/access_log.h"
#include "reference_server/http/connections.h"
#include "reference_server/http/router.h"
#include "reference_server/http/session.h"

namespace http {

// Accepts connections and starts a session on its own strand for each.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(boost::asio::io_context& io, Router& router, AccessLog& log,
           const SessionOptions& options, ByteBudget& answers, Connections& connections);

  // Binds and listens. Errors are kPermissionDenied (a privileged port) or
  // kUnavailable (address in use, not local, ...), named by "ADDRESS:PORT".
  base::Status Open(const boost::asio::ip::tcp::endpoint& endpoint);
  boost::asio::ip::tcp::endpoint local_endpoint() const;

  void Start();
  void Stop();  // closes the listening socket; sessions go on

 private:
  void Accept();

  boost::asio::io_context& io_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_;
  Router& router_;
  AccessLog& log_;
  const SessionOptions options_;
  ByteBudget& answers_;
  Connections& connections_;
};

}  // namespace http

#endif  // REFERENCE_SERVER_HTTP_LISTENER_H_

#ifndef REFERENCE_SERVER_HTTP_SERVER_H_
#define REFERENCE_SERVER_HTTP_SERVER_H_

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "base/expected.h"
#include "reference_server/http/access_log.h"
#include "reference_server/http/connections.h"
#include "reference_server/http/listener.h"
#include "reference_server/http/options.h"
#include "reference_server/http/router.h"
#include "reference_server/http/session.h"
#include "reference_server/jobs/job_store.h"

namespace http {

// The HTTP server: a listener and its sessions on a pool of I/O threads.
// Shutdown (SIGTERM, SIGINT or RequestStop) is graceful: stop accepting,
// refuse new jobs, let running jobs finish within the drain period and
// cancel the rest, deliver every answer owed, then close.
class Server {
 public:
  Server(ServerOptions options, Router& router, jobs::JobStore& store, AccessLog& log);
  ~Server();

  // Binds and listens. A host that is no IP address is kInvalidArgument
  // (where: the host); failing to bind is Listener::Open's error, named by
  // "HOST:PORT" as the options spell it ("127.0.0.1:80: Permission denied").
  base::Status Listen();
  // "http://127.0.0.1:8080" with the real port ("[::1]" for IPv6).
  std::string url() const;

  // Serves until a stop is requested, then shuts down; returns when done.
  void Run();
  void RequestStop(const std::string& why);

 private:
  const ServerOptions options_;
  Router& router_;
  jobs::JobStore& store_;
  AccessLog& log_;
  // Sessions unregister when destroyed, which can happen as io_ is
  // destroyed: connections_ must outlive it.
  Connections connections_;
  ByteBudget answers_;
  boost::asio::io_context io_;
  // Installed at construction, so that a SIGTERM arriving as soon as the
  // "listening" line is out is handled gracefully.
  boost::asio::signal_set signals_;
  std::shared_ptr<Listener> listener_;
  std::mutex mutex_;
  std::condition_variable stop_requested_;
  std::string stop_reason_;
};

}  // namespace http

#endif  // REFERENCE_SERVER_HTTP_SERVER_H_

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

#include "reference_server/http/access_log.h"
#include "reference_server/http/connections.h"
#include "reference_server/http/listener.h"
#include "reference_server/http/router.h"
#include "reference_server/http/session.h"
#include "reference_server/jobs/job_store.h"

namespace http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port
  int io_threads = 2;
  std::size_t max_connections = 512;
  SessionOptions session;
  // At shutdown, how long running jobs may go on before they are cancelled.
  std::chrono::milliseconds drain = std::chrono::seconds(10);
  // Answers being written at once, in bytes (see ByteBudget).
  std::size_t max_answer_bytes_in_flight = 256 * 1024 * 1024;
};

// The HTTP server: a listener and its sessions on a pool of I/O threads.
// Shutdown (SIGTERM, SIGINT or RequestStop) is graceful: stop accepting,
// refuse new jobs, let running jobs finish within the drain period and
// cancel the rest, deliver every answer owed, then close.
class Server {
 public:
  Server(ServerOptions options, Router& router, jobs::JobStore& store, AccessLog& log);
  ~Server();

  // Binds and listens: "" or what went wrong ("127.0.0.1:80: Permission
  // denied").
  std::string Listen();
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

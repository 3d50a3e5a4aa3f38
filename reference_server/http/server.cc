#include "reference_server/http/server.h"

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <thread>
#include <vector>

namespace http {

namespace net = boost::asio;

Server::Server(ServerOptions options, Router& router, jobs::JobStore& store, AccessLog& log)
    : options_(std::move(options)),
      router_(router),
      store_(store),
      log_(log),
      connections_(options_.max_connections),
      answers_(options_.max_answer_bytes_in_flight),
      io_(std::max(1, options_.io_threads)),
      signals_(io_, SIGINT, SIGTERM),
      listener_(std::make_shared<Listener>(io_, router_, log_, options_.session, answers_,
                                           connections_)) {}

Server::~Server() = default;

base::Status Server::Listen() {
  boost::system::error_code ec;
  const net::ip::address address = net::ip::make_address(options_.host, ec);
  if (ec) {
    return base::MakeError(base::ErrorCode::kInvalidArgument,
                           "not an IP address (" + ec.message() + ")", options_.host);
  }
  base::Status opened = listener_->Open({address, options_.port});
  if (opened.ok()) return opened;
  // Named as the options spell the address, not as it prints once parsed.
  base::Error error = std::move(opened).error();
  error.where = options_.host + ":" + std::to_string(options_.port);
  return error;
}

std::string Server::url() const {
  const auto endpoint = listener_->local_endpoint();
  const std::string host = endpoint.address().is_v6() ? "[" + endpoint.address().to_string() + "]"
                                                      : endpoint.address().to_string();
  return "http://" + host + ":" + std::to_string(endpoint.port());
}

void Server::RequestStop(const std::string& why) {
  std::lock_guard lock(mutex_);
  if (stop_reason_.empty()) stop_reason_ = why;
  stop_requested_.notify_all();
}

void Server::Run() {
  signals_.async_wait([this](boost::system::error_code ec, int signal) {
    if (ec) return;
    RequestStop(signal == SIGINT ? "SIGINT" : "SIGTERM");
    // A second signal means: now. The sandboxes die with the server (their
    // init has a parent-death signal).
    signals_.async_wait([this](boost::system::error_code again, int) {
      if (again) return;
      log_.Event("forced_exit", {{"reason", "second signal during shutdown"}});
      std::_Exit(1);
    });
  });
  listener_->Start();
  std::vector<std::thread> threads;
  for (int i = 0; i < std::max(1, options_.io_threads); ++i) {
    threads.emplace_back([this] { io_.run(); });
  }
  std::string reason;
  {
    std::unique_lock lock(mutex_);
    stop_requested_.wait(lock, [this] { return !stop_reason_.empty(); });
    reason = stop_reason_;
  }
  log_.Event("shutdown", {{"reason", reason},
                          {"drain_ms", std::to_string(options_.drain.count())},
                          {"connections", std::to_string(connections_.size())}});
  listener_->Stop();
  router_.SetDraining();
  // Answers owed to waiting clients are delivered by the sessions, which
  // keep running on the I/O threads meanwhile.
  store_.Shutdown(options_.drain);
  connections_.CloseAll();
  // Requests still being read are cut short and answered 503 by
  // CloseAll(); what remains is writing answers and the lingering close.
  const auto grace = options_.session.write_timeout + std::chrono::seconds(3);
  const bool all_closed = connections_.WaitUntilEmpty(std::chrono::steady_clock::now() + grace);
  signals_.cancel();
  io_.stop();
  for (std::thread& thread : threads) thread.join();
  log_.Event("stopped", {{"connections_left_open", all_closed ? "0" : "some"}});
}

}  // namespace http

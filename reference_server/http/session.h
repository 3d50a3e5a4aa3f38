#ifndef REFERENCE_SERVER_HTTP_SESSION_H_
#define REFERENCE_SERVER_HTTP_SESSION_H_

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "reference_server/http/access_log.h"
#include "reference_server/http/byte_budget.h"
#include "reference_server/http/framing.h"
#include "reference_server/http/options.h"
#include "reference_server/http/router.h"

namespace http {

// One HTTP/1.1 connection: reads requests one after the other (keep-alive),
// screens each on its header (so a refused request's body is never read),
// answers "100 Continue" when asked, hands the request to the router, and
// writes its answer, which may come later from a job worker. While a
// synchronous execution waits, a client that closes its connection has its
// run cancelled. Every wait is bounded by a timeout except the wait for a
// run, which the run's own ttl bounds.
class Session : public std::enable_shared_from_this<Session> {
 public:
  using Closed = std::function<void(Session*)>;

  Session(boost::asio::ip::tcp::socket&& socket, Router& router, AccessLog& log,
          const SessionOptions& options, ByteBudget& answers, Closed on_closed);
  ~Session();

  void Start();
  // For shutdown: closes the connection now if it is idle between
  // requests, else after the answer to the current request.
  void Close();

 private:
  enum class State { kIdle, kReading, kWaiting, kWriting, kClosed };

  void ReadHeader();
  // Reads until the header (or, with reading_body_, the whole request) is
  // in, one read at a time, checking the deadline before each.
  void ReadMore();
  void OnReadSome(boost::beast::error_code ec);
  void OnHeader(boost::beast::error_code ec);
  void ReadBody();
  void OnBody(boost::beast::error_code ec);
  // Bounds a read with a timer that cancels it, leaving the socket open
  // so a 408 can be answered. Disarm returns whether it fired.
  void ArmReadDeadline(std::chrono::milliseconds timeout);
  bool DisarmReadDeadline();
  void Dispatch();
  void OnAnswer(Answer answer);
  void WatchForDisconnect();
  void OnReadable(boost::beast::error_code ec);
  // Answers a request that cannot be read further, then closes.
  void Refuse(const api::ApiError& error);
  void RefuseShuttingDown();
  ReadLimits Limits() const;
  void Write(Answer answer, bool close_after);
  void OnWrite(bool close_after, boost::beast::error_code ec);
  // Closes politely: stops sending, reads (for a bounded time) what the
  // client still sends, so that an unread body does not make the kernel
  // reset the connection before the client has read the answer.
  void LingerThenClose();
  void DrainThenClose();
  void CloseNow();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  boost::beast::http::response<boost::beast::http::empty_body> continue_;
  boost::beast::http::response<boost::beast::http::string_body> response_;
  boost::asio::steady_timer read_deadline_;
  std::chrono::steady_clock::time_point read_deadline_at_;
  std::uint64_t read_generation_ = 0;
  bool read_timed_out_ = false;
  bool reading_body_ = false;
  Router& router_;
  AccessLog& log_;
  const SessionOptions options_;
  ByteBudget& answers_;
  std::size_t reserved_ = 0;  // of answers_, for the answer being written
  Closed on_closed_;
  State state_ = State::kIdle;
  bool closing_ = false;      // the server is shutting down, or the client left
  bool client_gone_ = false;  // it left while its run went on
  Router::Abandon abandon_;
  RequestRecord record_;
  std::string target_;  // the request target in origin form (path and query)
  std::chrono::steady_clock::time_point started_;
  std::array<char, 4096> linger_buffer_{};
};

}  // namespace http

#endif  // REFERENCE_SERVER_HTTP_SESSION_H_

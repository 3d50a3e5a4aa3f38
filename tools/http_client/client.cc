#include "tools/http_client/client.h"

#include <poll.h>

#include <optional>
#include <string_view>
#include <utility>

#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/beast/core/flat_buffer.hpp"
#include "boost/beast/http.hpp"
#include "tools/http_client/deadline_stream.h"

namespace http_client {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using base::ErrorCode;

namespace {

// 1xx answers before the final one (100 Continue, 103 Early Hints) are
// skipped, up to this many.
constexpr int kMaxInterimAnswers = 8;

using BeastRequest = http::request<http::string_body>;
using BeastResponse = http::response<http::string_body>;

BeastRequest ToBeast(const Request& request) {
  BeastRequest out;
  out.method_string(request.method);
  out.target(request.target);
  out.version(11);
  for (const Header& header : request.headers) {
    if (!boost::beast::iequals(header.name, "Content-Length")) {
      out.insert(header.name, header.value);
    }
  }
  out.body() = request.body;
  // RFC 9110 section 8.6: a Content-Length where the method gives content a
  // meaning, even 0; none on an empty GET, HEAD or DELETE, as browsers do.
  const std::string_view method = request.method;
  const bool takes_body =
      method == "POST" || method == "PUT" || method == "PATCH" || method == "OPTIONS";
  if (!request.body.empty() || takes_body) out.content_length(request.body.size());
  return out;
}

Response FromBeast(const BeastResponse& in) {
  Response response;
  response.status = static_cast<int>(in.result_int());
  for (const auto& field : in) {
    response.headers.push_back({std::string(field.name_string()), std::string(field.value())});
  }
  response.body = in.body();
  return response;
}

// The errors of a connection the server closed (or reset) under us.
bool ServerClosed(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == http::error::partial_message ||
         ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset ||
         ec == boost::asio::error::connection_aborted || ec == boost::asio::error::broken_pipe;
}

std::string Authority(const std::string& host, const std::string& port) {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + port;
}

std::string Millis(std::chrono::milliseconds limit) {
  return std::to_string(limit.count()) + " ms";
}

}  // namespace

struct Client::Impl {
  // One attempt's outcome, and whether sending the request again is safe.
  struct Attempt {
    base::Expected<Response> answer;
    bool resendable = false;
  };

  Impl(std::string h, std::string p, Options o)
      : host(std::move(h)), port(std::move(p)), where(Authority(host, port)), options(o) {}

  base::Error Fail(ErrorCode code, std::string message) const {
    return base::MakeError(code, std::move(message), where);
  }
  base::Error Abandon() {
    Close();
    abandoned = true;
    return Fail(ErrorCode::kUnavailable, "abandoned: the watched connection hung up");
  }
  bool Stale();
  base::Status Connect(int watch_fd);
  Attempt Exchange(BeastRequest& out, bool head, int watch_fd);
  Attempt ReadAnswer(DeadlineStream& stream, bool head);
  void Close();

  const std::string host;
  const std::string port;
  const std::string where;
  const Options options;
  boost::asio::io_context io;  // only an executor for the socket: never run
  tcp::socket socket{io};
  boost::beast::flat_buffer buffer;
  bool abandoned = false;
};

// A kept-alive connection is unusable once the server closed it, or sent
// anything unasked (a 408 before closing): both read as readable while idle.
bool Client::Impl::Stale() {
  if (buffer.size() != 0) return true;
  pollfd fd{socket.native_handle(), POLLIN | POLLRDHUP, 0};
  return ::poll(&fd, 1, 0) != 0;
}

void Client::Impl::Close() {
  boost::system::error_code ignored;
  if (socket.is_open()) socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
  buffer.clear();
}

base::Status Client::Impl::Connect(int watch_fd) {
  Close();
  boost::system::error_code ec;
  tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve(host, port, ec);
  if (ec || endpoints.empty()) {
    return Fail(ErrorCode::kUnavailable, "cannot resolve the host: " + ec.message());
  }
  const auto deadline = DeadlineStream::Clock::now() + options.connect_timeout;
  for (const auto& entry : endpoints) {
    socket.open(entry.endpoint().protocol(), ec);
    if (ec) continue;
    DeadlineStream stream(socket);
    stream.SetDeadline(deadline);
    stream.WatchForHangup(watch_fd);
    stream.Connect(entry.endpoint(), ec);
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      return base::Ok();
    }
    Close();
    if (stream.watched_hung_up()) return Abandon();
    if (ec == boost::asio::error::timed_out) {
      return Fail(ErrorCode::kDeadlineExceeded,
                  "cannot connect: no connection within " + Millis(options.connect_timeout));
    }
  }
  return Fail(ErrorCode::kUnavailable, "cannot connect: " + ec.message());
}

Client::Impl::Attempt Client::Impl::Exchange(BeastRequest& out, bool head, int watch_fd) {
  DeadlineStream stream(socket);
  stream.WatchForHangup(watch_fd);
  stream.ExpiresAfter(options.send_timeout);
  boost::system::error_code ec;
  http::write(stream, out, ec);
  if (stream.watched_hung_up()) return {Abandon()};
  if (ec == boost::asio::error::timed_out) {
    Close();
    return {Fail(ErrorCode::kDeadlineExceeded,
                 "the request was not taken within " + Millis(options.send_timeout))};
  }
  // Read even when the write failed: a server that refuses a request from
  // its header may answer and close before taking all of the body.
  return ReadAnswer(stream, head);
}

Client::Impl::Attempt Client::Impl::ReadAnswer(DeadlineStream& stream, bool head) {
  stream.ExpiresAfter(options.answer_timeout);
  boost::system::error_code ec;
  std::optional<http::response_parser<http::string_body>> parser;
  for (int interim = 0; interim <= kMaxInterimAnswers; ++interim) {
    parser.emplace();
    parser->body_limit(options.max_body_bytes);
    parser->header_limit(options.max_header_bytes);
    if (head) parser->skip(true);
    http::read(stream, buffer, *parser, ec);
    if (ec || parser->get().result_int() >= 200) break;
  }
  if (!ec && parser->get().result_int() >= 200) {
    Response response = FromBeast(parser->get());
    if (!parser->get().keep_alive()) Close();
    return {std::move(response)};
  }
  if (stream.watched_hung_up()) return {Abandon()};
  Close();
  if (!ec) return {Fail(ErrorCode::kInternal, "too many interim (1xx) answers")};
  if (ec == boost::asio::error::timed_out) {
    return {Fail(ErrorCode::kDeadlineExceeded,
                 "no whole answer within " + Millis(options.answer_timeout))};
  }
  if (ServerClosed(ec)) {
    const bool nothing_came = stream.bytes_read() == 0;
    return {Fail(ErrorCode::kUnavailable,
                 (nothing_came ? "the connection closed before any answer: "
                               : "the connection closed in the middle of the answer: ") +
                     ec.message()),
            nothing_came};
  }
  const ErrorCode code = ec.category() == boost::system::system_category() ? ErrorCode::kUnavailable
                                                                           : ErrorCode::kInternal;
  return {Fail(code, "reading the answer: " + ec.message())};
}

Client::Client(std::string host, std::string port, Options options)
    : impl_(std::make_unique<Impl>(std::move(host), std::move(port), options)) {}

Client::Client(std::string host, std::uint16_t port, Options options)
    : Client(std::move(host), std::to_string(port), options) {}

Client::~Client() { impl_->Close(); }

base::Expected<Response> Client::Send(const Request& request) { return Send(request, -1); }

base::Expected<Response> Client::Send(const Request& request, int watch_fd) {
  Impl& impl = *impl_;
  impl.abandoned = false;
  BeastRequest out = ToBeast(request);
  const bool head = request.method == "HEAD";
  for (int attempt = 1;; ++attempt) {
    if (impl.socket.is_open() && impl.Stale()) impl.Close();
    const bool reused = impl.socket.is_open();
    if (!reused) {
      if (base::Status connected = impl.Connect(watch_fd); !connected) {
        return std::move(connected).error();
      }
    }
    Impl::Attempt result = impl.Exchange(out, head, watch_fd);
    // The retry policy (client.h): once, and only for a reused connection
    // that the server closed before a byte of the answer.
    if (result.answer.ok() || !reused || !result.resendable || attempt == 2) {
      return std::move(result.answer);
    }
  }
}

bool Client::abandoned() const { return impl_->abandoned; }

const std::string& Client::where() const { return impl_->where; }

void Client::Close() { impl_->Close(); }

}  // namespace http_client

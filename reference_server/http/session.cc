#include "reference_server/http/session.h"

#include <sys/socket.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <cerrno>

#include "base/ascii.h"
#include "reference_server/api/error.h"
#include "reference_server/http/routes.h"

namespace http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using api::ErrorCode;
using api::MakeError;

namespace {

constexpr auto kLingerTime = std::chrono::seconds(2);

std::string RemoteOf(const net::ip::tcp::socket& socket) {
  beast::error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "";
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

}  // namespace

Session::Session(net::ip::tcp::socket&& socket, Router& router, AccessLog& log,
                 const SessionOptions& options, ByteBudget& answers, Closed on_closed)
    : stream_(std::move(socket)),
      // Room for one header and one read: what the parser has not consumed
      // (a chunk header, trailers, a pipelined request) cannot grow past it.
      buffer_(options.max_header_bytes + 64 * 1024),
      read_deadline_(stream_.get_executor()),
      router_(router),
      log_(log),
      options_(options),
      answers_(answers),
      on_closed_(std::move(on_closed)) {}

Session::~Session() {
  if (reserved_ != 0) answers_.Release(reserved_);
  if (on_closed_) on_closed_(this);
}

void Session::Start() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    beast::error_code ignored;
    // Answers go out at once rather than waiting on Nagle's algorithm
    // (40 ms stalls for pipelined requests otherwise).
    self->stream_.socket().set_option(net::ip::tcp::no_delay(true), ignored);
    self->ReadHeader();
  });
}

void Session::Close() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    self->closing_ = true;
    // Between requests nothing is lost by closing. A request still being
    // read is cut short and answered 503 at once (ReadMore sees closing_),
    // rather than holding the shutdown until its client finishes; an
    // answer in progress goes out first, with "Connection: close".
    if (self->state_ == State::kIdle && !(self->parser_ && self->parser_->got_some())) {
      self->CloseNow();
    } else if (self->state_ == State::kIdle || self->state_ == State::kReading) {
      beast::error_code ignored;
      self->stream_.socket().cancel(ignored);
    }
  });
}

void Session::ReadHeader() {
  if (closing_) return CloseNow();
  state_ = State::kIdle;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
  parser_->body_limit(options_.max_body_bytes);
  record_ = RequestRecord{};
  record_.remote = RemoteOf(stream_.socket());
  // The idle wait and the header's arrival share one deadline: a client
  // that trickles a header byte by byte is cut off all the same.
  stream_.expires_never();
  ArmReadDeadline(options_.idle_timeout);
  reading_body_ = false;
  ReadMore();
}

void Session::ReadMore() {
  // The deadline is checked before every read, not only by the timer: a
  // timer that fires while a read has just completed would otherwise find
  // nothing to cancel, and the next read would wait without a bound.
  if (closing_) return OnReadSome(net::error::operation_aborted);
  if (read_timed_out_ || std::chrono::steady_clock::now() >= read_deadline_at_) {
    read_timed_out_ = true;
    return OnReadSome(net::error::operation_aborted);
  }
  bhttp::async_read_some(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnReadSome(ec); });
}

void Session::OnReadSome(beast::error_code ec) {
  const bool complete = reading_body_ ? parser_->is_done() : parser_->is_header_done();
  if (!ec && !complete) return ReadMore();
  if (reading_body_) return OnBody(ec);
  OnHeader(ec);
}

void Session::OnHeader(beast::error_code ec) {
  started_ = std::chrono::steady_clock::now();
  const bool timed_out = DisarmReadDeadline();
  if (ec) {
    const bool got_some = parser_->got_some();
    if (closing_ && got_some) return RefuseShuttingDown();
    const auto answer = ReadFailureAnswer(ReadPhase::kHeader, ec, got_some, timed_out, Limits());
    return answer ? Refuse(*answer) : CloseNow();  // no answer: the client left, or never spoke
  }
  state_ = State::kReading;
  const auto& header = parser_->get();
  record_.method = std::string(header.method_string());
  target_ = OriginForm(std::string_view(header.target().data(), header.target().size()));
  record_.path = std::string(PathOf(target_));
  if (auto malformed = FramingProblem(FactsOf(*parser_))) return Refuse(*malformed);
  std::optional<Answer> screened =
      router_.Screen(record_.method, target_, std::string(header[bhttp::field::authorization]),
                     std::string(header[bhttp::field::content_type]));
  if (screened) {
    // The body was not read: the connection cannot carry another request.
    // Nor can it when the client asked to close (RFC 9112 section 9.6),
    // whether or not there was a body.
    return Write(std::move(*screened), !parser_->is_done() || !parser_->keep_alive());
  }
  if (parser_->is_done()) return Dispatch();
  // HTTP/1.0 clients cannot expect 100 Continue (RFC 9110 section 10.1.1).
  if (header.version() == 11 &&
      base::EqualsIgnoreCase(header[bhttp::field::expect], "100-continue")) {
    continue_ = bhttp::response<bhttp::empty_body>(bhttp::status::continue_, 11);
    stream_.expires_after(options_.write_timeout);
    return bhttp::async_write(stream_, continue_,
                              [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                if (ec) return self->CloseNow();
                                self->ReadBody();
                              });
  }
  ReadBody();
}

void Session::ReadBody() {
  stream_.expires_never();
  ArmReadDeadline(options_.request_timeout);
  reading_body_ = true;
  ReadMore();
}

void Session::OnBody(beast::error_code ec) {
  const bool timed_out = DisarmReadDeadline();
  if (!ec) return Dispatch();
  if (closing_) return RefuseShuttingDown();
  const auto answer = ReadFailureAnswer(ReadPhase::kBody, ec, true, timed_out, Limits());
  return answer ? Refuse(*answer) : CloseNow();
}

ReadLimits Session::Limits() const { return {options_.max_header_bytes, options_.max_body_bytes}; }

void Session::ArmReadDeadline(std::chrono::milliseconds timeout) {
  read_timed_out_ = false;
  read_deadline_at_ = std::chrono::steady_clock::now() + timeout;
  const std::uint64_t generation = ++read_generation_;
  read_deadline_.expires_at(read_deadline_at_);
  read_deadline_.async_wait([self = shared_from_this(), generation](beast::error_code ec) {
    // Only the deadline of the read still in progress counts.
    if (ec || generation != self->read_generation_) return;
    if (self->state_ != State::kIdle && self->state_ != State::kReading) return;
    self->read_timed_out_ = true;
    beast::error_code ignored;
    // Cancelling (not closing, as tcp_stream's own timeout would) keeps the
    // socket open for the 408 answer.
    self->stream_.socket().cancel(ignored);
  });
}

bool Session::DisarmReadDeadline() {
  ++read_generation_;
  read_deadline_.cancel();
  return read_timed_out_;
}

void Session::Dispatch() {
  state_ = State::kWaiting;
  stream_.expires_never();  // a run is bounded by its own ttl
  auto message = parser_->release();
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::move(target_);
  request.authorization = std::string(message[bhttp::field::authorization]);
  request.content_type = std::string(message[bhttp::field::content_type]);
  request.body = std::move(message.body());
  record_.request_bytes = request.body.size();
  // The answer may come from a job worker's thread: it is carried over to
  // this connection's strand.
  auto self = shared_from_this();
  abandon_ = router_.Handle(request, [self](Answer answer) {
    net::post(self->stream_.get_executor(),
              [self, answer = std::move(answer)]() mutable { self->OnAnswer(std::move(answer)); });
  });
  if (abandon_) WatchForDisconnect();
}

void Session::WatchForDisconnect() {
  stream_.socket().async_wait(
      net::ip::tcp::socket::wait_read,
      [self = shared_from_this()](beast::error_code ec) { self->OnReadable(ec); });
}

void Session::OnReadable(beast::error_code ec) {
  if (state_ != State::kWaiting || !abandon_ || ec == net::error::operation_aborted) return;
  // What the client sends meanwhile (a pipelined request, a stray CRLF)
  // belongs to the next request: it is kept, and the watch goes on. Past a
  // header's worth the watch stops and TCP flow control holds the client.
  // Past a header's worth the rest is discarded and the connection closes
  // after the answer: the watch must go on, and memory stay bounded.
  ssize_t n;
  if (buffer_.size() < options_.max_header_bytes) {
    const auto space = buffer_.prepare(options_.max_header_bytes - buffer_.size());
    n = ::recv(stream_.socket().native_handle(), space.data(), space.size(), MSG_DONTWAIT);
    if (n > 0) buffer_.commit(static_cast<std::size_t>(n));
  } else {
    closing_ = true;
    n = ::recv(stream_.socket().native_handle(), linger_buffer_.data(), linger_buffer_.size(),
               MSG_DONTWAIT);
  }
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
    return WatchForDisconnect();
  }
  if (n > 0) return WatchForDisconnect();
  // End of stream or an error: nobody will read the answer. Stop the run.
  Router::Abandon abandon = std::move(abandon_);
  abandon_ = nullptr;
  closing_ = true;
  client_gone_ = true;
  abandon();
}

void Session::OnAnswer(Answer answer) {
  abandon_ = nullptr;
  beast::error_code ignored;
  stream_.socket().cancel(ignored);  // ends the disconnect watch
  const bool keep_alive = parser_ && parser_->keep_alive();
  Write(std::move(answer), !keep_alive);
}

void Session::RefuseShuttingDown() {
  Refuse(MakeError(ErrorCode::kShuttingDown, "", "the server is shutting down"));
}

void Session::Refuse(const api::ApiError& error) { Write(ErrorAnswer(error), true); }

void Session::Write(Answer answer, bool close_after) {
  if (state_ == State::kClosed) return;
  close_after = close_after || closing_;
  state_ = State::kWriting;
  if (!answers_.TryReserve(answer.body.size())) {
    // A sync result is not lost: its job stays readable (GET /jobs/{id}).
    Answer busy = ErrorAnswer(MakeError(
        ErrorCode::kServerBusy, "",
        "too many answers are waiting to be read by their clients; retry later" +
            (answer.job_id.empty() ? std::string() : " (GET /jobs/" + answer.job_id + ")")));
    busy.job_id = std::move(answer.job_id);
    busy.headers.emplace_back("Retry-After", "1");
    answer = std::move(busy);
    answers_.Reserve(answer.body.size());  // a small refusal goes out anyway
  }
  reserved_ = answer.body.size();
  const unsigned version = parser_ && parser_->get().version() == 10 ? 10 : 11;
  response_ =
      bhttp::response<bhttp::string_body>(static_cast<bhttp::status>(answer.status), version);
  response_.set(bhttp::field::server, "execprobe-reference");
  response_.set(bhttp::field::content_type, "application/json");
  response_.set(bhttp::field::cache_control, "no-store");
  response_.set("X-Content-Type-Options", "nosniff");
  for (const auto& [name, value] : answer.headers) response_.set(name, value);
  response_.keep_alive(!close_after);
  response_.body() = std::move(answer.body);
  response_.prepare_payload();

  record_.status = answer.status;
  record_.job_id = std::move(answer.job_id);
  record_.error_code = client_gone_ ? "client_disconnected" : std::move(answer.error_code);
  record_.response_bytes = response_.body().size();
  record_.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - started_)
                            .count();
  log_.Request(record_);

  stream_.expires_after(options_.write_timeout);
  bhttp::async_write(stream_, response_,
                     [self = shared_from_this(), close_after](beast::error_code ec, std::size_t) {
                       self->OnWrite(close_after, ec);
                     });
}

void Session::OnWrite(bool close_after, beast::error_code ec) {
  response_ = {};
  answers_.Release(reserved_);
  reserved_ = 0;
  if (ec) return CloseNow();
  if (close_after || closing_) return LingerThenClose();
  ReadHeader();
}

void Session::LingerThenClose() {
  state_ = State::kClosed;
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  stream_.expires_after(kLingerTime);  // once: the reads below share it
  DrainThenClose();
}

void Session::DrainThenClose() {
  stream_.async_read_some(net::buffer(linger_buffer_),
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec) return self->CloseNow();
                            self->DrainThenClose();
                          });
}

void Session::CloseNow() {
  state_ = State::kClosed;
  ++read_generation_;
  read_deadline_.cancel();
  abandon_ = nullptr;
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  stream_.close();
}

}  // namespace http

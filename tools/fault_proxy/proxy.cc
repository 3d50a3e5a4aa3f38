#include "tools/fault_proxy/proxy.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <list>
#include <mutex>
#include <thread>

#include "base/ascii.h"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/write.hpp"
#include "boost/beast/core/flat_buffer.hpp"
#include "boost/beast/http.hpp"
#include "tools/fault_proxy/beast_message.h"
#include "tools/fault_proxy/upstream.h"
#include "tools/fault_proxy/wire_faults.h"
#include "tools/fault_proxy/wire_writer.h"
#include "tools/http_client/deadline_stream.h"

namespace fault_proxy {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

// Longer than the upstream's own idle timeout (30 s), so that the proxy is
// never the one that closes an idle kept-alive connection first.
constexpr auto kClientIdleLimit = std::chrono::minutes(5);
constexpr auto kClientWriteLimit = std::chrono::minutes(5);
constexpr std::size_t kMaxConnections = 1024;

http::response<http::string_body> ToBeast(const Response& response, const std::string& method,
                                          unsigned version, bool keep_alive) {
  http::response<http::string_body> out;
  out.result(static_cast<unsigned>(response.status));
  out.version(version);
  // These answers carry no body whatever their Content-Length says, so the
  // upstream's Content-Length goes through untouched.
  const bool bodiless = !AnswerCarriesBody(method, response.status);
  for (const Header& header : response.headers) {
    if (bodiless || !base::EqualsIgnoreCase(header.name, "Content-Length")) {
      out.insert(header.name, header.value);
    }
  }
  if (!bodiless) {
    out.body() = response.body;
    out.content_length(response.body.size());
  }
  out.keep_alive(keep_alive);
  return out;
}

Response ProxyError(int status, std::string_view code, std::string_view message) {
  std::string body = "{\"success\":false,\"error\":\"fault_proxy: ";
  body.append(message).append("\",\"code\":\"").append(code).append("\"}");
  return JsonResponse(status, std::move(body));
}

}  // namespace

struct Proxy::Impl {
  struct Connection {
    explicit Connection(tcp::socket s) : socket(std::move(s)), fd(socket.native_handle()) {}
    tcp::socket socket;
    const int fd;         // for Stop(), which must not touch `socket`
    bool closed = false;  // guarded by Impl::mutex
    std::thread thread;
    std::atomic<bool> done{false};
  };

  Impl(const Flags& f, const Fault& fa, FaultState& s)
      : flags(f), fault(fa), state(s), acceptor(io) {}

  void ServeConnection(Connection& connection);
  void Reap(bool all);

  const Flags flags;
  const Fault& fault;
  FaultState& state;
  boost::asio::io_context io;  // only an executor for the sockets: never run
  tcp::acceptor acceptor;
  int wake_fd = -1;
  std::mutex mutex;
  std::list<Connection> connections;  // guarded by mutex
  bool stopping = false;              // guarded by mutex
};

Proxy::Proxy(const Flags& flags, const Fault& fault, FaultState& state)
    : impl_(std::make_unique<Impl>(flags, fault, state)) {
  impl_->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

Proxy::~Proxy() {
  Stop();
  impl_->Reap(/*all=*/true);
  if (impl_->wake_fd >= 0) close(impl_->wake_fd);
}

base::Status Proxy::Listen() {
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(impl_->flags.listen_host, ec);
  if (ec) {
    return base::MakeError(base::ErrorCode::kInvalidArgument,
                           "'" + impl_->flags.listen_host + "' is not an IP address", "--listen");
  }
  const tcp::endpoint endpoint(address, impl_->flags.listen_port);
  tcp::acceptor& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return base::MakeError(base::ErrorCode::kUnavailable,
                           "cannot listen on " + endpoint.address().to_string() + ":" +
                               std::to_string(endpoint.port()) + ": " + ec.message(),
                           "--listen");
  }
  return base::Ok();
}

std::uint16_t Proxy::port() const {
  boost::system::error_code ec;
  const tcp::endpoint endpoint = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

std::string Proxy::url() const {
  const std::string& host = impl_->flags.listen_host;
  const bool v6 = host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port());
}

void Proxy::Stop() {
  std::lock_guard lock(impl_->mutex);
  impl_->stopping = true;
  const std::uint64_t one = 1;
  if (impl_->wake_fd >= 0) (void)!write(impl_->wake_fd, &one, sizeof one);
  // shutdown(), not close(): the connection thread still owns the
  // descriptor; this only wakes its waits, which then fail.
  for (Impl::Connection& connection : impl_->connections) {
    if (!connection.closed) ::shutdown(connection.fd, SHUT_RDWR);
  }
}

void Proxy::Serve() {
  Impl& impl = *impl_;
  while (true) {
    pollfd fds[2] = {{impl.acceptor.native_handle(), POLLIN, 0}, {impl.wake_fd, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) break;
    if (fds[1].revents != 0) break;
    if ((fds[0].revents & POLLIN) == 0) continue;
    boost::system::error_code ec;
    tcp::socket socket = impl.acceptor.accept(ec);
    if (ec) continue;
    impl.Reap(/*all=*/false);
    std::lock_guard lock(impl.mutex);
    if (impl.stopping) break;
    if (impl.connections.size() >= kMaxConnections) continue;  // closes it
    Impl::Connection& connection = impl.connections.emplace_back(std::move(socket));
    connection.thread = std::thread([&impl, &connection] {
      impl.ServeConnection(connection);
      // Closed under the mutex, so that Stop() never shuts down a
      // descriptor number that was closed and reused meanwhile.
      std::lock_guard closing(impl.mutex);
      boost::system::error_code ignored;
      connection.socket.shutdown(tcp::socket::shutdown_both, ignored);
      connection.socket.close(ignored);
      connection.closed = true;
      connection.done = true;
    });
  }
  boost::system::error_code ignored;
  impl.acceptor.close(ignored);
  Stop();  // also when Serve ends on its own: no connection may outlive it
  impl.Reap(/*all=*/true);
}

void Proxy::Impl::Reap(bool all) {
  std::list<Connection> finished;
  {
    std::lock_guard lock(mutex);
    for (auto it = connections.begin(); it != connections.end();) {
      auto next = std::next(it);
      if (all || it->done) finished.splice(finished.end(), connections, it);
      it = next;
    }
  }
  for (Connection& connection : finished) {
    if (connection.thread.joinable()) connection.thread.join();
  }
}

void Proxy::Impl::ServeConnection(Connection& connection) {
  tcp::socket& client = connection.socket;
  boost::system::error_code ec;
  client.set_option(tcp::no_delay(true), ec);
  http_client::DeadlineStream stream(client);
  boost::beast::flat_buffer buffer;
  UpstreamConnection upstream(flags.upstream);
  // One turn per request; ends when either side closes or errs (each turn
  // blocks only under a deadline).
  while (true) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kMaxBodyBytes);
    parser.header_limit(kMaxHeaderBytes);
    stream.ExpiresAfter(kClientIdleLimit);
    http::read_header(stream, buffer, parser, ec);
    // Beast takes a Transfer-Encoding that does not end in chunked for no
    // body at all, and would read that "body" as the next request: the
    // proxy itself would smuggle. RFC 9112 section 6.3: 400, and close.
    const bool unsafe_framing =
        !ec && parser.get().count(http::field::transfer_encoding) != 0 && !parser.chunked();
    if (unsafe_framing) ec = http::error::bad_transfer_encoding;
    if (!ec && boost::beast::iequals(parser.get()[http::field::expect], "100-continue") &&
        parser.get().version() >= 11) {
      stream.ExpiresAfter(kClientWriteLimit);
      boost::asio::write(stream, boost::asio::buffer("HTTP/1.1 100 Continue\r\n\r\n", 25), ec);
    }
    if (!ec) http::read(stream, buffer, parser, ec);
    std::optional<Response> answer;
    if (ec == http::error::end_of_stream || ec == boost::asio::error::timed_out ||
        ec == boost::asio::error::connection_reset || ec == boost::asio::error::operation_aborted) {
      return;
    } else if (ec == http::error::body_limit) {
      answer = ProxyError(413, "payload_too_large", "the body is over the proxy's 32 MiB");
    } else if (ec == http::error::header_limit) {
      answer = ProxyError(431, "headers_too_large", "the header is over the proxy's limit");
    } else if (ec) {
      answer = ProxyError(400, "bad_request", "the request is not well-formed HTTP/1.1");
    }
    const auto& request = parser.get();
    const bool keep_alive = !answer && request.keep_alive();
    // The proxy's own answers to broken HTTP stay correct: wire faults
    // distort what the upstream answered.
    WireAction action = WireAction::kAsIs;
    if (!answer) {
      if (RequestHangs(fault.wire, state)) {
        // answer-hangs: the client waits for an answer that never comes;
        // the idle limit frees the thread of a client that never gives up.
        HoldSilently(client.native_handle(), kClientIdleLimit);
        return;
      }
      answer = RunExchange(fault, state, RequestFromBeast(request), [&](const Request& forwarded) {
        return upstream.Exchange(PrepareForUpstream(forwarded, flags.upstream),
                                 client.native_handle());
      });
      if (upstream.client_gone()) return;
      action = PlanAnswer(fault.wire, request.method_string(), keep_alive, *answer);
    }
    const unsigned version = request.version() == 10 ? 10 : 11;
    auto out = ToBeast(*answer, std::string(request.method_string()), version, keep_alive);
    stream.ExpiresAfter(kClientWriteLimit);
    if (!WriteAnswer(stream, client.native_handle(), out, action)) return;
  }
}

}  // namespace fault_proxy

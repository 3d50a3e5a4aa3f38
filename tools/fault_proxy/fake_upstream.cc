#include "tools/fault_proxy/fake_upstream.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <list>
#include <mutex>
#include <thread>

#include "base/ascii.h"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/beast/core/flat_buffer.hpp"
#include "boost/beast/http.hpp"
#include "tools/fault_proxy/beast_message.h"
#include "tools/fault_proxy/client_message.h"
#include "tools/http_client/client.h"
#include "tools/http_client/deadline_stream.h"

namespace fault_proxy {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

constexpr auto kWaitLimit = std::chrono::seconds(30);

template <bool kIsRequest>
void CopyOut(const Message& from, http::message<kIsRequest, http::string_body>& to) {
  for (const Header& header : from.headers) {
    if (!base::EqualsIgnoreCase(header.name, "Content-Length")) {
      to.insert(header.name, header.value);
    }
  }
  to.body() = from.body;
  to.content_length(from.body.size());
}

}  // namespace

struct FakeUpstream::Impl {
  struct Connection {
    explicit Connection(tcp::socket s) : socket(std::move(s)), fd(socket.native_handle()) {}
    tcp::socket socket;
    const int fd;
    std::thread thread;
  };

  void Accept();
  void Serve(tcp::socket& socket);

  Handler handler;
  boost::asio::io_context io;
  tcp::acceptor acceptor{io};
  int wake_fd = eventfd(0, EFD_CLOEXEC);
  std::thread acceptor_thread;
  mutable std::mutex mutex;
  std::vector<Request> received;      // guarded by mutex
  std::list<Connection> connections;  // guarded by mutex
};

FakeUpstream::FakeUpstream(Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  const tcp::endpoint endpoint(boost::asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  impl_->acceptor_thread = std::thread([this] { impl_->Accept(); });
}

FakeUpstream::~FakeUpstream() {
  const std::uint64_t one = 1;
  (void)!write(impl_->wake_fd, &one, sizeof one);
  impl_->acceptor_thread.join();
  {
    std::lock_guard lock(impl_->mutex);
    for (Impl::Connection& connection : impl_->connections) ::shutdown(connection.fd, SHUT_RDWR);
  }
  for (Impl::Connection& connection : impl_->connections) connection.thread.join();
  close(impl_->wake_fd);
}

std::uint16_t FakeUpstream::port() const { return impl_->acceptor.local_endpoint().port(); }

int FakeUpstream::connections_accepted() const {
  std::lock_guard lock(impl_->mutex);
  return static_cast<int>(impl_->connections.size());
}

std::vector<Request> FakeUpstream::received() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->received;
}

void FakeUpstream::Impl::Accept() {
  while (true) {
    pollfd fds[2] = {{acceptor.native_handle(), POLLIN, 0}, {wake_fd, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0 || fds[1].revents != 0) return;
    boost::system::error_code ec;
    tcp::socket socket = acceptor.accept(ec);
    if (ec) continue;
    std::lock_guard lock(mutex);
    Connection& connection = connections.emplace_back(std::move(socket));
    connection.thread = std::thread([this, &connection] { Serve(connection.socket); });
  }
}

void FakeUpstream::Impl::Serve(tcp::socket& socket) {
  http_client::DeadlineStream stream(socket);
  boost::beast::flat_buffer buffer;
  // One turn per request; each read and write is bounded by kWaitLimit.
  while (true) {
    http::request<http::string_body> in;
    boost::system::error_code ec;
    stream.ExpiresAfter(kWaitLimit);
    http::read(stream, buffer, in, ec);
    if (ec) return;
    const Request request = RequestFromBeast(in);
    {
      std::lock_guard lock(mutex);
      received.push_back(request);
    }
    const Response answer = handler(request);
    http::response<http::string_body> out;
    out.result(static_cast<unsigned>(answer.status));
    CopyOut(answer, out);
    out.keep_alive(in.keep_alive());
    http::write(stream, out, ec);
    if (ec || !in.keep_alive()) return;
  }
}

struct TestClient::Impl {
  explicit Impl(std::uint16_t port) : client("127.0.0.1", port, Options()) {}
  static http_client::Options Options() {
    http_client::Options options;
    options.connect_timeout = kWaitLimit;
    options.send_timeout = kWaitLimit;
    options.answer_timeout = kWaitLimit;
    return options;
  }
  http_client::Client client;
};

TestClient::TestClient(std::uint16_t port) : impl_(std::make_unique<Impl>(port)) {}
TestClient::~TestClient() = default;

Response TestClient::Send(const Request& request) {
  base::Expected<http_client::Response> answer = impl_->client.Send(ToClientRequest(request));
  if (!answer) {
    Response failed;
    failed.status = 0;
    failed.body = answer.error().Describe();
    return failed;
  }
  return FromClientResponse(std::move(answer).value());
}

}  // namespace fault_proxy

#include "reference_server/testing/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>

namespace server_test {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

void SetSocketTimeouts(int fd, std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = timeout.count() / 1000;
  tv.tv_usec = (timeout.count() % 1000) * 1000;
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

int ConnectTo(const std::string& host, std::uint16_t port, int receive_buffer = 0) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  if (inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) return -1;
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (receive_buffer > 0) {
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  }
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

struct HttpClient::Connection {
  net::io_context io;
  tcp::socket socket{io};
  beast::flat_buffer buffer;
};

HttpClient::HttpClient(std::string host, std::uint16_t port, std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(port), timeout_(timeout) {}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::Send(const std::string& method, const std::string& target,
                              const Headers& headers, const std::string& body) {
  HttpResponse response;
  // One retry on a fresh connection: the server may have closed the kept-
  // alive one (idle timeout, or "Connection: close" on the last answer).
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!connection_) {
      const int fd = ConnectTo(host_, port_);
      if (fd < 0) {
        response.error = "cannot connect";
        return response;
      }
      SetSocketTimeouts(fd, timeout_);
      connection_ = std::make_unique<Connection>();
      connection_->socket.assign(tcp::v4(), fd);
    }
    bhttp::request<bhttp::string_body> request(bhttp::string_to_verb(method), target, 11);
    if (request.method() == bhttp::verb::unknown) request.method_string(method);
    request.set(bhttp::field::host, host_ + ":" + std::to_string(port_));
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = body;
    if (!body.empty() || method == "POST") request.prepare_payload();
    beast::error_code ec;
    bhttp::write(connection_->socket, request, ec);
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(1ULL << 30);
    if (!ec) bhttp::read(connection_->socket, connection_->buffer, parser, ec);
    if (ec) {
      connection_.reset();
      response.error = ec.message();
      // A write or read on a connection the server had closed: retry once.
      if (attempt == 0 && (ec == bhttp::error::end_of_stream || ec == net::error::broken_pipe ||
                           ec == net::error::connection_reset)) {
        continue;
      }
      return response;
    }
    const auto& message = parser.get();
    response.error.clear();
    response.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
      response.headers[Lower(std::string(field.name_string()))] = std::string(field.value());
    }
    response.body = message.body();
    if (!message.keep_alive()) connection_.reset();
    return response;
  }
  return response;
}

HttpResponse HttpClient::Get(const std::string& target, const std::string& key) {
  return Send("GET", target, {{"Authorization", "Bearer " + key}});
}

HttpResponse HttpClient::Delete(const std::string& target, const std::string& key) {
  return Send("DELETE", target, {{"Authorization", "Bearer " + key}});
}

HttpResponse HttpClient::PostJson(const std::string& target, const std::string& key,
                                  const std::string& json) {
  return Send("POST", target,
              {{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"}}, json);
}

HttpResponse HttpClient::PostText(const std::string& target, const std::string& key,
                                  const std::string& text) {
  return Send("POST", target, {{"Authorization", "Bearer " + key}, {"Content-Type", "text/plain"}},
              text);
}

RawConnection::RawConnection(const std::string& host, std::uint16_t port,
                             std::chrono::milliseconds timeout, int receive_buffer)
    : fd_(ConnectTo(host, port, receive_buffer)), timeout_(timeout) {
  if (fd_ >= 0) SetSocketTimeouts(fd_, timeout_);
}

RawConnection::~RawConnection() { Close(); }

void RawConnection::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

bool RawConnection::Send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

std::string RawConnection::ReadUntilClosed(bool* closed) {
  std::string data;
  char buffer[4096];
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  if (closed) *closed = false;
  while (std::chrono::steady_clock::now() < deadline) {
    const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
    if (n == 0 || (n < 0 && errno == ECONNRESET)) {
      if (closed) *closed = true;
      break;
    }
    if (n < 0) break;  // SO_RCVTIMEO passed
    data.append(buffer, static_cast<std::size_t>(n));
  }
  return data;
}

std::string RawConnection::ReadOneResponse() {
  std::string data;
  char buffer[4096];
  std::size_t expected = std::string::npos;
  while (expected == std::string::npos || data.size() < expected) {
    const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    data.append(buffer, static_cast<std::size_t>(n));
    const std::size_t end = data.find("\r\n\r\n");
    if (end != std::string::npos && expected == std::string::npos) {
      const std::string head = Lower(data.substr(0, end));
      const std::size_t at = head.find("content-length:");
      const std::size_t length = at == std::string::npos ? 0 : std::stoul(head.substr(at + 15));
      expected = end + 4 + length;
    }
  }
  return data;
}

int StatusOf(const std::string& raw) {
  if (raw.rfind("HTTP/1.", 0) != 0 || raw.size() < 12) return 0;
  return std::atoi(raw.substr(9, 3).c_str());
}

}  // namespace server_test

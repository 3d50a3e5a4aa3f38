#include "reference_server/testing/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "base/ascii.h"
#include "tools/http_client/client.h"

namespace server_test {

namespace {

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

http_client::Options OptionsFor(std::chrono::milliseconds timeout) {
  http_client::Options options;
  options.connect_timeout = timeout;
  options.send_timeout = timeout;
  options.answer_timeout = timeout;
  options.max_body_bytes = 1ULL << 30;
  return options;
}

// Host first; each header given replaces those of the same name, as a
// test naming a header means that one value.
std::vector<http_client::Header> RequestHeaders(const std::string& host_header,
                                                const Headers& headers) {
  std::vector<http_client::Header> out = {{"Host", host_header}};
  for (const auto& [name, value] : headers) {
    std::erase_if(
        out, [&](const http_client::Header& h) { return base::EqualsIgnoreCase(h.name, name); });
    out.push_back({name, value});
  }
  return out;
}

}  // namespace

HttpClient::HttpClient(std::string host, std::uint16_t port, std::chrono::milliseconds timeout)
    : host_(std::move(host)),
      port_(port),
      client_(std::make_unique<http_client::Client>(host_, port_, OptionsFor(timeout))) {}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::Send(const std::string& method, const std::string& target,
                              const Headers& headers, const std::string& body) {
  const http_client::Request request{
      method, target, RequestHeaders(host_ + ":" + std::to_string(port_), headers), body};
  const base::Expected<http_client::Response> answer = client_->Send(request);
  HttpResponse response;
  if (!answer.ok()) {
    response.error = answer.error().Describe();
    return response;
  }
  response.status = answer->status;
  for (const http_client::Header& header : answer->headers) {
    response.headers[base::AsciiLowered(header.name)] = header.value;
  }
  response.body = answer->body;
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
      const std::string head = base::AsciiLowered(data.substr(0, end));
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

#include "tools/fault_proxy/raw_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "base/ascii.h"
#include "tools/fault_proxy/message.h"

namespace fault_proxy {

using Clock = std::chrono::steady_clock;

int RawAnswer::status() const {
  // "HTTP/1.x NNN ..."
  if (head.size() < 12 || head.compare(0, 5, "HTTP/") != 0) return 0;
  return std::atoi(head.substr(9, 3).c_str());
}

std::optional<std::string> RawAnswer::Header(std::string_view name) const {
  std::size_t line = head.find("\r\n");
  while (line != std::string::npos && line + 2 < head.size()) {
    const std::size_t start = line + 2;
    const std::size_t end = head.find("\r\n", start);
    if (end == std::string::npos || end == start) break;
    const std::string_view text = std::string_view(head).substr(start, end - start);
    const std::size_t colon = text.find(':');
    if (colon != std::string_view::npos && base::EqualsIgnoreCase(text.substr(0, colon), name)) {
      std::string_view value = text.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
        value.remove_prefix(1);
      }
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
      return std::string(value);
    }
    line = end;
  }
  return std::nullopt;
}

RawClient::RawClient(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

RawClient::~RawClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawClient::Send(std::string_view bytes) {
  while (fd_ >= 0 && !bytes.empty()) {
    // MSG_NOSIGNAL: a proxy that closed must fail the test, not kill it.
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return fd_ >= 0;
}

bool RawClient::ReadMore(Clock::time_point deadline) {
  while (fd_ >= 0 && !peer_closed_) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd ready{fd_, POLLIN, 0};
    const int polled = ::poll(&ready, 1, static_cast<int>(left.count()));
    if (polled < 0 && errno != EINTR) return false;
    if (polled <= 0) continue;
    char buffer[4096];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      peer_closed_ = true;  // EOF, or a reset: either way the peer is gone
      return false;
    }
    pending_.append(buffer, static_cast<std::size_t>(n));
    return true;
  }
  return false;
}

RawAnswer RawClient::ReadAnswer() {
  const Clock::time_point deadline = Clock::now() + kWaitLimit;
  RawAnswer answer;
  std::size_t blank = pending_.find("\r\n\r\n");
  while (blank == std::string::npos) {
    if (!ReadMore(deadline)) {
      answer.head = std::move(pending_);
      pending_.clear();
      return answer;
    }
    blank = pending_.find("\r\n\r\n");
  }
  answer.head = pending_.substr(0, blank + 4);
  pending_.erase(0, blank + 4);
  const std::optional<std::string> length = answer.Header("Content-Length");
  const std::size_t wanted = length ? std::strtoull(length->c_str(), nullptr, 10) : 0;
  while (pending_.size() < wanted && ReadMore(deadline)) {
  }
  const std::size_t got = std::min(wanted, pending_.size());
  answer.body = pending_.substr(0, got);
  pending_.erase(0, got);
  answer.complete = got == wanted;
  return answer;
}

std::string RawClient::ReadUntilClosed(std::chrono::milliseconds limit) {
  const Clock::time_point deadline = Clock::now() + limit;
  while (ReadMore(deadline)) {
  }
  std::string all = std::move(pending_);
  pending_.clear();
  return all;
}

bool RawClient::QuietFor(std::chrono::milliseconds window) {
  const std::size_t before = pending_.size();
  ReadMore(Clock::now() + window);
  return pending_.size() == before && !peer_closed_;
}

void RawClient::CloseOurSide() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

}  // namespace fault_proxy

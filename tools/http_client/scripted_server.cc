#include "tools/http_client/scripted_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

#include "base/ascii.h"

namespace http_client {

namespace {

constexpr auto kWaitLimit = std::chrono::seconds(30);

bool SendAll(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

// The Content-Length of a request head (lower-cased), 0 when absent.
std::size_t ContentLength(const std::string& lowered_head) {
  const std::size_t at = lowered_head.find("\r\ncontent-length:");
  return at == std::string::npos ? 0 : std::strtoul(lowered_head.c_str() + at + 17, nullptr, 10);
}

}  // namespace

ScriptedServer::ScriptedServer(std::vector<Action> script) : script_(std::move(script)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::listen(listen_fd_, 16) == 0 &&
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port_ = ntohs(address.sin_port);
  }
  thread_ = std::thread([this] { Run(); });
}

ScriptedServer::~ScriptedServer() {
  const std::uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
  thread_.join();
  ::close(listen_fd_);
  ::close(wake_fd_);
}

int ScriptedServer::requests_read() const {
  std::lock_guard lock(mutex_);
  return requests_read_;
}

int ScriptedServer::connections_accepted() const {
  std::lock_guard lock(mutex_);
  return connections_;
}

int ScriptedServer::clients_gone() const {
  std::lock_guard lock(mutex_);
  return clients_gone_;
}

std::vector<std::string> ScriptedServer::heads() const {
  std::lock_guard lock(mutex_);
  return heads_;
}

bool ScriptedServer::WaitForRequests(int count) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, kWaitLimit, [&] { return requests_read_ >= count; });
}

bool ScriptedServer::WaitForClientsGone(int count) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, kWaitLimit, [&] { return clients_gone_ >= count; });
}

bool ScriptedServer::HasPendingConnection() const {
  pollfd fd{listen_fd_, POLLIN, 0};
  return ::poll(&fd, 1, 0) > 0;
}

ScriptedServer::Action ScriptedServer::NextAction() {
  return next_ < script_.size() ? script_[next_++] : Action::kAnswer;
}

// True when `fd` has something to read (or was closed); false once the
// server is being destroyed.
bool ScriptedServer::WaitReadable(int fd) {
  pollfd fds[2] = {{fd, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  while (::poll(fds, 2, -1) < 0) {
    if (errno != EINTR) return false;
  }
  return fds[1].revents == 0;
}

void ScriptedServer::Run() {
  while (WaitReadable(listen_fd_)) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    {
      std::lock_guard lock(mutex_);
      ++connections_;
    }
    changed_.notify_all();
    Serve(fd);
    ::close(fd);
  }
}

// Waits until the client sends (true) or closes (false).
bool ScriptedServer::ClientSends(int fd) {
  char byte;
  return WaitReadable(fd) && ::recv(fd, &byte, 1, MSG_PEEK) == 1;
}

// Reads one request (head, then Content-Length bytes of body) from
// `pending` and `fd`; false when the client closed first.
bool ScriptedServer::ReadRequest(int fd, std::string& pending) {
  std::size_t end = std::string::npos;
  while ((end = pending.find("\r\n\r\n")) == std::string::npos ||
         pending.size() < end + 4 + ContentLength(base::AsciiLowered(pending.substr(0, end)))) {
    char buffer[65536];
    if (!WaitReadable(fd)) return false;
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    pending.append(buffer, static_cast<std::size_t>(n));
  }
  const std::string head = pending.substr(0, end + 4);
  pending.erase(0, end + 4 + ContentLength(base::AsciiLowered(head)));
  {
    std::lock_guard lock(mutex_);
    ++requests_read_;
    heads_.push_back(head);
  }
  changed_.notify_all();
  return true;
}

// Answers nothing until the client leaves or the server is destroyed.
void ScriptedServer::Hold(int fd) {
  pollfd fds[2] = {{fd, POLLRDHUP, 0}, {wake_fd_, POLLIN, 0}};
  while (::poll(fds, 2, -1) < 0) {
    if (errno != EINTR) return;
  }
  if (fds[0].revents == 0) return;
  {
    std::lock_guard lock(mutex_);
    ++clients_gone_;
  }
  changed_.notify_all();
}

void ScriptedServer::Serve(int fd) {
  const std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n";
  std::string pending;
  while (!pending.empty() || ClientSends(fd)) {
    const Action action = NextAction();
    if (action == Action::kCloseUnread) return;
    if (action == Action::kHoldUnread) return Hold(fd);
    if (!ReadRequest(fd, pending)) return;
    const bool head = heads().back().starts_with("HEAD ");
    switch (action) {
      case Action::kCloseAfterReading:
        return;
      case Action::kCloseMidAnswer:
        SendAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nok");
        return;
      case Action::kHold:
        return Hold(fd);
      case Action::kAnswerContinue:
        if (!SendAll(fd, "HTTP/1.1 100 Continue\r\n\r\n")) return;
        [[fallthrough]];
      default:
        if (!SendAll(fd, head ? answer : answer + "ok")) return;
        if (action == Action::kAnswerThenClose) return;
    }
  }
}

}  // namespace http_client

#include "tools/http_client/deadline_stream.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

namespace http_client {

DeadlineStream::DeadlineStream(boost::asio::ip::tcp::socket& socket) : socket_(socket) {
  boost::system::error_code ignored;
  socket_.non_blocking(true, ignored);
}

void DeadlineStream::Connect(const boost::asio::ip::tcp::endpoint& endpoint,
                             boost::system::error_code& ec) {
  ec = {};
  const int fd = socket_.native_handle();
  if (::connect(fd, endpoint.data(), static_cast<socklen_t>(endpoint.size())) == 0) return;
  // EINTR: the connection goes on being made, as with EINPROGRESS.
  if (errno != EINPROGRESS && errno != EINTR) {
    ec.assign(errno, boost::system::system_category());
    return;
  }
  if (!WaitReady(/*for_read=*/false, ec)) return;
  int error = 0;
  socklen_t length = sizeof error;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
  if (error != 0) ec.assign(error, boost::system::system_category());
}

bool DeadlineStream::WaitReady(bool for_read, boost::system::error_code& ec) {
  while (true) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline_ - Clock::now());
    if (left.count() <= 0) {
      ec = boost::asio::error::timed_out;
      return false;
    }
    pollfd fds[2] = {
        {socket_.native_handle(), static_cast<short>(for_read ? POLLIN : POLLOUT), 0},
        // POLLRDHUP, not POLLIN: a client that sends its next request early
        // (pipelining) is not leaving and must not wake this loop.
        {watched_fd_, POLLRDHUP, 0},
    };
    const nfds_t count = watched_fd_ >= 0 ? 2 : 1;
    const int timeout = static_cast<int>(std::min<long long>(left.count(), 60'000));
    const int ready = ::poll(fds, count, timeout);
    if (ready < 0) {
      if (errno == EINTR) continue;
      ec.assign(errno, boost::system::system_category());
      return false;
    }
    if (count == 2 && (fds[1].revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0) {
      watched_hung_up_ = true;
      ec = boost::asio::error::operation_aborted;
      return false;
    }
    if (fds[0].revents != 0) return true;
  }
}

}  // namespace http_client

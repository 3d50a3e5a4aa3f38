#ifndef TOOLS_HTTP_CLIENT_DEADLINE_STREAM_H_
#define TOOLS_HTTP_CLIENT_DEADLINE_STREAM_H_

#include <chrono>
#include <cstddef>

#include "boost/asio/ip/tcp.hpp"
#include "boost/system/error_code.hpp"

namespace http_client {

// A TCP socket as a Beast SyncReadStream/SyncWriteStream whose every wait
// is bounded by a deadline. Plain blocking Asio calls cannot be (Asio polls
// without a timeout, whatever SO_RCVTIMEO says), and neither a test nor a
// proxy thread may hang on a peer that stopped talking. Optionally it also
// watches another descriptor, so that a wait for a server ends as soon as
// the client waiting for that answer (a proxy's) hangs up.
class DeadlineStream {
 public:
  using Clock = std::chrono::steady_clock;

  // Puts `socket`, which must be open, in non-blocking mode: readiness
  // comes from poll().
  explicit DeadlineStream(boost::asio::ip::tcp::socket& socket);

  void SetDeadline(Clock::time_point deadline) { deadline_ = deadline; }
  void ExpiresAfter(Clock::duration limit) { deadline_ = Clock::now() + limit; }
  // -1: watch nothing.
  void WatchForHangup(int fd) { watched_fd_ = fd; }
  // True once a wait ended because the watched descriptor hung up.
  bool watched_hung_up() const { return watched_hung_up_; }
  // What read_some has returned in all: 0 means not one byte came.
  std::size_t bytes_read() const { return bytes_read_; }

  // Connects the socket under the deadline (Asio's own connect waits as
  // long as the kernel does, about two minutes for an unanswered SYN).
  void Connect(const boost::asio::ip::tcp::endpoint& endpoint, boost::system::error_code& ec);

  template <typename MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers, boost::system::error_code& ec) {
    // Bounded by the deadline: each turn waits at most until it.
    while (WaitReady(/*for_read=*/true, ec)) {
      const std::size_t n = socket_.read_some(buffers, ec);
      if (ec != boost::asio::error::would_block && ec != boost::asio::error::try_again) {
        bytes_read_ += n;
        return n;
      }
    }
    return 0;
  }

  template <typename ConstBuffers>
  std::size_t write_some(const ConstBuffers& buffers, boost::system::error_code& ec) {
    while (WaitReady(/*for_read=*/false, ec)) {
      const std::size_t n = socket_.write_some(buffers, ec);
      if (ec != boost::asio::error::would_block && ec != boost::asio::error::try_again) return n;
    }
    return 0;
  }

  template <typename MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers) {
    boost::system::error_code ec;
    const std::size_t n = read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

  template <typename ConstBuffers>
  std::size_t write_some(const ConstBuffers& buffers) {
    boost::system::error_code ec;
    const std::size_t n = write_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

 private:
  // True when the socket is ready (or has an error the next call reports);
  // false with `ec` set on timeout, poll failure or hang-up of the watched fd.
  bool WaitReady(bool for_read, boost::system::error_code& ec);

  boost::asio::ip::tcp::socket& socket_;
  Clock::time_point deadline_ = Clock::now();
  int watched_fd_ = -1;
  bool watched_hung_up_ = false;
  std::size_t bytes_read_ = 0;
};

}  // namespace http_client

#endif  // TOOLS_HTTP_CLIENT_DEADLINE_STREAM_H_

#include "tools/fault_proxy/wire_writer.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <string_view>

#include "boost/asio/write.hpp"

namespace fault_proxy {

namespace http = boost::beast::http;

namespace {

using Answer = http::response<http::string_body>;

// The status line and headers as they stand, then `body` as raw bytes:
// Beast's own body writer would not send a body that disagrees with the
// Content-Length the fault chose.
bool WriteHeadThenBytes(http_client::DeadlineStream& stream, Answer& answer,
                        std::string_view body) {
  boost::system::error_code ec;
  http::serializer<false, http::string_body> head(answer);
  http::write_header(stream, head, ec);
  if (!ec) boost::asio::write(stream, boost::asio::buffer(body.data(), body.size()), ec);
  return !ec;
}

}  // namespace

bool WriteAnswer(http_client::DeadlineStream& stream, int client_fd, Answer& answer,
                 WireAction action) {
  boost::system::error_code ec;
  switch (action) {
    case WireAction::kAsIs:
      http::write(stream, answer, ec);
      return !ec && answer.keep_alive();
    case WireAction::kKeepOpen:
      // The proxy framed this answer with the close the client asked for;
      // every trace of it goes (the upstream's own Connection header went
      // as hop-by-hop), and the loop reads on as if nothing was asked.
      answer.erase(http::field::connection);
      http::write(stream, answer, ec);
      return !ec;
    case WireAction::kTruncate: {
      // The caller's close follows at once, as from a server that died in
      // the middle of writing.
      const std::string_view body = answer.body();
      WriteHeadThenBytes(stream, answer, body.substr(0, TruncatedLength(body.size())));
      return false;
    }
    case WireAction::kOverstateLength:
      answer.content_length(answer.body().size() + kLengthOverstatement);
      if (WriteHeadThenBytes(stream, answer, answer.body())) {
        HoldSilently(client_fd, kOverstatedHold);
      }
      return false;
  }
  return false;
}

void HoldSilently(int client_fd, std::chrono::steady_clock::duration limit) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + limit;
  while (true) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return;
    // POLLRDHUP and not POLLIN: bytes the client sends (a pipelined
    // request) must not wake this loop, only its leaving. POLLHUP and
    // POLLERR come anyway: a reset, or Proxy::Stop's shutdown().
    pollfd watch{client_fd, POLLRDHUP, 0};
    const int timeout = static_cast<int>(std::min<long long>(left.count(), 60'000));
    const int ready = ::poll(&watch, 1, timeout);
    if (ready < 0 && errno != EINTR) return;
    if (ready > 0 && watch.revents != 0) return;
  }
}

}  // namespace fault_proxy

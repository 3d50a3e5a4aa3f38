#include "reference_server/sandbox/output_capture.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>

namespace sandbox {

void CappedText::Append(const char* data, std::size_t size) {
  const std::size_t room = cap > text.size() ? cap - text.size() : 0;
  text.append(data, std::min(room, size));
  if (size > room) truncated = true;
}

PumpEnd PumpStreams(Stream* streams, int count, int cancel_fd,
                    std::chrono::steady_clock::time_point deadline) {
  constexpr int kMaxStreams = 8;
  pollfd fds[kMaxStreams + 1];
  char buffer[65536];
  for (;;) {
    int open_streams = 0;
    for (int i = 0; i < count; ++i) {
      fds[i] = {streams[i].fd, POLLIN, 0};  // a negative fd is ignored by poll
      if (streams[i].fd >= 0) ++open_streams;
    }
    if (open_streams == 0) return PumpEnd::kEndOfFile;
    fds[count] = {cancel_fd, POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return PumpEnd::kDeadline;
    const int timeout = static_cast<int>(std::min<long long>(left.count() + 1, 60 * 1000));
    if (poll(fds, static_cast<nfds_t>(count + 1), timeout) < 0) {
      if (errno == EINTR) continue;
      return PumpEnd::kError;
    }
    if (cancel_fd >= 0 && (fds[count].revents & (POLLIN | POLLHUP)) != 0) {
      return PumpEnd::kCancelled;
    }
    for (int i = 0; i < count; ++i) {
      if (streams[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const ssize_t n = read(streams[i].fd, buffer, sizeof buffer);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n < 0) return PumpEnd::kError;
      if (n == 0) {
        streams[i].fd = -1;
        continue;
      }
      streams[i].sink->Append(buffer, static_cast<std::size_t>(n));
    }
  }
}

}  // namespace sandbox

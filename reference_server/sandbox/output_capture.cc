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

PumpEnd PumpOutputs(int stdout_fd, int stderr_fd, int status_fd, int cancel_fd,
                    std::chrono::steady_clock::time_point deadline, CappedText& out,
                    CappedText& err, std::string& status_bytes) {
  pollfd fds[4] = {{stdout_fd, POLLIN, 0}, {stderr_fd, POLLIN, 0}, {status_fd, POLLIN, 0},
                   {cancel_fd, POLLIN, 0}};
  char buffer[65536];
  for (;;) {
    if (fds[0].fd < 0 && fds[1].fd < 0 && fds[2].fd < 0) return PumpEnd::kEndOfFile;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return PumpEnd::kDeadline;
    const int ready = poll(fds, cancel_fd >= 0 ? 4 : 3, static_cast<int>(std::min<long long>(
                                                             left.count() + 1, 1000 * 60)));
    if (ready < 0) {
      if (errno == EINTR) continue;
      return PumpEnd::kEndOfFile;
    }
    if (cancel_fd >= 0 && (fds[3].revents & (POLLIN | POLLHUP)) != 0) return PumpEnd::kCancelled;
    for (int i = 0; i < 3; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) {
        fds[i].fd = -1;  // poll ignores negative descriptors
        continue;
      }
      const auto size = static_cast<std::size_t>(n);
      if (i == 0) out.Append(buffer, size);
      if (i == 1) err.Append(buffer, size);
      if (i == 2) status_bytes.append(buffer, size);
    }
  }
}

}  // namespace sandbox

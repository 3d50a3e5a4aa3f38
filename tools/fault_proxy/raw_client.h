#ifndef TOOLS_FAULT_PROXY_RAW_CLIENT_H_
#define TOOLS_FAULT_PROXY_RAW_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fault_proxy {

// One answer as it came on the wire, framed by its Content-Length.
struct RawAnswer {
  std::string head;       // status line and headers, through the blank line
  std::string body;       // the body bytes that came, at most Content-Length
  bool complete = false;  // the head and all Content-Length bytes came

  int status() const;  // 0 when the status line is unreadable
  // The first value of header `name` (case-insensitive), if any.
  std::optional<std::string> Header(std::string_view name) const;
};

// For tests of what the proxy puts on the wire: a TCP client on
// 127.0.0.1:`port` that sends bytes as given and reads them as they come,
// seeing what an HTTP library would hide or refuse (a missing close, a
// short body, a close mid-answer). Every wait is bounded.
class RawClient {
 public:
  static constexpr auto kWaitLimit = std::chrono::seconds(30);

  explicit RawClient(std::uint16_t port);  // connects; ok() says whether it did
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool ok() const { return fd_ >= 0; }
  bool Send(std::string_view bytes);
  // Reads one answer: returns once it is complete, or the peer closed, or
  // kWaitLimit passed. Bytes after it stay for the next read.
  RawAnswer ReadAnswer();
  // Reads until the peer closes or `limit` passes; what came meanwhile.
  std::string ReadUntilClosed(std::chrono::milliseconds limit = kWaitLimit);
  // True when neither a byte nor a close arrives within `window`. Silence
  // can only be observed over some time: this is that window, not a wait
  // for anything to happen.
  bool QuietFor(std::chrono::milliseconds window);
  // Ends our side (FIN): the peer sees the client leave.
  void CloseOurSide();
  bool peer_closed() const { return peer_closed_; }

 private:
  // Appends what arrives before `deadline` to pending_; false on close,
  // error or timeout.
  bool ReadMore(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string pending_;
  bool peer_closed_ = false;
};

}  // namespace fault_proxy

#endif  // TOOLS_FAULT_PROXY_RAW_CLIENT_H_

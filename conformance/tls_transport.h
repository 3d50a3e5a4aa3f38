#ifndef CONFORMANCE_TLS_TRANSPORT_H_
#define CONFORMANCE_TLS_TRANSPORT_H_

// The byte stream under a raw exchange (raw_http.cc): a non-blocking TCP
// socket, or TLS over it (OpenSSL, verified as HttpClient verifies). The
// exchange logic is written once against RawTransport; only the I/O calls
// and which poll() events make them progress differ.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "base/expected.h"
#include "conformance/target_url.h"

namespace conformance {

class RawTransport {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Status {
    kOk,          // `bytes` were sent or received
    kWouldBlock,  // nothing now: poll() for PollEvents() and try again
    kClosed,      // Recv: the server closed (`error` is "" for an orderly close, else why)
    kFailed,      // Send: the bytes cannot go out (`error` says why)
  };
  struct Io {
    Status status = Status::kOk;
    std::size_t bytes = 0;
    std::string error;
  };

  explicit RawTransport(int fd) : fd_(fd) {}
  virtual ~RawTransport();  // closes the socket
  RawTransport(const RawTransport&) = delete;
  RawTransport& operator=(const RawTransport&) = delete;

  int fd() const { return fd_; }
  virtual Io Send(const char* data, std::size_t size);
  virtual Io Recv(char* data, std::size_t size);
  // Nothing more will be sent: the server is to see the end (for TLS a
  // close_notify first, flushed by `deadline`), reading goes on.
  virtual void ShutdownWrite(Clock::time_point deadline);
  // The events to poll() for so that a receive, and a send when `sending`,
  // can make progress.
  virtual short PollEvents(bool sending) const;
  // After poll(): whether a receive / a send is worth trying.
  virtual bool RecvReady(short revents) const;
  virtual bool SendReady(short revents) const;
  // Bytes are already buffered for Recv, though poll() may not say so.
  virtual bool Buffered() const { return false; }

 protected:
  int fd_;
};

// The socket as it is (http). Takes the connected, non-blocking socket.
std::unique_ptr<RawTransport> PlainTransport(int fd);

// Whether url's TLS settings can be used: a --ca-file that cannot be read
// (kNotFound, kPermissionDenied) or holds no certificate (kInvalidArgument)
// is named (where = the file); no system authorities is kFailedPrecondition.
// The OpenSSL context is made once per (ca_file, insecure) and shared by
// every thread.
base::Status CheckTlsSettings(const TargetUrl& url);

// A TLS handshake (SNI and the name or IP check for url.host; the server's
// certificate verified against the system's authorities or url.ca_file,
// unless url.insecure) on the connected, non-blocking socket `fd`, which
// it takes, by `deadline`. Fails with the error of CheckTlsSettings, or
// kUnavailable "TLS handshake with URL failed: ...".
base::Expected<std::unique_ptr<RawTransport>> TlsTransport(
    const TargetUrl& url, int fd, RawTransport::Clock::time_point deadline);

}  // namespace conformance

#endif  // CONFORMANCE_TLS_TRANSPORT_H_

#include "conformance/tls_transport.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <utility>

#include "conformance/ca_file.h"

namespace conformance {

namespace {

using Clock = RawTransport::Clock;
using Io = RawTransport::Io;
using Status = RawTransport::Status;
using base::ErrorCode;
using base::MakeError;

bool WouldBlock(int error) { return error == EAGAIN || error == EWOULDBLOCK || error == EINTR; }

int PollTimeout(Clock::time_point now, Clock::time_point until) {
  if (until <= now) return 0;
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(until - now).count();
  return static_cast<int>(std::min<std::int64_t>((micros + 999) / 1000, 60'000));
}

// Waits until `fd` is ready for `events` or `deadline` passes; whether ready.
bool WaitFor(int fd, short events, Clock::time_point deadline) {
  while (true) {
    const Clock::time_point now = Clock::now();
    if (now >= deadline) return false;
    pollfd pfd{fd, events, 0};
    const int ready = poll(&pfd, 1, PollTimeout(now, deadline));
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return false;
  }
}

// The oldest error of this thread's OpenSSL queue, in words.
std::string OpenSslReason() {
  const unsigned long code = ERR_get_error();
  if (code == 0) return "unknown error";
  const char* reason = ERR_reason_error_string(code);
  if (reason != nullptr) return reason;
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

bool IsIpLiteral(const std::string& host) {
  unsigned char address[16];
  return inet_pton(AF_INET, host.c_str(), address) == 1 ||
         inet_pton(AF_INET6, host.c_str(), address) == 1;
}

// One SSL_CTX per (ca_file, insecure), made on first use and kept for the
// process (SSL_new on a shared context is thread-safe).
class ContextCache {
 public:
  base::Expected<SSL_CTX*> Get(const TargetUrl& url) {
    const std::pair<std::string, bool> key{url.insecure ? "" : url.ca_file, url.insecure};
    std::lock_guard<std::mutex> lock(mutex_);
    if (const auto found = contexts_.find(key); found != contexts_.end()) return found->second;
    base::Expected<SSL_CTX*> context = Make(key.first, key.second);
    if (context.ok()) contexts_.emplace(key, *context);
    return context;
  }

 private:
  static base::Expected<SSL_CTX*> Make(const std::string& ca_file, bool insecure) {
    ERR_clear_error();
    SSL_CTX* context = SSL_CTX_new(TLS_client_method());
    if (context == nullptr) {
      return MakeError(ErrorCode::kInternal, "cannot make a TLS context: " + OpenSslReason());
    }
    // Partial writes: a send reports each record that went out, like send(2).
    SSL_CTX_set_mode(context, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
    // A TCP close without close_notify is the server closing, as over http.
    SSL_CTX_set_options(context, SSL_OP_IGNORE_UNEXPECTED_EOF);
#endif
    if (insecure) {
      SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nullptr);
      return context;
    }
    SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nullptr);
    if (base::Status trusted = Trust(context, ca_file); !trusted.ok()) {
      SSL_CTX_free(context);
      return trusted.error();
    }
    return context;
  }

  // Loads the authorities to verify against: ca_file, or the system's.
  static base::Status Trust(SSL_CTX* context, const std::string& ca_file) {
    if (ca_file.empty()) {
      if (SSL_CTX_set_default_verify_paths(context) != 1) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "cannot load the system's certificate authorities: " + OpenSslReason());
      }
      return base::Ok();
    }
    if (base::Status readable = CheckCaFileReadable(ca_file); !readable.ok()) return readable;
    if (SSL_CTX_load_verify_locations(context, ca_file.c_str(), nullptr) != 1) {
      return CaFileHoldsNoCertificate(ca_file, OpenSslReason());
    }
    return base::Ok();
  }

  std::mutex mutex_;
  std::map<std::pair<std::string, bool>, SSL_CTX*> contexts_;
};

ContextCache& Contexts() {
  static ContextCache* cache = new ContextCache;  // never destroyed: threads may outlive exit
  return *cache;
}

class Tls : public RawTransport {
 public:
  Tls(int fd, SSL* ssl) : RawTransport(fd), ssl_(ssl) {
    BIO* bio = BIO_new(Method());
    BIO_set_data(bio, this);
    BIO_set_init(bio, 1);
    SSL_set_bio(ssl_, bio, bio);
  }
  ~Tls() override { SSL_free(ssl_); }

  // The handshake; its error says why it failed, without the "TLS
  // handshake" prefix.
  base::Status Handshake(bool insecure, Clock::time_point deadline) {
    while (true) {
      ERR_clear_error();
      last_errno_ = 0;
      const int rc = SSL_connect(ssl_);
      if (rc == 1) return base::Ok();
      const int error = SSL_get_error(ssl_, rc);
      short events = 0;
      if (error == SSL_ERROR_WANT_READ) {
        events = POLLIN;
      } else if (error == SSL_ERROR_WANT_WRITE) {
        events = POLLOUT;
      } else {
        std::string reason = Reason(error);
        const long verified = SSL_get_verify_result(ssl_);
        if (!insecure && error == SSL_ERROR_SSL && verified != X509_V_OK) {
          reason += std::string(" (") + X509_verify_cert_error_string(verified) + ")";
        }
        return MakeError(ErrorCode::kUnavailable, reason);
      }
      if (!WaitFor(fd_, events, deadline)) {
        return MakeError(ErrorCode::kDeadlineExceeded, "it did not finish within the timeout");
      }
    }
  }

  Io Send(const char* data, std::size_t size) override {
    ERR_clear_error();
    last_errno_ = 0;
    const int n = SSL_write(ssl_, data, static_cast<int>(std::min<std::size_t>(size, INT_MAX)));
    write_wants_read_ = false;
    if (n > 0) return Io{Status::kOk, static_cast<std::size_t>(n), ""};
    const int error = SSL_get_error(ssl_, n);
    if (error == SSL_ERROR_WANT_WRITE) return Io{Status::kWouldBlock, 0, ""};
    if (error == SSL_ERROR_WANT_READ) {
      write_wants_read_ = true;
      return Io{Status::kWouldBlock, 0, ""};
    }
    return Io{Status::kFailed, 0, Reason(error)};
  }

  Io Recv(char* data, std::size_t size) override {
    ERR_clear_error();
    last_errno_ = 0;
    const int n = SSL_read(ssl_, data, static_cast<int>(std::min<std::size_t>(size, INT_MAX)));
    read_wants_write_ = false;
    if (n > 0) return Io{Status::kOk, static_cast<std::size_t>(n), ""};
    const int error = SSL_get_error(ssl_, n);
    if (error == SSL_ERROR_WANT_READ) return Io{Status::kWouldBlock, 0, ""};
    if (error == SSL_ERROR_WANT_WRITE) {
      read_wants_write_ = true;
      return Io{Status::kWouldBlock, 0, ""};
    }
    // close_notify, or the TCP connection's end without it: the server closed.
    if (error == SSL_ERROR_ZERO_RETURN || (error == SSL_ERROR_SYSCALL && last_errno_ == 0)) {
      return Io{Status::kClosed, 0, ""};
    }
    return Io{Status::kClosed, 0,
              error == SSL_ERROR_SYSCALL ? Reason(error) : "TLS: " + Reason(error)};
  }

  void ShutdownWrite(Clock::time_point deadline) override {
    // close_notify, then the TCP end (a server reading for more sees both).
    ERR_clear_error();
    int rc = SSL_shutdown(ssl_);
    while (rc < 0 && SSL_get_error(ssl_, rc) == SSL_ERROR_WANT_WRITE &&
           WaitFor(fd_, POLLOUT, deadline)) {
      ERR_clear_error();
      rc = SSL_shutdown(ssl_);
    }
    shutdown(fd_, SHUT_WR);
  }

  short PollEvents(bool sending) const override {
    const bool out = (sending && !write_wants_read_) || read_wants_write_;
    return static_cast<short>(POLLIN | (out ? POLLOUT : 0));
  }
  bool RecvReady(short revents) const override {
    return (revents & (POLLIN | POLLHUP | POLLERR)) != 0 ||
           (read_wants_write_ && (revents & POLLOUT) != 0);
  }
  bool SendReady(short revents) const override {
    if (write_wants_read_) return (revents & (POLLIN | POLLHUP | POLLERR)) != 0;
    return (revents & POLLOUT) != 0;
  }
  // Decrypted bytes, or a whole record read from the socket but not yet
  // opened: poll() does not see either.
  // Decrypted bytes only: SSL_has_pending is also true for a partial
  // record, which SSL_read cannot finish until more arrives (a busy loop
  // of zero-timeout polls). Without read-ahead (the default) whatever is
  // not yet decrypted is still in the socket, where poll sees it.
  bool Buffered() const override { return SSL_pending(ssl_) > 0; }

 private:
  std::string Reason(int error) const {
    if (error == SSL_ERROR_SYSCALL) {
      return last_errno_ != 0 ? std::strerror(last_errno_) : "the server closed the connection";
    }
    if (error == SSL_ERROR_ZERO_RETURN) return "the server closed the connection";
    return OpenSslReason();
  }

  // A socket BIO of our own: send() with MSG_NOSIGNAL (a closed connection
  // is an error, not SIGPIPE), and the errno kept for the error text.
  static BIO_METHOD* Method() {
    static BIO_METHOD* method = [] {
      BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "raw_http socket");
      BIO_meth_set_write(m, &BioWrite);
      BIO_meth_set_read(m, &BioRead);
      BIO_meth_set_ctrl(m, &BioCtrl);
      return m;
    }();
    return method;
  }
  static int BioWrite(BIO* bio, const char* data, int size) {
    Tls* self = static_cast<Tls*>(BIO_get_data(bio));
    BIO_clear_retry_flags(bio);
    const ssize_t n =
        send(self->fd_, data, static_cast<std::size_t>(size), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) return static_cast<int>(n);
    if (WouldBlock(errno)) {
      BIO_set_retry_write(bio);
    } else {
      self->last_errno_ = errno;
    }
    return -1;
  }
  static int BioRead(BIO* bio, char* data, int size) {
    Tls* self = static_cast<Tls*>(BIO_get_data(bio));
    BIO_clear_retry_flags(bio);
    const ssize_t n = recv(self->fd_, data, static_cast<std::size_t>(size), MSG_DONTWAIT);
    if (n >= 0) return static_cast<int>(n);
    if (WouldBlock(errno)) {
      BIO_set_retry_read(bio);
    } else {
      self->last_errno_ = errno;
    }
    return -1;
  }
  static long BioCtrl(BIO*, int command, long, void*) { return command == BIO_CTRL_FLUSH ? 1 : 0; }

  SSL* ssl_;
  int last_errno_ = 0;             // of the last failed socket call
  bool write_wants_read_ = false;  // the last SSL_write waits for bytes from the server
  bool read_wants_write_ = false;  // the last SSL_read waits for room to send
};

}  // namespace

RawTransport::~RawTransport() { close(fd_); }

Io RawTransport::Send(const char* data, std::size_t size) {
  const ssize_t n = send(fd_, data, size, MSG_NOSIGNAL | MSG_DONTWAIT);
  if (n >= 0) return Io{Status::kOk, static_cast<std::size_t>(n), ""};
  if (WouldBlock(errno)) return Io{Status::kWouldBlock, 0, ""};
  return Io{Status::kFailed, 0, std::strerror(errno)};
}

Io RawTransport::Recv(char* data, std::size_t size) {
  const ssize_t n = recv(fd_, data, size, MSG_DONTWAIT);
  if (n > 0) return Io{Status::kOk, static_cast<std::size_t>(n), ""};
  if (n < 0 && WouldBlock(errno)) return Io{Status::kWouldBlock, 0, ""};
  return Io{Status::kClosed, 0, n < 0 ? std::strerror(errno) : ""};
}

void RawTransport::ShutdownWrite(Clock::time_point) { shutdown(fd_, SHUT_WR); }

short RawTransport::PollEvents(bool sending) const {
  return static_cast<short>(POLLIN | (sending ? POLLOUT : 0));
}

bool RawTransport::RecvReady(short revents) const {
  return (revents & (POLLIN | POLLHUP | POLLERR)) != 0;
}

bool RawTransport::SendReady(short revents) const { return (revents & POLLOUT) != 0; }

std::unique_ptr<RawTransport> PlainTransport(int fd) { return std::make_unique<RawTransport>(fd); }

base::Status CheckTlsSettings(const TargetUrl& url) {
  if (base::Expected<SSL_CTX*> context = Contexts().Get(url); !context.ok()) {
    return context.error();
  }
  return base::Ok();
}

base::Expected<std::unique_ptr<RawTransport>> TlsTransport(const TargetUrl& url, int fd,
                                                           Clock::time_point deadline) {
  const std::string failed = "TLS handshake with " + url.ToString() + " failed: ";
  const std::string hint = url.insecure ? "" : " (--ca-file FILE trusts a private authority)";
  const base::Expected<SSL_CTX*> context = Contexts().Get(url);
  if (!context.ok()) {
    close(fd);
    return context.error();
  }
  ERR_clear_error();
  SSL* ssl = SSL_new(*context);
  if (ssl == nullptr) {
    close(fd);
    return MakeError(ErrorCode::kInternal, failed + OpenSslReason(), url.ToString());
  }
  // The certificate must name the host: an IP literal as an IP SAN, a name
  // as a DNS name. SNI is for names only (RFC 6066).
  if (IsIpLiteral(url.host)) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), url.host.c_str());
  } else {
    SSL_set_tlsext_host_name(ssl, url.host.c_str());
    SSL_set1_host(ssl, url.host.c_str());
  }
  auto transport = std::make_unique<Tls>(fd, ssl);
  if (base::Status shook = transport->Handshake(url.insecure, deadline); !shook.ok()) {
    base::Error error = base::WithContext(shook.error(), failed);
    error.message += hint;
    error.where = url.ToString();
    return error;
  }
  return std::unique_ptr<RawTransport>(std::move(transport));
}

}  // namespace conformance

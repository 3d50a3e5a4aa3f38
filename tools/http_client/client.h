#ifndef TOOLS_HTTP_CLIENT_CLIENT_H_
#define TOOLS_HTTP_CLIENT_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/expected.h"

namespace http_client {

// Messages as plain data: headers keep their order and duplicates, so that
// a proxy can pass on exactly what it was sent.
struct Header {
  std::string name;
  std::string value;
};

struct Request {
  std::string method;
  std::string target;  // origin-form: path and query
  // Sent as given (no Host is added); any Content-Length is replaced by the
  // client's own, from `body`.
  std::vector<Header> headers;
  std::string body;
};

struct Response {
  int status = 0;
  std::vector<Header> headers;  // as received, in order
  std::string body;
};

// Every wait is bounded: the connect, the sending of a request, and the
// whole answer (from the end of the request), each by its own limit.
struct Options {
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(30);
  std::chrono::milliseconds send_timeout = std::chrono::seconds(60);
  std::chrono::milliseconds answer_timeout = std::chrono::seconds(60);
  std::uint64_t max_body_bytes = 64 << 20;
  std::uint32_t max_header_bytes = 64 << 10;
};

// A blocking HTTP/1.1 client on one kept-alive TCP connection (opened on
// first use, and again after the server closed it), for tests and tools.
// Not for many threads at once.
//
// The one retry policy: a request is sent a second time, on a new
// connection, only when it went out on a reused kept-alive connection and
// not one byte of the answer came before the server closed it (RFC 9112
// section 9.3.1: the server closed the idle connection as the request was
// on its way). Never otherwise: a request the server may have read and run
// (a POST that starts a job) is not sent twice: not after a timeout, not
// after part of an answer, not on a new connection. A kept-alive connection
// that already reads as closed is replaced before the request goes out, so
// the resend covers only the close that crosses the request on the wire (a
// server that read a request and closed without a byte looks the same from
// here; servers close kept-alive connections only while idle).
//
// Errors name "host:port" as their `where`: kDeadlineExceeded when a limit
// passed, kUnavailable when the server cannot be reached or closed the
// connection without a whole answer, kInternal when the answer is not
// HTTP/1.1 the client can read (malformed, or over a limit).
class Client {
 public:
  // `host` may be a name or an IP literal (IPv6 without brackets).
  Client(std::string host, std::string port, Options options = {});
  Client(std::string host, std::uint16_t port, Options options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  base::Expected<Response> Send(const Request& request);

  // As Send, but every wait is abandoned as soon as the peer of `watch_fd`
  // hangs up (a proxy's client, leaving while its request is upstream): the
  // connection is closed, so that the server too sees its client leave;
  // abandoned() then tells this apart from the server's failures. -1 watches
  // nothing.
  base::Expected<Response> Send(const Request& request, int watch_fd);

  // Whether the last Send ended because `watch_fd` hung up (its error is
  // then kUnavailable).
  bool abandoned() const;
  // "host:port", the `where` of every error.
  const std::string& where() const;
  // Closes the connection now; the next Send opens a new one.
  void Close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace http_client

#endif  // TOOLS_HTTP_CLIENT_CLIENT_H_

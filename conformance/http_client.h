#ifndef CONFORMANCE_HTTP_CLIENT_H_
#define CONFORMANCE_HTTP_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/expected.h"
#include "conformance/target_url.h"

namespace conformance {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;
  std::string target;  // path and query, as sent on the request line
  HeaderList headers;
  std::string body;
};

// What came back, or why nothing did: a missing answer is part of what a
// case judges and reports ("no answer: ..."), so it is kept here with the
// time it took rather than returned as a failure of Send.
struct HttpResponse {
  int status = 0;  // 0 when no answer arrived; `error` then says why
  std::string reason;
  HeaderList headers;
  std::string body;
  std::string error;
  std::chrono::milliseconds elapsed{0};

  // The first header of that name (case-insensitive), if any.
  std::optional<std::string> Header(const std::string& name) const;
};

// A blocking HTTP/1.1 client (over TLS for https) for one target, keeping
// one connection alive between requests. Not thread-safe: the runner gives
// each worker its own.
class HttpClient {
 public:
  explicit HttpClient(TargetUrl target);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends the request (base path prepended to its target, Host and
  // Content-Length added) and reads the answer, all within `timeout`. For
  // https, a --ca-file that cannot be used is the answer's error, naming
  // the file (the runner checks it once before any case: CheckTlsSettings).
  HttpResponse Send(const HttpRequest& request, std::chrono::milliseconds timeout);

 private:
  struct Connection;
  struct Tls;
  // Opens connection_ (TCP, and the TLS handshake for https).
  base::Status Connect(std::chrono::milliseconds timeout);
  // Loads the TLS settings into tls_ (once they load).
  base::Status LoadTls();
  base::Status Handshake(Connection& connection, std::chrono::milliseconds timeout);

  TargetUrl target_;
  std::unique_ptr<Tls> tls_;  // the TLS settings, for https, once loaded
  std::unique_ptr<Connection> connection_;
};

}  // namespace conformance

#endif  // CONFORMANCE_HTTP_CLIENT_H_

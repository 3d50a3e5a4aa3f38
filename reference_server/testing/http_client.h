#ifndef REFERENCE_SERVER_TESTING_HTTP_CLIENT_H_
#define REFERENCE_SERVER_TESTING_HTTP_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace http_client {
class Client;
}

namespace server_test {

struct HttpResponse {
  int status = 0;                              // 0: no answer (the error says why)
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string error;  // base::Error::Describe() of the shared client's error

  std::string header(const std::string& lower_name) const {
    const auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// A blocking HTTP/1.1 client on one kept-alive loopback connection
// (reconnecting when the server closed it): //tools/http_client with its
// one retry policy (a request is resent only when a reused connection
// closed before any byte of the answer), a Host header, and headers given
// here replacing same-named ones. Every wait (connect, send, answer) is
// bounded by `timeout`, so a hung server fails the test instead of hanging
// it.
class HttpClient {
 public:
  HttpClient(std::string host, std::uint16_t port,
             std::chrono::milliseconds timeout = std::chrono::seconds(60));
  ~HttpClient();

  HttpResponse Send(const std::string& method, const std::string& target,
                    const Headers& headers = {}, const std::string& body = "");

  // Shorthands with "Authorization: Bearer KEY".
  HttpResponse Get(const std::string& target, const std::string& key);
  HttpResponse Delete(const std::string& target, const std::string& key);
  HttpResponse PostJson(const std::string& target, const std::string& key, const std::string& json);
  HttpResponse PostText(const std::string& target, const std::string& key, const std::string& text);

 private:
  std::string host_;
  std::uint16_t port_;
  std::unique_ptr<http_client::Client> client_;
};

// A raw TCP connection for what a well-behaved client would not send.
class RawConnection {
 public:
  // `receive_buffer` > 0 sets SO_RCVBUF before connecting (a client that
  // can hold little of an answer).
  RawConnection(const std::string& host, std::uint16_t port,
                std::chrono::milliseconds timeout = std::chrono::seconds(30),
                int receive_buffer = 0);
  ~RawConnection();
  bool connected() const { return fd_ >= 0; }
  bool Send(const std::string& bytes);
  // Reads until the server closes the connection or `timeout` passes;
  // `closed` tells which.
  std::string ReadUntilClosed(bool* closed = nullptr);
  // Reads what arrives until the first "\r\n\r\n" plus Content-Length body.
  std::string ReadOneResponse();
  void Close();
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  std::chrono::milliseconds timeout_;
};

// The status code of a raw response ("HTTP/1.1 431 ..." -> 431), or 0.
int StatusOf(const std::string& raw_response);

}  // namespace server_test

#endif  // REFERENCE_SERVER_TESTING_HTTP_CLIENT_H_

#ifndef TOOLS_FAULT_PROXY_FAKE_UPSTREAM_H_
#define TOOLS_FAULT_PROXY_FAKE_UPSTREAM_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tools/fault_proxy/message.h"

namespace fault_proxy {

// An HTTP/1.1 server on 127.0.0.1 (port picked by the kernel) that answers
// with `handler` and records every request it receives, for tests of the
// proxy over real sockets. Every wait it makes is bounded.
class FakeUpstream {
 public:
  using Handler = std::function<Response(const Request&)>;

  explicit FakeUpstream(Handler handler);
  ~FakeUpstream();  // stops accepting, cuts connections, joins its threads
  FakeUpstream(const FakeUpstream&) = delete;
  FakeUpstream& operator=(const FakeUpstream&) = delete;

  std::uint16_t port() const;
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
  std::vector<Request> received() const;
  int connections_accepted() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A test client: sends `request` to 127.0.0.1:`port` with the shared
// //tools/http_client (one kept-alive connection) and reads the answer;
// status 0 and the error in the body when there is none. Headers are sent
// as given, plus Content-Length where the method takes a body.
class TestClient {
 public:
  explicit TestClient(std::uint16_t port);
  ~TestClient();
  Response Send(const Request& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fault_proxy

#endif  // TOOLS_FAULT_PROXY_FAKE_UPSTREAM_H_

#ifndef TOOLS_FAULT_PROXY_PROXY_H_
#define TOOLS_FAULT_PROXY_PROXY_H_

#include <cstdint>
#include <memory>
#include <string>

#include "base/expected.h"
#include "tools/fault_proxy/faults.h"
#include "tools/fault_proxy/flags.h"

namespace fault_proxy {

// The HTTP/1.1 proxy: one thread per client connection, each request
// forwarded through `fault` to the upstream. Beast stays out of this
// header: it is heavy, and tests and main need none of it.
class Proxy {
 public:
  // `fault` and `state` must outlive the proxy.
  Proxy(const Flags& flags, const Fault& fault, FaultState& state);
  ~Proxy();  // Stop()s; Serve() must have returned
  Proxy(const Proxy&) = delete;
  Proxy& operator=(const Proxy&) = delete;

  // kInvalidArgument (where "--listen") when the listen host is not an IP
  // address; kUnavailable when the address cannot be bound (in use...).
  base::Status Listen();
  std::uint16_t port() const;
  std::string url() const;  // http://HOST:PORT, once listening

  // Accepts and serves until Stop(); returns once every connection thread
  // has ended.
  void Serve();
  // From any thread: stops accepting and cuts every connection short
  // (a request waiting for the upstream is abandoned).
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fault_proxy

#endif  // TOOLS_FAULT_PROXY_PROXY_H_

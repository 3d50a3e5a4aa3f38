#ifndef CONFORMANCE_PROBE_LISTENER_H_
#define CONFORMANCE_PROBE_LISTENER_H_

#include <atomic>
#include <string>
#include <thread>

#include "base/expected.h"

namespace conformance {

// A TCP listener on 127.0.0.1 that the network cases' programs try to
// reach: a zerotrust program must fail to connect, a semitrusted one on
// the same host may succeed. It answers "probe\n" and closes.
class ProbeListener {
 public:
  ProbeListener() = default;
  ~ProbeListener();
  ProbeListener(const ProbeListener&) = delete;
  ProbeListener& operator=(const ProbeListener&) = delete;

  // Listens on 127.0.0.1 (a port the kernel picks) and serves; kUnavailable
  // if it cannot listen.
  base::Status Start();
  int port() const { return port_; }
  int connections() const { return connections_.load(); }

 private:
  void Serve();

  int listen_fd_ = -1;
  int stop_pipe_[2] = {-1, -1};
  int port_ = 0;
  std::atomic<int> connections_{0};
  std::thread thread_;
};

}  // namespace conformance

#endif  // CONFORMANCE_PROBE_LISTENER_H_

#ifndef TOOLS_FAULT_PROXY_RUNNING_PROXY_H_
#define TOOLS_FAULT_PROXY_RUNNING_PROXY_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>

#include "tools/fault_proxy/faults.h"
#include "tools/fault_proxy/flags.h"
#include "tools/fault_proxy/proxy.h"

namespace fault_proxy {

// For tests: the proxy in this process with `fault`, serving on its own
// thread until destroyed (which Stop()s it and waits for every connection).
class RunningProxy {
 public:
  RunningProxy(const std::string& fault, const std::string& upstream_url) : state_(1) {
    flags_.upstream = *ParseUpstream(upstream_url);
    flags_.fault = FindFault(fault);
    proxy_ = std::make_unique<Proxy>(flags_, *flags_.fault, state_);
    const base::Status listening = proxy_->Listen();
    listening_ = listening.ok();
    EXPECT_TRUE(listening_) << listening.error().Describe();
    if (listening_) thread_ = std::thread([this] { proxy_->Serve(); });
  }
  ~RunningProxy() {
    proxy_->Stop();
    if (thread_.joinable()) thread_.join();
  }
  RunningProxy(const RunningProxy&) = delete;
  RunningProxy& operator=(const RunningProxy&) = delete;

  std::uint16_t port() const { return proxy_->port(); }

 private:
  Flags flags_;
  FaultState state_;
  std::unique_ptr<Proxy> proxy_;
  bool listening_ = false;
  std::thread thread_;
};

}  // namespace fault_proxy

#endif  // TOOLS_FAULT_PROXY_RUNNING_PROXY_H_

// Server::Listen's errors: what kind, and where. No root needed: nothing is
// served, and the runner runs nothing.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <utility>

#include "reference_server/http/server.h"
#include "reference_server/jobs/fake_runner.h"

namespace http {
namespace {

// Nothing is run, so no language is needed.
languages::Registry EmptyRegistry() {
  auto registry = languages::Registry::Parse(R"({"languages": []})");
  EXPECT_TRUE(registry.ok());
  return std::move(registry).value();
}

// One server's world: keys, registry, store, router and log.
class ListenTest : public ::testing::Test {
 protected:
  ListenTest()
      : registry_(EmptyRegistry()),
        store_(jobs::StoreOptions{}, runner_, clock_),
        router_(keys_, registry_, store_, RouterOptions{}),
        log_(stderr) {}
  ~ListenTest() override { store_.Shutdown(std::chrono::milliseconds(0)); }

  std::unique_ptr<Server> MakeServer(const std::string& host, std::uint16_t port) {
    ServerOptions options;
    options.host = host;
    options.port = port;
    return std::make_unique<Server>(options, router_, store_, log_);
  }

  ApiKeys keys_;
  languages::Registry registry_;
  jobs::FakeRunner runner_;
  jobs::SystemClock clock_;
  jobs::JobStore store_;
  Router router_;
  AccessLog log_;
};

TEST_F(ListenTest, ListensOnAFreePort) {
  auto server = MakeServer("127.0.0.1", 0);
  ASSERT_TRUE(server->Listen().ok());
  EXPECT_EQ(server->url().rfind("http://127.0.0.1:", 0), 0u) << server->url();
  EXPECT_NE(server->url(), "http://127.0.0.1:0");
}

TEST_F(ListenTest, AnAddressInUseIsUnavailableWhereTheAddressIs) {
  auto first = MakeServer("127.0.0.1", 0);
  ASSERT_TRUE(first->Listen().ok());
  const std::string url = first->url();
  const auto port = static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
  auto second = MakeServer("127.0.0.1", port);
  const base::Status busy = second->Listen();
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.error().code, base::ErrorCode::kUnavailable) << busy.error().Describe();
  EXPECT_EQ(busy.error().where, "127.0.0.1:" + std::to_string(port));
  EXPECT_FALSE(busy.error().message.empty());
  EXPECT_EQ(busy.error().exit_status(), 1);
}

TEST_F(ListenTest, AHostThatIsNoAddressIsAnInvalidArgument) {
  auto server = MakeServer("999.1.1.1", 0);
  const base::Status bad = server->Listen();
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().where, "999.1.1.1");
  EXPECT_EQ(bad.error().Describe().rfind("999.1.1.1: not an IP address (", 0), 0u)
      << bad.error().Describe();
}

}  // namespace
}  // namespace http

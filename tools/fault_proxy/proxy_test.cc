#include "tools/fault_proxy/proxy.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <sstream>
#include <thread>

#include "boost/asio/ip/tcp.hpp"
#include "tools/fault_proxy/fake_upstream.h"
#include "tools/fault_proxy/faults.h"
#include "tools/fault_proxy/flags.h"
#include "tools/fault_proxy/raw_client.h"
#include "tools/fault_proxy/running_proxy.h"
#include "tools/http_client/scripted_server.h"

namespace fault_proxy {
namespace {

using Clock = std::chrono::steady_clock;

Request Make(std::string method, std::string target, std::string body = "") {
  Request request;
  request.method = std::move(method);
  request.target = std::move(target);
  request.headers = {{"Host", "proxy.example"}, {"Authorization", "Bearer k1"}};
  if (!body.empty()) request.headers.push_back({"Content-Type", "application/json"});
  request.body = std::move(body);
  return request;
}

Response Canned(const Request&) {
  Response answer = JsonResponse(201, R"({"success":true,"stdout":"1\n","exit_code":0})");
  answer.headers.push_back({"X-Upstream", "yes"});
  return answer;
}

TEST(Proxy, ForwardsRequestsAndAnswersOnAKeptConnection) {
  FakeUpstream upstream(Canned);
  RunningProxy proxy("none", upstream.url());
  TestClient client(proxy.port());
  Request post = Make("POST", "/execute?x=%41&y", R"j({"language":"python","code":"print(1)"})j");
  post.headers.push_back({"X-Custom", "a b"});
  const Response first = client.Send(post);
  const Response second = client.Send(Make("DELETE", "/jobs/abc"));

  EXPECT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.body, R"({"success":true,"stdout":"1\n","exit_code":0})");
  EXPECT_EQ(first.Get("X-Upstream"), "yes");
  EXPECT_EQ(first.Get("Content-Type"), "application/json");
  EXPECT_EQ(first.Get("Content-Length"), std::to_string(first.body.size()));
  EXPECT_EQ(second.status, 201);

  const std::vector<Request> received = upstream.received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0].method, "POST");
  EXPECT_EQ(received[0].target, "/execute?x=%41&y");
  EXPECT_EQ(received[0].body, post.body);
  EXPECT_EQ(received[0].Get("Host"), "127.0.0.1:" + std::to_string(upstream.port()));
  EXPECT_EQ(received[0].Get("Authorization"), "Bearer k1");
  EXPECT_EQ(received[0].Get("Content-Type"), "application/json");
  EXPECT_EQ(received[0].Get("X-Custom"), "a b");
  EXPECT_EQ(received[0].Get("Content-Length"), std::to_string(post.body.size()));
  EXPECT_EQ(received[1].method, "DELETE");
  EXPECT_EQ(received[1].target, "/jobs/abc");
  EXPECT_EQ(received[1].body, "");
  EXPECT_FALSE(received[1].Has("Content-Length"));  // DELETE takes no body
  EXPECT_EQ(upstream.connections_accepted(), 1);    // kept alive upstream too
}

TEST(Proxy, RequestFaultChangesWhatTheUpstreamReceives) {
  FakeUpstream upstream(Canned);
  RunningProxy proxy("ttl-ignored", upstream.url());
  TestClient client(proxy.port());
  EXPECT_EQ(
      client.Send(Make("POST", "/execute", R"({"code":"","ttl":5,"language":"python"})")).status,
      201);
  const std::vector<Request> received = upstream.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].body, R"({"code":"","language":"python"})");
  EXPECT_EQ(received[0].Get("Content-Length"), std::to_string(received[0].body.size()));
}

TEST(Proxy, AnswerFaultChangesWhatTheClientReceives) {
  FakeUpstream upstream([](const Request&) {
    return JsonResponse(200, R"({"success":true,"stdout":"1\n","exit_code":0})");
  });
  RunningProxy proxy("result-missing-stdout", upstream.url());
  TestClient client(proxy.port());
  const Response answer = client.Send(Make("POST", "/execute", R"({"code":""})"));
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.body, R"({"success":true,"exit_code":0})");
  EXPECT_EQ(answer.Get("Content-Length"), std::to_string(answer.body.size()));
}

TEST(Proxy, RequestFaultCanAnswerInsteadOfTheUpstream) {
  FakeUpstream upstream(Canned);
  RunningProxy proxy("malformed-body-500", upstream.url());
  TestClient client(proxy.port());
  const Response broken = client.Send(Make("POST", "/execute", R"({"language":)"));
  EXPECT_EQ(broken.status, 500);
  EXPECT_EQ(broken.body, R"({"success":false,"error":"internal error","code":"internal"})");
  EXPECT_EQ(broken.Get("Content-Type"), "application/json");
  EXPECT_TRUE(upstream.received().empty());
  // The connection goes on, and JSON is forwarded as usual.
  EXPECT_EQ(client.Send(Make("POST", "/execute/async", "{}")).status, 201);
  EXPECT_EQ(upstream.received().size(), 1u);
}

TEST(Proxy, UnreachableUpstreamIs502) {
  // A port that was free a moment ago and has no listener.
  std::uint16_t port = 0;
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = probe.local_endpoint().port();
  }
  RunningProxy proxy("none", "http://127.0.0.1:" + std::to_string(port));
  TestClient client(proxy.port());
  const Response answer = client.Send(Make("GET", "/jobs"));
  EXPECT_EQ(answer.status, 502);
  EXPECT_EQ(answer.Get("Content-Type"), "application/json");
  EXPECT_NE(answer.body.find(R"("code":"bad_gateway")"), std::string::npos) << answer.body;
}

// A client that leaves while its request waits upstream: the proxy lets
// the upstream see it leave too (a server cancels a job whose client went),
// and answers nothing.
TEST(Proxy, AClientLeavingWhileUpstreamWaitsClosesTheUpstreamConnection) {
  http_client::ScriptedServer upstream({http_client::ScriptedServer::Action::kHold});
  RunningProxy proxy("none", "http://127.0.0.1:" + std::to_string(upstream.port()));
  RawClient client(proxy.port());
  ASSERT_TRUE(
      client.Send("POST /execute HTTP/1.1\r\nHost: proxy.example\r\n"
                  "Content-Length: 2\r\n\r\n{}"));
  ASSERT_TRUE(upstream.WaitForRequests(1));
  client.CloseOurSide();
  EXPECT_TRUE(upstream.WaitForClientsGone(1));
  EXPECT_EQ(client.ReadUntilClosed(), "");
  EXPECT_TRUE(client.peer_closed());
  EXPECT_EQ(upstream.requests_read(), 1);  // never sent again
}

// The binary, from the test's runfiles.
struct Child {
  pid_t pid = -1;
  int pidfd = -1;
  int out = -1;
  int err = -1;
};

Child Spawn(std::vector<std::string> args) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const std::string binary =
      (srcdir ? std::string(srcdir) + "/execprobe/" : "") + "tools/fault_proxy/fault_proxy";
  args.insert(args.begin(), binary);
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) return {};
  Child child;
  child.pid = fork();
  if (child.pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  child.out = out[0];
  child.err = err[0];
  child.pidfd = static_cast<int>(syscall(SYS_pidfd_open, child.pid, 0));
  return child;
}

// Reads `fd` until EOF, or until `stop_at` has arrived, within 30 s.
std::string Read(int fd, const std::string& stop_at = "") {
  std::string text;
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (Clock::now() < deadline && (stop_at.empty() || text.find(stop_at) == std::string::npos)) {
    pollfd ready{fd, POLLIN, 0};
    if (poll(&ready, 1, 1000) <= 0) continue;
    char buffer[4096];
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return text;
}

// The exit status within 30 s; -1 (after SIGKILL) when it did not exit.
int WaitExit(Child& child) {
  pollfd exited{child.pidfd, POLLIN, 0};
  const bool done = poll(&exited, 1, 30'000) == 1;
  if (!done) kill(child.pid, SIGKILL);
  int status = 0;
  waitpid(child.pid, &status, 0);
  for (int fd : {child.pidfd, child.out, child.err}) close(fd);
  return done && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(ProxyBinary, ListsEveryFault) {
  Child child = Spawn({"--list"});
  const std::string out = Read(child.out);
  EXPECT_EQ(WaitExit(child), 0);
  std::istringstream lines(out);
  std::string line;
  std::size_t count = 0;
  for (const Fault& fault : AllFaults()) {
    ASSERT_TRUE(std::getline(lines, line));
    EXPECT_EQ(line, std::string(fault.name) + "\t" + std::string(fault.description));
    ++count;
  }
  EXPECT_FALSE(std::getline(lines, line));
  EXPECT_EQ(count, 31u);
}

TEST(ProxyBinary, BadFlagsExit2NamingTheProblem) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--bogus"}, "--bogus"},
      {{"--upstream", "http://127.0.0.1:1", "--fault", "no-such-fault"}, "no-such-fault"},
      {{"--fault", "none"}, "--upstream"},
      {{"--upstream", "ftp://x", "--fault", "none"}, "ftp://x"},
      {{"--upstream", "http://127.0.0.1:1", "--fault"}, "--fault"},
  };
  for (const auto& [args, named] : cases) {
    Child child = Spawn(args);
    const std::string err = Read(child.err);
    EXPECT_EQ(WaitExit(child), 2) << named;
    EXPECT_NE(err.find(named), std::string::npos) << err;
  }
}

// Listen's errors carry their code: a --listen host that is not an IP
// address is a bad flag (2), an address in use is not (1).
TEST(ProxyBinary, ListenFailuresExitWithTheirErrorsStatus) {
  Child bad_host =
      Spawn({"--upstream", "http://127.0.0.1:1", "--fault", "none", "--listen", "localhost:0"});
  const std::string bad_host_err = Read(bad_host.err);
  EXPECT_EQ(WaitExit(bad_host), 2);
  EXPECT_NE(bad_host_err.find("--listen: 'localhost' is not an IP address"), std::string::npos)
      << bad_host_err;

  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor taken(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const std::string listen = "127.0.0.1:" + std::to_string(taken.local_endpoint().port());
  Child in_use = Spawn({"--upstream", "http://127.0.0.1:1", "--fault", "none", "--listen", listen});
  const std::string in_use_err = Read(in_use.err);
  EXPECT_EQ(WaitExit(in_use), 1);
  EXPECT_NE(in_use_err.find("cannot listen on " + listen), std::string::npos) << in_use_err;
}

TEST(ProxyBinary, ServesUntilSigtermThenExits0) {
  FakeUpstream upstream(Canned);
  Child child = Spawn({"--upstream", upstream.url(), "--fault", "content-type-text"});
  const std::string line = Read(child.out, "\n");
  const std::string prefix = "listening on http://127.0.0.1:";
  ASSERT_EQ(line.rfind(prefix, 0), 0u) << line;
  const int port = std::atoi(line.substr(prefix.size()).c_str());
  {
    TestClient client(static_cast<std::uint16_t>(port));
    const Response answer = client.Send(Make("GET", "/jobs"));
    EXPECT_EQ(answer.status, 201);
    EXPECT_EQ(answer.Get("Content-Type"), "text/plain");
  }
  kill(child.pid, SIGTERM);
  EXPECT_EQ(WaitExit(child), 0);
}

}  // namespace
}  // namespace fault_proxy

#include "tools/http_client/client.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "tools/http_client/scripted_server.h"

namespace http_client {
namespace {

using Action = ScriptedServer::Action;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

Request Make(std::string method, std::string body = "") {
  Request request;
  request.method = std::move(method);
  request.target = "/jobs?x=1";
  request.headers = {{"Host", "example"}};
  request.body = std::move(body);
  return request;
}

// Bounds that fail a broken test in seconds rather than minutes.
Options Quick() {
  Options options;
  options.connect_timeout = 10s;
  options.send_timeout = 10s;
  options.answer_timeout = 10s;
  return options;
}

std::string Where(const ScriptedServer& server) {
  return "127.0.0.1:" + std::to_string(server.port());
}

TEST(Client, SendsOnOneKeptAliveConnection) {
  ScriptedServer server({});
  Client client("127.0.0.1", server.port(), Quick());
  const base::Expected<Response> first = client.Send(Make("GET"));
  ASSERT_TRUE(first.ok()) << first.error().Describe();
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->body, "ok");
  ASSERT_EQ(first->headers.size(), 1u);
  EXPECT_EQ(first->headers[0].name, "Content-Length");
  EXPECT_EQ(first->headers[0].value, "2");
  const base::Expected<Response> second = client.Send(Make("POST", "{}"));
  ASSERT_TRUE(second.ok()) << second.error().Describe();
  EXPECT_EQ(second->body, "ok");
  EXPECT_FALSE(client.abandoned());
  EXPECT_EQ(server.requests_read(), 2);
  EXPECT_EQ(server.connections_accepted(), 1);
}

TEST(Client, SendsHeadersAsGivenAndFramesTheBodyItself) {
  ScriptedServer server({});
  Client client("127.0.0.1", server.port(), Quick());
  Request get = Make("GET");
  get.headers = {{"X-B", "2"}, {"X-A", "1"}, {"X-A", "1 again"}};  // no Host: none added
  ASSERT_TRUE(client.Send(get).ok());
  Request post = Make("POST");
  post.headers.push_back({"content-length", "99"});  // replaced by the truth
  ASSERT_TRUE(client.Send(post).ok());
  ASSERT_TRUE(client.Send(Make("DELETE")).ok());
  const std::vector<std::string> heads = server.heads();
  ASSERT_EQ(heads.size(), 3u);
  EXPECT_EQ(heads[0], "GET /jobs?x=1 HTTP/1.1\r\nX-B: 2\r\nX-A: 1\r\nX-A: 1 again\r\n\r\n");
  EXPECT_EQ(heads[1], "POST /jobs?x=1 HTTP/1.1\r\nHost: example\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(heads[2], "DELETE /jobs?x=1 HTTP/1.1\r\nHost: example\r\n\r\n");
}

TEST(Client, SkipsInterimAnswersAndReadsNoBodyAfterHead) {
  ScriptedServer server({Action::kAnswerContinue});
  Client client("127.0.0.1", server.port(), Quick());
  const base::Expected<Response> post = client.Send(Make("POST", "{}"));
  ASSERT_TRUE(post.ok()) << post.error().Describe();
  EXPECT_EQ(post->status, 200);
  EXPECT_EQ(post->body, "ok");
  const base::Expected<Response> head = client.Send(Make("HEAD"));
  ASSERT_TRUE(head.ok()) << head.error().Describe();
  EXPECT_EQ(head->body, "");
  ASSERT_TRUE(client.Send(Make("GET")).ok());  // the connection is still in step
  EXPECT_EQ(server.connections_accepted(), 1);
}

TEST(Client, ReconnectsWhenTheServerClosedTheIdleConnection) {
  ScriptedServer server({Action::kAnswerThenClose});
  Client client("127.0.0.1", server.port(), Quick());
  ASSERT_TRUE(client.Send(Make("POST", "{}")).ok());
  const base::Expected<Response> second = client.Send(Make("POST", "{}"));
  ASSERT_TRUE(second.ok()) << second.error().Describe();
  EXPECT_EQ(server.requests_read(), 2);
  EXPECT_EQ(server.connections_accepted(), 2);
}

// The server closes the kept-alive connection with the request unread (the
// kernel then resets it): the request goes again on a new connection.
TEST(Client, ResendsOnceWhenAReusedConnectionClosesBeforeAnyAnswer) {
  ScriptedServer server({Action::kAnswer, Action::kCloseUnread});
  Client client("127.0.0.1", server.port(), Quick());
  ASSERT_TRUE(client.Send(Make("GET")).ok());
  const base::Expected<Response> second = client.Send(Make("POST", "{}"));
  ASSERT_TRUE(second.ok()) << second.error().Describe();
  EXPECT_EQ(second->body, "ok");
  EXPECT_EQ(server.requests_read(), 2);  // the first, and the second once
  EXPECT_EQ(server.connections_accepted(), 2);
}

TEST(Client, ResendsAtMostOnce) {
  ScriptedServer server({Action::kAnswer, Action::kCloseUnread, Action::kCloseUnread});
  Client client("127.0.0.1", server.port(), Quick());
  ASSERT_TRUE(client.Send(Make("GET")).ok());
  const base::Expected<Response> second = client.Send(Make("GET"));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, base::ErrorCode::kUnavailable);
  EXPECT_EQ(second.error().where, Where(server));
  EXPECT_EQ(server.connections_accepted(), 2);
  EXPECT_FALSE(server.HasPendingConnection());
}

TEST(Client, NeverResendsARequestReadAndLeftUnanswered) {
  ScriptedServer server({Action::kCloseAfterReading});
  Client client("127.0.0.1", server.port(), Quick());
  const base::Expected<Response> answer = client.Send(Make("POST", "{}"));
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, base::ErrorCode::kUnavailable);
  EXPECT_EQ(answer.error().where, Where(server));
  EXPECT_FALSE(server.HasPendingConnection());
  EXPECT_EQ(server.requests_read(), 1);
  EXPECT_EQ(server.connections_accepted(), 1);
}

TEST(Client, NeverResendsWhenPartOfTheAnswerCame) {
  ScriptedServer server({Action::kAnswer, Action::kCloseMidAnswer});
  Client client("127.0.0.1", server.port(), Quick());
  ASSERT_TRUE(client.Send(Make("GET")).ok());
  const base::Expected<Response> answer = client.Send(Make("POST", "{}"));
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, base::ErrorCode::kUnavailable);
  EXPECT_FALSE(server.HasPendingConnection());
  EXPECT_EQ(server.requests_read(), 2);  // the POST exactly once
  EXPECT_EQ(server.connections_accepted(), 1);
  // The client goes on, on a new connection.
  ASSERT_TRUE(client.Send(Make("GET")).ok());
  EXPECT_EQ(server.connections_accepted(), 2);
}

TEST(Client, AnAnswerThatDoesNotComeExceedsTheDeadline) {
  ScriptedServer server({Action::kHold});
  Options options = Quick();
  options.answer_timeout = 300ms;
  Client client("127.0.0.1", server.port(), options);
  const Clock::time_point start = Clock::now();
  const base::Expected<Response> answer = client.Send(Make("POST", "{}"));
  const Clock::duration waited = Clock::now() - start;
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, base::ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(answer.error().where, Where(server));
  EXPECT_GE(waited, 300ms);
  EXPECT_LT(waited, 8s);
  EXPECT_FALSE(server.HasPendingConnection());  // a timeout is not resent
  EXPECT_EQ(server.requests_read(), 1);
}

TEST(Client, ARequestTheServerDoesNotTakeExceedsTheDeadline) {
  ScriptedServer server({Action::kHoldUnread});
  Options options = Quick();
  options.send_timeout = 300ms;
  Client client("127.0.0.1", server.port(), options);
  const Clock::time_point start = Clock::now();
  // More than the socket buffers of both sides hold.
  const base::Expected<Response> answer = client.Send(Make("POST", std::string(64 << 20, 'x')));
  const Clock::duration waited = Clock::now() - start;
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, base::ErrorCode::kDeadlineExceeded);
  EXPECT_GE(waited, 300ms);
  EXPECT_LT(waited, 8s);
  EXPECT_EQ(server.requests_read(), 0);
}

TEST(Client, ARefusedConnectionIsUnavailable) {
  // A port bound without listening: connecting is refused, and no other
  // process can take the port meanwhile.
  const int bound = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(::bind(bound, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::getsockname(bound, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const std::uint16_t port = ntohs(address.sin_port);
  Client client("127.0.0.1", port, Quick());
  const base::Expected<Response> answer = client.Send(Make("GET"));
  ::close(bound);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, base::ErrorCode::kUnavailable);
  EXPECT_EQ(answer.error().where, "127.0.0.1:" + std::to_string(port));
  EXPECT_EQ(
      answer.error().Describe().rfind("127.0.0.1:" + std::to_string(port) + ": cannot connect"), 0u)
      << answer.error().Describe();
  EXPECT_FALSE(client.abandoned());
}

// A proxy's client leaves while its request waits upstream: the wait ends
// at once, and the server sees the connection close.
TEST(Client, AbandonsTheWaitWhenTheWatchedPeerHangsUp) {
  ScriptedServer server({Action::kHold});
  Client client("127.0.0.1", server.port(), Quick());
  int pair[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
  base::Expected<Response> answer = Response();
  std::thread sender([&] { answer = client.Send(Make("POST", "{}"), pair[0]); });
  ASSERT_TRUE(server.WaitForRequests(1));
  const Clock::time_point left = Clock::now();
  ::close(pair[1]);
  sender.join();
  EXPECT_LT(Clock::now() - left, 5s);  // not the answer deadline (10 s)
  ::close(pair[0]);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, base::ErrorCode::kUnavailable);
  EXPECT_TRUE(client.abandoned());
  EXPECT_TRUE(server.WaitForClientsGone(1));
  EXPECT_FALSE(server.HasPendingConnection());
  // The next Send starts afresh.
  ASSERT_TRUE(client.Send(Make("GET")).ok());
  EXPECT_FALSE(client.abandoned());
}

}  // namespace
}  // namespace http_client

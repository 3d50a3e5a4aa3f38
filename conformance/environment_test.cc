// The target before the cases, without a real server: the error codes and
// `where` of ResolveTarget and Preflight (what main turns into one sentence
// and exit status 2), and the probe listener.

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "conformance/embedded_server.h"
#include "conformance/preflight.h"
#include "conformance/probe_listener.h"
#include "conformance/test_util.h"

namespace conformance {
namespace {

using test::Has;
using test::RawServer;

TEST(ResolveTargetTest, AGivenUrlIsParsedWithItsKeys) {
  EmbeddedServer server;
  Target target;
  const base::Status resolved =
      ResolveTarget("conformance", "http://127.0.0.1:8080/api/", "k1", "k2", {}, server, &target);
  ASSERT_TRUE(resolved.ok()) << resolved.error().message;
  EXPECT_EQ(target.url.ToString(), "http://127.0.0.1:8080/api");
  EXPECT_EQ(target.primary_key, "k1");
  EXPECT_EQ(target.second_key, "k2");
  EXPECT_TRUE(server.url().empty()) << "nothing was started";
}

TEST(ResolveTargetTest, ABadUrlIsAUsageErrorOfTarget) {
  EmbeddedServer server;
  Target target;
  const base::Status resolved =
      ResolveTarget("conformance", "ftp://127.0.0.1", "k", "", {}, server, &target);
  ASSERT_FALSE(resolved.ok());
  EXPECT_EQ(resolved.error().code, base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(resolved.error().where, "--target");
  EXPECT_EQ(resolved.error().message,
            "--target ftp://127.0.0.1: the URL must start with http:// or https://");
}

TEST(ResolveTargetTest, NoReferenceServerBesideTheBinaryIsNotFound) {
  // Found through the runfiles' variables, it would be started: not here.
  if (!FindReferenceServer("/nonexistent/conformance").empty()) GTEST_SKIP() << "one is at hand";
  EmbeddedServer server;
  Target target;
  const base::Status resolved =
      ResolveTarget("/nonexistent/conformance", "", "", "", {}, server, &target);
  ASSERT_FALSE(resolved.ok());
  EXPECT_EQ(resolved.error().code, base::ErrorCode::kNotFound);
  EXPECT_TRUE(Has(resolved.error().message, "the reference server is not beside this binary"));
}

TEST(PreflightTest, AnUnreachableTargetIsUnavailable) {
  int port = 0;
  const int fd = test::ListenOnLoopback(&port);
  close(fd);  // nothing listens there any more
  Target target;
  target.url.host = "127.0.0.1";
  target.url.port = static_cast<std::uint16_t>(port);
  target.primary_key = "k";
  const base::Expected<std::string> notes = Preflight(&target);
  ASSERT_FALSE(notes.ok());
  EXPECT_EQ(notes.error().code, base::ErrorCode::kUnavailable);
  EXPECT_TRUE(Has(notes.error().message, "cannot reach the target http://127.0.0.1:"));
}

TEST(PreflightTest, ARefusedKeyIsPermissionDeniedOnItsFlag) {
  RawServer server(1, [](int fd) {
    std::string seen;
    char c;
    while (seen.find("\r\n\r\n") == std::string::npos && read(fd, &c, 1) == 1) seen += c;
    const std::string answer = "HTTP/1.1 401 Unauthorized\r\nContent-Length: 2\r\n\r\n{}";
    ASSERT_EQ(write(fd, answer.data(), answer.size()), static_cast<ssize_t>(answer.size()));
  });
  Target target;
  target.url = server.url();
  target.primary_key = "wrong";
  const base::Expected<std::string> notes = Preflight(&target);
  ASSERT_FALSE(notes.ok());
  EXPECT_EQ(notes.error().code, base::ErrorCode::kPermissionDenied);
  EXPECT_EQ(notes.error().where, "--api-key");
  EXPECT_TRUE(Has(notes.error().message, "the target refused the key of --api-key"));
}

TEST(PreflightTest, TheSameKeyTwiceIsAUsageError) {
  RawServer server(1, [](int fd) {
    std::string seen;
    char c;
    while (seen.find("\r\n\r\n") == std::string::npos && read(fd, &c, 1) == 1) seen += c;
    const std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n{\"jobs\":[]}";
    ASSERT_EQ(write(fd, answer.data(), answer.size()), static_cast<ssize_t>(answer.size()));
  });
  Target target;
  target.url = server.url();
  target.primary_key = "same";
  target.second_key = "same";
  const base::Expected<std::string> notes = Preflight(&target);
  ASSERT_FALSE(notes.ok());
  EXPECT_EQ(notes.error().code, base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(notes.error().where, "--second-api-key");
}

TEST(ProbeListenerTest, StartsOnAPortOfLoopback) {
  ProbeListener probe;
  ASSERT_TRUE(probe.Start().ok());
  EXPECT_GT(probe.port(), 0);
}

}  // namespace
}  // namespace conformance

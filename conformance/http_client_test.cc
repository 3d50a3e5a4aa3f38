#include "conformance/http_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>

#include "conformance/test_util.h"

namespace conformance {
namespace {

using test::RawServer;
using test::TlsServer;

// Reads until the end of a request's header section.
void ReadHeader(int fd) {
  std::string seen;
  char c;
  while (seen.find("\r\n\r\n") == std::string::npos && read(fd, &c, 1) == 1) seen += c;
}

void Write(int fd, const std::string& text) {
  ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
}

HttpRequest Post(std::string body) {
  HttpRequest request;
  request.method = "POST";
  request.target = "/execute";
  request.body = std::move(body);
  return request;
}

constexpr auto kTimeout = std::chrono::seconds(20);

// A server may refuse a large body from its header and close; the answer
// counts, not the failed write.
TEST(HttpClientTest, AnEarlyAnswerToALargeBodyIsRead) {
  RawServer server(1, [](int fd) {
    ReadHeader(fd);
    Write(fd, "HTTP/1.1 413 Payload Too Large\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
  });
  HttpClient client(server.url());
  const HttpResponse response = client.Send(Post(std::string(8 << 20, 'x')), kTimeout);
  EXPECT_EQ(response.status, 413) << response.error;
  EXPECT_EQ(response.body, "{}");
}

TEST(HttpClientTest, InterimAnswersAreSkipped) {
  RawServer server(1, [](int fd) {
    ReadHeader(fd);
    Write(fd,
          "HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n"
          "HTTP/1.1 100 Continue\r\n\r\n"
          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  });
  HttpClient client(server.url());
  const HttpResponse response = client.Send(Post(""), kTimeout);
  EXPECT_EQ(response.status, 200) << response.error;
  EXPECT_EQ(response.body, "ok");
}

// Bytes after an answer belong to no request: the next request goes on a
// new connection and gets its own answer.
TEST(HttpClientTest, BytesAfterAnAnswerAreNeverTheNextAnswer) {
  int served = 0;
  RawServer server(2, [&served](int fd) {
    ReadHeader(fd);
    if (served++ == 0) {
      Write(fd,
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst"
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale");
      char c;
      while (read(fd, &c, 1) == 1) {
      }
    } else {
      Write(fd, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond");
    }
  });
  HttpClient client(server.url());
  EXPECT_EQ(client.Send(Post(""), kTimeout).body, "first");
  const HttpResponse second = client.Send(Post(""), kTimeout);
  EXPECT_EQ(second.body, "second") << second.error;
}

TEST(HttpClientTest, AnAnswerTooLargeIsAnError) {
  RawServer server(1, [](int fd) {
    ReadHeader(fd);
    Write(fd, "HTTP/1.1 200 OK\r\nContent-Length: 999999999\r\n\r\n");
  });
  HttpClient client(server.url());
  const HttpResponse response = client.Send(Post(""), kTimeout);
  EXPECT_EQ(response.status, 0);
  EXPECT_NE(response.error.find("reading the answer failed"), std::string::npos) << response.error;
}

TEST(HttpClientTest, NoAnswerInTimeIsATimeout) {
  RawServer server(1, [](int fd) {
    ReadHeader(fd);
    char c;
    while (read(fd, &c, 1) == 1) {
    }
  });
  HttpClient client(server.url());
  const HttpResponse response = client.Send(Post(""), std::chrono::milliseconds(300));
  EXPECT_EQ(response.status, 0);
  EXPECT_NE(response.error.find("no complete answer within 300 ms"), std::string::npos)
      << response.error;
}

HttpRequest Get() {
  HttpRequest request;
  request.method = "GET";
  request.target = "/jobs";
  return request;
}

TEST(HttpClientTlsTest, HttpsWithATrustedAuthorityWorks) {
  TlsServer server;
  TargetUrl url = server.url();
  url.ca_file = server.ca_file();
  HttpClient client(url);
  const HttpResponse response = client.Send(Get(), kTimeout);
  EXPECT_EQ(response.status, 200) << response.error;
  EXPECT_NE(response.body.find("s_server"), std::string::npos) << response.body;
}

TEST(HttpClientTlsTest, AnUntrustedCertificateIsRefusedUnlessInsecure) {
  TlsServer server;
  HttpClient verifying(server.url());
  const HttpResponse refused = verifying.Send(Get(), kTimeout);
  EXPECT_EQ(refused.status, 0);
  EXPECT_NE(refused.error.find("TLS handshake with https://127.0.0.1:"), std::string::npos)
      << refused.error;
  EXPECT_NE(refused.error.find("certificate verify failed"), std::string::npos) << refused.error;
  TargetUrl url = server.url();
  url.insecure = true;
  HttpClient insecure(url);
  EXPECT_EQ(insecure.Send(Get(), kTimeout).status, 200);
}

// The certificate names 127.0.0.1 only: reaching the same server by the
// name "localhost" must fail the name check even with the authority trusted.
TEST(HttpClientTlsTest, TheCertificateMustNameTheHost) {
  TlsServer server;
  TargetUrl url = server.url();
  url.host = "localhost";
  url.ca_file = server.ca_file();
  HttpClient client(url);
  const HttpResponse response = client.Send(Get(), kTimeout);
  EXPECT_EQ(response.status, 0);
  EXPECT_NE(response.error.find("TLS handshake"), std::string::npos) << response.error;
}

// A --ca-file that cannot be used is named, never reported as a failed
// handshake (the file used to be ignored, and every request failed the
// handshake against the system's authorities).
TEST(HttpClientTlsTest, ABadCaFileIsNamedNotAHandshakeFailure) {
  TlsServer server;
  const std::string dir = test::DirectoryWith({{"garbage.pem", "not a certificate\n"}});
  TargetUrl url = server.url();
  url.ca_file = dir + "/missing.pem";
  HttpClient missing(url);
  const HttpResponse no_file = missing.Send(Get(), kTimeout);
  EXPECT_EQ(no_file.status, 0);
  EXPECT_NE(no_file.error.find("cannot read --ca-file " + dir + "/missing.pem: "),
            std::string::npos)
      << no_file.error;
  EXPECT_EQ(no_file.error.find("TLS handshake"), std::string::npos) << no_file.error;
  url.ca_file = dir + "/garbage.pem";
  HttpClient garbage(url);
  const HttpResponse no_certificate = garbage.Send(Get(), kTimeout);
  EXPECT_EQ(no_certificate.status, 0);
  EXPECT_NE(no_certificate.error.find("--ca-file " + dir + "/garbage.pem holds no PEM certificate"),
            std::string::npos)
      << no_certificate.error;
  EXPECT_EQ(no_certificate.error.find("TLS handshake"), std::string::npos) << no_certificate.error;
  // With the server's own authority, the same server answers.
  url.ca_file = server.ca_file();
  HttpClient good(url);
  EXPECT_EQ(good.Send(Get(), kTimeout).status, 200);
}

TEST(TargetUrlTest, ParsesAndRefuses) {
  TargetUrl url;
  // ParseTargetUrl into `url` when it succeeds; the error's message.
  const auto parse = [&url](const std::string& text) {
    const base::Expected<TargetUrl> parsed = ParseTargetUrl(text);
    if (parsed.ok()) url = *parsed;
    return test::ErrorText(parsed);
  };
  EXPECT_EQ(parse("http://127.0.0.1:8080/base/"), "");
  EXPECT_EQ(url.ToString(), "http://127.0.0.1:8080/base");
  EXPECT_TRUE(url.IsLoopback());
  EXPECT_EQ(parse("http://[::1]:9"), "");
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(parse("https://example.com/api"), "");
  EXPECT_TRUE(url.tls);
  EXPECT_EQ(url.port, 443);
  EXPECT_EQ(url.ToString(), "https://example.com:443/api");
  EXPECT_NE(parse("ftp://h").find("http:// or https://"), std::string::npos);
  EXPECT_NE(parse("http://h:0"), "");
  EXPECT_NE(parse("http://h:99999"), "");
  EXPECT_NE(parse("http://u@h"), "");
  EXPECT_NE(parse("ftp://h"), "");
  EXPECT_EQ(ParseTargetUrl("ftp://h").error().code, base::ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace conformance

#include "conformance/raw_http.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>

#include "conformance/test_util.h"
#include "conformance/tls_transport.h"

namespace conformance {
namespace {

using std::chrono::milliseconds;
using test::Has;
using test::RawServer;

constexpr auto kTimeout = std::chrono::seconds(20);

// Reads until `count` request header sections have ended (bodies are not
// looked at); what was read.
std::string ReadHeaders(int fd, int count = 1) {
  std::string seen;
  char c;
  int ends = 0;
  while (ends < count && read(fd, &c, 1) == 1) {
    seen += c;
    if (seen.size() >= 4 && seen.compare(seen.size() - 4, 4, "\r\n\r\n") == 0) ++ends;
  }
  return seen;
}

void ReadExactly(int fd, std::size_t n) {
  char c;
  for (std::size_t i = 0; i < n && read(fd, &c, 1) == 1; ++i) {
  }
}

void ReadUntilEof(int fd) {
  char buffer[4096];
  while (read(fd, buffer, sizeof buffer) > 0) {
  }
}

void Write(int fd, const std::string& text) {
  ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
}

RawOptions Options(std::size_t answers = 1) {
  RawOptions options;
  options.answers = answers;
  options.timeout = kTimeout;
  return options;
}

std::vector<RawPiece> Pieces(std::initializer_list<std::string> texts) {
  std::vector<RawPiece> pieces;
  for (const std::string& text : texts) pieces.push_back(RawPiece{text});
  return pieces;
}

constexpr char kGet[] = "GET /jobs HTTP/1.1\r\nHost: h\r\n\r\n";

// A server may refuse a body from its header and close while the client is
// still sending it: the answer counts, the failed send is only noted.
TEST(RawExchangeTest, AnEarlyAnswerAndCloseWhileSendingIsTheAnswer) {
  RawServer server(1, [](int fd) {
    ReadHeaders(fd);
    Write(fd, "HTTP/1.1 413 Content Too Large\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
  });
  const RawResult result =
      RawExchange(server.url(),
                  Pieces({"POST /execute HTTP/1.1\r\nHost: h\r\nContent-Length: 33554432\r\n\r\n",
                          std::string(32 << 20, 'x')}),
                  Options());
  EXPECT_EQ(result.error, "");
  ASSERT_EQ(result.answers.size(), 1u);
  EXPECT_EQ(result.answers[0].status, 413);
  EXPECT_EQ(result.answers[0].body, "{}");
  EXPECT_TRUE(result.answers[0].complete);
}

TEST(RawExchangeTest, PipelinedAnswersComeInOrder) {
  RawServer server(1, [](int fd) {
    ReadHeaders(fd, 3);
    Write(fd,
          "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na"
          "HTTP/1.1 401 Unauthorized\r\nContent-Length: 1\r\n\r\nb"
          "HTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n\r\nc");
    ReadUntilEof(fd);
  });
  const RawResult result =
      RawExchange(server.url(), Pieces({std::string(kGet) + kGet + kGet}), Options(3));
  EXPECT_EQ(result.error, "");
  ASSERT_EQ(result.answers.size(), 3u);
  EXPECT_EQ(result.answers[0].status, 200);
  EXPECT_EQ(result.answers[1].status, 401);
  EXPECT_EQ(result.answers[1].reason, "Unauthorized");
  EXPECT_EQ(result.answers[2].status, 404);
  EXPECT_EQ(result.answers[2].body, "c");
  EXPECT_FALSE(result.closed);
  EXPECT_EQ(result.trailing, "");
}

TEST(RawExchangeTest, ChunkedAnswersAreDechunked) {
  RawServer server(1, [](int fd) {
    ReadHeaders(fd);
    Write(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    Write(fd, "4\r\nwiki\r\n5\r\npedia\r\n");
    Write(fd, "0\r\n\r\n");
    ReadUntilEof(fd);
  });
  const RawResult result = RawExchange(server.url(), Pieces({kGet}), Options());
  EXPECT_EQ(result.error, "");
  ASSERT_EQ(result.answers.size(), 1u);
  EXPECT_EQ(result.answers[0].body, "wikipedia");
  EXPECT_EQ(result.answers[0].Header("transfer-encoding"), "chunked");
}

TEST(RawExchangeTest, InterimAnswersAreCountedAndSkipped) {
  RawServer server(1, [](int fd) {
    ReadHeaders(fd);
    Write(fd, "HTTP/1.1 100 Continue\r\n\r\n");
    ReadExactly(fd, 2);
    Write(fd,
          "HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n"
          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    ReadUntilEof(fd);
  });
  std::vector<RawPiece> pieces = Pieces(
      {"POST /execute HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n",
       "{}"});
  const RawResult result = RawExchange(server.url(), pieces, Options());
  EXPECT_EQ(result.error, "");
  EXPECT_EQ(result.interim, 2);
  ASSERT_EQ(result.answers.size(), 1u);
  EXPECT_EQ(result.answers[0].status, 200);
}

TEST(RawExchangeTest, ACloseAfterTheAnswerIsSeenWithinCloseWait) {
  RawServer server(1, [](int fd) {
    ReadHeaders(fd);
    Write(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
  });
  RawOptions options = Options();
  options.close_wait = milliseconds(10000);
  const RawResult result = RawExchange(server.url(), Pieces({kGet}), options);
  EXPECT_EQ(result.error, "");
  EXPECT_TRUE(result.closed);
  EXPECT_LT(result.closed_after, milliseconds(10000));
}

TEST(RawExchangeTest, AConnectionKeptOpenIsNotClosed) {
  RawServer server(1, [](int fd) {
    ReadHeaders(fd);
    Write(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokextra");
    ReadUntilEof(fd);  // until the client gives up
  });
  RawOptions options = Options();
  options.close_wait = milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  const RawResult result = RawExchange(server.url(), Pieces({kGet}), options);
  EXPECT_EQ(result.error, "");
  EXPECT_FALSE(result.closed);
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(300));
  // Bytes after the answers asked for are kept, never taken as an answer.
  EXPECT_EQ(result.trailing, "extra");
}

TEST(RawExchangeTest, NoAnswerInTimeIsATimeout) {
  RawServer server(1, [](int fd) {
    ReadHeaders(fd);
    Write(fd, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
    ReadUntilEof(fd);
  });
  RawOptions options = Options();
  options.timeout = milliseconds(300);
  const RawResult result = RawExchange(server.url(), Pieces({kGet}), options);
  EXPECT_TRUE(Has(result.error,
                  "no complete answer within 300 ms: 0 of 1 answers (its status "
                  "line said 200; 3 body bytes had arrived)"))
      << result.error;
  EXPECT_GE(result.elapsed, milliseconds(300));
  // The unfinished answer is there, marked as such.
  ASSERT_EQ(result.answers.size(), 1u);
  EXPECT_FALSE(result.answers[0].complete);
  EXPECT_FALSE(result.early_close);
}

TEST(RawExchangeTest, AMalformedStatusLineIsNamed) {
  RawServer server(1, [](int fd) {
    ReadHeaders(fd);
    Write(fd, "HTTP/1.1 2x0 OK\r\n\r\n");
    ReadUntilEof(fd);
  });
  const RawResult result = RawExchange(server.url(), Pieces({kGet}), Options());
  EXPECT_TRUE(Has(result.error,
                  "answer 1 is malformed: the status line has no 3-digit status "
                  "code: 'HTTP/1.1 2x0 OK'"))
      << result.error;
}

TEST(RawExchangeTest, ACloseBetweenAnswersIsAnEarlyClose) {
  RawServer server(1, [](int fd) {
    ReadHeaders(fd, 2);
    Write(fd, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  });
  const RawResult result =
      RawExchange(server.url(), Pieces({std::string(kGet) + kGet}), Options(2));
  EXPECT_EQ(result.error, "the server closed the connection after 1 of 2 answers");
  EXPECT_TRUE(result.early_close);
  EXPECT_TRUE(result.closed);
  ASSERT_EQ(result.answers.size(), 1u);
}

TEST(RawExchangeTest, ACloseInTheMiddleOfAnAnswerIsNotAnEarlyClose) {
  RawServer server(1, [](int fd) {
    ReadHeaders(fd);
    Write(fd, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
  });
  const RawResult result = RawExchange(server.url(), Pieces({kGet}), Options());
  EXPECT_TRUE(Has(result.error, "the server closed the connection in the middle of answer 1"))
      << result.error;
  EXPECT_FALSE(result.early_close);
}

TEST(RawExchangeTest, AnAnswerFramedByTheCloseIsCompleteAtEof) {
  RawServer server(1, [](int fd) {
    ReadHeaders(fd);
    Write(fd, "HTTP/1.0 200 OK\r\n\r\nall of it");
  });
  const RawResult result = RawExchange(server.url(), Pieces({kGet}), Options());
  EXPECT_EQ(result.error, "");
  ASSERT_EQ(result.answers.size(), 1u);
  EXPECT_EQ(result.answers[0].body, "all of it");
  EXPECT_TRUE(result.answers[0].complete);
  EXPECT_TRUE(result.closed);
}

// The second request goes out only once the first answer is in: the
// server sees nothing more on the connection until it has answered.
TEST(RawExchangeTest, AwaitAnswerHoldsAPieceUntilTheAnswerArrives) {
  std::atomic<bool> early{false};
  RawServer server(1, [&early](int fd) {
    ReadHeaders(fd);
    pollfd pfd{fd, POLLIN, 0};
    early = poll(&pfd, 1, 300) != 0;  // a client that did not wait would be seen here
    Write(fd, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    ReadHeaders(fd);
    Write(fd, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
    ReadUntilEof(fd);
  });
  std::vector<RawPiece> pieces = Pieces({kGet, kGet});
  pieces[1].await_answer = true;
  const RawResult result = RawExchange(server.url(), pieces, Options(2));
  EXPECT_EQ(result.error, "");
  ASSERT_EQ(result.answers.size(), 2u);
  EXPECT_EQ(result.answers[1].status, 201);
  EXPECT_FALSE(early);
}

TEST(RawExchangeTest, APauseDelaysItsPiece) {
  RawServer server(1, [](int fd) {
    ReadHeaders(fd);
    Write(fd, "HTTP/1.1 204 No Content\r\n\r\n");
    ReadUntilEof(fd);
  });
  std::vector<RawPiece> pieces = Pieces({"GET /jobs HTTP/1.1\r\n", "Host: h\r\n\r\n"});
  pieces[1].pause_before = milliseconds(200);
  const RawResult result = RawExchange(server.url(), pieces, Options());
  EXPECT_EQ(result.error, "");
  EXPECT_GE(result.elapsed, milliseconds(200));
}

TEST(RawExchangeTest, AnswersOverMaxBytesAreAnError) {
  RawServer server(1, [](int fd) {
    ReadHeaders(fd);
    Write(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + std::string(100000, 'x'));
    ReadUntilEof(fd);
  });
  RawOptions options = Options();
  options.max_bytes = 50000;
  const RawResult result = RawExchange(server.url(), Pieces({kGet}), options);
  EXPECT_EQ(result.error, "the answers are over 50000 bytes");
}

TEST(RawExchangeTest, ConnectFailureIsAnError) {
  int port = 0;
  const int fd = test::ListenOnLoopback(&port);
  close(fd);  // nothing listens there any more
  TargetUrl url;
  url.host = "127.0.0.1";
  url.port = static_cast<std::uint16_t>(port);
  const RawResult result = RawExchange(url, Pieces({kGet}), Options());
  EXPECT_TRUE(Has(result.error, "cannot connect to http://127.0.0.1:" + std::to_string(port)));
  EXPECT_FALSE(result.connected);
  url.tls = true;
  url.insecure = true;
  EXPECT_TRUE(Has(RawExchange(url, Pieces({kGet}), Options()).error,
                  "cannot connect to https://127.0.0.1:" + std::to_string(port)));
}

// Over TLS (`openssl s_server -www`: an HTTP/1.0 page framed by the close):
// the request in two pieces with a pause, the answer, and the close seen.
TEST(RawExchangeTlsTest, HttpsWithATrustedAuthorityGetsTheAnswerAndTheClose) {
  test::TlsServer server;
  TargetUrl url = server.url();
  url.ca_file = server.ca_file();
  std::vector<RawPiece> pieces = Pieces({"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n", "\r\n"});
  pieces[1].pause_before = milliseconds(50);
  RawOptions options = Options();
  options.close_wait = milliseconds(5000);
  const RawResult result = RawExchange(url, pieces, options);
  EXPECT_EQ(result.error, "");
  EXPECT_TRUE(result.connected);
  ASSERT_EQ(result.answers.size(), 1u);
  EXPECT_EQ(result.answers[0].status, 200);
  EXPECT_TRUE(result.answers[0].complete);
  EXPECT_TRUE(Has(result.answers[0].body, "s_server"));
  EXPECT_TRUE(result.closed);
  EXPECT_EQ(result.send_error, "");
}

// half_close over TLS: close_notify, then the TCP end; the answer still
// arrives.
TEST(RawExchangeTlsTest, HalfCloseStillReadsTheAnswer) {
  test::TlsServer server;
  TargetUrl url = server.url();
  url.ca_file = server.ca_file();
  RawOptions options = Options();
  options.half_close = true;
  const RawResult result =
      RawExchange(url, Pieces({"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"}), options);
  EXPECT_EQ(result.error, "");
  ASSERT_EQ(result.answers.size(), 1u);
  EXPECT_EQ(result.answers[0].status, 200);
  EXPECT_TRUE(result.closed);
}

TEST(RawExchangeTlsTest, AnUntrustedCertificateIsRefused) {
  test::TlsServer server;
  const RawResult result = RawExchange(server.url(), Pieces({kGet}), Options());
  EXPECT_TRUE(Has(result.error,
                  "TLS handshake with https://127.0.0.1:" + std::to_string(server.url().port) +
                      " failed: certificate verify failed"));
  EXPECT_TRUE(Has(result.error, " (--ca-file FILE trusts a private authority)"));
  EXPECT_TRUE(result.connected);
  EXPECT_TRUE(result.answers.empty());
}

// The authority is trusted, but the certificate names another host: the
// IP check (an IP literal) and the name check (a name) both refuse it;
// --insecure accepts it.
TEST(RawExchangeTlsTest, ACertificateForAnotherNameIsRefusedUnlessInsecure) {
  test::TlsServer server("DNS:other.example");
  TargetUrl url = server.url();
  url.ca_file = server.ca_file();
  const RawResult by_ip = RawExchange(url, Pieces({kGet}), Options());
  EXPECT_TRUE(Has(by_ip.error, "TLS handshake with https://127.0.0.1:"));
  EXPECT_TRUE(Has(by_ip.error, "IP address mismatch"));
  url.host = "localhost";
  const RawResult by_name = RawExchange(url, Pieces({kGet}), Options());
  EXPECT_TRUE(Has(by_name.error, "TLS handshake with https://localhost:"));
  EXPECT_TRUE(Has(by_name.error, "hostname mismatch"));
  url.host = "127.0.0.1";
  url.ca_file = "";
  url.insecure = true;
  const RawResult insecure = RawExchange(url, Pieces({kGet}), Options());
  EXPECT_EQ(insecure.error, "");
  ASSERT_EQ(insecure.answers.size(), 1u);
  EXPECT_EQ(insecure.answers[0].status, 200);
}

TEST(RawExchangeTlsTest, ABadCaFileIsNamed) {
  test::TlsServer server;
  const std::string dir = test::DirectoryWith({{"garbage.pem", "not a certificate\n"}});
  TargetUrl url = server.url();
  url.ca_file = dir + "/missing.pem";
  const RawResult missing = RawExchange(url, Pieces({kGet}), Options());
  EXPECT_TRUE(Has(missing.error, "cannot read --ca-file " + dir + "/missing.pem: "));
  url.ca_file = dir + "/garbage.pem";
  const RawResult garbage = RawExchange(url, Pieces({kGet}), Options());
  EXPECT_TRUE(Has(garbage.error, "--ca-file " + dir + "/garbage.pem holds no PEM certificate"));
  EXPECT_TRUE(garbage.answers.empty());
}

// The checks a runner makes once, before any case: what is wrong is told
// apart by the code, and the file is named.
TEST(CheckTlsSettingsTest, CodesAndTheFileNamed) {
  const std::string dir = test::DirectoryWith({{"garbage.pem", "not a certificate\n"}});
  TargetUrl url;
  url.tls = true;
  url.host = "127.0.0.1";
  url.ca_file = dir + "/missing.pem";
  const base::Status missing = CheckTlsSettings(url);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, base::ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().where, dir + "/missing.pem");
  url.ca_file = dir + "/garbage.pem";
  const base::Status garbage = CheckTlsSettings(url);
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().code, base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(garbage.error().where, dir + "/garbage.pem");
  url.insecure = true;  // no file is read then
  EXPECT_TRUE(CheckTlsSettings(url).ok());
  test::TlsServer server;
  url = server.url();
  url.ca_file = server.ca_file();
  EXPECT_TRUE(CheckTlsSettings(url).ok());
}

}  // namespace
}  // namespace conformance

#include "reference_server/http/framing.h"

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>

namespace http {
namespace {

namespace bhttp = boost::beast::http;
namespace net = boost::asio;

FrameFacts Post() {
  FrameFacts facts;
  facts.method = "POST";
  facts.post = true;
  facts.host_headers = 1;
  facts.authorization_headers = 1;
  facts.body_follows = true;
  return facts;
}

std::string Problem(const FrameFacts& facts) {
  const auto problem = FramingProblem(facts);
  return problem ? problem->message : "";
}

TEST(FramingTest, AWellFramedRequestPasses) {
  EXPECT_EQ(Problem(Post()), "");
  FrameFacts get = Post();
  get.method = "GET";
  get.post = false;
  get.body_follows = false;
  EXPECT_EQ(Problem(get), "");
  FrameFacts old = get;
  old.version = 10;
  old.host_headers = 0;  // HTTP/1.0 needs no Host
  EXPECT_EQ(Problem(old), "");
}

TEST(FramingTest, AmbiguousFramingIsA400) {
  FrameFacts facts = Post();
  facts.version = 20;
  EXPECT_EQ(Problem(facts), "only HTTP/1.0 and HTTP/1.1 are served");
  facts = Post();
  facts.transfer_encoding = true;  // e.g. "gzip": Beast would read no body
  EXPECT_EQ(Problem(facts), "Transfer-Encoding must end with chunked");
  facts.chunked = true;
  EXPECT_EQ(Problem(facts), "");
  for (std::size_t hosts : {0u, 2u}) {
    facts = Post();
    facts.host_headers = hosts;
    EXPECT_EQ(Problem(facts), "an HTTP/1.1 request needs exactly one Host header");
  }
  facts = Post();
  facts.authorization_headers = 2;
  EXPECT_EQ(Problem(facts), "more than one Authorization header");
  facts = Post();
  facts.method = "DELETE";
  facts.post = false;
  EXPECT_EQ(Problem(facts), "DELETE requests take no body");
  EXPECT_EQ(FramingProblem(facts)->code, api::ErrorCode::kBadRequest);
}

TEST(FramingTest, FactsComeFromBeastsParser) {
  RequestParser parser;
  parser.eager(false);
  boost::beast::error_code ec;
  const std::string request =
      "POST /execute HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
      "Authorization: a\r\nAuthorization: b\r\n\r\n";
  parser.put(net::buffer(request), ec);
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_TRUE(parser.is_header_done());
  const FrameFacts facts = FactsOf(parser);
  EXPECT_EQ(facts.version, 11u);
  EXPECT_EQ(facts.method, "POST");
  EXPECT_TRUE(facts.post);
  EXPECT_EQ(facts.host_headers, 1u);
  EXPECT_EQ(facts.authorization_headers, 2u);
  EXPECT_TRUE(facts.transfer_encoding);
  EXPECT_TRUE(facts.chunked);
  EXPECT_TRUE(facts.body_follows);
}

const ReadLimits kLimits{16384, 1000};

std::string Answer(ReadPhase phase, boost::beast::error_code ec, bool got_some, bool timed_out) {
  const auto answer = ReadFailureAnswer(phase, ec, got_some, timed_out, kLimits);
  if (!answer) return "close";
  return std::string(api::ErrorCodeName(answer->code)) + " [" + answer->field + "] " +
         answer->message;
}

TEST(FramingTest, AFailedHeaderReadIsAnsweredOrClosed) {
  const auto header = ReadPhase::kHeader;
  EXPECT_EQ(Answer(header, bhttp::error::header_limit, true, false),
            "headers_too_large [] the request header is over 16384 bytes");
  EXPECT_EQ(Answer(header, bhttp::error::body_limit, true, false),
            "payload_too_large [body] the request body is over 1000 bytes");
  EXPECT_EQ(Answer(header, net::error::operation_aborted, true, true),
            "request_timeout [] the request header did not arrive in time");
  // Nobody to answer: the client left, or never sent a byte.
  EXPECT_EQ(Answer(header, net::error::operation_aborted, false, true), "close");
  EXPECT_EQ(Answer(header, bhttp::error::end_of_stream, false, false), "close");
  EXPECT_EQ(Answer(header, net::error::connection_reset, true, false), "close");
  EXPECT_EQ(Answer(header, bhttp::error::bad_version, false, false), "close");
  EXPECT_EQ(Answer(header, bhttp::error::buffer_overflow, true, false),
            "bad_request [] a chunk header or trailer is over 16384 bytes");
  EXPECT_EQ(Answer(header, bhttp::error::bad_method, true, false)
                .rfind("bad_request [] malformed HTTP request: ", 0),
            0u);
}

TEST(FramingTest, AFailedBodyReadIsAnsweredOrClosed) {
  const auto body = ReadPhase::kBody;
  EXPECT_EQ(Answer(body, bhttp::error::buffer_overflow, true, true),
            "bad_request [body] a chunk header or trailer is over 16384 bytes");
  EXPECT_EQ(Answer(body, bhttp::error::body_limit, true, false),
            "payload_too_large [body] the request body is over 1000 bytes");
  EXPECT_EQ(Answer(body, net::error::operation_aborted, true, true),
            "request_timeout [body] the request body did not arrive in time");
  EXPECT_EQ(Answer(body, bhttp::error::partial_message, true, false), "close");
  EXPECT_EQ(Answer(body, bhttp::error::end_of_stream, true, false), "close");
  EXPECT_EQ(Answer(body, bhttp::error::bad_chunk, true, false)
                .rfind("bad_request [body] malformed HTTP body: ", 0),
            0u);
}

}  // namespace
}  // namespace http

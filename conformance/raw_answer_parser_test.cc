#include "conformance/raw_answer_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "conformance/raw_http.h"
#include "conformance/test_util.h"

namespace conformance {
namespace {

using test::Has;

constexpr char kChunked[] =
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
    "5;name=value\r\nhello\r\nA \r\n, chunked!\r\n0\r\nX-Trailer: t\r\n\r\n";

struct Parsed {
  std::size_t consumed = 0;
  RawAnswer answer;
  std::string error;
};

Parsed Parse(std::string_view bytes, bool head = false) {
  Parsed parsed;
  const base::Expected<std::size_t> consumed = ParseRawAnswer(bytes, head, &parsed.answer);
  parsed.consumed = consumed.ok() ? *consumed : 0;
  parsed.error = test::ErrorText(consumed);
  return parsed;
}

TEST(ParseRawAnswerTest, ContentLengthAnswerStopsAtItsEnd) {
  const std::string first =
      "HTTP/1.1 201 Created\r\nContent-Length: 2\r\nX-A:  spaced value \t\r\n\r\n{}";
  const Parsed parsed = Parse(first + "HTTP/1.1 404 Not Found\r\n");
  EXPECT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.consumed, first.size());
  EXPECT_EQ(parsed.answer.status, 201);
  EXPECT_EQ(parsed.answer.reason, "Created");
  EXPECT_EQ(parsed.answer.body, "{}");
  EXPECT_TRUE(parsed.answer.complete);
  EXPECT_EQ(parsed.answer.Header("x-a"), "spaced value");
  EXPECT_EQ(parsed.answer.Header("content-LENGTH"), "2");
  EXPECT_EQ(parsed.answer.Header("X-Missing"), std::nullopt);
}

TEST(ParseRawAnswerTest, EveryPrefixIsIncompleteWithoutError) {
  for (const std::string& whole :
       {std::string(kChunked), std::string("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc")}) {
    for (std::size_t n = 0; n < whole.size(); ++n) {
      const Parsed parsed = Parse(whole.substr(0, n));
      EXPECT_EQ(parsed.consumed, 0u) << n;
      EXPECT_EQ(parsed.error, "") << n;
      EXPECT_FALSE(parsed.answer.complete) << n;
    }
    EXPECT_EQ(Parse(whole).consumed, whole.size());
  }
}

TEST(ParseRawAnswerTest, ChunkedBodiesAreDechunkedWithExtensionsAndTrailers) {
  const Parsed parsed = Parse(std::string(kChunked) + "next");
  EXPECT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.consumed, sizeof kChunked - 1);
  EXPECT_EQ(parsed.answer.body, "hello, chunked!");
  // Trailers are checked, not added to the headers.
  EXPECT_EQ(parsed.answer.Header("X-Trailer"), std::nullopt);
}

// Fed a byte at a time, the parser reaches the same answer as in one go.
TEST(RawAnswerParserTest, IncrementalParsingGivesTheSameAnswer) {
  const std::string whole = kChunked;
  RawAnswerParser parser(false);
  for (std::size_t n = 0; n < whole.size(); ++n) {
    ASSERT_EQ(parser.Resume(std::string_view(whole).substr(0, n), false),
              RawAnswerParser::State::kIncomplete)
        << n;
  }
  ASSERT_EQ(parser.Resume(whole, false), RawAnswerParser::State::kDone);
  EXPECT_EQ(parser.consumed(), whole.size());
  EXPECT_EQ(parser.answer().body, "hello, chunked!");
}

TEST(RawAnswerParserTest, AnAnswerFramedByTheCloseEndsAtEof) {
  const std::string whole = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end";
  RawAnswerParser parser(false);
  EXPECT_EQ(parser.Resume(whole, false), RawAnswerParser::State::kIncomplete);
  EXPECT_EQ(parser.Resume(whole, true), RawAnswerParser::State::kDone);
  EXPECT_EQ(parser.answer().body, "until the end");
  EXPECT_TRUE(parser.answer().complete);
  // Transfer-Encoding without chunked last also reads until the close
  // (RFC 9112 section 6.3), Content-Length notwithstanding.
  RawAnswerParser gzip(false);
  const std::string zipped =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\nContent-Length: 1\r\n\r\nab";
  EXPECT_EQ(gzip.Resume(zipped, false), RawAnswerParser::State::kIncomplete);
  EXPECT_EQ(gzip.Resume(zipped, true), RawAnswerParser::State::kDone);
  EXPECT_EQ(gzip.answer().body, "ab");
}

TEST(ParseRawAnswerTest, AnswersWithoutBodies) {
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n";
  EXPECT_EQ(Parse(head, true).consumed, head.size());
  for (const char* status :
       {"100 Continue", "103 Early Hints", "204 No Content", "304 Not Modified"}) {
    const std::string answer = std::string("HTTP/1.1 ") + status + "\r\nContent-Length: 10\r\n\r\n";
    const Parsed parsed = Parse(answer + "HTTP/1.1 200 OK\r\n");
    EXPECT_EQ(parsed.consumed, answer.size()) << status;
    EXPECT_EQ(parsed.answer.body, "") << status;
  }
  // An empty reason phrase, with or without its space.
  EXPECT_EQ(Parse("HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n").answer.reason, "");
  EXPECT_EQ(Parse("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n").answer.status, 200);
}

TEST(ParseRawAnswerTest, RepeatedEqualContentLengthsAreOne) {
  const Parsed parsed =
      Parse("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\n\r\nok");
  EXPECT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.answer.body, "ok");
}

TEST(ParseRawAnswerTest, MalformedAnswersNameTheProblem) {
  const std::pair<std::string, std::string> cases[] = {
      {"HTTX/1.1 200 OK\r\n\r\n",
       "the status line does not start with HTTP/x.y: 'HTTX/1.1 200 OK'"},
      {"\r\nHTTP/1.1 200 OK\r\n\r\n", "the status line does not start with HTTP/x.y: ''"},
      {"HTTP/2.0 200 OK\r\n\r\n", "HTTP version 2.0 in an HTTP/1 answer"},
      {"HTTP/1.1 2x0 OK\r\n\r\n", "no 3-digit status code: 'HTTP/1.1 2x0 OK'"},
      {"HTTP/1.1 2000 OK\r\n\r\n", "no 3-digit status code"},
      {"HTTP/1.1 600 Odd\r\n\r\n", "status 600 is outside 100..599"},
      {"HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n",
       "a bare LF instead of CRLF: 'HTTP/1.1 200 OK'"},
      {"HTTP/1.1 200 O\rK\r\n\r\n", "a bare CR inside a line: 'HTTP/1.1 200 O\\x0dK'"},
      {"HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n", "obsolete line folding"},
      {"HTTP/1.1 200 OK\r\nNo colon\r\n\r\n", "a field line without a colon: 'No colon'"},
      {"HTTP/1.1 200 OK\r\n: empty\r\n\r\n", "a field line with an empty name"},
      {"HTTP/1.1 200 OK\r\nName : v\r\n\r\n", "whitespace between a field name and its colon"},
      {"HTTP/1.1 200 OK\r\nNa(me: v\r\n\r\n", "a field name with a character a token cannot have"},
      {std::string("HTTP/1.1 200 OK\r\nA: x\0y\r\n\r\n", 27), "a NUL in a field value"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc",
       "Content-Length values differ: '2' and '3'"},
      {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "Content-Length '-1' is not a number"},
      {"HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", "an empty Content-Length"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "not a hex number: 'zz'"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n",
       "chunk data is not followed by CRLF"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n",
       "the chunk size is too large"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n",
       "a field line without a colon: 'bad trailer'"},
  };
  for (const auto& [bytes, problem] : cases) {
    const Parsed parsed = Parse(bytes);
    EXPECT_EQ(parsed.consumed, 0u) << bytes;
    EXPECT_TRUE(Has(parsed.error, problem)) << bytes;
  }
}

TEST(ParseRawAnswerTest, AHeaderSectionWithoutEndIsMalformedPastItsLimit) {
  const std::string endless = "HTTP/1.1 200 OK\r\n" + std::string(70000, 'a');
  EXPECT_TRUE(Has(Parse(endless).error, "a line of the answer is over 65536 bytes"));
  std::string many = "HTTP/1.1 200 OK\r\n";
  while (many.size() < 70000) many += "X-Filler: 0123456789\r\n";
  EXPECT_TRUE(Has(Parse(many).error, "the header section is over 65536 bytes"));
}

// Chunk size lines are bounded one by one, not as a section: a body of
// many small chunks is fine.
TEST(ParseRawAnswerTest, ManySmallChunks) {
  std::string answer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 20000; ++i) answer += "1\r\nx\r\n";
  answer += "0\r\n\r\n";
  const Parsed parsed = Parse(answer);
  EXPECT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.answer.body, std::string(20000, 'x'));
}

}  // namespace
}  // namespace conformance

#ifndef REFERENCE_SERVER_HTTP_FRAMING_H_
#define REFERENCE_SERVER_HTTP_FRAMING_H_

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <optional>
#include <string>

#include "reference_server/api/error.h"

// The session's protocol policy, apart from its I/O: which requests are
// framed too ambiguously to serve, and what a failed read is answered
// with. Pure: unit-tested (framing_test) and fuzzed (http_request_fuzzer).
namespace http {

// What the framing rules need to know of a request's header.
struct FrameFacts {
  unsigned version = 11;  // 10 or 11 for HTTP/1.0 and 1.1
  std::string method;
  bool post = false;
  std::size_t host_headers = 0;
  std::size_t authorization_headers = 0;
  bool transfer_encoding = false;  // a Transfer-Encoding header is present
  bool chunked = false;            // ...and the parser reads the body as chunked
  bool body_follows = false;       // the parser expects a body after the header
};

using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// The facts of a parser that has read a header.
FrameFacts FactsOf(const RequestParser& parser);

// A 400 for a request whose framing is unsafe or ambiguous (RFC 9112:
// smuggling through Transfer-Encoding, a missing or repeated Host), one
// with two Authorization headers, or a body where none is taken.
std::optional<api::ApiError> FramingProblem(const FrameFacts& facts);

enum class ReadPhase { kHeader, kBody };

struct ReadLimits {
  std::size_t max_header_bytes = 0;
  std::size_t max_body_bytes = 0;
};

// What a read that failed with `ec` is answered with; nullopt when there is
// no one to answer (the client left, or never spoke): close at once.
// `got_some`: bytes of this request had arrived; `timed_out`: the read's
// deadline fired.
std::optional<api::ApiError> ReadFailureAnswer(ReadPhase phase, boost::beast::error_code ec,
                                               bool got_some, bool timed_out,
                                               const ReadLimits& limits);

}  // namespace http

#endif  // REFERENCE_SERVER_HTTP_FRAMING_H_

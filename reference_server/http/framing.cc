#include "reference_server/http/framing.h"

#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>

namespace http {
namespace {

namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using api::ErrorCode;
using api::MakeError;

}  // namespace

FrameFacts FactsOf(const RequestParser& parser) {
  const auto& header = parser.get();
  FrameFacts facts;
  facts.version = header.version();
  facts.method = std::string(header.method_string());
  facts.post = header.method() == bhttp::verb::post;
  facts.host_headers = header.count(bhttp::field::host);
  facts.authorization_headers = header.count(bhttp::field::authorization);
  facts.transfer_encoding = header.count(bhttp::field::transfer_encoding) != 0;
  facts.chunked = parser.chunked();
  facts.body_follows = !parser.is_done();
  return facts;
}

std::optional<api::ApiError> FramingProblem(const FrameFacts& facts) {
  const auto bad = [](std::string message) {
    return MakeError(ErrorCode::kBadRequest, "", std::move(message));
  };
  if (facts.version != 11 && facts.version != 10) {
    return bad("only HTTP/1.0 and HTTP/1.1 are served");
  }
  // Beast takes a Transfer-Encoding that does not end in "chunked" for no
  // body at all: the "body" would then be read as the next request
  // (request smuggling). RFC 9112 section 6.3 requires a 400.
  if (facts.transfer_encoding && !facts.chunked) {
    return bad("Transfer-Encoding must end with chunked");
  }
  if (facts.version == 11 && facts.host_headers != 1) {
    return bad("an HTTP/1.1 request needs exactly one Host header");
  }
  if (facts.authorization_headers > 1) return bad("more than one Authorization header");
  // Only POST endpoints take a body: a body elsewhere (even on /health,
  // which needs no key) is refused before any of it is read.
  if (!facts.post && facts.body_follows) return bad(facts.method + " requests take no body");
  return std::nullopt;
}

std::optional<api::ApiError> ReadFailureAnswer(ReadPhase phase, boost::beast::error_code ec,
                                               bool got_some, bool timed_out,
                                               const ReadLimits& limits) {
  const bool header = phase == ReadPhase::kHeader;
  // Where the header was not even complete, the request as a whole is at
  // fault; in its body, the body is.
  const std::string field = header ? "" : "body";
  const auto chunk_too_large = [&] {
    return MakeError(
        ErrorCode::kBadRequest, field,
        "a chunk header or trailer is over " + std::to_string(limits.max_header_bytes) + " bytes");
  };
  // In a body, an oversized chunk header is what went wrong, whatever else.
  if (!header && ec == bhttp::error::buffer_overflow) return chunk_too_large();
  if (header && ec == bhttp::error::header_limit) {
    return MakeError(
        ErrorCode::kHeadersTooLarge, "",
        "the request header is over " + std::to_string(limits.max_header_bytes) + " bytes");
  }
  if (ec == bhttp::error::body_limit) {
    return MakeError(
        ErrorCode::kPayloadTooLarge, "body",
        "the request body is over " + std::to_string(limits.max_body_bytes) + " bytes");
  }
  if (timed_out && (got_some || !header)) {
    return MakeError(
        ErrorCode::kRequestTimeout, field,
        std::string("the request ") + (header ? "header" : "body") + " did not arrive in time");
  }
  const bool gone = ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted ||
                    ec == net::error::connection_reset ||
                    (header ? timed_out || !got_some : ec == bhttp::error::partial_message);
  if (gone) return std::nullopt;
  if (ec == bhttp::error::buffer_overflow) return chunk_too_large();
  return MakeError(
      ErrorCode::kBadRequest, field,
      std::string(header ? "malformed HTTP request: " : "malformed HTTP body: ") + ec.message());
}

}  // namespace http

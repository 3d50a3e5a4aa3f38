#ifndef CONFORMANCE_RAW_HTTP_H_
#define CONFORMANCE_RAW_HTTP_H_

// Raw HTTP/1.1 exchanges: bytes written to a TCP connection (or over TLS
// for https) exactly as given (malformed framing, pipelined requests, slow
// sends), and the answers read back with a small parser of our own. HttpClient cannot do this:
// Beast writes only well-formed messages, one at a time. Used by the conformance runner's raw steps
// and by //fuzz/remote.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"
#include "conformance/http_client.h"
#include "conformance/target_url.h"

namespace conformance {

// One piece of what a raw exchange sends, in order.
struct RawPiece {
  std::string bytes;
  std::chrono::milliseconds pause_before{0};  // sleep before sending this piece (slow sends)
  // Before sending, wait until one more final answer has arrived
  // (keep-alive reuse). Counted without timing races: the n-th piece with
  // await_answer waits until n final answers have arrived in all.
  bool await_answer = false;
};

struct RawAnswer {
  int status = 0;
  std::string reason;
  HeaderList headers;     // in order, as received
  std::string body;       // de-chunked when Transfer-Encoding: chunked
  bool complete = false;  // the body's framing was fully received
  std::optional<std::string> Header(const std::string& name) const;  // case-insensitive
};

struct RawOptions {
  std::size_t answers = 1;                   // final (non-1xx) answers to wait for
  std::chrono::milliseconds timeout{10000};  // whole exchange: connect, send, read answers
  std::chrono::milliseconds close_wait{
      0};  // after the last answer: wait this long for the server to close
  std::size_t max_bytes = 16u << 20;  // cap on bytes read
  bool head = false;                  // answers are to HEAD requests (no body)
  // Once every piece is sent, shut the sending side (a client that has
  // nothing more to say; over TLS a close_notify goes first): a server waiting for the rest of a
  // truncated request then sees the end instead of waiting out its own timeout.
  bool half_close = false;
  // No wait of the exchange goes past this (the runner's --max-duration),
  // close_wait included, which otherwise counts from the last answer.
  std::optional<std::chrono::steady_clock::time_point> deadline;
};

struct RawResult {
  bool connected = false;  // the TCP connection was made (even if TLS then failed)
  std::vector<RawAnswer>
      answers;      // final answers in order; an unfinished last one has complete false
  int interim = 0;  // 1xx answers seen (skipped)
  bool closed =
      false;  // the server closed (EOF or reset) — before the timeout / close_wait ran out
  std::chrono::milliseconds elapsed{0};       // from connect to the last answer (or to the error)
  std::chrono::milliseconds closed_after{0};  // from the last answer to the close, when closed
  std::string trailing;                       // bytes after the last parsed answer (capped)
  std::string send_error;  // a send that failed (EPIPE after an early answer is normal; not fatal)
  // "" or why the answers did not all arrive: connect failure, timeout,
  // malformed answer (naming what was wrong), or a close.
  std::string error;
  // The error is only that the server closed the connection between two
  // answers, before all arrived: the answers received are whole, and a
  // caller may judge them (a server allowed to close instead of answering).
  bool early_close = false;
};

// Connects to url (for https: a TLS handshake verified as HttpClient
// verifies, by the same deadline; its failure is "TLS handshake with URL
// failed: ..."), sends the pieces, reads. Reads concurrently with
// sending (poll on the socket): a server that answers early (413, 401) and
// closes does not turn into an error while answers arrive. Once all answers
// have arrived nothing more is sent. Bounded by options.timeout (a monotonic
// deadline), then close_wait, and max_bytes.
RawResult RawExchange(const TargetUrl& url, const std::vector<RawPiece>& pieces,
                      const RawOptions& options);

// Parses `bytes` as one HTTP/1.1 answer from its start: the consumed byte
// count, 0 when incomplete (`answer` then holds what was parsed so far), or
// a kInvalidArgument error naming what is malformed. A 1xx answer is
// returned like any other (callers skip it). An answer framed by the
// connection's close (neither Content-Length nor chunked) is never complete
// here: RawExchange completes it at EOF.
base::Expected<std::size_t> ParseRawAnswer(std::string_view bytes, bool head, RawAnswer* answer);

}  // namespace conformance

#endif  // CONFORMANCE_RAW_HTTP_H_

#ifndef CONFORMANCE_RAW_STEP_H_
#define CONFORMANCE_RAW_STEP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/expected.h"
#include "conformance/raw_http.h"
#include "conformance/target.h"
#include "conformance/templating.h"
#include "rapidjson/document.h"

namespace conformance {

// A raw step ({"raw": {"send": [...], ...}}) made ready to run: the pieces
// for RawExchange, and the parts they were made of, to write a reproducer
// that does not spell out a 64 MiB repeat.
struct RawPlan {
  struct Part {
    enum class Kind { kText, kRepeat, kPause, kAwait };
    Kind kind = Kind::kText;
    std::string text;           // kText: bytes; kRepeat: the unit
    std::size_t times = 0;      // kRepeat
    std::int64_t pause_ms = 0;  // kPause (scaled)
  };
  std::vector<RawPiece> pieces;
  RawOptions options;
  std::vector<Part> parts;
  std::size_t bytes = 0;  // all pieces together
};

// The Host header value for the target, as ${host} gives it to raw steps
// ("127.0.0.1:8080", "[::1]:8080", or the bare host on the default port).
std::string HostHeader(const TargetUrl& url);

// Builds the plan of a "raw" object with ${vars} substituted; timeouts,
// pauses and close_wait times target.timeout_scale. A problem is a
// kInvalidArgument error starting with its path ("raw/send/1: ...").
base::Expected<RawPlan> BuildRawPlan(const rapidjson::Value& raw, const Vars& vars,
                                     const Target& target);

// A bash line that sends the same bytes (printf through /dev/tcp, so that
// no other tool is needed) and shows what comes back until the server
// closes: pauses as sleep, awaited answers approximated by a sleep, keys as
// "${API_KEY}" / "${SECOND_API_KEY}", large repeats of one byte made by
// head and tr, larger repeats of more bytes cut (the line says so).
std::string ReplayCommand(const RawPlan& plan, const Target& target);

// The first request line sent, keys masked, for the wire log.
std::string RawRequestLine(const RawPlan& plan, const Target& target);

// Every answer's status line, interim answers, the connection's end, the
// errors, then the last answer in full (body cut to `limit`).
std::string DescribeRawResult(const RawResult& result, const RawOptions& options,
                              std::size_t limit);

// A raw answer as the HTTP client's answer, to judge it the same way.
HttpResponse RawAnswerAsResponse(const RawAnswer& answer);

// One line: "200 OK, 401 Unauthorized; closed after 2 ms".
std::string SummarizeRawResult(const RawResult& result, const RawOptions& options);

}  // namespace conformance

#endif  // CONFORMANCE_RAW_STEP_H_

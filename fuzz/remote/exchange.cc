#include "fuzz/remote/exchange.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <thread>

namespace remote_fuzz {

Exchanger NetworkExchanger(const conformance::TargetUrl& url, const TargetContext& context,
                           const CheckBounds& bounds) {
  return [url, context, bounds](const FuzzCase& c) {
    std::vector<conformance::RawPiece> pieces;
    for (std::string& bytes : WirePieces(c, context)) {
      conformance::RawPiece piece;
      piece.bytes = std::move(bytes);
      if (!pieces.empty()) piece.pause_before = std::chrono::milliseconds(c.slow_piece_ms);
      pieces.push_back(std::move(piece));
    }
    conformance::RawOptions options;
    const bool raw = c.kind == Kind::kRaw;
    options.answers = raw ? c.raw_answers : 1;
    options.timeout = bounds.answer;
    // A synchronous run takes its time: hello world, but the target's
    // sandbox may be slow to start.
    const std::string route = RouteOf(c);
    if (route == "POST /execute" || route == "POST /run") options.timeout += bounds.answer;
    const bool asks_close = raw ? c.raw_asks_close : c.http.close;
    options.close_wait = asks_close ? bounds.close : std::chrono::milliseconds(c.raw_linger_ms);
    options.head = !raw && c.http.method == "HEAD";
    options.half_close = raw && c.raw_half_close;
    options.max_bytes = 16u << 20;
    return conformance::RawExchange(url, pieces, options);
  };
}

std::optional<std::chrono::seconds> RetryAfter(const conformance::RawAnswer& answer) {
  const auto retry = answer.Header("Retry-After");
  if ((answer.status != 429 && answer.status != 503) || !retry) return std::nullopt;
  return std::chrono::seconds(std::clamp(std::atoi(retry->c_str()), 1, 10));
}

Exchanger SerialPaced(Exchanger send, double rate) {
  using Clock = std::chrono::steady_clock;
  auto next = std::make_shared<Clock::time_point>(Clock::now());
  return [send = std::move(send), rate, next](const FuzzCase& c) {
    std::this_thread::sleep_until(*next);
    conformance::RawResult result = send(c);
    Clock::time_point at = Clock::now();
    if (rate > 0) {
      at += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1 / rate));
    }
    for (const conformance::RawAnswer& answer : result.answers) {
      if (const auto pause = RetryAfter(answer)) at = std::max(at, Clock::now() + *pause);
    }
    *next = at;
    return result;
  };
}

FuzzCase RequestCase(const std::string& method, const std::string& target, KeyUse key,
                     const std::string& json_body) {
  FuzzCase c;
  c.kind = Kind::kHeaders;
  c.origin = "sequence";
  c.http.method = method;
  c.http.target = target;
  c.http.key = key;
  c.http.body = json_body;
  if (!json_body.empty()) c.http.headers = {{"Content-Type", "application/json"}};
  return c;
}

}  // namespace remote_fuzz

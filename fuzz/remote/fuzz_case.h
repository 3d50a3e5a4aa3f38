#ifndef FUZZ_REMOTE_FUZZ_CASE_H_
#define FUZZ_REMOTE_FUZZ_CASE_H_

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "conformance/http_client.h"

namespace remote_fuzz {

// What the generators know of the target: the keys to put in requests, the
// Host header, the base path, and the languages it lists.
struct TargetContext {
  std::string scheme = "http";  // or "https"
  std::string host_header;      // "127.0.0.1:8080"
  std::string base_path;        // "" or "/prefix"
  std::string primary_key;
  std::string second_key;           // "" when not given
  std::set<std::string> languages;  // from GET /languages; {"python"} when unknown
  // A cheap language and a program in it that prints "hello" and ends at
  // once: for requests meant to be accepted, and for the canary.
  std::string cheap_language = "python";
  std::string hello_code = "print('hello')";
  // A program in it that runs for about a second: jobs for the stateful
  // sequences, so that they can be seen pending or running and cancelled.
  std::string slow_code = "import time\ntime.sleep(1)\nprint('done')";
};

enum class KeyUse { kPrimary, kSecond, kNone, kWrong };

// How a case was made, for the report and the oracle.
enum class Kind {
  kJson,      // a JSON body for POST /execute or /execute/async
  kRun,       // a /run or /run/async body and query
  kHeaders,   // a well-formed request with a mutated method, path, key or header
  kRaw,       // bytes that need not be HTTP at all
  kStateful,  // a sequence of requests over two keys (stateful.h)
};
const char* KindName(Kind kind);

using Headers = std::vector<std::pair<std::string, std::string>>;

// A well-formed HTTP/1.1 request, before framing: Host, Authorization,
// Content-Length and Connection are added by Serialize.
struct HttpRequest {
  std::string method = "POST";
  std::string target = "/execute";  // path and query; the base path is prepended
  Headers headers;                  // besides those Serialize adds
  std::string body;
  KeyUse key = KeyUse::kPrimary;
  bool close = false;  // "Connection: close"
};

// One generated input. `raw` holds the exact bytes of raw cases (with the
// key and Host already in them); the others are framed from `http`.
struct FuzzCase {
  std::uint64_t index = 0;
  Kind kind = Kind::kJson;
  std::string origin;  // "grammar", "fixture <case id>", "seed <file>", "raw <mutation>"
  HttpRequest http;
  std::vector<std::string> raw_pieces;  // raw: sent in order
  std::size_t slow_piece_ms = 0;        // raw: pause before each piece after the first
  std::size_t raw_answers = 1;          // raw: answers to wait for (pipelining)
  bool raw_asks_close = false;          // raw: the last request asks to close
  bool raw_half_close = false;          // raw: shut the sending side after the last piece
  std::size_t raw_linger_ms = 0;        // raw: keep reading this long after the answers
  // raw: the bytes hold exactly raw_answers requests, so that any answer
  // beyond them is one to a request never sent (false for mutated bytes,
  // which may hold any number).
  bool raw_count_known = true;
};

// The key a request of this KeyUse carries ("" for none).
std::string KeyFor(KeyUse key, const TargetContext& context);

// The request's bytes on the wire.
std::string Serialize(const HttpRequest& request, const TargetContext& context);

// Every piece of a case, framed.
std::vector<std::string> WirePieces(const FuzzCase& fuzz_case, const TargetContext& context);

// The route a request is for, as the documentation names it: "POST /execute",
// "GET /jobs/{id}", "GET (unknown path)", or "raw" for raw cases.
std::string RouteOf(const FuzzCase& fuzz_case);
std::string RouteOf(const std::string& method, const std::string& target);

}  // namespace remote_fuzz

#endif  // FUZZ_REMOTE_FUZZ_CASE_H_

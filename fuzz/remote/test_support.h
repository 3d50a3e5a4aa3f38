#ifndef FUZZ_REMOTE_TEST_SUPPORT_H_
#define FUZZ_REMOTE_TEST_SUPPORT_H_

// Helpers shared by the unit tests of //fuzz/remote: a target context with
// recognisable keys, hand-built answers and exchanges, and the real seeds.
// Everything here is pure: no network, no server.

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "conformance/raw_http.h"
#include "fuzz/remote/fuzz_case.h"
#include "fuzz/remote/seeds.h"

namespace remote_fuzz::test {

// A context whose keys, host and base path are easy to find in bytes.
inline TargetContext Context() {
  TargetContext context;
  context.host_header = "fuzz.example:8123";
  context.base_path = "";
  context.primary_key = "primary-KEY-123";
  context.second_key = "second-KEY-456";
  context.languages = {"python", "bash"};
  return context;
}

// A whole answer.
inline conformance::RawAnswer Answer(int status, std::string body = "",
                                     conformance::HeaderList headers = {
                                         {"Content-Type", "application/json"}}) {
  conformance::RawAnswer answer;
  answer.status = status;
  answer.body = std::move(body);
  answer.headers = std::move(headers);
  answer.complete = true;
  return answer;
}

// An exchange whose answers all arrived; the connection stays open unless
// `closed`.
inline conformance::RawResult Answered(std::vector<conformance::RawAnswer> answers,
                                       bool closed = false) {
  conformance::RawResult result;
  result.connected = true;
  result.answers = std::move(answers);
  result.closed = closed;
  return result;
}

// An exchange that ended with no answer: the server said nothing in time.
inline conformance::RawResult TimedOut() {
  conformance::RawResult result;
  result.connected = true;
  result.error = "timed out after 10000 ms waiting for answer 1";
  return result;
}

// The documented error body.
inline std::string ErrorBody(const std::string& code = "invalid_value") {
  return "{\"success\":false,\"error\":\"bad request\",\"code\":\"" + code + "\"}";
}

// A JSON request to /execute (or `target`) with the primary key.
inline FuzzCase JsonCase(const std::string& body, const std::string& target = "/execute") {
  FuzzCase c;
  c.kind = Kind::kJson;
  c.origin = "test";
  c.http.method = "POST";
  c.http.target = target;
  c.http.headers = {{"Content-Type", "application/json"}};
  c.http.body = body;
  return c;
}

// A raw case of the given bytes.
inline FuzzCase RawCase(std::vector<std::string> pieces) {
  FuzzCase c;
  c.kind = Kind::kRaw;
  c.origin = "raw test";
  c.raw_pieces = std::move(pieces);
  return c;
}

// Every byte a case sends.
inline std::string Joined(const FuzzCase& c, const TargetContext& context) {
  std::string bytes;
  for (const std::string& piece : WirePieces(c, context)) bytes += piece;
  return bytes;
}

// Occurrences of `part` in `text`.
inline std::size_t CountOf(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++count;
  }
  return count;
}

// The fixtures directory in the test's runfiles (data deps
// //fixtures:conformance_cases and //fixtures/fuzz:*_inputs).
inline std::string FixturesDir() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  return std::string(srcdir != nullptr ? srcdir : ".") + "/execprobe/fixtures";
}

// The message of a failed operation, "" when it succeeded: tests compare
// it with the exact sentence a user sees.
inline std::string ErrorText(const base::Status& status) {
  return status.ok() ? "" : status.error().message;
}

// The real seeds, loaded for `context`; a load error fails the test.
inline SeedPool RealSeeds(const TargetContext& context) {
  SeedPool pool;
  const std::string error = ErrorText(LoadSeeds(FixturesDir(), context, &pool));
  EXPECT_EQ(error, "");
  return pool;
}

}  // namespace remote_fuzz::test

#endif  // FUZZ_REMOTE_TEST_SUPPORT_H_

// libFuzzer target: raw bytes as an HTTP request, through Beast's request
// parser into the reference server's router (authentication, routing,
// validation, jobs), with the sandbox replaced by fuzz::RecordingRunner so
// nothing is spawned. Properties:
//  - the router answers every request exactly once, within a bound;
//  - never 500; every answer is a JSON object, every error has "code" and
//    "error", and the status is one the API documents;
//  - without the key, only GET /health is answered other than 401 (or 400
//    for a target that is no path), and no program ever reaches the
//    executor.
#include <rapidjson/document.h>

#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "base/ascii.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/recording_runner.h"
#include "reference_server/http/api_keys.h"
#include "reference_server/http/framing.h"
#include "reference_server/http/router.h"
#include "reference_server/http/routes.h"
#include "reference_server/jobs/clock.h"
#include "reference_server/jobs/job_store.h"
#include "reference_server/languages/registry.h"

extern const char kLanguagesJson[];  // languages.json, embedded by the build

namespace {

namespace bhttp = boost::beast::http;

constexpr char kKey[] = "fuzz-key";

struct World {
  http::ApiKeys keys;
  languages::Registry registry;
  jobs::SystemClock clock;

  World() : registry(LoadRegistry()) {
    FUZZ_CHECK(keys.Add(kKey, "fuzz").ok(), "the key is valid");
    FUZZ_CHECK(keys.Add("other-key", "fuzz").ok(), "the key is valid");
  }

  static languages::Registry LoadRegistry() {
    auto registry = languages::Registry::Parse(kLanguagesJson);
    FUZZ_CHECK(registry.ok(), "the embedded languages.json parses");
    // Every language counts as installed: no toolchain is ever run.
    registry.value().Probe([](const std::string&) { return true; });
    return std::move(registry).value();
  }
};

std::string Field(const bhttp::request<bhttp::string_body>& message, bhttp::field name) {
  const auto found = message.find(name);
  return found == message.end() ? "" : std::string(found->value());
}

// Written apart from the server's parser on purpose: "Bearer" in any case,
// one space, then a key with optional blanks around it.
bool PresentsAKey(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (!base::StartsWithIgnoreCase(authorization, kScheme)) return false;
  std::string_view key = authorization.substr(kScheme.size());
  while (!key.empty() && (key.front() == ' ' || key.front() == '\t')) key.remove_prefix(1);
  while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.remove_suffix(1);
  return key == kKey || key == "other-key";
}

void CheckAnswer(const http::Answer& answer) {
  static const std::set<unsigned> kDocumented = {200, 202, 400, 401, 404, 405, 408,
                                                 409, 413, 415, 429, 431, 503};
  FUZZ_CHECK(kDocumented.count(answer.status) == 1, "a documented status, never 500");
  rapidjson::Document body;
  body.Parse(answer.body.c_str(), answer.body.size());
  FUZZ_CHECK(!body.HasParseError() && body.IsObject(), "every answer is a JSON object");
  if (answer.status >= 400) {
    FUZZ_CHECK(body.HasMember("code") && body["code"].IsString(), "an error has a code");
    FUZZ_CHECK(body.HasMember("error") && body["error"].IsString(), "an error has a message");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;

  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(20 * 1024 * 1024);
  // Header first, as the session reads it: the framing rules judge the
  // header before any of the body is read.
  parser.eager(false);
  boost::beast::error_code ec;
  std::size_t used = 0;
  std::optional<http::FrameFacts> facts;
  while (used < size && !parser.is_done()) {
    const std::size_t n = parser.put(boost::asio::buffer(data + used, size - used), ec);
    if (ec == bhttp::error::need_more) break;
    if (ec || n == 0) return 0;  // Beast's own concern, fuzzed upstream
    used += n;
    if (!facts && parser.is_header_done()) {
      facts = http::FactsOf(parser);
      if (const auto problem = http::FramingProblem(*facts)) {
        FUZZ_CHECK(problem->code == api::ErrorCode::kBadRequest && problem->field.empty() &&
                       !problem->message.empty(),
                   "a framing problem is a 400 of the request as a whole");
        return 0;  // refused, and the connection closed, before routing
      }
      parser.eager(true);
    }
  }
  if (!parser.is_done()) return 0;
  // What the framing rules let through.
  FUZZ_CHECK(!facts->transfer_encoding || facts->chunked, "only chunked bodies pass");
  FUZZ_CHECK(facts->version == 10 || facts->version == 11, "only HTTP/1.x passes");
  const auto& message = parser.get();

  http::Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  request.authorization = Field(message, bhttp::field::authorization);
  request.content_type = Field(message, bhttp::field::content_type);
  request.body = message.body();
  const bool has_key = PresentsAKey(request.authorization);

  fuzz::RecordingRunner runner;
  jobs::StoreOptions options;
  options.workers = 1;
  options.max_pending = 4;
  jobs::JobStore store(options, runner, world.clock);
  http::Router router(world.keys, world.registry, store, {});

  http::Answer answer;
  if (auto screened = router.Screen(request.method, request.target, request.authorization,
                                    request.content_type)) {
    answer = std::move(*screened);
  } else {
    auto promise = std::make_shared<std::promise<http::Answer>>();
    auto calls = std::make_shared<std::atomic<int>>(0);
    std::future<http::Answer> future = promise->get_future();
    router.Handle(request, [promise, calls](http::Answer reply) {
      FUZZ_CHECK(calls->fetch_add(1) == 0, "the router answers exactly once");
      promise->set_value(std::move(reply));
    });
    FUZZ_CHECK(future.wait_for(std::chrono::seconds(20)) == std::future_status::ready,
               "the router answers within 20 s");
    answer = future.get();
  }
  CheckAnswer(answer);
  if (!has_key) {
    FUZZ_CHECK(runner.runs() == 0, "without the key nothing runs");
    // A target that is no path is malformed HTTP (400) whoever asks; any
    // other, but /health, is 401 before routing, so that paths cannot be
    // probed without a key.
    if (request.target.empty() || request.target.front() != '/') {
      FUZZ_CHECK(answer.status == 400, "a target that is no path: 400");
    } else if (http::PathOf(request.target) != "/health") {
      FUZZ_CHECK(answer.status == 401, "without the key: 401, before routing");
    }
  }
  store.Shutdown(std::chrono::milliseconds(0));
  return 0;
}

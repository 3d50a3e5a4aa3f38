// libFuzzer target: POST /run's query string and body. The input is split
// at its first newline: the query before it, the body (code with its
// shebang) after. Properties:
//  - a rejection is a 400, 413 or 415 with a message, and an error about
//    one parameter names it ("query.ttl", "body", ...);
//  - an accepted request starts with "#!", keeps its body as the code byte
//    for byte, has a language and an interpreter, and keeps every limit.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "reference_server/api/run_request.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  const std::string_view query = input.substr(0, newline);
  const std::string_view body =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  // A small code limit, so that the payload_too_large check is reached.
  api::RequestLimits limits;
  limits.max_code_bytes = 1024;
  limits.max_env_vars = 8;
  limits.max_env_total_bytes = 256;

  const auto parsed = api::ParseRunRequest(body, query, limits);
  if (!parsed.ok()) {
    const api::ApiError& error = parsed.error();
    const int status = error.http_status();
    FUZZ_CHECK(status == 400 || status == 413 || status == 415, "a client error");
    FUZZ_CHECK(!error.message.empty(), "a rejection says which rule");
    if (error.code == api::ErrorCode::kInvalidValue || error.code == api::ErrorCode::kWrongType ||
        error.code == api::ErrorCode::kConflictingFields) {
      FUZZ_CHECK(error.field.rfind("query.", 0) == 0 || error.field.rfind("body", 0) == 0,
                 "the rejection names the parameter at fault");
    }
    return 0;
  }
  const api::RunRequest& request = parsed.value();
  FUZZ_CHECK(body.substr(0, 2) == "#!", "only a body with a shebang is accepted");
  FUZZ_CHECK(request.execute.code == body, "the body is the code, byte for byte");
  FUZZ_CHECK(!request.execute.language.empty(), "a detected language");
  FUZZ_CHECK(!request.interpreter.empty(), "the interpreter it was detected from");
  FUZZ_CHECK(request.execute.ttl_seconds >= limits.min_ttl_seconds &&
                 request.execute.ttl_seconds <= limits.max_ttl_seconds,
             "ttl within 1..900");
  FUZZ_CHECK(request.execute.code.size() <= limits.max_code_bytes, "code within its limit");
  FUZZ_CHECK(request.execute.env.size() <= limits.max_env_vars, "env within its count");
  FUZZ_CHECK(request.execute.input_files.empty(), "/run has no input files");
  return 0;
}

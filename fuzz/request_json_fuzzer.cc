// libFuzzer target: any bytes as the JSON body of POST /execute.
// Properties beyond "no crash, no leak, no UB" (ASan/UBSan):
//  - a rejection is a 400 or 413 with a message, and names the field at
//    fault for every error about one field;
//  - an accepted request keeps every limit (small ones, so that the size
//    checks are reached);
//  - an accepted request written back as JSON parses to the same request.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <unordered_set>

#include "fuzz/fuzz_check.h"
#include "reference_server/api/execute_request.h"
#include "reference_server/api/filename.h"
#include "reference_server/api/request_json.h"

namespace {

bool ErrorIsAboutOneField(api::ErrorCode code) {
  switch (code) {
    case api::ErrorCode::kMissingField:
    case api::ErrorCode::kWrongType:
    case api::ErrorCode::kInvalidValue:
    case api::ErrorCode::kConflictingFields:
    case api::ErrorCode::kInvalidBase64:
    case api::ErrorCode::kInvalidFilename:
    case api::ErrorCode::kDuplicateFilename:
    case api::ErrorCode::kTooManyFiles:
    case api::ErrorCode::kFileTooLarge:
      return true;
    default:
      return false;
  }
}

// A field path, or "body" when the body as a whole has the wrong type.
bool StartsWithFieldName(const std::string& path) {
  for (const char* name : {"body", "language", "code", "env", "network_mode", "network", "ttl",
                           "return_artifact", "return_wasm_artifact", "input_files"}) {
    if (path.rfind(name, 0) == 0) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  // Small limits, so that inputs of a few KiB reach every size check (the
  // real ones, 5 MiB per file, are far beyond max_len).
  api::RequestLimits limits;
  limits.max_file_bytes = 48;
  limits.max_total_file_bytes = 96;
  limits.max_code_bytes = 1024;
  limits.max_env_vars = 8;
  limits.max_env_name_bytes = 16;
  limits.max_env_total_bytes = 256;
  const auto parsed = api::ParseExecuteRequest(body, limits);
  if (!parsed.ok()) {
    const api::ApiError& error = parsed.error();
    FUZZ_CHECK(error.http_status() == 400 || error.http_status() == 413, "status 400 or 413");
    FUZZ_CHECK(!error.message.empty(), "a rejection says which rule");
    if (ErrorIsAboutOneField(error.code)) {
      FUZZ_CHECK(StartsWithFieldName(error.field), "the rejection names the field at fault");
    }
    return 0;
  }
  const api::ExecuteRequest& request = parsed.value();
  FUZZ_CHECK(request.ttl_seconds >= limits.min_ttl_seconds &&
                 request.ttl_seconds <= limits.max_ttl_seconds,
             "ttl within 1..900");
  FUZZ_CHECK(!request.language.empty(), "a language");
  FUZZ_CHECK(request.code.size() <= limits.max_code_bytes, "code within its limit");
  FUZZ_CHECK(request.input_files.size() <= limits.max_input_files, "at most 10 files");
  FUZZ_CHECK(request.env.size() <= limits.max_env_vars, "env within its count");
  std::size_t total = 0;
  std::unordered_set<std::string_view> names;
  for (const api::InputFile& file : request.input_files) {
    FUZZ_CHECK(file.content.size() <= limits.max_file_bytes, "each file within its limit");
    total += file.content.size();
    FUZZ_CHECK(!api::FilenameViolation(file.filename, limits.max_filename_bytes),
               "every accepted file name is valid");
    FUZZ_CHECK(names.insert(file.filename).second, "file names are unique");
  }
  FUZZ_CHECK(total <= limits.max_total_file_bytes, "all files within their total");

  const auto again = api::ParseExecuteRequest(api::ExecuteRequestToJson(request), limits);
  FUZZ_CHECK(again.ok(), "the request written back as JSON is accepted");
  FUZZ_CHECK(again.value() == request, "and parses to the same request");
  return 0;
}

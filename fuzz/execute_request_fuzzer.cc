// libFuzzer target: any bytes as the JSON body of POST /execute. The parser
// must never crash, and whatever it accepts must satisfy every documented
// limit (a differential oracle for the limits, not only a crash detector).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <unordered_set>

#include "reference_server/api/execute_request.h"
#include "reference_server/api/filename.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const api::RequestLimits limits;
  const auto parsed = api::ParseExecuteRequest(body, limits);
  if (!parsed.ok()) {
    const int status = parsed.error().http_status();
    if (status != 400 && status != 413) std::abort();
    return 0;
  }
  const api::ExecuteRequest& request = parsed.value();
  if (request.ttl_seconds < limits.min_ttl_seconds ||
      request.ttl_seconds > limits.max_ttl_seconds) {
    std::abort();
  }
  if (request.input_files.size() > limits.max_input_files) std::abort();
  std::size_t total = 0;
  std::unordered_set<std::string_view> names;
  for (const api::InputFile& file : request.input_files) {
    if (file.content.size() > limits.max_file_bytes) std::abort();
    total += file.content.size();
    if (api::FilenameViolation(file.filename, limits.max_filename_bytes)) std::abort();
    if (!names.insert(file.filename).second) std::abort();
  }
  if (total > limits.max_total_file_bytes) std::abort();
  return 0;
}

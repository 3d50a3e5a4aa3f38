#ifndef REFERENCE_SERVER_API_LIMITS_H_
#define REFERENCE_SERVER_API_LIMITS_H_

#include <cstddef>

namespace api {

inline constexpr std::size_t kMiB = 1024 * 1024;

// Every bound a request is checked against. The defaults are the documented
// limits (docs/API.md marks which are documented and which are reference
// decisions); a server may pass different ones, tests pass small ones.
struct RequestLimits {
  // Documented ("Input Files" section).
  std::size_t max_input_files = 10;
  std::size_t max_file_bytes = 5 * kMiB;         // decoded, per file
  std::size_t max_total_file_bytes = 10 * kMiB;  // decoded, all files
  // The documentation says 256 characters, but Linux file systems store
  // at most 255 bytes per name (NAME_MAX): a 256-byte name could only fail
  // later, as a sandbox error. Refusing it up front is the honest answer.
  std::size_t max_filename_bytes = 255;
  // Documented: "Timeout 1-900s (default: 60)".
  int min_ttl_seconds = 1;
  int max_ttl_seconds = 900;
  int default_ttl_seconds = 60;
  // Reference decisions: the documentation states no bound for these.
  std::size_t max_code_bytes = 1 * kMiB;
  std::size_t max_env_vars = 256;
  std::size_t max_env_name_bytes = 128;
  std::size_t max_env_total_bytes = 64 * 1024;  // names + values
  std::size_t max_language_bytes = 32;
  std::size_t max_json_depth = 64;
};

}  // namespace api

#endif  // REFERENCE_SERVER_API_LIMITS_H_

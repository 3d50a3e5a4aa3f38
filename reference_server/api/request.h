#ifndef REFERENCE_SERVER_API_REQUEST_H_
#define REFERENCE_SERVER_API_REQUEST_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace api {

enum class NetworkMode { kZeroTrust, kSemiTrusted };

// "zerotrust" or "semitrusted".
std::string_view NetworkModeName(NetworkMode mode);

struct InputFile {
  std::string filename;  // as given, or "0", "1", ... by index
  std::string content;   // decoded bytes

  friend bool operator==(const InputFile&, const InputFile&) = default;
};

using EnvVars = std::vector<std::pair<std::string, std::string>>;

// One validated execution request, whichever endpoint it came from.
struct ExecuteRequest {
  std::string language;  // lower-cased as given; resolved by the server
  std::string code;
  EnvVars env;  // in request order; names are unique
  NetworkMode network_mode = NetworkMode::kZeroTrust;
  int ttl_seconds = 60;
  bool return_artifact = false;
  bool return_wasm_artifact = false;
  std::vector<InputFile> input_files;

  // Member by member: what a round trip through JSON must preserve.
  friend bool operator==(const ExecuteRequest&, const ExecuteRequest&) = default;
};

// A /run or /run/async request: the language came from the shebang.
struct RunRequest {
  ExecuteRequest execute;
  std::string interpreter;  // e.g. "python3.11" from "#!/usr/bin/python3.11"
};

}  // namespace api

#endif  // REFERENCE_SERVER_API_REQUEST_H_

#ifndef REFERENCE_SERVER_HTTP_ACCESS_LOG_H_
#define REFERENCE_SERVER_HTTP_ACCESS_LOG_H_

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace http {

// One handled request, as logged. Never the API key, the code, the body or
// the query string (which can carry env values): only what an operator
// needs to follow traffic.
struct RequestRecord {
  std::string remote;  // "127.0.0.1:53412"
  std::string method;
  std::string path;  // without the query
  unsigned status = 0;
  std::int64_t duration_ms = 0;  // from the request's first byte to its answer
  std::string job_id;
  std::string error_code;
  std::uint64_t request_bytes = 0;   // body
  std::uint64_t response_bytes = 0;  // body
};

// Structured logging: one JSON object per line, on a stream (stderr for the
// server), each line written whole even when threads log at once.
class AccessLog {
 public:
  explicit AccessLog(std::FILE* out) : out_(out) {}

  void Request(const RequestRecord& record);
  // {"time": ..., "event": name, key: value, ...} for the server's own
  // events (listening, shutdown, ...).
  void Event(std::string_view name,
             const std::vector<std::pair<std::string, std::string>>& fields = {});

 private:
  void WriteLine(const std::string& line);

  std::FILE* out_;
  std::mutex mutex_;
};

}  // namespace http

#endif  // REFERENCE_SERVER_HTTP_ACCESS_LOG_H_

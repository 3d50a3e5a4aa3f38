#ifndef REFERENCE_SERVER_SERVER_FLAGS_H_
#define REFERENCE_SERVER_SERVER_FLAGS_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace reference_server {

// Everything the command line sets. Defaults are the documented ones
// (kUsage lists them).
struct ServerFlags {
  bool help = false;
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::vector<std::string> api_keys;
  std::vector<std::string> api_keys_files;
  int workers = 0;  // 0: the number of cores
  std::size_t max_queue = 64;
  std::chrono::milliseconds job_retention = std::chrono::hours(1);
  std::chrono::milliseconds shutdown_drain = std::chrono::seconds(10);
  std::chrono::milliseconds request_timeout = std::chrono::seconds(30);
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(30);
  std::size_t max_body_bytes = 20 * 1024 * 1024;
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_connections = 512;
  std::size_t max_answer_bytes = 256 * 1024 * 1024;
  int io_threads = 2;
  std::string languages_file;  // "": the one beside the binary
  std::size_t memory_mb = 512;
  std::uint32_t sandbox_uid_base = 200000;
  std::string network_helper = "/usr/bin/slirp4netns";
};

extern const char kUsage[];

// The flags, or a message naming the flag at fault ("--workers: must be a
// whole number from 1 to 1024, got 'x'"). Arguments are argv[1..].
std::variant<ServerFlags, std::string> ParseServerFlags(const std::vector<std::string>& args);

// "90" (seconds), "90s", "500ms", "15m", "2h"; nullopt-like false on error.
bool ParseDuration(const std::string& text, std::chrono::milliseconds& out);

// "HOST:PORT" or "[IPV6]:PORT".
bool ParseListenAddress(const std::string& text, std::string& host, std::uint16_t& port);

}  // namespace reference_server

#endif  // REFERENCE_SERVER_SERVER_FLAGS_H_

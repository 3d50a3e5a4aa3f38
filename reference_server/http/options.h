#ifndef REFERENCE_SERVER_HTTP_OPTIONS_H_
#define REFERENCE_SERVER_HTTP_OPTIONS_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

// The server's settings and their defaults, apart from the I/O classes so
// that the command line (reference_server/server_flags.h) can take its
// defaults from here without linking Beast: each default is stated once.

namespace http {

struct SessionOptions {
  std::size_t max_header_bytes = 16 * 1024;
  // 10 MiB of input files as base64 (13.4 MiB), 1 MiB of code that JSON
  // escaping can inflate up to sixfold, and the env: about 20 MiB.
  std::uint64_t max_body_bytes = 20 * 1024 * 1024;
  // To receive a whole request once its first byte came, and to wait for
  // the next request on a kept-alive connection.
  std::chrono::milliseconds request_timeout = std::chrono::seconds(30);
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(30);
  std::chrono::milliseconds write_timeout = std::chrono::seconds(30);
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port
  int io_threads = 2;
  std::size_t max_connections = 512;
  SessionOptions session;
  // At shutdown, how long running jobs may go on before they are cancelled.
  std::chrono::milliseconds drain = std::chrono::seconds(10);
  // Answers being written at once, in bytes (see ByteBudget).
  std::size_t max_answer_bytes_in_flight = 256 * 1024 * 1024;
};

}  // namespace http

#endif  // REFERENCE_SERVER_HTTP_OPTIONS_H_

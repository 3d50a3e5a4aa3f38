#ifndef REFERENCE_SERVER_TESTING_SERVER_PROCESS_H_
#define REFERENCE_SERVER_TESTING_SERVER_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/expected.h"

namespace server_test {

// The real reference_server binary, started on 127.0.0.1 port 0 with the
// given extra flags; the port is read from its "listening on" line. Its
// stderr (the access log) goes to a file. Stopped with SIGTERM on
// destruction if still running.
class ServerProcess {
 public:
  // Starts the binary and waits (up to 30 s) for its "listening on" line.
  // Errors name the binary as `where`: kUnavailable when the line does not
  // come (the message holds the server's stderr), kInternal when the
  // process cannot be started.
  static base::Expected<std::unique_ptr<ServerProcess>> Start(std::vector<std::string> flags);

  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  pid_t pid() const { return pid_; }
  const std::string& listening_line() const { return listening_line_; }

  // Sends `signal` and waits up to `limit` for the exit: the exit status
  // (0..255), 128+N if killed by signal N, or -1 if still running (it is
  // then killed).
  int Stop(int signal, std::chrono::milliseconds limit);
  std::string Log() const;  // what it wrote on stderr

  // The path of the binary, from the test's runfiles.
  static std::string BinaryPath();

 private:
  ServerProcess() = default;
  base::Status Launch(std::vector<std::string> flags);
  base::Status ReadListeningLine(int out);

  pid_t pid_ = -1;
  int pidfd_ = -1;
  std::uint16_t port_ = 0;
  std::string listening_line_;
  std::string log_path_;
};

}  // namespace server_test

#endif  // REFERENCE_SERVER_TESTING_SERVER_PROCESS_H_

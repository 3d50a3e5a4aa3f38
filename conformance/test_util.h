#ifndef CONFORMANCE_TEST_UTIL_H_
#define CONFORMANCE_TEST_UTIL_H_

// Helpers shared by the conformance package's unit tests.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include "conformance/json_text.h"
#include "conformance/target_url.h"
#include "rapidjson/document.h"

namespace conformance::test {

// `text` contains `part`, with both in the message when it does not.
inline ::testing::AssertionResult Has(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" lacks \"" << part << "\"";
}

// Parsed JSON; a parse error fails the test.
inline rapidjson::Document Json(const std::string& text) {
  rapidjson::Document document;
  const std::string error = ParseJson(text, &document);
  EXPECT_EQ(error, "") << text;
  return document;
}

// A new directory under the test's temporary directory, holding `files`
// (name -> content); "" (and a test failure) if it cannot be made.
inline std::string DirectoryWith(const std::map<std::string, std::string>& files = {}) {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string dir = std::string(base != nullptr ? base : "/tmp") + "/conformance_XXXXXX";
  if (mkdtemp(dir.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp";
    return "";
  }
  for (const auto& [name, content] : files) std::ofstream(dir + "/" + name) << content;
  return dir;
}

// Runs `command` with /bin/sh; its standard output, byte for byte, and in
// `status` what pclose() returned (0: exited 0).
inline std::string RunShell(const std::string& command, int* status) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "popen failed";
    *status = -1;
    return "";
  }
  std::string out;
  char buffer[4096];
  while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  *status = pclose(pipe);
  return out;
}

// A path in the test's runfiles (a data dependency).
inline std::string RunfilesPath(const std::string& path) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  return std::string(srcdir != nullptr ? srcdir : ".") + "/execprobe/" + path;
}

// A TCP socket listening on 127.0.0.1, on a port the kernel picks (stored
// in `port`); -1 (and a test failure) if it cannot be made.
inline int ListenOnLoopback(int* port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(fd, 8) != 0 || getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ADD_FAILURE() << "cannot listen on 127.0.0.1";
    if (fd >= 0) close(fd);
    return -1;
  }
  *port = ntohs(address.sin_port);
  return fd;
}

// A raw TCP server on 127.0.0.1 (port picked by the kernel) that serves
// each accepted connection with `serve(fd)`, for `connections` connections,
// then closes it.
class RawServer {
 public:
  RawServer(int connections, std::function<void(int)> serve) {
    listen_fd_ = ListenOnLoopback(&port_);
    thread_ = std::thread([this, connections, serve] {
      for (int i = 0; i < connections; ++i) {
        const int fd = accept(listen_fd_, nullptr, nullptr);
        if (fd < 0) return;
        serve(fd);
        close(fd);
      }
    });
  }
  ~RawServer() {
    thread_.join();
    close(listen_fd_);
  }
  RawServer(const RawServer&) = delete;
  RawServer& operator=(const RawServer&) = delete;

  TargetUrl url() const {
    TargetUrl url;
    url.host = "127.0.0.1";
    url.port = static_cast<std::uint16_t>(port_);
    return url;
  }

 private:
  int listen_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace conformance::test

#endif  // CONFORMANCE_TEST_UTIL_H_

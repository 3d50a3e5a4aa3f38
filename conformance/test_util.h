#ifndef CONFORMANCE_TEST_UTIL_H_
#define CONFORMANCE_TEST_UTIL_H_

// Helpers shared by the conformance package's unit tests.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
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

#include "base/expected.h"
#include "conformance/json_text.h"
#include "conformance/target_url.h"
#include "rapidjson/document.h"

namespace conformance::test {

// `text` contains `part`, with both in the message when it does not.
inline ::testing::AssertionResult Has(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" lacks \"" << part << "\"";
}

// The message of a failed operation, "" when it succeeded: tests compare
// it with the exact sentence a user sees.
template <class T>
std::string ErrorText(const base::Expected<T>& result) {
  return result.ok() ? "" : result.error().message;
}

// Parsed JSON; a parse error fails the test.
inline rapidjson::Document Json(const std::string& text) {
  rapidjson::Document document;
  const std::string error = ErrorText(ParseJson(text, &document));
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

// An https server on 127.0.0.1: `openssl s_server -www` (answers any GET
// with an HTTP/1.0 200 page, then closes) with a self-signed certificate
// made for the test, naming `subject_alt_name` only (by default 127.0.0.1).
class TlsServer {
 public:
  explicit TlsServer(const std::string& subject_alt_name = "IP:127.0.0.1") {
    const char* base = std::getenv("TEST_TMPDIR");
    dir_ = std::string(base != nullptr ? base : "/tmp") + "/tls_XXXXXX";
    EXPECT_NE(mkdtemp(dir_.data()), nullptr);
    const std::string make_cert =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=conformance-test "
        "-addext subjectAltName=" +
        subject_alt_name + " -keyout " + dir_ + "/key.pem -out " + dir_ + "/cert.pem 2>/dev/null";
    EXPECT_EQ(std::system(make_cert.c_str()), 0);
    const std::string serve = "exec openssl s_server -accept 127.0.0.1:0 -www -cert " + dir_ +
                              "/cert.pem -key " + dir_ + "/key.pem 2>&1";
    pipe_ = popen(("echo $$; " + serve).c_str(), "r");
    EXPECT_NE(pipe_, nullptr);
    char line[256];
    if (std::fgets(line, sizeof line, pipe_) != nullptr) pid_ = std::atoi(line);
    // "ACCEPT 127.0.0.1:PORT" once listening (bounded: the server prints it
    // within its first lines, or exits).
    for (int i = 0; i < 10 && std::fgets(line, sizeof line, pipe_) != nullptr; ++i) {
      const std::string text = line;
      if (text.rfind("ACCEPT ", 0) == 0) {
        port_ = std::atoi(text.substr(text.rfind(':') + 1).c_str());
        break;
      }
    }
    EXPECT_NE(port_, 0);
  }
  TlsServer(const TlsServer&) = delete;
  TlsServer& operator=(const TlsServer&) = delete;
  ~TlsServer() {
    if (pid_ > 0) kill(pid_, SIGTERM);
    if (pipe_ != nullptr) pclose(pipe_);
  }
  TargetUrl url() const {
    TargetUrl url;
    url.tls = true;
    url.host = "127.0.0.1";
    url.port = static_cast<std::uint16_t>(port_);
    return url;
  }
  std::string ca_file() const { return dir_ + "/cert.pem"; }

 private:
  std::string dir_;
  FILE* pipe_ = nullptr;
  int pid_ = 0;
  int port_ = 0;
};

}  // namespace conformance::test

#endif  // CONFORMANCE_TEST_UTIL_H_

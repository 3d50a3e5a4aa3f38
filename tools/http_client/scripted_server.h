#ifndef TOOLS_HTTP_CLIENT_SCRIPTED_SERVER_H_
#define TOOLS_HTTP_CLIENT_SCRIPTED_SERVER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace http_client {

// For the client's tests: an HTTP/1.1 server on 127.0.0.1 (port picked by
// the kernel) on plain sockets, one connection at a time, that does to each
// request what its script says, and counts what it saw. Every wait it makes
// ends at its destruction.
class ScriptedServer {
 public:
  enum class Action {
    kAnswer,             // 200 "ok", kept alive
    kAnswerContinue,     // 100 Continue, then as kAnswer
    kAnswerThenClose,    // as kAnswer (still saying keep-alive), then close
    kCloseUnread,        // close once the request is there, unread: the
                         // kernel resets; an idle close crossing the request
    kCloseAfterReading,  // read the request, close without a byte
    kCloseMidAnswer,     // read the request, send part of an answer, close
    kHold,               // read the request, answer nothing
    kHoldUnread,         // as kHold, without reading the request
  };

  // One action per request in order of arrival, kAnswer past the end.
  explicit ScriptedServer(std::vector<Action> script);
  ~ScriptedServer();
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  std::uint16_t port() const { return port_; }
  int requests_read() const;  // read in full, head and body
  int connections_accepted() const;
  // Connections the client closed while the server was holding them.
  int clients_gone() const;
  std::vector<std::string> heads() const;  // each request's head, as sent
  // Waits until `count` requests have been read in full, within 30 s.
  bool WaitForRequests(int count) const;
  bool WaitForClientsGone(int count) const;
  // Connections waiting to be accepted, without accepting them: a resend
  // would have connected before the client's Send returned.
  bool HasPendingConnection() const;

 private:
  void Run();
  void Serve(int fd);
  bool WaitReadable(int fd);
  bool ClientSends(int fd);
  bool ReadRequest(int fd, std::string& pending);
  void Hold(int fd);
  Action NextAction();

  std::vector<Action> script_;
  std::size_t next_ = 0;  // only the server thread
  int listen_fd_ = -1;
  int wake_fd_ = -1;
  std::uint16_t port_ = 0;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  int requests_read_ = 0;           // guarded by mutex_
  int connections_ = 0;             // guarded by mutex_
  int clients_gone_ = 0;            // guarded by mutex_
  std::vector<std::string> heads_;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace http_client

#endif  // TOOLS_HTTP_CLIENT_SCRIPTED_SERVER_H_

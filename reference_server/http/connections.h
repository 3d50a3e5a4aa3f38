#ifndef REFERENCE_SERVER_HTTP_CONNECTIONS_H_
#define REFERENCE_SERVER_HTTP_CONNECTIONS_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace http {

class Session;

// The open connections: bounded in number (each holds a descriptor and
// buffers), and closed together at shutdown. Thread-safe.
class Connections {
 public:
  explicit Connections(std::size_t max) : max_(max) {}

  // Registers a new session, or false when the limit is reached or
  // CloseAll() was called (a connection accepted as the listener closed
  // must not escape the shutdown).
  bool Admit(const std::shared_ptr<Session>& session);
  void Remove(Session* session);  // from the session's destructor

  // Asks every session to close (see Session::Close).
  void CloseAll();
  // True when every session is gone before `deadline`.
  bool WaitUntilEmpty(std::chrono::steady_clock::time_point deadline);
  std::size_t size();

 private:
  const std::size_t max_;
  std::mutex mutex_;
  std::condition_variable emptied_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
  bool closed_ = false;
};

}  // namespace http

#endif  // REFERENCE_SERVER_HTTP_CONNECTIONS_H_

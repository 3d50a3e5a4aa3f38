#include "reference_server/http/connections.h"

#include <vector>

#include "reference_server/http/session.h"

namespace http {

bool Connections::Admit(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(mutex_);
  if (closed_ || sessions_.size() >= max_) return false;
  sessions_.emplace(session.get(), session);
  return true;
}

void Connections::Remove(Session* session) {
  std::lock_guard lock(mutex_);
  sessions_.erase(session);
  if (sessions_.empty()) emptied_.notify_all();
}

void Connections::CloseAll() {
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    for (auto& [raw, weak] : sessions_) {
      if (auto session = weak.lock()) live.push_back(std::move(session));
    }
  }
  for (auto& session : live) session->Close();
}

bool Connections::WaitUntilEmpty(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return emptied_.wait_until(lock, deadline, [this] { return sessions_.empty(); });
}

std::size_t Connections::size() {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace http

// Faults that need memory across requests: what they remember lives in
// FaultState, under its mutex, because connections run on their own threads.

#include <algorithm>
#include <ctime>
#include <string>
#include <string_view>

#include "tools/fault_proxy/fault_hooks.h"
#include "tools/fault_proxy/json_body.h"
#include "tools/fault_proxy/routes.h"

namespace fault_proxy::hooks {

namespace {

std::string_view StringOr(const JsonValue* value, std::string_view fallback) {
  if (value == nullptr || !value->IsString()) return fallback;
  return {value->GetString(), value->GetStringLength()};
}

bool IsFinal(std::string_view status) {
  return status == "completed" || status == "timeout" || status == "cancelled";
}

// Unix seconds as GET /jobs writes them: ISO-8601 UTC with seconds.
std::string IsoTime(std::int64_t unix_seconds) {
  const std::time_t time = static_cast<std::time_t>(unix_seconds);
  std::tm parts{};
  if (gmtime_r(&time, &parts) == nullptr) return "";
  char text[32];
  const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return std::string(text, n);
}

std::string UuidLike(std::mt19937_64& random) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) id += '-';
    // Version 4 and variant bits, so the id looks like what the server issues.
    if (i == 12) {
      id += '4';
    } else if (i == 16) {
      id += kHex[8 + random() % 4];
    } else {
      id += kHex[random() % 16];
    }
  }
  return id;
}

}  // namespace

std::optional<Request> StatusBackwards(const Request& request, Response& response,
                                       FaultState& state) {
  const Route route = Classify(request);
  if (route.endpoint != Endpoint::kGetJob || response.status != 200) return std::nullopt;
  EditJsonObject(response, [&](JsonValue& root, JsonAllocator& allocator) {
    JsonValue* status = FindMember(root, "status");
    if (!IsFinal(StringOr(status, ""))) return false;
    int seen = 0;
    {
      std::lock_guard lock(state.mutex);
      seen = ++state.final_answers[route.job_id];
    }
    if (seen > 2) return false;
    *status = JsonString(seen == 1 ? "running" : "pending", allocator);
    EraseMembers(root, "result");
    EraseMembers(root, "completed_at");
    if (seen == 2) EraseMembers(root, "started_at");
    return true;
  });
  return std::nullopt;
}

std::optional<Response> JobsLeakAcrossKeys(Request& request, FaultState& state) {
  const std::optional<std::string> authorization = request.Get("Authorization");
  if (!authorization) return std::nullopt;
  std::lock_guard lock(state.mutex);
  if (!state.first_authorization) {
    state.first_authorization = authorization;
  } else {
    request.Set("Authorization", *state.first_authorization);
  }
  return std::nullopt;
}

std::optional<Response> AuthIgnoredRequest(Request& request, FaultState& state) {
  if (request.Has("Authorization")) return std::nullopt;
  std::lock_guard lock(state.mutex);
  if (state.accepted_authorization) request.Set("Authorization", *state.accepted_authorization);
  return std::nullopt;
}

std::optional<Request> AuthIgnoredResponse(const Request& request, Response& response,
                                           FaultState& state) {
  const std::optional<std::string> authorization = request.Get("Authorization");
  std::lock_guard lock(state.mutex);
  if (response.status != 401) {
    if (authorization && !state.accepted_authorization) {
      state.accepted_authorization = authorization;
    }
    return std::nullopt;
  }
  if (!state.accepted_authorization || authorization == state.accepted_authorization) {
    return std::nullopt;
  }
  Request again = request;
  again.Set("Authorization", *state.accepted_authorization);
  return again;
}

std::optional<Request> JobIdChanges(const Request& request, Response& response, FaultState& state) {
  if (Classify(request).endpoint != Endpoint::kGetJob) return std::nullopt;
  EditJsonObject(response, [&](JsonValue& root, JsonAllocator& allocator) {
    JsonValue* id = FindMember(root, "job_id");
    if (id == nullptr || !id->IsString()) return false;
    std::string fresh;
    {
      std::lock_guard lock(state.mutex);
      // Bounded: two draws of 122 random bits never collide in practice.
      for (int i = 0; i < 4 && (fresh.empty() || fresh == StringOr(id, "")); ++i) {
        fresh = UuidLike(state.random);
      }
    }
    *id = JsonString(fresh, allocator);
    return true;
  });
  return std::nullopt;
}

namespace {

void RememberFinished(const Request& request, Response& response, FaultState& state) {
  EditJsonObject(response, [&](JsonValue& root, JsonAllocator&) {
    const std::string_view status = StringOr(FindMember(root, "status"), "");
    const JsonValue* id = FindMember(root, "job_id");
    if (!IsFinal(status) || id == nullptr || !id->IsString()) return false;
    FaultState::FinishedJob job{std::string(StringOr(id, "")), std::string(status), "", {}};
    if (JsonValue* result = FindMember(root, "result")) {
      job.language = StringOr(FindMember(*result, "language"), "");
    }
    if (const JsonValue* created = FindMember(root, "created_at"); created && created->IsInt64()) {
      job.created = created->GetInt64();
    }
    std::lock_guard lock(state.mutex);
    auto& jobs = state.finished_jobs[request.Get("Authorization").value_or("")];
    const bool known = std::any_of(jobs.begin(), jobs.end(), [&](const auto& known_job) {
      return known_job.job_id == job.job_id;
    });
    if (!known) jobs.push_back(std::move(job));
    return false;  // remembered only; this answer passes unchanged
  });
}

void AddFinishedToList(const Request& request, Response& response, FaultState& state) {
  std::vector<FaultState::FinishedJob> finished;
  {
    std::lock_guard lock(state.mutex);
    const auto it = state.finished_jobs.find(request.Get("Authorization").value_or(""));
    if (it == state.finished_jobs.end()) return;
    finished = it->second;
  }
  EditJsonObject(response, [&](JsonValue& root, JsonAllocator& allocator) {
    JsonValue* jobs = FindMember(root, "jobs");
    if (jobs == nullptr || !jobs->IsArray()) return false;
    bool changed = false;
    for (const FaultState::FinishedJob& job : finished) {
      const bool listed = std::any_of(jobs->Begin(), jobs->End(), [&](JsonValue& entry) {
        return StringOr(FindMember(entry, "job_id"), "") == job.job_id;
      });
      if (listed) continue;
      JsonValue entry(rapidjson::kObjectType);
      SetStringMember(entry, "job_id", job.job_id, allocator);
      SetStringMember(entry, "status", job.status, allocator);
      if (!job.language.empty()) SetStringMember(entry, "language", job.language, allocator);
      if (job.created) SetStringMember(entry, "submitted_at", IsoTime(*job.created), allocator);
      jobs->PushBack(entry, allocator);
      changed = true;
    }
    return changed;
  });
}

}  // namespace

std::optional<Request> JobsListFinished(const Request& request, Response& response,
                                        FaultState& state) {
  if (response.status != 200) return std::nullopt;
  const Endpoint endpoint = Classify(request).endpoint;
  if (endpoint == Endpoint::kGetJob) RememberFinished(request, response, state);
  if (endpoint == Endpoint::kListJobs) AddFinishedToList(request, response, state);
  return std::nullopt;
}

}  // namespace fault_proxy::hooks

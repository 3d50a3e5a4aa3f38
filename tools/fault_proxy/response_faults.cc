// Faults that change what the client sees of a correct upstream answer.

#include <string>
#include <string_view>

#include "tools/fault_proxy/fault_hooks.h"
#include "tools/fault_proxy/json_body.h"
#include "tools/fault_proxy/routes.h"

namespace fault_proxy::hooks {

namespace {

// Calls `edit(result, allocator)` on the result object of the answer, if it
// has one: the body of a 200 answer of POST /execute or /run, or the
// `result` member of a GET or DELETE /jobs/{id} answer.
template <typename Edit>
void EditResultObject(const Request& request, Response& response, Edit&& edit) {
  const Endpoint endpoint = Classify(request).endpoint;
  if ((endpoint == Endpoint::kExecute || endpoint == Endpoint::kRun) && response.status == 200) {
    EditJsonObject(response, edit);
  } else if (endpoint == Endpoint::kGetJob || endpoint == Endpoint::kCancelJob) {
    EditJsonObject(response, [&](JsonValue& root, JsonAllocator& allocator) {
      JsonValue* result = FindMember(root, "result");
      return result != nullptr && result->IsObject() && edit(*result, allocator);
    });
  }
}

bool StringIs(const JsonValue* value, std::string_view wanted) {
  return value != nullptr && value->IsString() &&
         std::string_view(value->GetString(), value->GetStringLength()) == wanted;
}

}  // namespace

std::optional<Request> ResultMissingStdout(const Request& request, Response& response,
                                           FaultState&) {
  EditResultObject(request, response, [](JsonValue& result, JsonAllocator&) {
    return EraseMembers(result, "stdout");
  });
  return std::nullopt;
}

std::optional<Request> ExitCodeAsString(const Request& request, Response& response, FaultState&) {
  EditResultObject(request, response, [](JsonValue& result, JsonAllocator& allocator) {
    JsonValue* code = FindMember(result, "exit_code");
    if (code == nullptr) return false;
    if (code->IsInt64()) {
      *code = JsonString(std::to_string(code->GetInt64()), allocator);
    } else if (code->IsUint64()) {
      *code = JsonString(std::to_string(code->GetUint64()), allocator);
    } else {
      return false;
    }
    return true;
  });
  return std::nullopt;
}

std::optional<Request> Validation500(const Request&, Response& response, FaultState&) {
  if (response.status == 400 || response.status == 413 || response.status == 415) {
    response.status = 500;
  }
  return std::nullopt;
}

std::optional<Request> StatusRenamed(const Request& request, Response& response, FaultState&) {
  if (Classify(request).endpoint != Endpoint::kGetJob) return std::nullopt;
  EditJsonObject(response, [](JsonValue& root, JsonAllocator& allocator) {
    JsonValue* status = FindMember(root, "status");
    if (!StringIs(status, "completed")) return false;
    *status = JsonString("done", allocator);
    return true;
  });
  return std::nullopt;
}

std::optional<Request> ContentTypeText(const Request&, Response& response, FaultState&) {
  response.Set("Content-Type", "text/plain");
  return std::nullopt;
}

std::optional<Request> AsyncAckNotPending(const Request& request, Response& response, FaultState&) {
  const Endpoint endpoint = Classify(request).endpoint;
  if (endpoint != Endpoint::kExecuteAsync && endpoint != Endpoint::kRunAsync) return std::nullopt;
  EditJsonObject(response, [](JsonValue& root, JsonAllocator& allocator) {
    JsonValue* status = FindMember(root, "status");
    if (!StringIs(status, "pending")) return false;
    *status = JsonString("queued", allocator);
    return true;
  });
  return std::nullopt;
}

std::optional<Request> ErrorBodyPlain(const Request&, Response& response, FaultState&) {
  if (response.status < 400) return std::nullopt;
  response.Set("Content-Type", "text/plain");
  response.SetBody("error");
  return std::nullopt;
}

std::optional<Request> TimestampsMissing(const Request& request, Response& response, FaultState&) {
  if (Classify(request).endpoint != Endpoint::kGetJob) return std::nullopt;
  EditJsonObject(response,
                 [](JsonValue& root, JsonAllocator&) { return EraseMembers(root, "created_at"); });
  return std::nullopt;
}

std::optional<Request> StdoutLostOnCancel(const Request& request, Response& response, FaultState&) {
  if (Classify(request).endpoint != Endpoint::kCancelJob) return std::nullopt;
  EditResultObject(request, response, [](JsonValue& result, JsonAllocator& allocator) {
    JsonValue* out = FindMember(result, "stdout");
    if (out == nullptr || StringIs(out, "")) return false;
    *out = JsonString("", allocator);
    return true;
  });
  return std::nullopt;
}

std::optional<Request> UnknownJobPending(const Request& request, Response& response, FaultState&) {
  const Route route = Classify(request);
  if (route.endpoint != Endpoint::kGetJob || response.status != 404) return std::nullopt;
  rapidjson::Document body(rapidjson::kObjectType);
  SetStringMember(body, "job_id", route.job_id, body.GetAllocator());
  SetStringMember(body, "status", "pending", body.GetAllocator());
  response.status = 200;
  response.Set("Content-Type", "application/json");
  response.SetBody(SerializeJson(body));
  return std::nullopt;
}

}  // namespace fault_proxy::hooks

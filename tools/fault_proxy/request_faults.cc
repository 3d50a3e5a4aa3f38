// Faults that make the upstream see a request other than the client's, so
// that the upstream accepts (or treats differently) what it should refuse.

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "tools/fault_proxy/fault_hooks.h"
#include "tools/fault_proxy/json_body.h"
#include "tools/fault_proxy/query.h"
#include "tools/fault_proxy/routes.h"

namespace fault_proxy::hooks {

namespace {

constexpr std::string_view kNetworkNames[] = {"network_mode", "network"};
constexpr std::string_view kContentNames[] = {"content", "content_base64"};

// Applies `edit` to the JSON body of POST /execute and /execute/async.
template <typename Edit>
void EditExecuteBody(Request& request, Edit&& edit) {
  if (IsExecute(Classify(request).endpoint)) EditJsonObject(request, edit);
}

// Applies `edit` to the query parameters of POST /run and /run/async; the
// target is rebuilt only when `edit` returns true.
template <typename Edit>
void EditRunQuery(Request& request, Edit&& edit) {
  if (!IsRun(Classify(request).endpoint)) return;
  std::vector<QueryPart> parts = SplitQuery(request.Query());
  if (edit(parts)) request.target = JoinTarget(request.Path(), parts);
}

// Calls `edit(file, index, allocator)` on each object in input_files.
template <typename Edit>
bool EditInputFiles(JsonValue& root, JsonAllocator& allocator, Edit&& edit) {
  JsonValue* files = FindMember(root, "input_files");
  if (files == nullptr || !files->IsArray()) return false;
  bool changed = false;
  for (rapidjson::SizeType i = 0; i < files->Size(); ++i) {
    JsonValue& file = (*files)[i];
    if (file.IsObject() && edit(file, i, allocator)) changed = true;
  }
  return changed;
}

std::string_view View(const JsonValue& string) {
  return {string.GetString(), string.GetStringLength()};
}

bool EraseQueryParameter(std::vector<QueryPart>& parts, std::string_view name) {
  const std::size_t before = parts.size();
  std::erase_if(parts, [&](const QueryPart& part) { return part.name == name; });
  return parts.size() != before;
}

// "-12", "0", "901", "99999999999999999999" -> clamped to 1..900; nullopt
// when `text` is not an integer (the upstream refuses it anyway).
std::optional<std::string> ClampTtlText(std::string_view text) {
  std::string_view digits = text;
  const bool negative = !digits.empty() && digits.front() == '-';
  if (!digits.empty() && (digits.front() == '-' || digits.front() == '+')) digits.remove_prefix(1);
  if (digits.empty() ||
      !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::nullopt;
  }
  const std::size_t first = std::min(digits.find_first_not_of('0'), digits.size());
  const std::string_view significant = digits.substr(first);
  if (significant.empty() || negative) return "1";
  if (significant.size() > 3 || std::stoi(std::string(significant)) > 900) return "900";
  return std::nullopt;
}

}  // namespace

std::optional<Response> TtlIgnored(Request& request, FaultState&) {
  EditExecuteBody(request,
                  [](JsonValue& root, JsonAllocator&) { return EraseMembers(root, "ttl"); });
  EditRunQuery(request,
               [](std::vector<QueryPart>& parts) { return EraseQueryParameter(parts, "ttl"); });
  return std::nullopt;
}

std::optional<Response> EnvIgnored(Request& request, FaultState&) {
  EditExecuteBody(request,
                  [](JsonValue& root, JsonAllocator&) { return EraseMembers(root, "env"); });
  EditRunQuery(request,
               [](std::vector<QueryPart>& parts) { return EraseQueryParameter(parts, "env"); });
  return std::nullopt;
}

std::optional<Response> FilenameUnchecked(Request& request, FaultState&) {
  EditExecuteBody(request, [](JsonValue& root, JsonAllocator& allocator) {
    return EditInputFiles(root, allocator,
                          [](JsonValue& file, rapidjson::SizeType, JsonAllocator& a) {
                            JsonValue* name = FindMember(file, "filename");
                            if (name == nullptr || !name->IsString()) return false;
                            const std::string_view old_name = View(*name);
                            std::string new_name;
                            for (std::size_t i = 0; i < old_name.size(); ++i) {
                              if (old_name.substr(i, 2) == "..") {
                                new_name += '_';
                                ++i;
                              } else {
                                new_name += old_name[i] == '/' ? '_' : old_name[i];
                              }
                            }
                            if (new_name == old_name) return false;
                            *name = JsonString(new_name, a);
                            return true;
                          });
  });
  return std::nullopt;
}

std::optional<Response> FileLimitUnchecked(Request& request, FaultState&) {
  EditExecuteBody(request, [](JsonValue& root, JsonAllocator&) {
    constexpr rapidjson::SizeType kLimit = 10;
    JsonValue* files = FindMember(root, "input_files");
    if (files == nullptr || !files->IsArray() || files->Size() <= kLimit) return false;
    files->Erase(files->Begin() + kLimit, files->End());
    return true;
  });
  return std::nullopt;
}

std::optional<Response> ZerotrustIgnored(Request& request, FaultState&) {
  EditExecuteBody(request, [](JsonValue& root, JsonAllocator& allocator) {
    bool any_mode = false;
    bool changed = false;
    for (auto it = root.MemberBegin(); it != root.MemberEnd(); ++it) {
      const std::string_view name = View(it->name);
      if (std::find(std::begin(kNetworkNames), std::end(kNetworkNames), name) ==
          std::end(kNetworkNames)) {
        continue;
      }
      any_mode = true;
      if (it->value.IsString() && View(it->value) == "zerotrust") {
        it->value = JsonString("semitrusted", allocator);
        changed = true;
      }
    }
    if (!any_mode) SetStringMember(root, "network_mode", "semitrusted", allocator);
    return changed || !any_mode;
  });
  EditRunQuery(request, [](std::vector<QueryPart>& parts) {
    bool any_mode = false;
    bool changed = false;
    for (QueryPart& part : parts) {
      if (std::find(std::begin(kNetworkNames), std::end(kNetworkNames), part.name) ==
          std::end(kNetworkNames)) {
        continue;
      }
      any_mode = true;
      if (part.value == "zerotrust") {
        SetRawValue(part, "semitrusted");
        changed = true;
      }
    }
    if (!any_mode) parts.push_back(MakeQueryPart("network_mode", "semitrusted"));
    return changed || !any_mode;
  });
  return std::nullopt;
}

std::optional<Response> DefaultFilenameWrong(Request& request, FaultState&) {
  EditExecuteBody(request, [](JsonValue& root, JsonAllocator& allocator) {
    return EditInputFiles(root, allocator,
                          [](JsonValue& file, rapidjson::SizeType index, JsonAllocator& a) {
                            if (FindMember(file, "filename") != nullptr) return false;
                            SetStringMember(file, "filename", "file" + std::to_string(index), a);
                            return true;
                          });
  });
  return std::nullopt;
}

std::optional<Response> TtlBoundsUnchecked(Request& request, FaultState&) {
  EditExecuteBody(request, [](JsonValue& root, JsonAllocator&) {
    bool changed = false;
    for (auto it = root.MemberBegin(); it != root.MemberEnd(); ++it) {
      if (View(it->name) != "ttl") continue;
      JsonValue& ttl = it->value;
      // Only JSON integers: 60.0 is not one (docs/API.md section 1.4).
      if (ttl.IsUint64() && ttl.GetUint64() > 900) {
        ttl.SetInt(900);
        changed = true;
      } else if (ttl.IsInt64() && ttl.GetInt64() < 1) {
        ttl.SetInt(1);
        changed = true;
      }
    }
    return changed;
  });
  EditRunQuery(request, [](std::vector<QueryPart>& parts) {
    bool changed = false;
    for (QueryPart& part : parts) {
      if (part.name != "ttl") continue;
      if (const std::optional<std::string> clamped = ClampTtlText(part.value)) {
        SetRawValue(part, *clamped);
        changed = true;
      }
    }
    return changed;
  });
  return std::nullopt;
}

std::optional<Response> Base64Lenient(Request& request, FaultState&) {
  EditExecuteBody(request, [](JsonValue& root, JsonAllocator& allocator) {
    return EditInputFiles(
        root, allocator, [](JsonValue& file, rapidjson::SizeType, JsonAllocator& a) {
          bool changed = false;
          for (auto it = file.MemberBegin(); it != file.MemberEnd(); ++it) {
            const std::string_view name = View(it->name);
            if (!it->value.IsString() ||
                std::find(std::begin(kContentNames), std::end(kContentNames), name) ==
                    std::end(kContentNames)) {
              continue;
            }
            std::string content(View(it->value));
            std::erase_if(content,
                          [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
            // A length of 1 mod 4 cannot be padded into anything decodable.
            if (content.size() % 4 == 2) content += "==";
            if (content.size() % 4 == 3) content += "=";
            if (content == View(it->value)) continue;
            it->value = JsonString(content, a);
            changed = true;
          }
          return changed;
        });
  });
  return std::nullopt;
}

std::optional<Response> ShebangIgnored(Request& request, FaultState&) {
  constexpr std::string_view kPython = "#!/usr/bin/env python3";
  if (!IsRun(Classify(request).endpoint) || !request.body.starts_with("#!")) return std::nullopt;
  const std::size_t end = std::min(request.body.find('\n'), request.body.size());
  if (std::string_view(request.body).substr(0, end) == kPython) return std::nullopt;
  request.SetBody(std::string(kPython) + request.body.substr(end));
  return std::nullopt;
}

std::optional<Response> CancelIgnored(Request& request, FaultState&) {
  const Route route = Classify(request);
  if (route.endpoint != Endpoint::kCancelJob) return std::nullopt;
  rapidjson::Document body(rapidjson::kObjectType);
  SetStringMember(body, "message", "Job cancelled", body.GetAllocator());
  SetStringMember(body, "job_id", route.job_id, body.GetAllocator());
  return JsonResponse(200, SerializeJson(body));
}

std::optional<Response> MalformedBody500(Request& request, FaultState&) {
  // The classic crash on malformed input: the handler assumes a JSON body
  // and fails outright. Only the JSON routes; /run bodies are code.
  if (!IsExecute(Classify(request).endpoint) || IsWellFormedJson(request.body)) return std::nullopt;
  return JsonResponse(500, R"({"success":false,"error":"internal error","code":"internal"})");
}

}  // namespace fault_proxy::hooks

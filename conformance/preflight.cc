#include "conformance/preflight.h"

#include "conformance/json_text.h"

namespace conformance {

namespace {

std::chrono::milliseconds Timeout(const Target& target) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(15'000 * target.timeout_scale));
}

HttpRequest Get(const std::string& path, const std::string& key) {
  HttpRequest request;
  request.method = "GET";
  request.target = path;
  if (!key.empty()) request.headers.emplace_back("Authorization", "Bearer " + key);
  return request;
}

base::Status CheckKey(HttpClient& client, const Target& target, const std::string& key,
                      const std::string& flag) {
  const HttpResponse response = client.Send(Get("/jobs", key), Timeout(target));
  if (response.status == 0) {
    return base::MakeError(
        base::ErrorCode::kUnavailable,
        "cannot reach the target " + target.url.ToString() + ": " + response.error,
        target.url.ToString());
  }
  if (response.status == 401 || response.status == 403) {
    return base::MakeError(base::ErrorCode::kPermissionDenied,
                           "the target refused the key of " + flag + ": GET /jobs answered " +
                               std::to_string(response.status) + " " + Shorten(response.body, 300),
                           flag);
  }
  return base::Ok();
}

// GET /languages lists {"languages": [{"name": ..., "aliases": [...]}, ...]}
// (docs/API.md section 8); a bare array of names or objects is read too.
void ReadLanguages(const rapidjson::Value& body, std::set<std::string>* names) {
  const rapidjson::Value* list = &body;
  if (body.IsObject() && body.HasMember("languages")) list = &body["languages"];
  if (!list->IsArray()) return;
  for (const auto& entry : list->GetArray()) {
    if (entry.IsString()) names->insert(entry.GetString());
    if (!entry.IsObject()) continue;
    if (entry.HasMember("name") && entry["name"].IsString())
      names->insert(entry["name"].GetString());
    if (entry.HasMember("aliases") && entry["aliases"].IsArray()) {
      for (const auto& alias : entry["aliases"].GetArray()) {
        if (alias.IsString()) names->insert(alias.GetString());
      }
    }
  }
}

// The "version" string of a GET /health answer (not documented, but
// servers often say it there), for the reports; "" when there is none.
std::string VersionOf(const std::string& health) {
  rapidjson::Document body;
  if (!ParseJson(health, &body).ok() || !body.IsObject()) return "";
  const auto version = body.FindMember("version");
  if (version == body.MemberEnd() || !version->value.IsString()) return "";
  return Shorten(ToValidUtf8(version->value.GetString()), 100);
}

}  // namespace

base::Expected<std::string> Preflight(Target* target) {
  HttpClient client(target->url);
  if (base::Status taken = CheckKey(client, *target, target->primary_key, "--api-key");
      !taken.ok()) {
    return taken.error();
  }
  if (!target->second_key.empty()) {
    if (target->second_key == target->primary_key) {
      return base::MakeError(
          base::ErrorCode::kInvalidArgument,
          "--second-api-key must differ from --api-key (the isolation cases need two keys)",
          "--second-api-key");
    }
    if (base::Status taken = CheckKey(client, *target, target->second_key, "--second-api-key");
        !taken.ok()) {
      return taken.error();
    }
  }
  std::string notes;
  const HttpResponse languages =
      client.Send(Get("/languages", target->primary_key), Timeout(*target));
  rapidjson::Document body;
  if (languages.status == 200 && ParseJson(languages.body, &body).ok()) {
    std::set<std::string> names;
    ReadLanguages(body, &names);
    if (!names.empty()) {
      target->languages = names;
      target->endpoints.insert("/languages");
    }
  }
  if (!target->languages) {
    notes += "GET /languages: no list (status " + std::to_string(languages.status) +
             "); cases use python\n";
  }
  // Found with the key, so that a /health that wrongly wants one is
  // FAILED by health.no_key rather than SKIPPED.
  const HttpResponse health = client.Send(Get("/health", target->primary_key), Timeout(*target));
  if (health.status == 200) {
    target->endpoints.insert("/health");
    target->server_version = VersionOf(health.body);
  }
  return notes;
}

}  // namespace conformance

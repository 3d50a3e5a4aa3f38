#include "reference_server/api/execute_request.h"

#include "reference_server/api/input_files.h"
#include "reference_server/api/json_reader.h"
#include "reference_server/api/request_fields.h"

namespace api {
namespace {

const rapidjson::Value* Member(const rapidjson::Value& object, const char* name) {
  const auto it = object.FindMember(name);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

Result<std::string_view> RequiredString(const rapidjson::Value& object, const char* name) {
  const rapidjson::Value* value = Member(object, name);
  if (value == nullptr) return MakeError(ErrorCode::kMissingField, name, "is required");
  if (!value->IsString()) return WrongType(name, "a string", *value);
  return std::string_view(value->GetString(), value->GetStringLength());
}

Result<bool> OptionalBool(const rapidjson::Value* value, std::string_view field) {
  if (value == nullptr) return false;
  if (!value->IsBool()) return WrongType(field, "a boolean", *value);
  return value->GetBool();
}

}  // namespace

Result<ExecuteRequest> ParseExecuteRequest(std::string_view body, const RequestLimits& limits,
                                           const ReservedFilenames& reserved) {
  auto parsed = ParseStrictJson(body, "body", limits.max_json_depth);
  if (!parsed) return parsed.error();
  const rapidjson::Document& json = parsed.value();
  if (!json.IsObject()) return WrongType("body", "a JSON object", json);

  ExecuteRequest request;
  request.ttl_seconds = limits.default_ttl_seconds;

  auto language = RequiredString(json, "language");
  if (!language) return language.error();
  auto valid_language = ValidateLanguage(language.value(), "language", limits);
  if (!valid_language) return valid_language.error();
  request.language = std::move(valid_language).value();

  auto code = RequiredString(json, "code");
  if (!code) return code.error();
  if (code.value().size() > limits.max_code_bytes) {
    return MakeError(ErrorCode::kPayloadTooLarge, "code",
                     "must be at most " + std::to_string(limits.max_code_bytes) + " bytes (is " +
                         std::to_string(code.value().size()) + ")");
  }
  request.code = std::string(code.value());

  if (const rapidjson::Value* env = Member(json, "env")) {
    auto vars = EnvFromJson(*env, "env", limits);
    if (!vars) return vars.error();
    request.env = std::move(vars).value();
  }

  auto network = AliasedMember(json, "", "network_mode", "network", JsonKind::kString);
  if (!network) return network.error();
  if (const rapidjson::Value* mode = network.value()) {
    // Named after the spelling the client used.
    const std::string_view field = json.HasMember("network_mode") ? "network_mode" : "network";
    auto parsed_mode = ParseNetworkMode({mode->GetString(), mode->GetStringLength()}, field);
    if (!parsed_mode) return parsed_mode.error();
    request.network_mode = parsed_mode.value();
  }

  if (const rapidjson::Value* ttl = Member(json, "ttl")) {
    auto seconds = TtlFromJson(*ttl, "ttl", limits);
    if (!seconds) return seconds.error();
    request.ttl_seconds = seconds.value();
  }

  auto artifact =
      AliasedMember(json, "", "return_artifact", "return_artifacts", JsonKind::kBoolean);
  if (!artifact) return artifact.error();
  if (artifact.value() != nullptr) request.return_artifact = artifact.value()->GetBool();

  auto wasm = OptionalBool(Member(json, "return_wasm_artifact"), "return_wasm_artifact");
  if (!wasm) return wasm.error();
  request.return_wasm_artifact = wasm.value();

  if (const rapidjson::Value* files = Member(json, "input_files")) {
    auto decoded = InputFilesFromJson(*files, limits);
    if (!decoded) return decoded.error();
    request.input_files = std::move(decoded).value();
  }
  if (reserved && !request.input_files.empty()) {
    const std::vector<std::string> names = reserved(request.language);
    if (auto collision = CheckReservedFilenames(request.input_files, names)) return *collision;
  }
  return request;
}

}  // namespace api

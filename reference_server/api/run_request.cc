#include "reference_server/api/run_request.h"

#include <optional>

#include "reference_server/api/json_reader.h"
#include "reference_server/api/query_string.h"
#include "reference_server/api/request_fields.h"
#include "reference_server/api/shebang.h"

namespace api {
namespace {

const std::string* FindParam(const QueryParams& params, std::string_view name) {
  for (const auto& [key, value] : params) {
    if (key == name) return &value;
  }
  return nullptr;
}

std::string QueryPath(std::string_view name) { return "query." + std::string(name); }

// The parsed value of parameter `name` or of its `alias` (empty: none),
// nullopt when neither is given. Both given: they must parse to the same
// value ("return_artifact=1&return_artifacts=true" is consistent).
template <class Parse>
auto OptionalParam(const QueryParams& params, std::string_view name, std::string_view alias,
                   Parse parse)
    -> Result<std::optional<std::decay_t<decltype(parse("", "").value())>>> {
  using T = std::decay_t<decltype(parse("", "").value())>;
  std::optional<T> found;
  for (std::string_view spelling : {name, alias}) {
    const std::string* text = spelling.empty() ? nullptr : FindParam(params, spelling);
    if (text == nullptr) continue;
    auto parsed = parse(*text, QueryPath(spelling));
    if (!parsed) return parsed.error();
    if (found && !(*found == parsed.value())) {
      return MakeError(
          ErrorCode::kConflictingFields, QueryPath(name),
          "conflicts with \"" + std::string(alias) + "\", its alias, which has a different value");
    }
    found = std::move(parsed).value();
  }
  return found;
}

}  // namespace

Result<RunRequest> ParseRunRequest(std::string_view body, std::string_view query,
                                   const RequestLimits& limits) {
  if (body.size() > limits.max_code_bytes) {
    return MakeError(ErrorCode::kPayloadTooLarge, "body",
                     "code must be at most " + std::to_string(limits.max_code_bytes) +
                         " bytes (is " + std::to_string(body.size()) + ")");
  }
  auto detected = DetectLanguageFromShebang(body);
  if (!detected) return detected.error();
  auto params = ParseQueryString(query);
  if (!params) return params.error();

  RunRequest run;
  run.interpreter = std::move(detected.value().interpreter);
  ExecuteRequest& request = run.execute;
  request.language = std::move(detected.value().language);
  request.code = std::string(body);
  request.ttl_seconds = limits.default_ttl_seconds;

  const auto parse_env = [&](std::string_view text, std::string_view field) -> Result<EnvVars> {
    auto json = ParseStrictJson(text, field, limits.max_json_depth);
    if (!json) return json.error();
    return EnvFromJson(json.value(), field, limits);
  };
  auto env = OptionalParam(params.value(), "env", "", parse_env);
  if (!env) return env.error();
  if (env.value()) request.env = std::move(*env.value());

  auto network = OptionalParam(params.value(), "network_mode", "network", ParseNetworkMode);
  if (!network) return network.error();
  if (network.value()) request.network_mode = *network.value();

  const auto parse_ttl = [&](std::string_view text, std::string_view field) {
    return TtlFromText(text, field, limits);
  };
  auto ttl = OptionalParam(params.value(), "ttl", "", parse_ttl);
  if (!ttl) return ttl.error();
  if (ttl.value()) request.ttl_seconds = *ttl.value();

  auto artifact =
      OptionalParam(params.value(), "return_artifact", "return_artifacts", BoolFromText);
  if (!artifact) return artifact.error();
  if (artifact.value()) request.return_artifact = *artifact.value();

  auto wasm = OptionalParam(params.value(), "return_wasm_artifact", "", BoolFromText);
  if (!wasm) return wasm.error();
  if (wasm.value()) request.return_wasm_artifact = *wasm.value();
  return run;
}

}  // namespace api

#include "reference_server/api/request_fields.h"

#include <algorithm>
#include <charconv>
#include <cstdint>

namespace api {
namespace {

std::string TtlRangeRule(const RequestLimits& limits) {
  return "must be an integer from " + std::to_string(limits.min_ttl_seconds) + " to " +
         std::to_string(limits.max_ttl_seconds) + " (seconds)";
}

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

bool IsPortableEnvName(std::string_view name) {
  if (name.empty() || IsAsciiDigit(name[0])) return false;
  for (char c : name) {
    if (!IsAsciiLetter(c) && !IsAsciiDigit(c) && c != '_') return false;
  }
  return true;
}

}  // namespace

std::string_view JsonTypeName(const rapidjson::Value& value) {
  switch (value.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "boolean";
    case rapidjson::kObjectType:
      return "object";
    case rapidjson::kArrayType:
      return "array";
    case rapidjson::kStringType:
      return "string";
    case rapidjson::kNumberType:
      return value.IsDouble() ? "number" : "integer";
  }
  return "unknown";
}

ApiError WrongType(std::string_view field, std::string_view expected, const rapidjson::Value& got) {
  return MakeError(
      ErrorCode::kWrongType, std::string(field),
      "must be " + std::string(expected) + " (got " + std::string(JsonTypeName(got)) + ")");
}

Result<const rapidjson::Value*> AliasedMember(const rapidjson::Value& object,
                                              std::string_view path_prefix, std::string_view name,
                                              std::string_view alias, JsonKind kind) {
  const rapidjson::Value* found[2] = {nullptr, nullptr};
  const std::string_view spellings[2] = {name, alias};
  for (int i = 0; i < 2; ++i) {
    const std::string_view key = spellings[i];
    const auto it = object.FindMember(rapidjson::Value(
        rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size()))));
    if (it == object.MemberEnd()) continue;
    const bool right_kind = kind == JsonKind::kString ? it->value.IsString() : it->value.IsBool();
    if (!right_kind) {
      return WrongType(std::string(path_prefix) + std::string(key),
                       kind == JsonKind::kString ? "a string" : "a boolean", it->value);
    }
    found[i] = &it->value;
  }
  if (found[0] != nullptr && found[1] != nullptr && *found[0] != *found[1]) {
    return MakeError(
        ErrorCode::kConflictingFields, std::string(path_prefix) + std::string(name),
        "conflicts with \"" + std::string(alias) + "\", its alias, which has a different value");
  }
  return found[0] != nullptr ? found[0] : found[1];
}

Result<std::string> ValidateLanguage(std::string_view language, std::string_view field,
                                     const RequestLimits& limits) {
  if (language.empty()) {
    return MakeError(ErrorCode::kInvalidValue, std::string(field), "must not be empty");
  }
  if (language.size() > limits.max_language_bytes) {
    return MakeError(
        ErrorCode::kInvalidValue, std::string(field),
        "must be at most " + std::to_string(limits.max_language_bytes) + " bytes long");
  }
  std::string lowered;
  lowered.reserve(language.size());
  for (char c : language) {
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    const bool allowed = IsAsciiLetter(lower) || IsAsciiDigit(lower) || lower == '+' ||
                         lower == '#' || lower == '.' || lower == '_' || lower == '-';
    if (!allowed) {
      return MakeError(
          ErrorCode::kInvalidValue, std::string(field),
          "must contain only letters, digits and + # . _ - (got \"" + Excerpt(language) + "\")");
    }
    lowered.push_back(lower);
  }
  return lowered;
}

Result<NetworkMode> ParseNetworkMode(std::string_view value, std::string_view field) {
  if (value == "zerotrust") return NetworkMode::kZeroTrust;
  if (value == "semitrusted") return NetworkMode::kSemiTrusted;
  return MakeError(ErrorCode::kInvalidValue, std::string(field),
                   "must be \"zerotrust\" or \"semitrusted\" (got \"" + Excerpt(value) + "\")");
}

Result<int> TtlFromJson(const rapidjson::Value& value, std::string_view field,
                        const RequestLimits& limits) {
  // RapidJSON types 60 as an integer and 60.0 or 6e1 as a double: only the
  // former is an integer in the documentation's sense.
  if (!value.IsNumber() || value.IsDouble()) return WrongType(field, "an integer", value);
  const bool in_range = value.IsInt64() && value.GetInt64() >= limits.min_ttl_seconds &&
                        value.GetInt64() <= limits.max_ttl_seconds;
  if (!in_range) {
    return MakeError(ErrorCode::kInvalidValue, std::string(field), TtlRangeRule(limits));
  }
  return static_cast<int>(value.GetInt64());
}

Result<int> TtlFromText(std::string_view text, std::string_view field,
                        const RequestLimits& limits) {
  const bool digits_only = !text.empty() && std::all_of(text.begin(), text.end(), IsAsciiDigit);
  if (!digits_only) {
    return MakeError(ErrorCode::kInvalidValue, std::string(field),
                     TtlRangeRule(limits) + ", got \"" + Excerpt(text) + "\"");
  }
  std::int64_t ttl = 0;
  const auto parsed = std::from_chars(text.data(), text.data() + text.size(), ttl);
  if (parsed.ec != std::errc() || ttl < limits.min_ttl_seconds || ttl > limits.max_ttl_seconds) {
    return MakeError(ErrorCode::kInvalidValue, std::string(field), TtlRangeRule(limits));
  }
  return static_cast<int>(ttl);
}

Result<bool> BoolFromText(std::string_view text, std::string_view field) {
  if (text == "true" || text == "1") return true;
  if (text == "false" || text == "0") return false;
  return MakeError(ErrorCode::kInvalidValue, std::string(field),
                   "must be true, false, 1 or 0 (got \"" + Excerpt(text) + "\")");
}

Result<EnvVars> EnvFromJson(const rapidjson::Value& value, std::string_view field,
                            const RequestLimits& limits) {
  if (!value.IsObject()) return WrongType(field, "an object of strings", value);
  if (value.MemberCount() > limits.max_env_vars) {
    return MakeError(ErrorCode::kPayloadTooLarge, std::string(field),
                     "must have at most " + std::to_string(limits.max_env_vars) +
                         " variables (has " + std::to_string(value.MemberCount()) + ")");
  }
  EnvVars env;
  env.reserve(value.MemberCount());
  std::size_t total_bytes = 0;
  for (const auto& member : value.GetObject()) {
    const std::string_view name(member.name.GetString(), member.name.GetStringLength());
    const std::string path = std::string(field) + "." + Excerpt(name);
    if (!IsPortableEnvName(name)) {
      return MakeError(ErrorCode::kInvalidValue, path,
                       "variable names must match [A-Za-z_][A-Za-z0-9_]*");
    }
    if (name.size() > limits.max_env_name_bytes) {
      return MakeError(ErrorCode::kInvalidValue, path,
                       "variable names must be at most " +
                           std::to_string(limits.max_env_name_bytes) + " bytes long");
    }
    if (!member.value.IsString()) return WrongType(path, "a string", member.value);
    const std::string_view text(member.value.GetString(), member.value.GetStringLength());
    if (text.find('\0') != std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidValue, path, "must not contain NUL bytes");
    }
    total_bytes += name.size() + text.size();
    if (total_bytes > limits.max_env_total_bytes) {
      return MakeError(ErrorCode::kPayloadTooLarge, std::string(field),
                       "names and values together must be at most " +
                           std::to_string(limits.max_env_total_bytes) + " bytes");
    }
    env.emplace_back(name, text);
  }
  return env;
}

}  // namespace api

#include "reference_server/languages/registry.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>

#include "base/ascii.h"
#include "base/system_error.h"
#include "reference_server/api/json_reader.h"
#include "reference_server/api/request_fields.h"

namespace languages {
namespace {

using api::ErrorCode;
using api::MakeError;

using base::AsciiLowered;

api::Result<std::vector<std::string>> StringList(const rapidjson::Value& entry, const char* key,
                                                 const std::string& path, bool required_nonempty) {
  const auto it = entry.FindMember(key);
  std::vector<std::string> out;
  if (it == entry.MemberEnd()) {
    if (required_nonempty)
      return MakeError(ErrorCode::kMissingField, path + "." + key, "is required");
    return out;
  }
  if (!it->value.IsArray())
    return api::WrongType(path + "." + key, "an array of strings", it->value);
  for (const auto& item : it->value.GetArray()) {
    if (!item.IsString()) return api::WrongType(path + "." + key, "an array of strings", item);
    out.emplace_back(item.GetString(), item.GetStringLength());
  }
  if (required_nonempty && out.empty()) {
    return MakeError(ErrorCode::kInvalidValue, path + "." + key, "must not be empty");
  }
  return out;
}

api::Result<std::string> String(const rapidjson::Value& entry, const char* key,
                                const std::string& path, bool required) {
  const auto it = entry.FindMember(key);
  if (it == entry.MemberEnd()) {
    if (required) return MakeError(ErrorCode::kMissingField, path + "." + key, "is required");
    return std::string();
  }
  if (!it->value.IsString()) return api::WrongType(path + "." + key, "a string", it->value);
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

// The largest floor an entry may set: 64 GiB of memory or of /tmp, 65536
// processes; a typo must not become an unbounded limit.
constexpr unsigned kMaxFloor = 65536;

api::Result<Language> ParseLanguage(const rapidjson::Value& entry, const std::string& path) {
  if (!entry.IsObject()) return api::WrongType(path, "an object", entry);
  Language language;
  auto name = String(entry, "name", path, true);
  if (!name) return name.error();
  language.name = AsciiLowered(name.value());
  auto source = String(entry, "source", path, true);
  if (!source) return source.error();
  language.source = source.value();
  auto artifact = String(entry, "artifact", path, false);
  if (!artifact) return artifact.error();
  language.artifact = artifact.value();
  struct ListField {
    const char* key;
    std::vector<std::string>* into;
    bool required;
  };
  for (const ListField& field :
       {ListField{"aliases", &language.aliases, false}, ListField{"build", &language.build, false},
        ListField{"run", &language.run, true}, ListField{"requires", &language.requirements, true},
        ListField{"shebang", &language.shebang, false},
        ListField{"binds", &language.binds, false}}) {
    auto list = StringList(entry, field.key, path, field.required);
    if (!list) return list.error();
    *field.into = std::move(list).value();
  }
  for (std::string& alias : language.aliases) alias = AsciiLowered(alias);
  for (std::size_t i = 0; i < language.binds.size(); ++i) {
    const std::string& bind = language.binds[i];
    if (!bind.starts_with("/") || bind.find("/..") != std::string::npos || bind == "/") {
      return MakeError(ErrorCode::kInvalidValue, path + ".binds[" + std::to_string(i) + "]",
                       "must be an absolute path below / without '..'");
    }
  }
  const auto wasm = entry.FindMember("wasm");
  if (wasm != entry.MemberEnd()) {
    if (!wasm->value.IsObject()) return api::WrongType(path + ".wasm", "an object", wasm->value);
    auto build = StringList(wasm->value, "build", path + ".wasm", true);
    if (!build) return build.error();
    language.wasm_build = std::move(build).value();
    auto artifact = String(wasm->value, "artifact", path + ".wasm", true);
    if (!artifact) return artifact.error();
    language.wasm_artifact = artifact.value();
  }
  // Floors of the limits, for toolchains that need more than the defaults
  // (a JVM's memory, a compiler's threads, a cache in /tmp).
  struct FloorField {
    const char* key;
    std::size_t* into;
  };
  for (const FloorField& field :
       {FloorField{"memory_mb", &language.memory_mb}, FloorField{"processes", &language.processes},
        FloorField{"tmp_mb", &language.tmp_mb}}) {
    const auto floor = entry.FindMember(field.key);
    if (floor == entry.MemberEnd()) continue;
    if (!floor->value.IsUint() || floor->value.GetUint() > kMaxFloor) {
      return api::WrongType(path + "." + field.key, "an integer from 0 to 65536", floor->value);
    }
    *field.into = floor->value.GetUint();
  }
  return language;
}

}  // namespace

api::Result<Registry> Registry::Parse(std::string_view json_text) {
  auto json = api::ParseStrictJson(json_text, "languages.json", 16);
  if (!json) return json.error();
  const auto list =
      json.value().IsObject() ? json.value().FindMember("languages") : json.value().MemberEnd();
  if (!json.value().IsObject() || list == json.value().MemberEnd() || !list->value.IsArray()) {
    return MakeError(ErrorCode::kWrongType, "languages", "must be an array of languages");
  }
  Registry registry;
  for (rapidjson::SizeType i = 0; i < list->value.Size(); ++i) {
    const std::string path = "languages[" + std::to_string(i) + "]";
    auto language = ParseLanguage(list->value[i], path);
    if (!language) return language.error();
    for (const std::string& name : [&] {
           std::vector<std::string> names = language.value().aliases;
           names.push_back(language.value().name);
           return names;
         }()) {
      if (registry.Find(name) != nullptr) {
        return MakeError(ErrorCode::kInvalidValue, path, "\"" + name + "\" is already taken");
      }
    }
    registry.languages_.push_back(std::move(language).value());
  }
  return registry;
}

void Registry::Probe(const std::function<bool(const std::string&)>& exists) {
  for (Language& language : languages_) {
    language.installed = true;
    language.missing.clear();
    for (const std::string& path : language.requirements) {
      if (!exists(path)) {
        language.installed = false;
        language.missing = path;
        break;
      }
    }
  }
}

const Language* Registry::Find(std::string_view name) const {
  const std::string wanted = AsciiLowered(name);
  for (const Language& language : languages_) {
    if (language.name == wanted || std::find(language.aliases.begin(), language.aliases.end(),
                                             wanted) != language.aliases.end()) {
      return &language;
    }
  }
  return nullptr;
}

api::Result<const Language*> Registry::Resolve(std::string_view name) const {
  const Language* language = Find(name);
  if (language != nullptr && language->installed) return language;
  std::string available;
  for (const Language* installed : Installed()) {
    available += (available.empty() ? "" : ", ") + installed->name;
  }
  const std::string why = language == nullptr ? "is not a language this server knows"
                                              : "is not installed on this server";
  return MakeError(ErrorCode::kUnsupportedLanguage, "language",
                   "\"" + api::Excerpt(name) + "\" " + why + " (available: " + available + ")");
}

std::vector<const Language*> Registry::Installed() const {
  std::vector<const Language*> out;
  for (const Language& language : languages_) {
    if (language.installed) out.push_back(&language);
  }
  return out;
}

std::vector<std::string> Registry::ReservedFilenames(std::string_view name) const {
  const Language* language = Find(name);
  if (language == nullptr) return {};
  std::vector<std::string> names = {language->source};
  if (!language->artifact.empty()) names.push_back(language->artifact);
  if (!language->wasm_artifact.empty()) names.push_back(language->wasm_artifact);
  return names;
}

bool PathExists(const std::string& path) { return access(path.c_str(), X_OK) == 0; }

std::string DefaultRegistryFile(const char* argv0) {
  const std::string runfiles =
      std::string(argv0) + ".runfiles/execprobe/reference_server/languages/languages.json";
  if (access(runfiles.c_str(), R_OK) == 0) return runfiles;
  return "reference_server/languages/languages.json";
}

base::Expected<std::string> ReadWholeFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  int error = fd < 0 ? errno : 0;
  std::string text;
  char buffer[65536];
  for (ssize_t n = 0; error == 0 && (n = read(fd, buffer, sizeof buffer)) != 0;) {
    if (n > 0) {
      text.append(buffer, static_cast<std::size_t>(n));
    } else if (errno != EINTR) {
      error = errno;
    }
  }
  if (fd >= 0) close(fd);
  if (error == 0) return text;
  return base::ErrnoError(error, path);
}

}  // namespace languages

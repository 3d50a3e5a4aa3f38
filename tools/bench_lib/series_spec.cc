#include "tools/bench_lib/series_spec.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <utility>

#include "base/system_error.h"
#include "rapidjson/document.h"

namespace exec_latency {
namespace {

// A broken spec is the caller's mistake: exit status 2.
base::Error Usage(std::string message, std::string where) {
  return base::MakeError(base::ErrorCode::kInvalidArgument, std::move(message), std::move(where));
}

base::Expected<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return base::ErrnoError(errno, path, "cannot read:");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// "http://HOST:PORT/PATH" (IPv4 or a name) into the spec.
base::Status ParseUrl(const std::string& url, SeriesSpec& spec) {
  constexpr std::string_view kScheme = "http://";
  const std::string where = spec.name + ".http.url";
  if (!url.starts_with(kScheme)) return Usage("not an http:// URL: " + url, where);
  const std::string rest = url.substr(kScheme.size());
  const std::size_t slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  spec.target = slash == std::string::npos ? "/" : rest.substr(slash);
  const std::size_t colon = authority.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == authority.size()) {
    return Usage("wants HOST:PORT in " + url, where);
  }
  spec.host = authority.substr(0, colon);
  spec.port = authority.substr(colon + 1);
  return base::Ok();
}

bool ValidName(const std::string& name) {
  return !name.empty() && name.size() <= 64 &&
         std::all_of(name.begin(), name.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '_' || c == '-' || c == '.';
         });
}

base::Expected<std::vector<std::string>> Strings(const rapidjson::Value& value,
                                                 const std::string& where) {
  if (!value.IsArray()) return Usage("must be an array of strings", where);
  std::vector<std::string> out;
  for (const auto& item : value.GetArray()) {
    if (!item.IsString()) return Usage("must be an array of strings", where);
    out.emplace_back(item.GetString(), item.GetStringLength());
  }
  return out;
}

base::Status ParseHttp(const rapidjson::Value& http, SeriesSpec& spec) {
  const std::string where = spec.name + ".http";
  for (const char* member : {"url", "body_file", "key_file"}) {
    if (!http.IsObject() || !http.HasMember(member) || !http[member].IsString()) {
      return Usage(std::string("needs the string ") + member, where);
    }
  }
  if (base::Status url = ParseUrl(http["url"].GetString(), spec); !url.ok()) return url;
  base::Expected<std::string> body = ReadFile(http["body_file"].GetString());
  if (!body.ok()) return body.error();
  base::Expected<std::string> key = ReadFile(http["key_file"].GetString());
  if (!key.ok()) return key.error();
  spec.body = std::move(body).value();
  spec.key = std::move(key).value();
  while (!spec.key.empty() && std::isspace(static_cast<unsigned char>(spec.key.back()))) {
    spec.key.pop_back();
  }
  if (spec.key.empty()) return Usage("the key file is empty", where);
  return base::Ok();
}

base::Expected<SeriesSpec> ParseSeries(const rapidjson::Value& value, std::size_t index) {
  const std::string at = "series[" + std::to_string(index) + "]";
  if (!value.IsObject() || !value.HasMember("name") || !value["name"].IsString() ||
      !ValidName(value["name"].GetString())) {
    return Usage("needs a name of letters, digits, '_', '-' or '.'", at);
  }
  SeriesSpec spec;
  spec.name = value["name"].GetString();
  if (value.HasMember("expect")) {
    auto expect = Strings(value["expect"], spec.name + ".expect");
    if (!expect.ok()) return expect.error();
    spec.expect = std::move(expect).value();
  }
  if (value.HasMember("argv") == value.HasMember("http")) {
    return Usage("needs exactly one of argv and http", spec.name);
  }
  if (value.HasMember("argv")) {
    auto argv = Strings(value["argv"], spec.name + ".argv");
    if (!argv.ok()) return argv.error();
    if (argv->empty()) return Usage("must not be empty", spec.name + ".argv");
    spec.argv = std::move(argv).value();
  } else if (base::Status http = ParseHttp(value["http"], spec); !http.ok()) {
    return http.error();
  }
  return spec;
}

}  // namespace

const std::string* MissingText(const SeriesSpec& spec, std::string_view output) {
  for (const std::string& text : spec.expect) {
    if (output.find(text) == std::string_view::npos) return &text;
  }
  return nullptr;
}

SeriesSpec CommandSpec(std::vector<std::string> argv) {
  SeriesSpec spec;
  spec.name = "command";
  spec.argv = std::move(argv);
  return spec;
}

base::Expected<std::vector<SeriesSpec>> ParseSpecs(const std::string& text,
                                                   const std::string& where) {
  rapidjson::Document document;
  document.Parse(text.c_str(), text.size());
  if (document.HasParseError() || !document.IsObject() || !document.HasMember("series") ||
      !document["series"].IsArray() || document["series"].Empty()) {
    return Usage("must be a JSON object with a non-empty array \"series\"", where);
  }
  std::vector<SeriesSpec> specs;
  for (const auto& value : document["series"].GetArray()) {
    base::Expected<SeriesSpec> spec = ParseSeries(value, specs.size());
    if (!spec.ok()) return spec.error();
    for (const SeriesSpec& other : specs) {
      if (other.name == spec->name) return Usage("two series have this name", spec->name);
    }
    specs.push_back(std::move(spec).value());
  }
  return specs;
}

base::Expected<std::vector<SeriesSpec>> LoadSpecFile(const std::string& path) {
  base::Expected<std::string> text = ReadFile(path);
  if (!text.ok()) return text.error();
  return ParseSpecs(text.value(), path);
}

}  // namespace exec_latency

#include "conformance/request_builder.h"

#include <algorithm>
#include <fstream>
#include <vector>

#include "base/ascii.h"
#include "conformance/json_text.h"

namespace conformance {

namespace {

constexpr std::size_t kInlineBodyLimit = 64 * 1024;

bool HasHeader(const HeaderList& headers, const std::string& name) {
  for (const auto& header : headers) {
    if (base::EqualsIgnoreCase(header.first, name)) return true;
  }
  return false;
}

std::string KeyFor(const std::string& role, const Target& target) {
  if (role == "second") return target.second_key;
  if (role == "wrong") return target.wrong_key;
  return target.primary_key;
}

// A query value may be written as a string, number or boolean.
bool QueryText(const rapidjson::Value& value, std::string* text) {
  if (value.IsString()) {
    *text = std::string(value.GetString(), value.GetStringLength());
  } else if (value.IsNumber() || value.IsBool()) {
    *text = ToJson(value);
  } else {
    return false;
  }
  return true;
}

// printf format text reproducing `bytes` exactly, inside single quotes.
std::string PrintfFormat(const std::string& bytes) {
  std::string out;
  for (const char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '%') {
      out += "%%";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\'') {
      out += "'\\''";
    } else if (c == '\n') {
      out += "\\n";
    } else if (u < 0x20 || u >= 0x7f) {
      char octal[8];
      std::snprintf(octal, sizeof octal, "\\%03o", u);
      out += octal;
    } else {
      out += c;
    }
  }
  return "'" + out + "'";
}

// A header as one shell word, with the keys replaced by "${API_KEY}" and
// "${SECOND_API_KEY}": a curl line lands in CI logs, a secret must not.
// Everything else is literal (escaped inside the double quotes).
std::string HeaderWord(const std::string& header, const Target& target) {
  std::vector<std::pair<std::string, std::string>> keys;
  for (const auto& [key, variable] : {std::pair{target.primary_key, "${API_KEY}"},
                                      std::pair{target.second_key, "${SECOND_API_KEY}"}}) {
    if (!key.empty()) keys.emplace_back(key, variable);
  }
  // The longer key first, in case one is a prefix of the other.
  std::sort(keys.begin(), keys.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  std::string word = "\"";
  bool masked = false;
  for (std::size_t i = 0; i < header.size();) {
    bool replaced = false;
    for (const auto& [key, variable] : keys) {
      if (header.compare(i, key.size(), key) == 0) {
        word += variable;
        i += key.size();
        replaced = masked = true;
        break;
      }
    }
    if (replaced) continue;
    const char c = header[i++];
    if (c == '"' || c == '\\' || c == '`' || c == '$') word += '\\';
    word += c;
  }
  return masked ? word + "\"" : ShellQuote(header);
}

}  // namespace

std::string ShellQuote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

base::Expected<BuiltRequest> BuildRequest(const rapidjson::Value& request, const Vars& vars,
                                          const Target& target) {
  rapidjson::Document expanded;
  if (const base::Status made = ExpandTemplate(request, vars, expanded.GetAllocator(), &expanded);
      !made.ok()) {
    base::Error error = base::WithContext(made.error(), "request");
    error.where = "request" + error.where;
    return error;
  }
  BuiltRequest built;
  HttpRequest& http = built.http;
  http.method = expanded["method"].GetString();
  http.target = expanded["path"].GetString();
  std::string query;
  if (const auto raw = expanded.FindMember("raw_query"); raw != expanded.MemberEnd()) {
    query = raw->value.GetString();
  }
  if (const auto parameters = expanded.FindMember("query"); parameters != expanded.MemberEnd()) {
    for (const auto& parameter : parameters->value.GetObject()) {
      std::string value;
      if (!QueryText(parameter.value, &value)) {
        const std::string where = "request/query/" + std::string(parameter.name.GetString());
        return base::MakeError(base::ErrorCode::kInvalidArgument,
                               where + ": must be a string, number or boolean", where);
      }
      query += (query.empty() ? "" : "&") + FormEncode(parameter.name.GetString()) + "=" +
               FormEncode(value);
    }
  }
  if (!query.empty()) http.target += "?" + query;

  if (const auto headers = expanded.FindMember("headers"); headers != expanded.MemberEnd()) {
    for (const auto& header : headers->value.GetObject()) {
      http.headers.emplace_back(header.name.GetString(), header.value.GetString());
    }
  }
  built.key_role = "primary";
  if (const auto key = expanded.FindMember("key"); key != expanded.MemberEnd()) {
    built.key_role = key->value.GetString();
  }
  if (built.key_role != "none" && !HasHeader(http.headers, "Authorization")) {
    http.headers.emplace_back("Authorization", "Bearer " + KeyFor(built.key_role, target));
  }
  if (const auto json = expanded.FindMember("json"); json != expanded.MemberEnd()) {
    http.body = ToJson(json->value);
    if (!HasHeader(http.headers, "Content-Type")) {
      http.headers.emplace_back("Content-Type", "application/json");
    }
  } else if (const auto body = expanded.FindMember("body"); body != expanded.MemberEnd()) {
    if (!body->value.IsString()) {
      return base::MakeError(base::ErrorCode::kInvalidArgument,
                             "request/body: must be a string (or a generator of one)",
                             "request/body");
    }
    http.body.assign(body->value.GetString(), body->value.GetStringLength());
    if (!HasHeader(http.headers, "Content-Type")) {
      http.headers.emplace_back("Content-Type", "text/plain");
    }
  }
  double seconds = 30;
  if (const auto timeout = expanded.FindMember("timeout_s"); timeout != expanded.MemberEnd()) {
    seconds = timeout->value.GetDouble();
  }
  built.timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(seconds * target.timeout_scale * 1000));
  return built;
}

BuiltRequest JobRequest(const std::string& method, const std::string& job_id,
                        const std::string& key_role, const Target& target) {
  BuiltRequest built;
  built.http.method = method;
  built.http.target = "/jobs/" + FormEncode(job_id);
  built.key_role = key_role;
  built.http.headers.emplace_back("Authorization", "Bearer " + KeyFor(key_role, target));
  built.timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(30'000 * target.timeout_scale));
  return built;
}

std::string CurlCommand(const BuiltRequest& request, const Target& target,
                        const std::string& large_body_path) {
  const HttpRequest& http = request.http;
  std::string command;
  std::string body_argument;
  if (!http.body.empty()) {
    if (http.body.size() > kInlineBodyLimit && !large_body_path.empty()) {
      std::ofstream(large_body_path, std::ios::binary) << http.body;
      body_argument = " --data-binary @" + ShellQuote(large_body_path);
    } else {
      command = "printf " + PrintfFormat(http.body) + " | ";
      body_argument = " --data-binary @-";
    }
  }
  command +=
      "curl -sS -i -X " + http.method + " " + ShellQuote(target.url.ToString() + http.target);
  for (const auto& [name, value] : http.headers) {
    command += " -H " + HeaderWord(name + ": " + value, target);
  }
  // curl adds its own Content-Type for --data-binary unless one is given,
  // and "Expect: 100-continue" for large bodies; an empty Expect keeps the
  // request what the runner sent.
  if (!http.body.empty()) {
    if (!HasHeader(http.headers, "Content-Type")) command += " -H 'Content-Type:'";
    command += " -H 'Expect:'";
  }
  return command + body_argument;
}

}  // namespace conformance

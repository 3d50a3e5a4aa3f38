#include "fuzz/remote/seeds.h"

#include <dirent.h>

#include <algorithm>

#include "base/ascii.h"
#include "conformance/json_text.h"
#include "conformance/request_builder.h"
#include "conformance/target.h"

namespace remote_fuzz {

namespace {

// Names of the files of a directory, sorted (so that seeds load in the same
// order everywhere: the index of a seed is part of a reproducer).
std::vector<std::string> FilesIn(const std::string& directory) {
  std::vector<std::string> names;
  if (DIR* dir = opendir(directory.c_str())) {
    while (const dirent* entry = readdir(dir)) {
      if (entry->d_name[0] != '.') names.emplace_back(entry->d_name);
    }
    closedir(dir);
  }
  std::sort(names.begin(), names.end());
  return names;
}

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
    text.replace(at, from.size(), to);
    at += to.size();
  }
}

KeyUse KeyOfRole(const std::string& role) {
  if (role == "second") return KeyUse::kSecond;
  if (role == "none") return KeyUse::kNone;
  if (role == "wrong") return KeyUse::kWrong;
  return KeyUse::kPrimary;
}

// A fixture's request as this tool's HttpRequest: the key by role, the
// Authorization header the builder added left out (Serialize adds it).
HttpRequest FromBuilt(const conformance::BuiltRequest& built, const conformance::Target& target) {
  HttpRequest request;
  request.method = built.http.method;
  request.target = built.http.target;
  request.body = built.http.body;
  request.key = KeyOfRole(built.key_role);
  for (const auto& [name, value] : built.http.headers) {
    const bool added =
        base::EqualsIgnoreCase(name, "Authorization") &&
        (value == "Bearer " + target.primary_key || value == "Bearer " + target.second_key ||
         value == "Bearer " + target.wrong_key);
    if (!added) request.headers.emplace_back(name, value);
    // The fixture's own credential ("bearer KEY", "Basic ..."): Serialize
    // must not add a second one.
    if (!added && base::EqualsIgnoreCase(name, "Authorization")) request.key = KeyUse::kNone;
  }
  return request;
}

base::Status LoadFixtures(const std::string& directory, const TargetContext& context,
                          SeedPool* pool) {
  conformance::Target target;
  target.primary_key = context.primary_key;
  target.second_key = context.second_key.empty() ? context.primary_key : context.second_key;
  target.wrong_key = KeyFor(KeyUse::kWrong, context);
  const conformance::Vars vars = {{"language", context.cheap_language},
                                  {"code", context.hello_code},
                                  {"run_id", "fuzz"},
                                  {"job_id", "no-such-job"},
                                  {"api_key", context.primary_key},
                                  {"probe_host", "127.0.0.1"},
                                  {"probe_port", "9"}};
  const std::vector<std::string> files = conformance::JsonFilesIn(directory);
  if (files.empty()) {
    return base::MakeError(base::ErrorCode::kNotFound, "no fixtures in " + directory, directory);
  }
  for (const std::string& file : files) {
    const std::string path = directory + "/" + file;
    const base::Expected<std::string> text = conformance::ReadWholeFile(path);
    rapidjson::Document document;
    if (!text.ok() || !conformance::ParseJson(*text, &document).ok() || !document.IsObject() ||
        !document.HasMember("cases") || !document["cases"].IsArray()) {
      return base::MakeError(base::ErrorCode::kInvalidArgument, "cannot read fixture file " + path,
                             path);
    }
    for (const auto& c : document["cases"].GetArray()) {
      if (!c.HasMember("steps") || !c["steps"].IsArray()) continue;
      for (const auto& step : c["steps"].GetArray()) {
        if (!step.IsObject() || !step.HasMember("request")) continue;
        const base::Expected<conformance::BuiltRequest> built =
            conformance::BuildRequest(step["request"], vars, target);
        if (!built.ok()) continue;
        pool->fixtures.push_back({c["id"].GetString(), FromBuilt(*built, target)});
      }
    }
  }
  return base::Ok();
}

// The file's bytes; "" when it cannot be read (a corpus input that went
// away is no seed, not a failure).
std::string ReadFile(const std::string& path) {
  base::Expected<std::string> text = conformance::ReadWholeFile(path);
  return text.ok() ? std::move(text).value() : "";
}

}  // namespace

base::Status LoadSeeds(const std::string& fixtures_dir, const TargetContext& context,
                       SeedPool* pool) {
  if (base::Status loaded = LoadFixtures(fixtures_dir + "/conformance", context, pool);
      !loaded.ok()) {
    return loaded;
  }
  const std::string corpora = fixtures_dir + "/fuzz/";
  for (const std::string& name : FilesIn(corpora + "request_json_fuzzer/corpus")) {
    pool->json_bodies.push_back(ReadFile(corpora + "request_json_fuzzer/corpus/" + name));
  }
  for (const std::string& name : FilesIn(corpora + "run_request_fuzzer/corpus")) {
    // The in-process target's input is "query\nbody".
    const std::string input = ReadFile(corpora + "run_request_fuzzer/corpus/" + name);
    const std::size_t newline = input.find('\n');
    if (newline == std::string::npos) continue;
    pool->run_inputs.emplace_back(input.substr(0, newline), input.substr(newline + 1));
  }
  for (const std::string& name : FilesIn(corpora + "http_request_fuzzer/corpus")) {
    std::string raw = ReadFile(corpora + "http_request_fuzzer/corpus/" + name);
    // The in-process target's key and host, made this target's.
    ReplaceAll(raw, "Bearer fuzz-key", "Bearer " + context.primary_key);
    ReplaceAll(raw, "Host: localhost", "Host: " + context.host_header);
    pool->raw_requests.push_back(std::move(raw));
  }
  if (pool->json_bodies.empty() || pool->raw_requests.empty()) {
    return base::MakeError(base::ErrorCode::kNotFound,
                           "no seed corpora under " + corpora +
                               " (request_json_fuzzer/corpus, "
                               "http_request_fuzzer/corpus)",
                           corpora);
  }
  return base::Ok();
}

std::string MutateBytes(Rng& rng, std::string bytes, const std::vector<std::string>& tokens) {
  const std::size_t edits = 1 + rng.Below(4);
  for (std::size_t e = 0; e < edits; ++e) {
    const std::size_t at = rng.Below(bytes.size() + 1);
    switch (rng.Below(6)) {
      case 0:  // flip a byte
        if (!bytes.empty())
          bytes[std::min(at, bytes.size() - 1)] ^= static_cast<char>(1 << rng.Below(8));
        break;
      case 1:  // insert a token
        bytes.insert(at, rng.Pick(tokens));
        break;
      case 2: {  // remove a range
        const std::size_t length =
            std::min(bytes.size() - std::min(at, bytes.size()), 1 + rng.Below(16));
        bytes.erase(std::min(at, bytes.size()), length);
        break;
      }
      case 3: {  // repeat a range
        const std::size_t length =
            std::min(bytes.size() - std::min(at, bytes.size()), 1 + rng.Below(32));
        const std::string range = bytes.substr(std::min(at, bytes.size()), length);
        bytes.insert(std::min(at, bytes.size()), range + range);
        break;
      }
      case 4:  // truncate
        bytes.resize(at);
        break;
      default:  // replace a byte by an interesting one
        if (!bytes.empty()) {
          static const char kBytes[] = {'\0', '"', '\\', '/', '.',  '{',  '}', '[',    ']',    ',',
                                        ':',  '-', '0',  '9', '\n', '\r', ' ', '\x7f', '\xff', '='};
          bytes[std::min(at, bytes.size() - 1)] = kBytes[rng.Below(sizeof kBytes)];
        }
        break;
    }
  }
  return bytes;
}

FuzzCase MutateSeed(Rng& rng, const SeedPool& pool) {
  static const std::vector<std::string> kJsonTokens = {"null",
                                                       "true",
                                                       "-1",
                                                       "0",
                                                       "901",
                                                       "1e999",
                                                       "\"\"",
                                                       "\"../x\"",
                                                       "\"a/b\"",
                                                       "{}",
                                                       "[]",
                                                       "\"filename\":",
                                                       "\"content\":\"!!\"",
                                                       "\"ttl\":",
                                                       "\"env\":{\"A=B\":\"1\"}",
                                                       "\\u0000",
                                                       "\\ud800",
                                                       "\"network_mode\":\"none\"",
                                                       ",",
                                                       "\"language\":\"python\","};
  static const std::vector<std::string> kHttpTokens = {"\r\n",
                                                       "\n",
                                                       "\r\n\r\n",
                                                       " ",
                                                       ":",
                                                       "Content-Length: 5\r\n",
                                                       "Transfer-Encoding: chunked\r\n",
                                                       "Connection: close\r\n",
                                                       "Expect: 100-continue\r\n",
                                                       "Host: x\r\n",
                                                       "0\r\n\r\n",
                                                       "HTTP/1.0",
                                                       "%00",
                                                       "?",
                                                       "/..",
                                                       "\t"};
  FuzzCase c;
  c.origin = "seed";
  const std::size_t choice = rng.Below(10);
  if (choice < 4 && !pool.fixtures.empty()) {
    const SeedPool::Fixture& fixture = rng.Pick(pool.fixtures);
    c.origin = "fixture " + fixture.case_id;
    c.http = fixture.request;
    const bool json = c.http.target.rfind("/execute", 0) == 0;
    c.kind = json ? Kind::kJson : c.http.target.rfind("/run", 0) == 0 ? Kind::kRun : Kind::kHeaders;
    // Half of them unchanged but for the endpoint: a fixture is a good
    // request to start from, and its accept/reject is worth checking as is.
    if (rng.Percent(50) && !c.http.body.empty()) {
      c.http.body = MutateBytes(rng, c.http.body, json ? kJsonTokens : kHttpTokens);
    }
  } else if (choice < 7) {
    const std::string& body = rng.Pick(pool.json_bodies);
    c.origin = "seed request_json_fuzzer";
    c.kind = Kind::kJson;
    c.http.target = "/execute";
    c.http.headers = {{"Content-Type", "application/json"}};
    c.http.body = rng.Percent(70) ? MutateBytes(rng, body, kJsonTokens) : body;
  } else if (choice < 8 && !pool.run_inputs.empty()) {
    const auto& [query, body] = rng.Pick(pool.run_inputs);
    c.origin = "seed run_request_fuzzer";
    c.kind = Kind::kRun;
    c.http.target = "/run" + (query.empty() ? "" : "?" + query);
    c.http.headers = {{"Content-Type", "text/plain"}};
    c.http.body = rng.Percent(60) ? MutateBytes(rng, body, kHttpTokens) : body;
  } else {
    c.origin = "seed http_request_fuzzer";
    c.kind = Kind::kRaw;
    c.raw_pieces = {rng.Percent(80) ? MutateBytes(rng, rng.Pick(pool.raw_requests), kHttpTokens)
                                    : rng.Pick(pool.raw_requests)};
    c.raw_asks_close = c.raw_pieces[0].find("Connection: close") != std::string::npos;
    // A mutation may leave a request unfinished (a Content-Length past the
    // end): the end of the sending side tells the target there is no more.
    c.raw_half_close = true;
    c.raw_count_known = false;
    return c;
  }
  // Seeds hold programs that run for minutes (the ttl cases sleep 120 s):
  // sent synchronously, a few would hold every worker of the target and
  // starve the campaign. The asynchronous twin takes the same body, and
  // its job is cancelled as soon as it is acknowledged.
  if ((c.http.target == "/execute" || c.http.target.rfind("/run?", 0) == 0 ||
       c.http.target == "/run") &&
      c.http.method == "POST") {
    const std::size_t path_end = c.http.target.find('?');
    c.http.target.insert(path_end == std::string::npos ? c.http.target.size() : path_end, "/async");
  }
  c.http.close = rng.Percent(15);
  return c;
}

}  // namespace remote_fuzz

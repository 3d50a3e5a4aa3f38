#include "fuzz/remote/grammar.h"

#include <cctype>
#include <string>
#include <vector>

namespace remote_fuzz {

namespace {

using Choices = std::vector<std::string>;

std::string Quote(const std::string& text) {
  std::string quoted = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += static_cast<char>(c);
    } else if (c < 0x20) {
      static const char kHex[] = "0123456789abcdef";
      quoted += "\\u00";
      quoted += kHex[c >> 4];
      quoted += kHex[c & 15];
    } else {
      quoted += static_cast<char>(c);
    }
  }
  return quoted + "\"";
}

// A value of a field: valid with probability `valid_percent`, else one of
// the invalid or boundary choices.
std::string Field(Rng& rng, unsigned valid_percent, const Choices& valid, const Choices& invalid) {
  return rng.Percent(valid_percent) || invalid.empty() ? rng.Pick(valid) : rng.Pick(invalid);
}

// Wrong types every field may get instead of its own.
const Choices& WrongTypes() {
  static const Choices kWrong = {"null", "true", "0", "-1", "1.5", "[]", "{}", "\"\"", "[1]"};
  return kWrong;
}

std::string Language(Rng& rng, const TargetContext& context) {
  std::vector<std::string> listed(context.languages.begin(), context.languages.end());
  if (rng.Percent(80)) return Quote(context.cheap_language);
  Choices odd = {Quote("no-such-language"),
                 Quote(""),
                 Quote(std::string(33, 'a')),
                 Quote(std::string(32, 'a')),
                 Quote("py thon"),
                 Quote("python\u0001"),
                 Quote("../python"),
                 Quote("PYTHON"),
                 Quote("Python"),
                 Quote("c++"),
                 Quote("c#"),
                 Quote("zig")};
  if (!listed.empty() && rng.Percent(30)) return Quote(rng.Pick(listed));
  if (rng.Percent(70)) return rng.Pick(odd);
  return rng.Pick(WrongTypes());
}

std::string Code(Rng& rng, const TargetContext& context) {
  if (rng.Percent(85)) return Quote(context.hello_code);
  const std::size_t megabyte = 1024 * 1024;
  Choices odd = {Quote(""),         Quote("\u0000"), Quote(std::string(300, '#')),
                 Quote("\xff\xfe"), "\"\\ud800\"",   Quote(std::string(1, '\x7f'))};
  // Just over the reference's 1 MiB of code: rare, it is a large send.
  if (rng.Percent(3)) return Quote(std::string(megabyte + 1, '#'));
  if (rng.Percent(70)) return rng.Pick(odd);
  return rng.Pick(WrongTypes());
}

std::string Env(Rng& rng) {
  Choices valid = {"{}", R"({"GREETING":"hi"})", R"({"A":"","_B2":"x y"})",
                   R"({"LONG":")" + std::string(1000, 'v') + "\"}"};
  Choices invalid = {R"({"1A":"x"})",
                     R"({"A=B":"x"})",
                     R"({"A":"x\u0000y"})",
                     R"({"A":1})",
                     R"({"A":null})",
                     R"({"":"x"})",
                     R"({"A B":"x"})",
                     R"(["A"])",
                     R"("A=1")",
                     R"({"A":"x","A":"y"})",
                     "{\"" + std::string(129, 'N') + "\":\"x\"}",
                     "null",
                     "0"};
  if (rng.Percent(3)) {
    std::string many = "{";
    for (int i = 0; i < 257; ++i) many += (i ? ",\"V" : "\"V") + std::to_string(i) + "\":\"x\"";
    return many + "}";
  }
  return Field(rng, 70, valid, invalid);
}

std::string NetworkMode(Rng& rng) {
  return Field(rng, 85, {Quote("zerotrust"), Quote("semitrusted")},
               {Quote("ZEROTRUST"), Quote(""), Quote("none"), Quote("host"), "1", "null",
                Quote("zerotrust ")});
}

std::string Ttl(Rng& rng) {
  return Field(rng, 80, {"1", "2", "3", "10", "60", "900"},
               {"0", "901", "-1", "1.5", "\"60\"", "null", "1e3", "18446744073709551615",
                "9223372036854775808", "-0", "true", "60.0"});
}

std::string Flag(Rng& rng) {
  return Field(rng, 85, {"true", "false"}, {"\"true\"", "1", "0", "null", "\"yes\""});
}

std::string FileName(Rng& rng) {
  return Field(rng, 75,
               {Quote("data.txt"), Quote("input-1.csv"), Quote(".hidden"), Quote("a b.txt"),
                Quote(std::string(255, 'n')), Quote("\u00e9t\u00e9.txt"), Quote("x..y")},
               {Quote("../escape"), Quote("a/b"), Quote(".."), Quote("."), Quote(""),
                Quote(std::string(256, 'n')), Quote("a\u0001b"), Quote("/etc/passwd"),
                Quote("dir/"), Quote("a\u007fb"), Quote("..\\x"), "1", "null"});
}

std::string FileContent(Rng& rng) {
  // 5 MiB decoded is the documented limit: just over it is a 7 MB send,
  // kept rare.
  if (rng.Percent(1)) {
    const std::size_t decoded = 5 * 1024 * 1024 + 3;
    return "\"" + std::string(decoded / 3 * 4, 'A') + "\"";
  }
  return Field(
      rng, 75, {Quote("aGVsbG8="), Quote(""), Quote("AAAA"), Quote("aGk=")},
      {Quote("aGVsbG8"), Quote("a==="), Quote("!!!!"), Quote("aGVs bG8="), Quote("aGVs\nbG8="),
       Quote("aGVsbG8=="), Quote("aGVsbG8=AAAA"), Quote("aGk"), Quote("-_-_"), "null", "5", "[]"});
}

std::string InputFile(Rng& rng) {
  std::string element = "{";
  const bool named = rng.Percent(85);
  if (named) element += "\"filename\":" + FileName(rng);
  // Without a name, each file gets its own by index: no duplicates.
  if (named && rng.Percent(2)) element = "{\"filename\":" + Quote("same.txt");
  if (rng.Percent(95)) {
    const char* member = rng.Percent(85) ? "content" : "content_base64";
    element += std::string(named ? "," : "") + "\"" + member + "\":" + FileContent(rng);
  }
  return element + "}";
}

std::string Member(const std::string& name, const std::string& value) {
  return Quote(name) + ":" + value;
}

// The key names of a JSON body with their values, joined.
std::string Object(const std::vector<std::string>& members) {
  std::string text = "{";
  for (std::size_t i = 0; i < members.size(); ++i) text += (i ? "," : "") + members[i];
  return text + "}";
}

std::string PercentEncode(const std::string& text) {
  std::string out;
  static const char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string Shebang(Rng& rng, const TargetContext& context) {
  const std::string& language = context.cheap_language;
  std::string line;
  if (language == "bash" || language == "sh") {
    line = "#!/bin/" + language + "\n";
  } else if (language == "python") {
    line = "#!/usr/bin/env python3\n";
  } else {
    line = "#!/usr/bin/env " + language + "\n";
  }
  return Field(rng, 80, {line},
               {"", "#!\n", "#!/usr/bin/env\n", "#!/usr/bin/env no-such-interpreter\n",
                "#! /usr/bin/env python3\r\n", "\xef\xbb\xbf" + line, " " + line,
                "#!/usr/bin/python3 -u\n", "#!" + std::string(300, 'p') + "\n"});
}

}  // namespace

std::string GenerateInputFiles(Rng& rng) {
  std::size_t count = rng.Below(4);
  if (rng.Percent(10)) count = 10;
  if (rng.Percent(8)) count = 11;  // one past the documented limit
  std::string list = "[";
  for (std::size_t i = 0; i < count; ++i) list += (i ? "," : "") + InputFile(rng);
  return list + "]";
}

FuzzCase GenerateJsonCase(Rng& rng, const TargetContext& context) {
  FuzzCase c;
  c.kind = Kind::kJson;
  c.origin = "grammar";
  std::vector<std::string> members;
  if (rng.Percent(95)) members.push_back(Member("language", Language(rng, context)));
  if (rng.Percent(95)) members.push_back(Member("code", Code(rng, context)));
  if (rng.Percent(30)) members.push_back(Member("env", Env(rng)));
  if (rng.Percent(30)) {
    members.push_back(Member(rng.Percent(80) ? "network_mode" : "network", NetworkMode(rng)));
  }
  // A short ttl by default: an accepted program should not hold the target.
  members.push_back(Member("ttl", rng.Percent(60) ? Ttl(rng) : "5"));
  if (rng.Percent(15)) {
    members.push_back(Member(rng.Percent(80) ? "return_artifact" : "return_artifacts", Flag(rng)));
  }
  if (rng.Percent(10)) members.push_back(Member("return_wasm_artifact", Flag(rng)));
  if (rng.Percent(35)) {
    members.push_back(
        Member("input_files", rng.Percent(92) ? GenerateInputFiles(rng) : rng.Pick(WrongTypes())));
  }
  if (rng.Percent(5)) members.push_back(Member("unknown_member", "[1,{\"a\":2}]"));
  // Both spellings of one field, or one member twice.
  if (rng.Percent(3)) members.push_back(Member("network", Quote("semitrusted")));
  if (rng.Percent(3) && !members.empty()) members.push_back(members.front());
  // Shuffle: order must not matter.
  for (std::size_t i = members.size(); i > 1; --i) std::swap(members[i - 1], members[rng.Below(i)]);
  c.http.body = Object(members);
  if (rng.Percent(4))
    c.http.body = rng.Pick(
        Choices{"", "null", "[]", "\"x\"", "{", "{}}", "{\"language\":\"python\",}", "\xff"});
  // Mostly asynchronous: an accepted job is cancelled at once, where a
  // synchronous one would hold the worker for a whole run.
  c.http.target = rng.Percent(80) ? "/execute/async" : "/execute";
  c.http.headers = {
      {"Content-Type", rng.Percent(90) ? "application/json" : "application/json; charset=utf-8"}};
  c.http.close = rng.Percent(15);
  return c;
}

FuzzCase GenerateRunCase(Rng& rng, const TargetContext& context) {
  FuzzCase c;
  c.kind = Kind::kRun;
  c.origin = "grammar";
  std::vector<std::string> params;
  auto param = [&](const std::string& name, const std::string& value) {
    params.push_back(name + "=" + value);
  };
  if (rng.Percent(50)) {
    param("ttl", rng.Pick(Choices{"1", "3", "5", "900", "0", "901", "-1", "1.5", "x", ""}));
  } else {
    param("ttl", "5");
  }
  if (rng.Percent(20)) param("env", PercentEncode(Env(rng)));
  if (rng.Percent(20)) {
    param(rng.Percent(80) ? "network_mode" : "network",
          rng.Pick(Choices{"zerotrust", "semitrusted", "ZEROTRUST", "", "none"}));
  }
  if (rng.Percent(10)) {
    param("return_artifact", rng.Pick(Choices{"true", "false", "1", "0", "yes", ""}));
  }
  if (rng.Percent(5))
    params.push_back(
        rng.Pick(Choices{"%zz", "ttl=1&ttl=2", "env=%7B", "=", "&&", "a=%", "ttl=%31"}));
  std::string query;
  for (std::size_t i = 0; i < params.size(); ++i) query += (i ? "&" : "") + params[i];
  c.http.target =
      std::string(rng.Percent(80) ? "/run/async" : "/run") + (query.empty() ? "" : "?" + query);
  std::string code = context.hello_code;
  if (rng.Percent(10)) code = rng.Pick(Choices{"", "\xff\xfe", std::string(1, '\0')});
  c.http.body = Shebang(rng, context) + code + "\n";
  c.http.headers = {
      {"Content-Type", Field(rng, 90, {"text/plain", "text/plain; charset=utf-8"},
                             {"application/json", "text/x-python", "text/plain; charset=latin1"})}};
  c.http.close = rng.Percent(15);
  return c;
}

FuzzCase GenerateHeaderCase(Rng& rng, const TargetContext& context) {
  FuzzCase c;
  c.kind = Kind::kHeaders;
  c.origin = "grammar";
  struct RouteChoice {
    const char* method;
    std::string target;
  };
  const std::string job = "job-" + std::to_string(rng.Below(1000000));
  const std::vector<RouteChoice> routes = {
      {"GET", "/jobs"},           {"GET", "/jobs/" + job},
      {"DELETE", "/jobs/" + job}, {"GET", "/health"},
      {"GET", "/languages"},      {"POST", "/execute"},
      {"POST", "/execute/async"}, {"POST", "/run"},
      {"GET", "/jobs/"},          {"GET", "/jobs/" + std::string(200, 'j')},
      {"GET", "/JOBS"},           {"GET", "/execute/"},
      {"GET", "//jobs"},          {"GET", "/jobs?limit=-1"},
      {"GET", "/nope"},           {"GET", "/jobs/%2e%2e"},
      {"GET", "/health?x=1"},
  };
  const RouteChoice& route = rng.Pick(routes);
  c.http.method = route.method;
  c.http.target = route.target;
  if (rng.Percent(25)) {
    c.http.method = rng.Pick(Choices{"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE",
                                     "PROPFIND", "get", "BREW"});
  }
  if (c.http.method == "POST") {
    c.http.body = c.http.target.rfind("/run", 0) == 0 ? "#!/usr/bin/env python3\nprint(1)\n"
                                                      : "{\"language\":\"python\"}";
    c.http.headers.push_back(
        {"Content-Type", c.http.target.rfind("/run", 0) == 0 ? "text/plain" : "application/json"});
  }
  c.http.key = rng.Pick(std::vector<KeyUse>{KeyUse::kPrimary, KeyUse::kPrimary, KeyUse::kNone,
                                            KeyUse::kWrong, KeyUse::kSecond});
  if (c.http.key == KeyUse::kSecond && context.second_key.empty()) c.http.key = KeyUse::kPrimary;
  if (rng.Percent(20)) {
    c.http.headers.push_back(rng.Pick(Headers{
        {"Authorization", "Basic dXNlcjpwYXNz"},
        {"X-Api-Key", context.primary_key},
        {"Accept", "text/html"},
        {"Accept-Encoding", "gzip, br"},
        {"Content-Type", "text/html"},
        {"X-Forwarded-For", "203.0.113.7"},
        {"Cookie", std::string(4000, 'c')},
        {"Range", "bytes=0-1"},
        {"If-None-Match", "*"},
    }));
  }
  c.http.close = rng.Percent(30);
  return c;
}

}  // namespace remote_fuzz

#include "fuzz/remote/fuzz_case.h"

namespace remote_fuzz {

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kJson:
      return "json";
    case Kind::kRun:
      return "run";
    case Kind::kHeaders:
      return "headers";
    case Kind::kRaw:
      return "raw";
    case Kind::kStateful:
      return "stateful";
  }
  return "?";
}

std::string KeyFor(KeyUse key, const TargetContext& context) {
  switch (key) {
    case KeyUse::kPrimary:
      return context.primary_key;
    case KeyUse::kSecond:
      return context.second_key;
    case KeyUse::kWrong:
      return "no-such-key-" + std::to_string(context.primary_key.size());
    case KeyUse::kNone:
      return "";
  }
  return "";
}

std::string Serialize(const HttpRequest& request, const TargetContext& context) {
  std::string bytes = request.method + " " + context.base_path + request.target + " HTTP/1.1\r\n";
  bytes += "Host: " + context.host_header + "\r\n";
  if (const std::string key = KeyFor(request.key, context); !key.empty()) {
    bytes += "Authorization: Bearer " + key + "\r\n";
  }
  for (const auto& [name, value] : request.headers) bytes += name + ": " + value + "\r\n";
  if (!request.body.empty() || request.method == "POST") {
    bytes += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
  }
  if (request.close) bytes += "Connection: close\r\n";
  bytes += "\r\n";
  return bytes + request.body;
}

std::vector<std::string> WirePieces(const FuzzCase& fuzz_case, const TargetContext& context) {
  if (fuzz_case.kind == Kind::kRaw) return fuzz_case.raw_pieces;
  return {Serialize(fuzz_case.http, context)};
}

std::string RouteOf(const std::string& method, const std::string& target) {
  std::string path = target.substr(0, target.find('?'));
  for (const char* known :
       {"/execute", "/execute/async", "/run", "/run/async", "/jobs", "/languages", "/health"}) {
    if (path == known) return method + " " + path;
  }
  if (path.rfind("/jobs/", 0) == 0 && path.size() > 6 && path.find('/', 6) == std::string::npos) {
    return method + " /jobs/{id}";
  }
  return method.size() <= 16 ? method + " (unknown path)" : "(unknown method)";
}

std::string RouteOf(const FuzzCase& fuzz_case) {
  if (fuzz_case.kind == Kind::kRaw) return "raw";
  return RouteOf(fuzz_case.http.method, fuzz_case.http.target);
}

}  // namespace remote_fuzz

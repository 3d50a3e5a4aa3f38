#ifndef CONFORMANCE_TARGET_H_
#define CONFORMANCE_TARGET_H_

#include <optional>
#include <set>
#include <string>

#include "conformance/http_client.h"

namespace conformance {

// What the runner knows about the server under test, gathered before the
// first case (see preflight.h) and shared read-only by all workers.
struct Target {
  TargetUrl url;
  std::string primary_key;
  std::string second_key;  // "" when not given: cases that need it are skipped
  std::string wrong_key;   // a key no server issued, for the auth cases
  // Languages from GET /languages (names and aliases); nullopt when the
  // target does not have that extension: cases then assume python only.
  std::optional<std::set<std::string>> languages;
  std::set<std::string> endpoints;  // extensions found: "/languages", "/health"
  std::string server_version;       // GET /health's "version" string, when it has one
  // A TCP listener of the runner that sandboxed programs try to reach to
  // prove zerotrust; only when the target is on this machine's loopback.
  std::string probe_host;
  int probe_port = 0;
  double timeout_scale = 1.0;
};

}  // namespace conformance

#endif  // CONFORMANCE_TARGET_H_

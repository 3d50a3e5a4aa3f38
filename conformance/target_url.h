#ifndef CONFORMANCE_TARGET_URL_H_
#define CONFORMANCE_TARGET_URL_H_

#include <cstdint>
#include <string>

#include "base/expected.h"

namespace conformance {

// Where the suite sends its requests: http[s]://HOST[:PORT][/BASE].
struct TargetUrl {
  bool tls = false;  // https
  std::string host;
  std::uint16_t port = 80;
  std::string base_path;  // "" or "/prefix" without a trailing slash
  // For https: the server's certificate is checked against the system's
  // trusted authorities, or `ca_file` when given; `insecure` skips the
  // check (a self-signed test server).
  std::string ca_file;
  bool insecure = false;

  std::string ToString() const;
  bool IsLoopback() const;
};

// The URL `text` names (without TLS settings), or a kInvalidArgument error
// saying what is wrong with it.
base::Expected<TargetUrl> ParseTargetUrl(const std::string& text);

}  // namespace conformance

#endif  // CONFORMANCE_TARGET_URL_H_

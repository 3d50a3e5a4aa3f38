#ifndef REFERENCE_SERVER_HTTP_API_KEYS_H_
#define REFERENCE_SERVER_HTTP_API_KEYS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"

namespace http {

// The API keys the server accepts. A key's owner identity ("key-3") names
// it in the job store, so that keys themselves are kept in one place only
// and never logged.
class ApiKeys {
 public:
  // Keys must be 1..256 visible ASCII characters (no space, no control
  // character): what a Bearer token can carry. An error (kInvalidArgument)
  // names the key by its position (`where`: "--api-key #2", "FILE:LINE"),
  // never by its value.
  static base::Status Validate(std::string_view key, const std::string& where);

  // Reads keys from a file, one per line; blank lines and lines starting
  // with '#' are skipped, and spaces around a key are trimmed. A file that
  // cannot be read is kNotFound or kPermissionDenied (where: the path), a
  // directory kInvalidArgument; a bad key or a file without keys is
  // kInvalidArgument (where: "PATH:LINE" or the path).
  base::Status AddFile(const std::string& path);
  base::Status Add(std::string_view key, const std::string& where);

  std::size_t size() const { return keys_.size(); }

  // The owner identity of the key in an Authorization header value
  // ("Bearer KEY", scheme case-insensitive), or nullopt when the header is
  // missing, malformed or names no known key. Takes the same time whichever
  // key matches or how much of a key does: it depends only on the length of
  // the presented key and the number of keys.
  std::optional<std::string> Authenticate(std::string_view authorization) const;

 private:
  std::vector<std::string> keys_;
};

}  // namespace http

#endif  // REFERENCE_SERVER_HTTP_API_KEYS_H_

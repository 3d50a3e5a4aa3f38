#ifndef CONFORMANCE_EMBEDDED_SERVER_H_
#define CONFORMANCE_EMBEDDED_SERVER_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/expected.h"
#include "conformance/target.h"

namespace conformance {

// The reference server binary, started as a separate process when no
// --target is given: on 127.0.0.1, a port the kernel picks, and two fresh
// random keys in a private file. The runner talks to it over HTTP only, as
// to any other target. Stopped (SIGTERM, then SIGKILL) on destruction; it
// also dies with the runner.
class EmbeddedServer {
 public:
  EmbeddedServer() = default;
  ~EmbeddedServer();
  EmbeddedServer(const EmbeddedServer&) = delete;
  EmbeddedServer& operator=(const EmbeddedServer&) = delete;

  // Starts it and waits until it listens; kUnavailable (where = `binary`)
  // with the end of its log if it does not, kInternal if the host refuses
  // a temporary directory, a pipe or a process.
  base::Status Start(const std::string& binary, const std::vector<std::string>& extra_flags);
  // Stops it; its exit status (128+N for signal N), or -1.
  int Stop();

  const std::string& url() const { return url_; }
  const std::string& primary_key() const { return primary_key_; }
  const std::string& second_key() const { return second_key_; }
  const std::string& log_path() const { return log_path_; }

 private:
  // Makes the two keys and writes them, one a line, to a new file `path`.
  base::Status WriteKeys(const std::string& path);

  pid_t pid_ = -1;
  std::string directory_;
  std::string log_path_;
  std::string url_;
  std::string primary_key_;
  std::string second_key_;
};

// The reference server next to this binary in its runfiles, or "".
std::string FindReferenceServer(const std::string& argv0);

// The target of a run, from the command line: `url` with the keys given,
// or, when `url` is empty, the embedded reference server started with
// `server_flags` (kept running by `server`) and its keys. Fills the URL
// and keys of `target`; or the problem in one sentence: a bad URL
// (kInvalidArgument, where = "--target"), no reference server beside this
// binary (kNotFound), not root (kPermissionDenied), or the error of Start.
base::Status ResolveTarget(const std::string& argv0, const std::string& url,
                           const std::string& api_key, const std::string& second_api_key,
                           const std::vector<std::string>& server_flags, EmbeddedServer& server,
                           Target* target);

}  // namespace conformance

#endif  // CONFORMANCE_EMBEDDED_SERVER_H_

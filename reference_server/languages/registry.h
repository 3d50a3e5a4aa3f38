#ifndef REFERENCE_SERVER_LANGUAGES_REGISTRY_H_
#define REFERENCE_SERVER_LANGUAGES_REGISTRY_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"
#include "reference_server/api/result.h"

namespace languages {

// One entry of languages.json (see the comment at its top).
struct Language {
  std::string name;
  std::vector<std::string> aliases;
  std::string source;              // file name of the code in /work
  std::vector<std::string> build;  // empty: nothing to build
  std::vector<std::string> run;
  std::vector<std::string> requirements;  // paths that must exist
  std::vector<std::string> shebang;       // interpreter names for /run
  std::string artifact;                   // empty: no artifact
  std::vector<std::string> wasm_build;    // empty: no WebAssembly recipe
  std::string wasm_artifact;
  std::size_t memory_mb = 0;       // a floor for the memory limit
  std::size_t processes = 0;       // a floor for the process (and thread) limit
  std::size_t tmp_mb = 0;          // a floor for the size of /tmp (compiler caches)
  std::vector<std::string> binds;  // host paths it reads (its /etc), bound read-only

  bool installed = false;
  std::string missing;  // the first required path absent, when not installed
};

class Registry {
 public:
  // Parses the data file. Errors name the entry and the field at fault
  // ("languages[3].run: must be a non-empty array of strings").
  static api::Result<Registry> Parse(std::string_view json_text);

  // Marks each language installed when `exists` holds for every required
  // path. The server passes a file-system check; tests pass their own.
  void Probe(const std::function<bool(const std::string&)>& exists);

  // By name or alias, case-insensitively; nullptr when unknown.
  const Language* Find(std::string_view name) const;

  // The installed language `name`, or kUnsupportedLanguage naming the
  // installed ones.
  api::Result<const Language*> Resolve(std::string_view name) const;

  std::vector<const Language*> Installed() const;
  const std::vector<Language>& all() const { return languages_; }

  // What the server writes into /work itself for this language (source,
  // artifact): input files may not take these names.
  std::vector<std::string> ReservedFilenames(std::string_view language) const;

 private:
  std::vector<Language> languages_;
};

// True when `path` exists and is executable or a directory (the default
// probe).
bool PathExists(const std::string& path);

// languages.json beside the binary `argv0` in Bazel's runfiles, else the
// one in the source tree (relative to the working directory).
std::string DefaultRegistryFile(const char* argv0);

// The whole file, or why it cannot be read (the code from errno: kNotFound,
// kPermissionDenied, ...; `where` is the path).
base::Expected<std::string> ReadWholeFile(const std::string& path);

}  // namespace languages

#endif  // REFERENCE_SERVER_LANGUAGES_REGISTRY_H_

#include "conformance/paths.h"

#include <unistd.h>

#include <cstdlib>
#include <vector>

namespace conformance {

std::string DataPath(const std::string& argv0, const std::string& relative) {
  std::vector<std::string> roots;
  for (const char* variable : {"RUNFILES_DIR", "TEST_SRCDIR"}) {
    if (const char* dir = std::getenv(variable)) roots.push_back(std::string(dir) + "/execprobe");
  }
  roots.push_back(argv0 + ".runfiles/execprobe");
  roots.push_back(".");
  for (const std::string& root : roots) {
    const std::string path = root + "/" + relative;
    if (access(path.c_str(), R_OK) == 0) return path;
  }
  return relative;
}

std::string UserPath(const std::string& path) {
  const char* dir = std::getenv("BUILD_WORKING_DIRECTORY");
  if (path.empty() || path[0] == '/' || dir == nullptr) return path;
  return std::string(dir) + "/" + path;
}

}  // namespace conformance

#include "conformance/ca_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "base/system_error.h"

namespace conformance {

base::Status CheckCaFileReadable(const std::string& path) {
  FILE* file = std::fopen(path.c_str(), "r");
  if (file == nullptr) {
    const int error = errno;
    return base::MakeError(base::CodeForErrno(error),
                           "cannot read --ca-file " + path + ": " + std::strerror(error), path);
  }
  std::fclose(file);
  return base::Ok();
}

base::Error CaFileHoldsNoCertificate(const std::string& path, const std::string& reason) {
  return base::MakeError(base::ErrorCode::kInvalidArgument,
                         "--ca-file " + path + " holds no PEM certificate (" + reason + ")", path);
}

}  // namespace conformance

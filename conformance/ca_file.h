#ifndef CONFORMANCE_CA_FILE_H_
#define CONFORMANCE_CA_FILE_H_

#include <string>

#include "base/expected.h"

namespace conformance {

// Whether `path` (a --ca-file) can be read: kNotFound or kPermissionDenied,
// where = `path`, saying "cannot read --ca-file PATH: why". Both TLS
// clients (HttpClient and the raw exchanges' transport) check it before
// loading the file, so that a bad --ca-file is named the same way by each.
base::Status CheckCaFileReadable(const std::string& path);

// The error for a --ca-file that was read but gave no certificate
// (kInvalidArgument, where = `path`); `reason` is the TLS library's.
base::Error CaFileHoldsNoCertificate(const std::string& path, const std::string& reason);

}  // namespace conformance

#endif  // CONFORMANCE_CA_FILE_H_

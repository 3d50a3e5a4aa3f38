#ifndef BASE_SYSTEM_ERROR_H_
#define BASE_SYSTEM_ERROR_H_

#include <string>
#include <string_view>

#include "base/error.h"

// Failures of system calls as base::Error, the one errno-to-code mapping of
// the project. It allocates: never call it in a sandbox's child after
// clone() (the run's own processes report errno and a stage instead).
namespace base {

// What a failed call's errno says about the failure: ENOENT and ENOTDIR
// are kNotFound; EACCES and EPERM kPermissionDenied; EISDIR (a directory
// given for a file) kInvalidArgument; running out of a resource (EAGAIN,
// ENOMEM, EMFILE, ENFILE, ENOSPC) and addresses in use or refused
// (EADDRINUSE, EADDRNOTAVAIL, ECONNREFUSED) kUnavailable; ETIMEDOUT
// kDeadlineExceeded; anything else kInternal.
ErrorCode CodeForErrno(int error);

// `context` (may be empty) then strerror(error), at `where` (the path or
// the call at fault): Describe() reads "where: context strerror".
Error ErrnoError(int error, std::string where, std::string_view context = "");

}  // namespace base

#endif  // BASE_SYSTEM_ERROR_H_

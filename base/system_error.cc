#include "base/system_error.h"

#include <errno.h>
#include <string.h>

#include <utility>

namespace base {

ErrorCode CodeForErrno(int error) {
  switch (error) {
    case ENOENT:
    case ENOTDIR:
      return ErrorCode::kNotFound;
    case EACCES:
    case EPERM:
      return ErrorCode::kPermissionDenied;
    case EAGAIN:
    case ENOMEM:
    case EMFILE:
    case ENFILE:
    case ENOSPC:
    case EADDRINUSE:
    case EADDRNOTAVAIL:
    case ECONNREFUSED:
      return ErrorCode::kUnavailable;
    case EISDIR:
      return ErrorCode::kInvalidArgument;
    case ETIMEDOUT:
      return ErrorCode::kDeadlineExceeded;
    default:
      return ErrorCode::kInternal;
  }
}

Error ErrnoError(int error, std::string where, std::string_view context) {
  return MakeError(CodeForErrno(error), std::string(context) + strerror(error), std::move(where));
}

}  // namespace base

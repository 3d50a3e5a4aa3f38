#include "base/error.h"

#include <utility>

namespace base {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kPermissionDenied:
      return "permission_denied";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kFailedPrecondition:
      return "failed_precondition";
    case ErrorCode::kDeadlineExceeded:
      return "deadline_exceeded";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

int ExitStatusFor(ErrorCode code) { return code == ErrorCode::kInvalidArgument ? 2 : 1; }

std::string Error::Describe() const { return where.empty() ? message : where + ": " + message; }

Error MakeError(ErrorCode code, std::string message, std::string where) {
  return Error{code, std::move(message), std::move(where)};
}

Error WithContext(Error error, std::string_view context) {
  error.message.insert(0, context);
  return error;
}

}  // namespace base

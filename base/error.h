#ifndef BASE_ERROR_H_
#define BASE_ERROR_H_

#include <string>
#include <string_view>

namespace base {

// What kind of failure an Error is. Callers branch on this, never on the
// message: it decides a process's exit status (ExitStatusFor).
enum class ErrorCode {
  kInvalidArgument,     // the caller's input (a flag, a file's content) breaks a rule
  kNotFound,            // a file, language or thing named does not exist
  kPermissionDenied,    // the host refused (EACCES, EPERM)
  kUnavailable,         // a resource cannot be had now (port in use, helper missing)
  kFailedPrecondition,  // the host lacks what the operation needs (a kernel feature)
  kDeadlineExceeded,    // it did not happen in time
  kInternal,            // a bug or an unexpected system failure
};

// The snake_case name, e.g. "invalid_argument".
std::string_view ErrorCodeName(ErrorCode code);

// A process's exit status for an error of this code: 2 for a usage error
// (kInvalidArgument), 1 for everything else. 0 is success.
int ExitStatusFor(ErrorCode code);

// A failed operation: what kind, what went wrong, and where (a flag, a
// field path such as "input_files[3].filename", or a file path; empty when
// nothing more precise can be named).
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string where;

  int exit_status() const { return ExitStatusFor(code); }
  // "where: message", or just the message when nothing is named.
  std::string Describe() const;
};

Error MakeError(ErrorCode code, std::string message, std::string where = "");

// The same Error with `context` ("cannot listen: ") put before its message.
Error WithContext(Error error, std::string_view context);

}  // namespace base

#endif  // BASE_ERROR_H_

#ifndef REFERENCE_SERVER_API_RESULT_H_
#define REFERENCE_SERVER_API_RESULT_H_

#include "base/expected.h"
#include "reference_server/api/error.h"

namespace api {

// A value or the ApiError explaining why there is none: the project's one
// convention (base/expected.h), with the API contract's error type, whose
// code fixes the HTTP status.
template <class T>
using Result = base::Expected<T, ApiError>;

}  // namespace api

#endif  // REFERENCE_SERVER_API_RESULT_H_

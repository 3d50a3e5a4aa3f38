#ifndef REFERENCE_SERVER_API_CONTENT_TYPE_H_
#define REFERENCE_SERVER_API_CONTENT_TYPE_H_

#include <optional>
#include <string_view>

#include "reference_server/api/error.h"

namespace api {

enum class MediaType {
  kJson,       // application/json: /execute, /execute/async
  kTextPlain,  // text/plain: /run, /run/async
};

std::string_view MediaTypeName(MediaType type);

// An error (kUnsupportedMediaType, 415) unless the Content-Type header value
// names `expected`. Type and subtype compare case-insensitively, parameters
// are allowed, and a charset parameter, if present, must be utf-8 (or
// us-ascii, a subset of it). A missing header (empty value) is an error.
std::optional<ApiError> CheckContentType(std::string_view header_value, MediaType expected);

}  // namespace api

#endif  // REFERENCE_SERVER_API_CONTENT_TYPE_H_

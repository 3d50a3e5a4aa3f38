#include "reference_server/api/error.h"

#include <utility>

namespace api {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kMalformedJson:
      return "malformed_json";
    case ErrorCode::kDuplicateKey:
      return "duplicate_key";
    case ErrorCode::kMissingField:
      return "missing_field";
    case ErrorCode::kWrongType:
      return "wrong_type";
    case ErrorCode::kInvalidValue:
      return "invalid_value";
    case ErrorCode::kConflictingFields:
      return "conflicting_fields";
    case ErrorCode::kInvalidBase64:
      return "invalid_base64";
    case ErrorCode::kInvalidFilename:
      return "invalid_filename";
    case ErrorCode::kDuplicateFilename:
      return "duplicate_filename";
    case ErrorCode::kInvalidQuery:
      return "invalid_query";
    case ErrorCode::kBadRequest:
      return "bad_request";
    case ErrorCode::kLanguageNotDetected:
      return "language_not_detected";
    case ErrorCode::kUnsupportedLanguage:
      return "unsupported_language";
    case ErrorCode::kUnauthorized:
      return "unauthorized";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kMethodNotAllowed:
      return "method_not_allowed";
    case ErrorCode::kRequestTimeout:
      return "request_timeout";
    case ErrorCode::kJobFinished:
      return "job_finished";
    case ErrorCode::kTooManyFiles:
      return "too_many_files";
    case ErrorCode::kFileTooLarge:
      return "file_too_large";
    case ErrorCode::kPayloadTooLarge:
      return "payload_too_large";
    case ErrorCode::kUnsupportedMediaType:
      return "unsupported_media_type";
    case ErrorCode::kQueueFull:
      return "queue_full";
    case ErrorCode::kHeadersTooLarge:
      return "headers_too_large";
    case ErrorCode::kInternal:
      return "internal_error";
    case ErrorCode::kShuttingDown:
      return "shutting_down";
    case ErrorCode::kServerBusy:
      return "server_busy";
    case ErrorCode::kNetworkUnavailable:
      return "network_unavailable";
  }
  return "internal_error";
}

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kUnauthorized:
      return 401;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kMethodNotAllowed:
      return 405;
    case ErrorCode::kRequestTimeout:
      return 408;
    case ErrorCode::kJobFinished:
      return 409;
    case ErrorCode::kTooManyFiles:
    case ErrorCode::kFileTooLarge:
    case ErrorCode::kPayloadTooLarge:
      return 413;
    case ErrorCode::kUnsupportedMediaType:
      return 415;
    case ErrorCode::kQueueFull:
      return 429;
    case ErrorCode::kHeadersTooLarge:
      return 431;
    case ErrorCode::kInternal:
      return 500;
    case ErrorCode::kShuttingDown:
    case ErrorCode::kServerBusy:
    case ErrorCode::kNetworkUnavailable:
      return 503;
    default:
      return 400;
  }
}

std::string ApiError::Describe() const {
  if (field.empty()) return message;
  return field + ": " + message;
}

ApiError MakeError(ErrorCode code, std::string field, std::string message) {
  return ApiError{code, std::move(field), std::move(message)};
}

std::string Excerpt(std::string_view text) {
  constexpr std::size_t kMaxBytes = 64;
  if (text.size() <= kMaxBytes) return std::string(text);
  return std::string(text.substr(0, kMaxBytes)) + "...";
}

}  // namespace api

#include "reference_server/api/request.h"
#include "reference_server/api/response.h"

namespace api {

std::string_view NetworkModeName(NetworkMode mode) {
  return mode == NetworkMode::kSemiTrusted ? "semitrusted" : "zerotrust";
}

std::string_view JobStatusName(JobStatus status) {
  switch (status) {
    case JobStatus::kPending:
      return "pending";
    case JobStatus::kRunning:
      return "running";
    case JobStatus::kCompleted:
      return "completed";
    case JobStatus::kTimeout:
      return "timeout";
    case JobStatus::kCancelled:
      return "cancelled";
  }
  return "pending";
}

bool IsFinal(JobStatus status) {
  return status == JobStatus::kCompleted || status == JobStatus::kTimeout ||
         status == JobStatus::kCancelled;
}

}  // namespace api

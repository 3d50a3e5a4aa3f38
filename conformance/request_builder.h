#ifndef CONFORMANCE_REQUEST_BUILDER_H_
#define CONFORMANCE_REQUEST_BUILDER_H_

#include <chrono>
#include <string>

#include "base/expected.h"
#include "conformance/http_client.h"
#include "conformance/target.h"
#include "conformance/templating.h"
#include "rapidjson/document.h"

namespace conformance {

// A request ready to send, and how to show it again.
struct BuiltRequest {
  HttpRequest http;
  std::string key_role;  // primary, second, none, wrong
  std::chrono::milliseconds timeout{0};
};

// Builds the request of a step ("request" object of a fixture) with ${vars}
// substituted and generators expanded. A problem is a kInvalidArgument
// error starting with its path ("request/path: unknown variable ${x}").
base::Expected<BuiltRequest> BuildRequest(const rapidjson::Value& request, const Vars& vars,
                                          const Target& target);

// The GET of a job, as a poll step sends it.
BuiltRequest JobRequest(const std::string& method, const std::string& job_id,
                        const std::string& key_role, const Target& target);

// A shell command that sends the same request with curl and prints the
// answer with its headers. Keys appear as "${API_KEY}" / "${SECOND_API_KEY}"
// (never the secret itself, which would land in CI logs); any body byte is
// reproduced exactly through printf octal escapes. Bodies over 64 KiB are
// written to `large_body_path` (if not empty) and sent from there.
std::string CurlCommand(const BuiltRequest& request, const Target& target,
                        const std::string& large_body_path);

// `text` as one single-quoted shell word.
std::string ShellQuote(const std::string& text);

}  // namespace conformance

#endif  // CONFORMANCE_REQUEST_BUILDER_H_

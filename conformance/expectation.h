#ifndef CONFORMANCE_EXPECTATION_H_
#define CONFORMANCE_EXPECTATION_H_

#include <string>
#include <vector>

#include "conformance/http_client.h"
#include "conformance/matchers.h"
#include "rapidjson/document.h"

namespace conformance {

// An answer with its body parsed as JSON when it is JSON.
struct Answer {
  const HttpResponse* response = nullptr;
  rapidjson::Document json;  // null when the body is not JSON
  // Why the body is not JSON ("" if it is): a fact about the answer that
  // expectations report ("body: not JSON (...)"), not a failure of ours.
  std::string json_error;

  explicit Answer(const HttpResponse& r);
};

// Checks an answer against one expectation of a fixture ("expect", or one
// of its "alternatives"): status (if given), content type, headers, JSON body. A
// "json" expectation implies Content-Type application/json unless
// "content_type" says otherwise (null: not checked). Appends what differs.
bool MeetsExpectation(const rapidjson::Value& expectation, const Answer& answer,
                      const MatchContext& context, std::vector<std::string>* mismatches);

// "200 application/json {...}" for messages, the body cut to `limit`.
std::string DescribeAnswer(const HttpResponse& response, std::size_t limit);

}  // namespace conformance

#endif  // CONFORMANCE_EXPECTATION_H_

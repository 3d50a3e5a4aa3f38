#include "conformance/expectation.h"

#include "base/ascii.h"
#include "conformance/json_text.h"

namespace conformance {

namespace {

// The media type of a Content-Type value, lower-cased, parameters removed.
std::string MediaType(const std::string& content_type) {
  std::string type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.pop_back();
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.erase(0, 1);
  return base::AsciiLowered(type);
}

bool StatusAllowed(const rapidjson::Value& statuses, int status) {
  if (statuses.IsInt()) return statuses.GetInt() == status;
  for (const auto& allowed : statuses.GetArray()) {
    if (allowed.GetInt() == status) return true;
  }
  return false;
}

}  // namespace

Answer::Answer(const HttpResponse& r) : response(&r) {
  if (r.status == 0) {
    json_error = "no answer";
    return;
  }
  if (const base::Status parsed = ParseJson(r.body, &json); !parsed.ok()) {
    json_error = parsed.error().message;
    json.SetNull();
  }
}

bool MeetsExpectation(const rapidjson::Value& expectation, const Answer& answer,
                      const MatchContext& context, std::vector<std::string>* mismatches) {
  const HttpResponse& response = *answer.response;
  const std::size_t before = mismatches->size();
  if (response.status == 0) {
    mismatches->push_back("no answer: " + response.error);
    return false;
  }
  // A raw step's expectation may list its answers' statuses instead.
  if (const auto statuses = expectation.FindMember("status");
      statuses != expectation.MemberEnd() && !StatusAllowed(statuses->value, response.status)) {
    mismatches->push_back("status: expected " + ToJson(statuses->value) + ", got " +
                          std::to_string(response.status));
  }
  const auto json = expectation.FindMember("json");
  std::string wanted_type = json != expectation.MemberEnd() ? "application/json" : "";
  if (const auto type = expectation.FindMember("content_type"); type != expectation.MemberEnd()) {
    wanted_type = type->value.IsNull() ? "" : type->value.GetString();
  }
  if (!wanted_type.empty()) {
    const auto actual = response.Header("Content-Type");
    if (!actual) {
      mismatches->push_back("Content-Type: expected " + wanted_type + ", absent");
    } else if (MediaType(*actual) != wanted_type) {
      mismatches->push_back("Content-Type: expected " + wanted_type + ", got " + *actual);
    }
  }
  if (const auto headers = expectation.FindMember("headers"); headers != expectation.MemberEnd()) {
    for (const auto& header : headers->value.GetObject()) {
      const auto value = response.Header(header.name.GetString());
      rapidjson::Document text;
      if (value)
        text.SetString(value->data(), static_cast<rapidjson::SizeType>(value->size()),
                       text.GetAllocator());
      CheckOperations(header.value, value ? &text : nullptr,
                      std::string("header ") + header.name.GetString(), context, mismatches);
    }
  }
  if (json != expectation.MemberEnd()) {
    if (!answer.json_error.empty()) {
      mismatches->push_back("body: not JSON (" + answer.json_error + ")");
    } else {
      CheckBody(json->value, answer.json, context, mismatches);
    }
  }
  return mismatches->size() == before;
}

std::string DescribeAnswer(const HttpResponse& response, std::size_t limit) {
  if (response.status == 0) return "no answer: " + response.error;
  std::string text = std::to_string(response.status);
  if (!response.reason.empty()) text += " " + response.reason;
  for (const auto& [name, value] : response.headers) text += "\n" + name + ": " + value;
  text += "\n\n" + Shorten(response.body, limit);
  return text;
}

}  // namespace conformance

#include "conformance/raw_expectation.h"

#include "conformance/expectation.h"
#include "conformance/json_text.h"
#include "conformance/raw_step.h"

namespace conformance {

namespace {

bool Allowed(const rapidjson::Value& allowed, int actual) {
  if (allowed.IsInt()) return allowed.GetInt() == actual;
  for (const auto& value : allowed.GetArray()) {
    if (value.GetInt() == actual) return true;
  }
  return false;
}

std::string Statuses(const RawResult& result) {
  std::string text = "[";
  for (const RawAnswer& answer : result.answers) {
    text += (text.size() > 1 ? ", " : "") + std::to_string(answer.status);
  }
  return text + "]";
}

}  // namespace

bool MeetsRawExpectation(const rapidjson::Value& expectation, const RawResult& result,
                         const RawOptions& options, const MatchContext& context,
                         std::vector<std::string>* mismatches) {
  const std::size_t before = mismatches->size();
  const std::string early = result.early_close ? " (" + result.error + ")" : "";
  if (const auto answers = expectation.FindMember("answers"); answers != expectation.MemberEnd()) {
    const auto& wanted = answers->value;
    if (wanted.Size() != result.answers.size()) {
      mismatches->push_back("answers: expected " + ToJson(wanted) + ", got " + Statuses(result) +
                            early);
    } else {
      for (rapidjson::SizeType i = 0; i < wanted.Size(); ++i) {
        if (!Allowed(wanted[i], result.answers[i].status)) {
          mismatches->push_back("answer " + std::to_string(i + 1) + ": status expected " +
                                ToJson(wanted[i]) + ", got " +
                                std::to_string(result.answers[i].status));
        }
      }
    }
  } else if (result.answers.size() != options.answers) {
    mismatches->push_back("answers: expected " + std::to_string(options.answers) + ", got " +
                          Statuses(result) + early);
  }

  // Before the last answer's details: whether the connection ended as it
  // must is usually the point of the step, and the first mismatch is the
  // one a progress line shows.
  if (const auto connection = expectation.FindMember("connection");
      connection != expectation.MemberEnd()) {
    const std::string wanted = connection->value.GetString();
    const std::string wait = std::to_string(options.close_wait.count()) + " ms";
    if (wanted == "closed" && !result.closed) {
      mismatches->push_back("connection: expected closed by the server within " + wait +
                            " of the last answer, still open");
    } else if (wanted == "open" && result.closed) {
      mismatches->push_back("connection: expected open for " + wait +
                            " after the last answer, closed by the server after " +
                            std::to_string(result.closed_after.count()) + " ms");
    }
  }

  const bool about_last = expectation.HasMember("status") || expectation.HasMember("json") ||
                          expectation.HasMember("headers") || expectation.HasMember("content_type");
  if (about_last && result.answers.empty()) {
    mismatches->push_back("the last answer: there is none" + early);
  } else if (about_last) {
    const HttpResponse last = RawAnswerAsResponse(result.answers.back());
    const Answer answer(last);
    MeetsExpectation(expectation, answer, context, mismatches);
  }

  if (const auto interim = expectation.FindMember("interim"); interim != expectation.MemberEnd()) {
    if (!Allowed(interim->value, result.interim)) {
      mismatches->push_back("interim answers: expected " + ToJson(interim->value) + ", got " +
                            std::to_string(result.interim));
    }
  }

  if (const auto trailing = expectation.FindMember("trailing");
      trailing != expectation.MemberEnd()) {
    rapidjson::Document text;
    text.SetString(result.trailing.data(), static_cast<rapidjson::SizeType>(result.trailing.size()),
                   text.GetAllocator());
    CheckOperations(trailing->value, &text, "bytes after the last answer", context, mismatches);
  }
  return mismatches->size() == before;
}

}  // namespace conformance

#include "conformance/step_checks.h"

#include <cstdint>

namespace conformance {

namespace {

constexpr std::uint64_t kMaxRepeatBytes = 64ull << 20;
constexpr const char* kRawOnly[] = {"answers", "connection", "interim", "trailing"};

// Each expectation of the step (expect, then the alternatives), with its path.
std::vector<std::pair<const rapidjson::Value*, std::string>> Expectations(
    const rapidjson::Value& step, const std::string& path) {
  std::vector<std::pair<const rapidjson::Value*, std::string>> all;
  if (const auto expect = step.FindMember("expect"); expect != step.MemberEnd()) {
    all.emplace_back(&expect->value, path + "/expect");
  }
  if (const auto alternatives = step.FindMember("alternatives"); alternatives != step.MemberEnd()) {
    for (rapidjson::SizeType i = 0; i < alternatives->value.Size(); ++i) {
      all.emplace_back(&alternatives->value[i], path + "/alternatives/" + std::to_string(i));
    }
  }
  return all;
}

void CheckRawSend(const rapidjson::Value& raw, const std::string& path, std::size_t answers,
                  std::vector<std::string>* problems) {
  const rapidjson::Value& send = raw["send"];
  std::uint64_t repeated = 0;
  std::size_t awaits = 0;
  bool sent = false;     // something was sent before this part
  bool waiting = false;  // a pause or await waits for something to send after it
  for (rapidjson::SizeType i = 0; i < send.Size(); ++i) {
    const rapidjson::Value& part = send[i];
    const std::string where = path + "/raw/send/" + std::to_string(i);
    if (part.IsObject() && part.HasMember("repeat")) {
      repeated += std::uint64_t{part["repeat"].GetStringLength()} * part["times"].GetUint64();
    }
    const bool pause = part.IsObject() && part.HasMember("pause_ms");
    const bool await = part.IsObject() && part.HasMember("await_answer");
    if (await && !sent) {
      problems->push_back(where + ": await_answer before anything was sent waits forever");
    }
    if (await && ++awaits >= answers) {
      problems->push_back(where + ": the step is over once its " + std::to_string(answers) +
                          " answer(s) are in, so what waits for answer " + std::to_string(awaits) +
                          " is never sent (raise raw.answers)");
    }
    waiting = pause || await;
    sent = sent || !waiting;
  }
  if (waiting) {
    problems->push_back(path +
                        "/raw/send: ends with a pause or await_answer, with nothing after "
                        "it to send");
  }
  if (repeated > kMaxRepeatBytes) {
    problems->push_back(path + "/raw/send: the repeats make " + std::to_string(repeated) +
                        " bytes, over 64 MiB");
  }
}

}  // namespace

void CheckStep(const rapidjson::Value& step, const std::string& path,
               std::vector<std::string>* problems) {
  const auto raw = step.FindMember("raw");
  if (raw == step.MemberEnd()) {
    for (const auto& [expectation, where] : Expectations(step, path)) {
      if (!expectation->HasMember("status")) problems->push_back(where + ": needs a status");
      for (const char* member : kRawOnly) {
        if (expectation->HasMember(member)) {
          problems->push_back(where + "/" + member + ": only raw steps have " + member);
        }
      }
    }
    return;
  }
  std::size_t answers = 1;
  if (const auto count = raw->value.FindMember("answers"); count != raw->value.MemberEnd()) {
    answers = count->value.GetUint();
  }
  const bool close_wait = raw->value.HasMember("close_wait_ms");
  for (const auto& [expectation, where] : Expectations(step, path)) {
    if (const auto listed = expectation->FindMember("answers");
        listed != expectation->MemberEnd() && listed->value.Size() > answers) {
      problems->push_back(where + "/answers: lists " + std::to_string(listed->value.Size()) +
                          " answers, the step waits for " + std::to_string(answers) +
                          " (raw.answers)");
    }
    if (expectation->HasMember("connection") && !close_wait) {
      problems->push_back(where +
                          "/connection: needs raw.close_wait_ms, the time the server "
                          "has to close");
    }
  }
  if (step.HasMember("capture")) problems->push_back(path + "/capture: raw steps capture nothing");
  CheckRawSend(raw->value, path, answers, problems);
}

}  // namespace conformance

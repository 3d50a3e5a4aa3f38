#include "fuzz/remote/stateful.h"

#include <algorithm>
#include <thread>

#include "conformance/json_text.h"

namespace remote_fuzz {

namespace {

std::string StringMember(const std::string& body, const char* name) {
  rapidjson::Document json;
  if (!conformance::ParseJson(body, &json).ok() || !json.IsObject()) return "";
  const auto member = json.FindMember(name);
  if (member == json.MemberEnd() || !member->value.IsString()) return "";
  return std::string(member->value.GetString(), member->value.GetStringLength());
}

std::string JsonString(const std::string& text) {
  rapidjson::Value value(rapidjson::StringRef(text.data(), text.size()));
  return conformance::ToJson(value);
}

// Whether a GET /jobs body lists the job: by its id, not by a substring
// that short or numeric ids would find in any list.
bool ListsJob(const std::string& body, const std::string& job) {
  rapidjson::Document json;
  if (!conformance::ParseJson(body, &json).ok() || !json.IsObject()) return false;
  const auto jobs = json.FindMember("jobs");
  if (jobs == json.MemberEnd() || !jobs->value.IsArray()) return false;
  for (const auto& entry : jobs->value.GetArray()) {
    if (!entry.IsObject()) continue;
    const auto id = entry.FindMember("job_id");
    if (id != entry.MemberEnd() && id->value.IsString() &&
        std::string(id->value.GetString(), id->value.GetStringLength()) == job) {
      return true;
    }
  }
  return false;
}

bool Documented(const std::string& status) {
  return status == "pending" || status == "running" || status == "completed" ||
         status == "timeout" || status == "cancelled";
}

int Rank(const std::string& status) {
  if (status == "pending") return 0;
  if (status == "running") return 1;
  return 2;  // completed, timeout, cancelled: final
}

class Sequence {
 public:
  Sequence(const Exchanger& send, SequenceResult& result) : send_(send), result_(result) {}

  // Sends; the answer, or nullopt when there was none (other checks judge
  // that on ordinary requests; a sequence just stops).
  std::optional<conformance::RawAnswer> Send(const FuzzCase& c) {
    const conformance::RawResult raw = send_(c);
    ++result_.requests;
    if (!raw.error.empty() || raw.answers.empty()) return std::nullopt;
    result_.statuses.push_back(raw.answers.back().status);
    return raw.answers.back();
  }

  void Violate(const FuzzCase& c, int status, std::string message, bool strict = true,
               const char* check = "stateful") {
    result_.violations.push_back({{check, std::move(message), strict}, c, status});
  }

 private:
  const Exchanger& send_;
  SequenceResult& result_;
};

}  // namespace

std::string JobIdOf(const std::string& body) { return StringMember(body, "job_id"); }
std::string JobStatusOf(const std::string& body) { return StringMember(body, "status"); }

SequenceResult RunStatefulSequence(Rng& rng, const Exchanger& send, const TargetContext& context) {
  SequenceResult result;
  Sequence sequence(send, result);
  const std::string program = "{\"language\":" + JsonString(context.cheap_language) +
                              ",\"code\":" + JsonString(context.slow_code) + ",\"ttl\":10}";
  const FuzzCase create = RequestCase("POST", "/execute/async", KeyUse::kPrimary, program);
  const auto created = sequence.Send(create);
  if (!created || created->status < 200 || created->status >= 300) {
    result.skipped = "the job was not created";
    return result;
  }
  const std::string job = JobIdOf(created->body);
  if (job.empty()) {
    sequence.Violate(
        create, created->status,
        "POST /execute/async answered " + std::to_string(created->status) + " without a job_id");
    return result;
  }
  const bool two_keys = !context.second_key.empty();
  std::string last_status;
  std::string history;
  bool cancelled = false;
  auto observe = [&](const FuzzCase& c, const conformance::RawAnswer& answer) {
    if (const std::string id = JobIdOf(answer.body); !id.empty() && id != job) {
      sequence.Violate(c, answer.status, "the answer about job " + job + " names job " + id);
    }
    const std::string status = StringMember(answer.body, "status");
    if (status.empty()) return;
    history += (history.empty() ? "" : " -> ") + status;
    if (!Documented(status)) {
      sequence.Violate(
          c, answer.status,
          "job " + job + " has the undocumented status '" + status + "' (" + history + ")");
      return;
    }
    if (!last_status.empty()) {
      const bool backwards = Rank(status) < Rank(last_status);
      const bool final_changed = Rank(last_status) == 2 && status != last_status;
      if (backwards || final_changed) {
        sequence.Violate(c, answer.status, "job " + job + " went " + history);
      }
    }
    if (cancelled && status != "cancelled") {
      sequence.Violate(c, answer.status,
                       "job " + job +
                           " was cancelled (DELETE answered 200), "
                           "then reported " +
                           status + " (" + history + ")");
    }
    last_status = status;
  };

  observe(create, *created);
  const std::size_t steps = 3 + rng.Below(6);
  for (std::size_t i = 0; i < steps; ++i) {
    switch (rng.Below(two_keys ? 6 : 3)) {
      case 0: {
        const FuzzCase get = RequestCase("GET", "/jobs/" + job, KeyUse::kPrimary);
        if (auto answer = sequence.Send(get); answer && answer->status == 200)
          observe(get, *answer);
        break;
      }
      case 1: {
        const FuzzCase cancel = RequestCase("DELETE", "/jobs/" + job, KeyUse::kPrimary);
        const auto answer = sequence.Send(cancel);
        if (answer && answer->status == 200) {
          observe(cancel, *answer);
          const std::string status = StringMember(answer->body, "status");
          cancelled = cancelled || status.empty() || status == "cancelled";
        }
        break;
      }
      case 2:
        // Time for the job to move on between two looks.
        std::this_thread::sleep_for(std::chrono::milliseconds(50 + rng.Below(300)));
        break;
      case 3: {
        const FuzzCase get = RequestCase("GET", "/jobs/" + job, KeyUse::kSecond);
        const auto answer = sequence.Send(get);
        if (answer && answer->status != 404 && answer->status != 401) {
          sequence.Violate(get, answer->status,
                           "the second key read the first key's job " + job + ": " +
                               std::to_string(answer->status) + " " +
                               conformance::Shorten(answer->body, 120),
                           answer->status == 200);
        }
        break;
      }
      case 4: {
        const FuzzCase cancel = RequestCase("DELETE", "/jobs/" + job, KeyUse::kSecond);
        const auto answer = sequence.Send(cancel);
        if (answer && answer->status != 404 && answer->status != 401) {
          // 200 cancelled someone else's job; 409 told that it exists.
          sequence.Violate(cancel, answer->status,
                           "the second key's DELETE of the first key's job " + job + " answered " +
                               std::to_string(answer->status) + ", not 404",
                           answer->status == 200);
        }
        break;
      }
      default: {
        const FuzzCase list = RequestCase("GET", "/jobs", KeyUse::kSecond);
        const auto answer = sequence.Send(list);
        if (answer && answer->status == 200 && ListsJob(answer->body, job)) {
          sequence.Violate(list, 200,
                           "GET /jobs with the second key lists the first key's job " + job);
        }
        break;
      }
    }
  }
  // Leave nothing running: cancel, then one last look.
  const FuzzCase cancel = RequestCase("DELETE", "/jobs/" + job, KeyUse::kPrimary);
  if (auto answer = sequence.Send(cancel); answer && answer->status == 200) {
    observe(cancel, *answer);
    const std::string status = StringMember(answer->body, "status");
    cancelled = cancelled || status.empty() || status == "cancelled";
  }
  const FuzzCase last = RequestCase("GET", "/jobs/" + job, KeyUse::kPrimary);
  if (auto answer = sequence.Send(last); answer && answer->status == 200) observe(last, *answer);
  return result;
}

SequenceResult RunCanary(const Exchanger& send, const TargetContext& context) {
  SequenceResult result;
  Sequence sequence(send, result);
  const std::string body = "{\"language\":" + JsonString(context.cheap_language) +
                           ",\"code\":" + JsonString(context.hello_code) + ",\"ttl\":10}";
  const FuzzCase canary = RequestCase("POST", "/execute", KeyUse::kPrimary, body);
  for (int attempt = 0; attempt < 4; ++attempt) {
    const auto answer = sequence.Send(canary);
    if (!answer) {
      sequence.Violate(canary, 0, "the canary hello world got no answer", true, "still_alive");
      return result;
    }
    if (const auto pause = RetryAfter(*answer); pause && attempt < 3) {
      std::this_thread::sleep_for(std::min(*pause, std::chrono::seconds(5)));
      continue;
    }
    if (answer->status != 200 ||
        StringMember(answer->body, "stdout").find("hello") == std::string::npos) {
      sequence.Violate(canary, answer->status,
                       "the canary hello world answered " + std::to_string(answer->status) + " " +
                           conformance::Shorten(answer->body, 200),
                       true, "still_alive");
    }
    return result;
  }
  return result;
}

}  // namespace remote_fuzz

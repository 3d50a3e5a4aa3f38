#include "conformance/case_runner.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <thread>
#include <utility>

#include "conformance/expectation.h"
#include "conformance/job_history.h"
#include "conformance/json_text.h"
#include "conformance/raw_expectation.h"
#include "conformance/raw_step.h"
#include "conformance/request_builder.h"

namespace conformance {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kMaxExchanges = 40;
constexpr std::size_t kAnswerLimit = 2000;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

Grade Worse(Grade a, Grade b) { return std::max(a, b); }

struct Judgement {
  Grade grade = Grade::kFailed;
  std::string because;
  std::vector<std::string> mismatches;  // against the OK expectation
  std::vector<std::string> expected;
};

// Whether an answer (or a raw exchange) meets one expectation; appends
// what differs.
using Meets = std::function<bool(const rapidjson::Value&, std::vector<std::string>*)>;

// The step's expectation, then its alternatives in order: the first one the
// answer meets gives the grade.
Judgement Judge(const rapidjson::Value& step, const Meets& meets) {
  Judgement judgement;
  const rapidjson::Value& expect = step["expect"];
  judgement.expected.push_back("OK: " + ToShortJson(expect, 800));
  if (meets(expect, &judgement.mismatches)) {
    judgement.grade = Grade::kOk;
    return judgement;
  }
  const auto alternatives = step.FindMember("alternatives");
  if (alternatives == step.MemberEnd()) return judgement;
  for (const auto& alternative : alternatives->value.GetArray()) {
    const std::string grade = alternative["grade"].GetString();
    const std::string because = alternative["because"].GetString();
    judgement.expected.push_back(grade + " (" + because + "): " + ToShortJson(alternative, 800));
    std::vector<std::string> ignored;
    if (judgement.grade == Grade::kFailed && meets(alternative, &ignored)) {
      judgement.grade = grade == "OK"           ? Grade::kOk
                        : grade == "NON-STRICT" ? Grade::kNonStrict
                                                : Grade::kInformational;
      judgement.because = because;
    }
  }
  return judgement;
}

std::string RandomHex(std::size_t length) {
  std::random_device device;
  std::string text;
  for (std::size_t i = 0; i < length; ++i) text += "0123456789abcdef"[device() % 16];
  return text;
}

class CaseRun {
 public:
  CaseRun(const Case& c, const Target& target, const SchemaStore& schemas,
          const RunOptions& options, HttpClient& client)
      : c_(c), target_(target), options_(options), client_(client) {
    context_.schemas = &schemas;
    context_.vars = &vars_;
    result_.id = c.id;
    result_.level = c.level;
  }

  CaseResult Run() {
    start_ = Clock::now();
    if (const base::Status prepared = Prepare(); !prepared.ok()) {
      result_.grade = Grade::kSkipped;
      result_.reason = prepared.error().message;
      return result_;
    }
    const rapidjson::Value& steps = (*c_.json)["steps"];
    bool completed = true;
    for (rapidjson::SizeType i = 0; i < steps.Size() && completed; ++i) {
      const std::string name = StepName(steps[i], i);
      completed = !Stopped() && RunStep(steps[i], name);
      // A step that reaches the deadline had its waits cut by it, and a
      // wait cut short is no evidence either way (a connection that "stayed
      // open" for less than its close_wait): the case is SKIPPED, whatever
      // the step made of it.
      if (Stopped()) {
        Interrupt(name);
        completed = false;
      }
    }
    if (completed) {
      if (const std::vector<std::string> violations = history_.Violations(); !violations.empty()) {
        Fail("job status transitions",
             {"OK: each job's statuses go pending -> running -> completed | timeout | cancelled "
              "(or pending -> cancelled), never back, and a final status never changes"},
             violations, "", "");
      }
    }
    CancelUnfinishedJobs();
    result_.seconds = SecondsSince(start_);
    return result_;
  }

 private:
  bool Stopped() const { return options_.stop_at && Clock::now() >= *options_.stop_at; }

  std::chrono::milliseconds Capped(std::chrono::milliseconds timeout) const {
    return CapTimeout(timeout, options_.stop_at, Clock::now());
  }

  // The case stops at the run's deadline: SKIPPED, whatever the step it
  // was in made of it (a wait cut short is no evidence).
  void Interrupt(const std::string& step) {
    result_.grade = Grade::kSkipped;
    result_.cut_short = true;
    result_.reason = StoppedReason(SecondsSince(start_), step);
    result_.requirement.clear();
    result_.failed_step.clear();
    result_.expected.clear();
    result_.mismatches.clear();
    result_.actual.clear();
    result_.curl.clear();
  }

  static std::string StepName(const rapidjson::Value& step, rapidjson::SizeType index) {
    if (const auto name = step.FindMember("name"); name != step.MemberEnd()) {
      return name->value.GetString();
    }
    return "step " + std::to_string(index + 1);
  }

  bool HasLanguage(const std::string& language) const {
    if (target_.languages) return target_.languages->count(language) != 0;
    return language == "python";
  }

  // The case cannot run here: a need the target lacks. Its message is the
  // reason the case is SKIPPED.
  static base::Error Lacks(std::string reason) {
    return base::MakeError(base::ErrorCode::kFailedPrecondition, std::move(reason));
  }

  // Checks the case's needs and picks its program variant; an error says
  // why the case is skipped (kFailedPrecondition: the target lacks what it
  // needs; kInvalidArgument: its programs refer to an unknown variable).
  base::Status Prepare() {
    for (const std::string& need : c_.needs) {
      if (need == "second_key" && target_.second_key.empty()) {
        return Lacks("needs a second API key (--second-api-key) to check isolation between keys");
      }
      if (need == "probe" && target_.probe_port == 0) {
        return Lacks(
            "needs the runner's probe listener, which only a target on this machine's "
            "loopback can reach");
      }
      if (need.rfind("language:", 0) == 0 && !HasLanguage(need.substr(9))) {
        return Lacks(
            "the target does not list language " + need.substr(9) +
            (target_.languages ? " in GET /languages" : " (no GET /languages: python assumed)"));
      }
      if (need.rfind("endpoint:", 0) == 0 && target_.endpoints.count(need.substr(9)) == 0) {
        return Lacks("the target does not implement the extension GET " + need.substr(9));
      }
    }
    vars_["run_id"] = RandomHex(12);
    vars_["api_key"] = target_.primary_key;
    vars_["host"] = HostHeader(target_.url);
    vars_["base"] = target_.url.base_path;
    if (target_.probe_port != 0) {
      vars_["probe_host"] = target_.probe_host;
      vars_["probe_port"] = std::to_string(target_.probe_port);
    }
    return ChooseProgram();
  }

  // The first of the case's programs in a language the target has, if
  // the case has programs.
  base::Status ChooseProgram() {
    const auto programs = c_.json->FindMember("programs");
    if (programs == c_.json->MemberEnd()) return base::Ok();
    std::string names;
    for (const auto& program : programs->value.GetObject()) {
      const std::string language = program.name.GetString();
      names += (names.empty() ? "" : ", ") + language;
      if (!HasLanguage(language)) continue;
      vars_["language"] = language;
      // A program may refer to runner variables (${probe_port}).
      for (const auto& field : program.value.GetObject()) {
        base::Expected<std::string> value = SubstituteVars(field.value.GetString(), vars_);
        if (!value.ok()) {
          return base::WithContext(value.error(), "fixture error in programs." + language + ": ");
        }
        vars_[field.name.GetString()] = std::move(value).value();
      }
      result_.language = language;
      return base::Ok();
    }
    return Lacks("the target lists none of the languages this case has a program in (" + names +
                 ")");
  }

  HttpResponse Send(const BuiltRequest& request, const std::string& step) {
    HttpResponse response;
    if (Stopped()) {
      response.error = "not sent: --max-duration reached";
    } else {
      response = client_.Send(request.http, Capped(request.timeout));
    }
    if (result_.exchanges.size() < kMaxExchanges) {
      Exchange exchange;
      exchange.step = step;
      exchange.request = request.http.method + " " + request.http.target;
      exchange.status = response.status;
      exchange.answer = DescribeAnswer(response, 300);
      exchange.seconds = response.elapsed.count() / 1000.0;
      result_.exchanges.push_back(std::move(exchange));
    }
    return response;
  }

  void Fail(const std::string& step, std::vector<std::string> expected,
            std::vector<std::string> mismatches, const std::string& actual,
            const std::string& curl) {
    result_.grade = Grade::kFailed;
    result_.requirement = c_.requirement;
    result_.failed_step = step;
    result_.expected = std::move(expected);
    result_.mismatches = std::move(mismatches);
    result_.actual = actual;
    result_.curl = curl;
  }

  std::string Curl(const BuiltRequest& request) {
    std::string path;
    if (!options_.replay_directory.empty()) {
      path = options_.replay_directory + "/" + c_.id + ".body";
    }
    return CurlCommand(request, target_, path);
  }

  // Grades an answer; false (the case failed) when nothing acceptable came.
  bool GradeAnswer(const rapidjson::Value& step, const std::string& name, const Answer& answer,
                   const BuiltRequest& request) {
    // Captures first, so that the step's own expectations may use them
    // (Location: /jobs/${job_id}); an answer without them fails as such,
    // not as a fixture error about an unknown variable.
    const std::string missing = Capture(step, answer);
    Judgement judgement =
        Judge(step, [&](const rapidjson::Value& expectation, std::vector<std::string>* mismatches) {
          return MeetsExpectation(expectation, answer, context_, mismatches);
        });
    if (!missing.empty()) {
      judgement.grade = Grade::kFailed;
      judgement.mismatches = {"capture " + missing + ": the answer has nothing at " +
                              ToJson(step["capture"][missing.c_str()])};
    }
    return Settle(name, std::move(judgement), [&] {
      return std::pair(DescribeAnswer(*answer.response, kAnswerLimit), Curl(request));
    });
  }

  // The case's grade after a judged step; false (the case failed) when
  // nothing acceptable came. `evidence` gives the actual answer and its
  // replay line, made only for a failure (a replay may write a large body
  // to a file).
  bool Settle(const std::string& name, Judgement judgement,
              const std::function<std::pair<std::string, std::string>()>& evidence) {
    if (judgement.grade == Grade::kFailed) {
      auto [actual, replay] = evidence();
      Fail(name, std::move(judgement.expected), std::move(judgement.mismatches), actual, replay);
      return false;
    }
    if (judgement.grade > result_.grade && judgement.grade != Grade::kOk) {
      result_.reason = name + ": " + judgement.because;
    }
    result_.grade = Worse(result_.grade, judgement.grade);
    return true;
  }

  // A raw step: its bytes on a connection of its own, its answers judged.
  bool RunRaw(const rapidjson::Value& step, const std::string& name) {
    const base::Expected<RawPlan> built = BuildRawPlan(step["raw"], vars_, target_);
    if (!built.ok()) {
      Fail(name, {"a raw exchange the fixture can build"},
           {"fixture error: " + built.error().message}, "", "");
      return false;
    }
    const RawPlan& plan = *built;
    RawOptions capped = plan.options;
    capped.timeout = Capped(plan.options.timeout);
    capped.close_wait = Capped(plan.options.close_wait);
    capped.deadline = options_.stop_at;
    if (Stopped()) return false;
    const RawResult raw = RawExchange(target_.url, plan.pieces, capped);
    for (const RawAnswer& raw_answer : raw.answers) {
      const HttpResponse response = RawAnswerAsResponse(raw_answer);
      NoteJobs(Answer(response), name, "primary");
    }
    if (result_.exchanges.size() < kMaxExchanges) {
      Exchange exchange;
      exchange.step = name;
      exchange.request = RawRequestLine(plan, target_);
      exchange.status = raw.answers.empty() ? 0 : raw.answers.back().status;
      exchange.answer = Shorten(SummarizeRawResult(raw, plan.options), 300);
      exchange.seconds = raw.elapsed.count() / 1000.0;
      result_.exchanges.push_back(std::move(exchange));
    }
    Judgement judgement =
        Judge(step, [&](const rapidjson::Value& expectation, std::vector<std::string>* mismatches) {
          return MeetsRawExpectation(expectation, raw, plan.options, context_, mismatches);
        });
    // A timeout, a malformed answer, a close in the middle of one: nothing
    // to judge. (A close between answers is judged: a case may accept it.)
    if (!raw.error.empty() && !raw.early_close) {
      judgement.grade = Grade::kFailed;
      judgement.mismatches = {"the exchange failed: " + raw.error};
    }
    return Settle(name, std::move(judgement), [&] {
      return std::pair(DescribeRawResult(raw, plan.options, kAnswerLimit),
                       ReplayCommand(plan, target_));
    });
  }

  // Sets the step's captured variables; the name of the first that the
  // answer does not have, or "".
  std::string Capture(const rapidjson::Value& step, const Answer& answer) {
    const auto captures = step.FindMember("capture");
    if (captures == step.MemberEnd()) return "";
    std::string missing;
    for (const auto& capture : captures->value.GetObject()) {
      const std::string var = capture.name.GetString();
      std::optional<std::string> value;
      if (capture.value.IsObject()) {
        value = answer.response->Header(capture.value["header"].GetString());
      } else if (answer.json_error.empty()) {
        if (const rapidjson::Value* found = ValueAt(answer.json, capture.value.GetString())) {
          value = found->IsString() ? std::string(found->GetString(), found->GetStringLength())
                                    : ToJson(*found);
        }
      }
      if (value) {
        vars_[var] = *value;
      } else if (missing.empty()) {
        missing = var;
      }
    }
    return missing;
  }

  // The jobs an answer shows, to judge their transitions and to cancel
  // those left unfinished with the key that made them (the first that
  // showed them).
  void NoteJobs(const Answer& answer, const std::string& step, const std::string& key_role) {
    if (answer.json_error.empty()) {
      history_.RecordAnswer(answer.json, step);
      if (answer.json.IsObject()) {
        const auto id = answer.json.FindMember("job_id");
        if (id != answer.json.MemberEnd() && id->value.IsString()) {
          job_keys_.try_emplace(id->value.GetString(), key_role);
        }
      }
    }
    // An answer that names a job without its status (only a job_id, or a
    // Location) made one all the same; a refusal made none.
    const int status = answer.response->status;
    if (status < 200 || status > 299) return;
    for (const std::string& job : JobIdsWithoutStatus(
             answer.json, answer.response->Header("Location"), target_.url.base_path)) {
      history_.Note(job);
      job_keys_.try_emplace(job, key_role);
    }
  }

  bool RunStep(const rapidjson::Value& step, const std::string& name) {
    if (const auto wait = step.FindMember("wait_ms"); wait != step.MemberEnd()) {
      // A black-box client cannot observe a running program's output; the
      // fixture says why it waits (e.g. to let a program print before it
      // is cancelled).
      std::this_thread::sleep_for(Capped(std::chrono::milliseconds(
          static_cast<std::int64_t>(wait->value.GetInt() * target_.timeout_scale))));
      return !Stopped();
    }
    if (const auto poll = step.FindMember("poll"); poll != step.MemberEnd()) {
      return Poll(step, poll->value, name);
    }
    if (step.HasMember("raw")) return RunRaw(step, name);
    const base::Expected<BuiltRequest> built = BuildRequest(step["request"], vars_, target_);
    if (!built.ok()) {
      Fail(name, {"a request the fixture can build"}, {"fixture error: " + built.error().message},
           "", "");
      return false;
    }
    const BuiltRequest& request = *built;
    const HttpResponse response = Send(request, name);
    const Answer answer(response);
    NoteJobs(answer, name, request.key_role);
    if (request.http.method == "DELETE" && response.status >= 200 && response.status <= 299) {
      // The case cancelled it itself: clean-up need not again.
      const rapidjson::Value no_body;
      for (const std::string& job : JobIdsWithoutStatus(no_body, request.http.target, "")) {
        cancelled_by_case_.insert(job);
      }
    }
    return GradeAnswer(step, name, answer, request);
  }

  bool Poll(const rapidjson::Value& step, const rapidjson::Value& poll, const std::string& name) {
    const base::Expected<std::string> substituted = SubstituteVars(poll["job"].GetString(), vars_);
    if (!substituted.ok()) {
      Fail(name, {"a job id to poll"}, {"fixture error: " + substituted.error().message}, "", "");
      return false;
    }
    const std::string& job = *substituted;
    std::vector<std::string> until = {"completed", "timeout", "cancelled"};
    if (const auto wanted = poll.FindMember("until"); wanted != poll.MemberEnd()) {
      until.clear();
      for (const auto& status : wanted->value.GetArray()) until.emplace_back(status.GetString());
    }
    const std::string key_role = poll.HasMember("key") ? poll["key"].GetString() : "primary";
    double deadline_s = 60;
    if (const auto deadline = poll.FindMember("deadline_s"); deadline != poll.MemberEnd()) {
      deadline_s = deadline->value.GetDouble();
    }
    deadline_s *= target_.timeout_scale;
    const auto deadline =
        Clock::now() + std::chrono::milliseconds(static_cast<std::int64_t>(deadline_s * 1000));
    const BuiltRequest request = JobRequest("GET", job, key_role, target_);
    auto interval = std::chrono::milliseconds(50);
    while (true) {
      const HttpResponse response = Send(request, name);
      if (Stopped()) return false;
      const Answer answer(response);
      const bool shows_status = response.status == 200 && answer.json.IsObject() &&
                                answer.json.HasMember("status") && answer.json["status"].IsString();
      if (!shows_status) return GradeAnswer(step, name, answer, request);
      NoteJobs(answer, name, key_role);
      if (const auto id = answer.json.FindMember("job_id");
          id != answer.json.MemberEnd() &&
          (!id->value.IsString() || id->value.GetString() != job)) {
        Fail(name, {"OK: GET /jobs/" + job + " answers with the same job_id"},
             {"job_id: the job was " + job + ", the answer says " + ToShortJson(id->value)},
             DescribeAnswer(response, kAnswerLimit), Curl(request));
        return false;
      }
      const std::string status = answer.json["status"].GetString();
      // An undocumented status will not turn into a wanted one: judge it now
      // rather than poll until the deadline.
      const bool documented = status == "pending" || status == "running" || IsFinalStatus(status);
      if (!documented || std::find(until.begin(), until.end(), status) != until.end()) {
        return GradeAnswer(step, name, answer, request);
      }
      if (Clock::now() >= deadline) {
        std::string wanted;
        for (const std::string& s : until) wanted += (wanted.empty() ? "" : " or ") + s;
        Fail(name,
             {"OK: the job reaches " + wanted + " within " + std::to_string(deadline_s) + " s"},
             {"still " + status + " after " + std::to_string(deadline_s) +
              " s (seen: " + history_.Describe(job) + ")"},
             DescribeAnswer(response, kAnswerLimit), Curl(request));
        return false;
      }
      // Polling is the API's own way to wait for a job (the documentation's
      // clients poll every second); start fast, back off to 0.5 s.
      std::this_thread::sleep_for(Capped(std::min(
          interval,
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()))));
      interval = std::min(interval * 3 / 2, std::chrono::milliseconds(500));
    }
  }

  // DELETEs every job the case leaves unfinished, so that a target's
  // programs do not outlive the case (a server that ignores ttl would keep
  // them for 900 s). After the run's deadline they get cleanup_grace more.
  void CancelUnfinishedJobs() {
    std::optional<Clock::time_point> until;
    if (options_.stop_at) until = *options_.stop_at + options_.cleanup_grace;
    for (const std::string& job : history_.Unfinished()) {
      if (cancelled_by_case_.count(job) != 0) continue;
      const auto key = job_keys_.find(job);
      const std::string role = key == job_keys_.end() ? "primary" : key->second;
      const BuiltRequest request = JobRequest("DELETE", job, role, target_);
      const std::string line =
          "DELETE /jobs/" + job + (role == "primary" ? "" : " (" + role + " key)") + ": ";
      const std::chrono::milliseconds timeout = CapTimeout(request.timeout, until, Clock::now());
      if (timeout.count() == 0) {
        result_.cleanup.push_back(line + "not sent: no time left after --max-duration");
        continue;
      }
      const HttpResponse response = client_.Send(request.http, timeout);
      result_.cleanup.push_back(line + (response.status != 0 ? std::to_string(response.status)
                                                             : "no answer: " + response.error));
    }
  }

  const Case& c_;
  const Target& target_;
  const RunOptions& options_;
  HttpClient& client_;
  MatchContext context_;
  CaseResult result_;
  Vars vars_;
  JobHistory history_;
  std::map<std::string, std::string> job_keys_;
  std::set<std::string> cancelled_by_case_;  // DELETEd by a step, answered 2xx
  Clock::time_point start_;
};

}  // namespace

const char* GradeName(Grade grade) {
  switch (grade) {
    case Grade::kOk:
      return "OK";
    case Grade::kInformational:
      return "INFORMATIONAL";
    case Grade::kNonStrict:
      return "NON-STRICT";
    case Grade::kSkipped:
      return "SKIPPED";
    case Grade::kFailed:
      return "FAILED";
  }
  return "?";
}

CaseResult RunCase(const Case& c, const Target& target, const SchemaStore& schemas,
                   const RunOptions& options, HttpClient& client) {
  return CaseRun(c, target, schemas, options, client).Run();
}

std::chrono::milliseconds CapTimeout(std::chrono::milliseconds timeout,
                                     const std::optional<Clock::time_point>& stop_at,
                                     Clock::time_point now) {
  if (!stop_at) return timeout;
  if (now >= *stop_at) return std::chrono::milliseconds(0);
  return std::min(timeout, std::chrono::ceil<std::chrono::milliseconds>(*stop_at - now));
}

std::string StoppedReason(double seconds, const std::string& step) {
  char elapsed[32];
  std::snprintf(elapsed, sizeof elapsed, "%.1f", seconds);
  // Unnamed steps are called "step N" already; a name is quoted.
  const bool numbered = step.rfind("step ", 0) == 0;
  return std::string("stopped by --max-duration after ") + elapsed + " s in " +
         (numbered ? step : "step \"" + step + "\"");
}

}  // namespace conformance

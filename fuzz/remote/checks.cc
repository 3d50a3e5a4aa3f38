#include "fuzz/remote/checks.h"

#include <algorithm>

#include "base/ascii.h"
#include "conformance/json_text.h"

namespace remote_fuzz {

namespace {

// Statuses any request may get, whatever its route.
constexpr int kAnyRoute[] = {400, 401, 408, 413, 414, 415, 429, 431};

bool Contains(const std::vector<int>& list, int value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string Excerpt(const std::string& text, std::size_t limit = 160) {
  return conformance::Shorten(conformance::ToValidUtf8(text), limit);
}

std::string Describe(const conformance::RawAnswer& answer) {
  return std::to_string(answer.status) + " " + Excerpt(answer.body);
}

// Problems with a 4xx body, against the error shape of docs/API.md
// section 2: a JSON object with a string `error` (what the documentation's
// clients print), `success` false when present, and a string `code`.
std::vector<std::string> ErrorShapeProblems(const conformance::RawAnswer& answer) {
  std::vector<std::string> problems;
  const std::string type = answer.Header("Content-Type").value_or("");
  if (type.rfind("application/json", 0) != 0) {
    problems.push_back("Content-Type is '" + Excerpt(type, 60) + "', not application/json");
  }
  rapidjson::Document body;
  if (!conformance::ParseJson(answer.body, &body).ok() || !body.IsObject()) {
    problems.push_back("the body is not a JSON object: " + Excerpt(answer.body, 80));
    return problems;
  }
  const auto error = body.FindMember("error");
  if (error == body.MemberEnd() || !error->value.IsString() ||
      error->value.GetStringLength() == 0) {
    problems.push_back("no non-empty string 'error'");
  }
  const auto success = body.FindMember("success");
  if (success != body.MemberEnd() && !(success->value.IsBool() && !success->value.GetBool())) {
    problems.push_back("'success' is not false");
  }
  const auto code = body.FindMember("code");
  if (code == body.MemberEnd() || !code->value.IsString()) problems.push_back("no string 'code'");
  return problems;
}

void CheckAnswer(const FuzzCase& c, const conformance::RawAnswer& answer,
                 std::vector<Violation>& out) {
  const bool raw = c.kind == Kind::kRaw;
  const std::string route = RouteOf(c);
  const int status = answer.status;
  if (status >= 500) {
    const bool retry = (status == 503) && answer.Header("Retry-After").has_value();
    // RFC 9110 gives 501 to a method or coding the server does not
    // implement and 505 to an HTTP version it does not serve.
    const bool protocol = raw && (status == 501 || status == 505);
    if (!retry && !protocol) {
      out.push_back({"no_server_error", route + " answered " + Describe(answer)});
    }
    return;
  }
  if (status >= 400) {
    const std::vector<std::string> problems = ErrorShapeProblems(answer);
    if (!problems.empty()) {
      std::string message = route + " answered " + std::to_string(status) +
                            " whose body is not "
                            "the documented error: ";
      for (std::size_t i = 0; i < problems.size(); ++i) message += (i ? "; " : "") + problems[i];
      // Only `code` missing, or an answer to bytes that were not HTTP
      // (which a front proxy may give in its own words), is NON-STRICT.
      const bool only_code = problems.size() == 1 && problems[0] == "no string 'code'";
      out.push_back({"error_shape", message, !(raw || only_code)});
    }
  }
  std::vector<int> allowed(std::begin(kAnyRoute), std::end(kAnyRoute));
  if (raw) {
    allowed.insert(allowed.end(), {200, 202, 404, 405, 409, 411, 417});
  } else {
    const std::vector<int> own = DocumentedStatuses(route);
    allowed.insert(allowed.end(), own.begin(), own.end());
  }
  if (!Contains(allowed, status)) {
    out.push_back({"documented_status", route + " answered " + Describe(answer) +
                                            ", a status the API does not document there"});
  }
}

void CheckDifferential(const FuzzCase& c, const conformance::RawAnswer& answer,
                       const Verdict& verdict, std::vector<Violation>& out) {
  const int status = answer.status;
  const bool accepted = status >= 200 && status < 300;
  const bool refused = status == 400 || status == 413 || status == 415 || status == 422;
  const std::string route = RouteOf(c);
  if (accepted && !verdict.accept) {
    out.push_back({"differential",
                   route + " accepted (" + std::to_string(status) +
                       ") what the reference refuses with " + std::to_string(verdict.status) + " " +
                       verdict.code + ": " + verdict.reason,
                   verdict.documented});
  } else if (refused && verdict.accept && !verdict.target_specific) {
    out.push_back({"differential",
                   route + " refused (" + Describe(answer) + ") what the reference accepts",
                   false});
  }
}

// Schemathesis's ignored_auth: an endpoint that answers without a valid
// key serves anyone (and, for jobs, someone's jobs).
void CheckAuthRequired(const FuzzCase& c, const conformance::RawAnswer& answer,
                       std::vector<Violation>& out) {
  if (c.kind == Kind::kRaw || (c.http.key != KeyUse::kNone && c.http.key != KeyUse::kWrong)) {
    return;
  }
  for (const auto& [name, value] : c.http.headers) {
    // The case carries some other credential: not a request without a key.
    if (base::EqualsIgnoreCase(name, "Authorization") || base::EqualsIgnoreCase(name, "X-Api-Key"))
      return;
  }
  const std::string route = RouteOf(c);
  if (route == "GET /health" || route == "GET /languages") return;
  if (answer.status >= 200 && answer.status < 300) {
    out.push_back({"auth_required",
                   route + " answered " + std::to_string(answer.status) +
                       " to a "
                       "request " +
                       (c.http.key == KeyUse::kNone ? "without a key"
                                                    : "with a key the target never issued")});
  }
}

std::size_t CompleteAnswers(const conformance::RawResult& result) {
  return static_cast<std::size_t>(
      std::count_if(result.answers.begin(), result.answers.end(),
                    [](const conformance::RawAnswer& answer) { return answer.complete; }));
}

}  // namespace

const std::vector<CheckInfo>& AllChecks() {
  static const std::vector<CheckInfo> kChecks = {
      {"no_server_error",
       "no answer is 5xx, except 503 with Retry-After (and 501/505 to raw bytes)"},
      {"answers_in_time",
       "every well-formed request is answered within the bound, and a connection whose request "
       "said Connection: close (or HTTP/1.0) is closed after the answer"},
      {"well_framed",
       "every answer is well-formed HTTP/1.1 whose framing matches its bytes: nothing "
       "truncated, nothing after it (no answer to a request that was never sent)"},
      {"error_shape", "every 4xx body is the documented JSON error (success false, error, code)"},
      {"documented_status", "every status is one the API documents for that route"},
      {"auth_required",
       "a request without a key, or with a key the target never issued, is never answered 2xx "
       "(only GET /health and GET /languages may be open)"},
      {"differential",
       "the target accepts exactly what the reference validator accepts (//reference_server/api)"},
      {"stateful",
       "over two keys: never another key's job, never a status going backwards, a cancelled "
       "job stays cancelled"},
      {"still_alive", "a hello-world canary after every batch runs and prints hello"},
  };
  return kChecks;
}

std::vector<int> DocumentedStatuses(const std::string& route) {
  if (route == "POST /execute" || route == "POST /run") return {200};
  if (route == "POST /execute/async" || route == "POST /run/async") return {200, 202};
  if (route == "GET /jobs" || route == "GET /languages" || route == "GET /health") {
    return {200, 404, 405};
  }
  if (route == "GET /jobs/{id}") return {200, 404};
  if (route == "DELETE /jobs/{id}") return {200, 404, 409};
  // A known path with a method it does not take, or an unknown path.
  return {404, 405, 501};
}

Outcome OutcomeOf(const conformance::RawResult& result) {
  if (result.error.empty()) return Outcome::kAnswered;
  // No connection, or no TLS session on it: nothing was sent.
  if (!result.connected || result.error.find("TLS handshake") != std::string::npos) {
    return Outcome::kUnreachable;
  }
  if (result.early_close) return Outcome::kClosedEarly;
  if (!result.answers.empty() && !result.answers.back().complete && result.closed) {
    return Outcome::kMalformed;  // cut short: the framing promised more
  }
  if (result.closed) return Outcome::kClosedEarly;
  if (result.error.find("malformed") != std::string::npos ||
      result.error.find("not HTTP") != std::string::npos) {
    return Outcome::kMalformed;
  }
  return Outcome::kTimedOut;
}

std::vector<Violation> CheckExchange(const FuzzCase& c, const conformance::RawResult& result,
                                     const std::optional<Verdict>& verdict,
                                     const CheckBounds& bounds) {
  std::vector<Violation> out;
  const bool raw = c.kind == Kind::kRaw;
  const std::string route = RouteOf(c);
  const Outcome outcome = OutcomeOf(result);
  switch (outcome) {
    case Outcome::kUnreachable:
      out.push_back({"answers_in_time", route + ": no connection: " + result.error});
      return out;
    case Outcome::kTimedOut:
      // Raw bytes that are not a whole request may wait for more; every
      // raw case that can stop short ends its sending side, so a silent
      // server there is as wrong as anywhere.
      out.push_back({"answers_in_time", route + ": " + std::to_string(CompleteAnswers(result)) +
                                            " of " + std::to_string(raw ? c.raw_answers : 1) +
                                            " answer(s) within " +
                                            std::to_string(bounds.answer.count()) +
                                            " ms, connection still open (" + result.error + ")"});
      break;
    case Outcome::kClosedEarly:
      // A server may close on bytes it cannot parse instead of answering;
      // a well-formed request deserves an answer.
      if (!raw) {
        out.push_back(
            {"answers_in_time",
             route + ": the connection was closed without an answer (" + result.error + ")"});
      }
      break;
    case Outcome::kMalformed:
      out.push_back({"well_framed", route + ": " + result.error});
      break;
    case Outcome::kAnswered:
      break;
  }
  for (const conformance::RawAnswer& answer : result.answers) {
    if (answer.complete) CheckAnswer(c, answer, out);
  }
  if (outcome == Outcome::kAnswered) {
    const bool asked_close = raw ? c.raw_asks_close : c.http.close;
    if (asked_close && !result.closed) {
      out.push_back({"answers_in_time",
                     route + " answered " + std::to_string(result.answers.back().status) +
                         " to a request with Connection: close, and the connection was still "
                         "open " +
                         std::to_string(bounds.close.count()) + " ms later"});
    }
    if (!result.trailing.empty() && (!raw || c.raw_count_known)) {
      out.push_back(
          {"well_framed", route + ": " + std::to_string(result.trailing.size()) +
                              " byte(s) after the last answer: " + Excerpt(result.trailing, 80)});
    }
    if (verdict) CheckDifferential(c, result.answers.back(), *verdict, out);
    CheckAuthRequired(c, result.answers.back(), out);
  }
  return out;
}

}  // namespace remote_fuzz

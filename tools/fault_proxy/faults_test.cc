#include "tools/fault_proxy/faults.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "tools/fault_proxy/query.h"

namespace fault_proxy {
namespace {

Request Make(std::string method, std::string target, std::string body = "",
             std::string content_type = "application/json", std::string key = "Bearer k1") {
  Request request;
  request.method = std::move(method);
  request.target = std::move(target);
  request.headers = {{"Host", "client.example"}, {"Authorization", std::move(key)}};
  if (!body.empty()) {
    request.headers.push_back({"Content-Type", std::move(content_type)});
    request.headers.push_back({"Content-Length", std::to_string(body.size())});
  }
  request.body = std::move(body);
  return request;
}

Response Answer(int status, std::string body) {
  Response response = JsonResponse(status, std::move(body));
  response.headers.push_back({"Cache-Control", "no-store"});
  return response;
}

// One exchange through a fault against a canned upstream answer.
struct Exchange {
  std::vector<Request> forwarded;  // what reached the upstream, in order
  Response answer;                 // what the client got
};

Exchange Through(const std::string& fault_name, FaultState& state, const Request& request,
                 const Response& upstream_answer) {
  const Fault* fault = FindFault(fault_name);
  EXPECT_NE(fault, nullptr) << fault_name;
  Exchange exchange;
  exchange.answer = RunExchange(*fault, state, request, [&](const Request& sent) {
    exchange.forwarded.push_back(sent);
    return base::Expected<Response>(upstream_answer);
  });
  return exchange;
}

Exchange Through(const std::string& fault_name, const Request& request,
                 const Response& upstream_answer) {
  FaultState state(1);
  return Through(fault_name, state, request, upstream_answer);
}

// What the upstream receives for `request` (answered 200 {}).
Request Forwarded(const std::string& fault_name, const Request& request) {
  const Exchange exchange = Through(fault_name, request, Answer(200, "{}"));
  EXPECT_EQ(exchange.forwarded.size(), 1u);
  return exchange.forwarded.empty() ? Request() : exchange.forwarded[0];
}

// What the client receives when the upstream answers `upstream_answer`.
Response Answered(const std::string& fault_name, const Request& request,
                  const Response& upstream_answer) {
  return Through(fault_name, request, upstream_answer).answer;
}

void ExpectSameRequest(const Request& actual, const Request& expected) {
  EXPECT_EQ(actual.method, expected.method);
  EXPECT_EQ(actual.target, expected.target);
  EXPECT_EQ(actual.body, expected.body);
  ASSERT_EQ(actual.headers.size(), expected.headers.size());
  for (std::size_t i = 0; i < actual.headers.size(); ++i) {
    EXPECT_EQ(actual.headers[i].name, expected.headers[i].name);
    EXPECT_EQ(actual.headers[i].value, expected.headers[i].value);
  }
}

void ExpectSameResponse(const Response& actual, const Response& expected) {
  EXPECT_EQ(actual.status, expected.status);
  EXPECT_EQ(actual.body, expected.body);
  ASSERT_EQ(actual.headers.size(), expected.headers.size());
  for (std::size_t i = 0; i < actual.headers.size(); ++i) {
    EXPECT_EQ(actual.headers[i].name, expected.headers[i].name);
    EXPECT_EQ(actual.headers[i].value, expected.headers[i].value);
  }
}

// A body is rewritten only with a truthful Content-Length.
void ExpectLengthMatches(const Message& message) {
  EXPECT_EQ(message.Get("Content-Length"), std::to_string(message.body.size()));
}

const char kResult[] = R"({"success":true,"stdout":"hi\n","stderr":"","exit_code":0,"error":null,)"
                       R"("language":"python","job_id":"j1"})";
const char kJobDone[] =
    R"({"job_id":"j1","status":"completed","created_at":100,"started_at":101,)"
    R"("completed_at":102,"result":{"stdout":"hi\n","exit_code":0,"language":"python"}})";
const char kCancelled[] =
    R"({"message":"Job cancelled","job_id":"j1","result":{"success":false,"stdout":"part",)"
    R"("exit_code":-1,"error":"Job cancelled by user"}})";
const char kExecuteBody[] = R"j({"language":"python","code":"print(1)"})j";

TEST(FaultTable, NamesAreUniqueListedAndFindable) {
  std::set<std::string> names;
  for (const Fault& fault : AllFaults()) {
    EXPECT_TRUE(names.insert(std::string(fault.name)).second) << fault.name;
    EXPECT_EQ(FindFault(fault.name), &fault);
    EXPECT_FALSE(fault.description.empty());
    EXPECT_EQ(fault.description.find('\n'), std::string_view::npos);
  }
  EXPECT_EQ(names.size(), 31u);
  EXPECT_EQ(AllFaults()[0].name, "none");
  EXPECT_EQ(FindFault("no-such-fault"), nullptr);
}

TEST(FaultNone, ChangesNothing) {
  const std::vector<std::pair<Request, Response>> exchanges = {
      {Make("POST", "/execute", kExecuteBody), Answer(200, kResult)},
      {Make("POST", "/run?ttl=5&env=%7B%7D", "#!/bin/sh\necho\n", "text/plain"),
       Answer(400, R"({"success":false})")},
      {Make("GET", "/jobs/j1"), Answer(200, kJobDone)},
      {Make("DELETE", "/jobs/j1"), Answer(200, kCancelled)},
      {Make("GET", "/jobs"), Answer(200, R"({"jobs":[]})")},
  };
  for (const auto& [request, answer] : exchanges) {
    const Exchange exchange = Through("none", request, answer);
    ASSERT_EQ(exchange.forwarded.size(), 1u);
    ExpectSameRequest(exchange.forwarded[0], request);
    ExpectSameResponse(exchange.answer, answer);
  }
}

TEST(FaultRunExchange, NoUpstreamAnswerIs502WithoutTheFault) {
  FaultState state(1);
  const Response answer =
      RunExchange(*FindFault("error-body-plain"), state, Make("GET", "/jobs"),
                  [](const Request&) -> base::Expected<Response> {
                    return base::MakeError(base::ErrorCode::kUnavailable, "connection refused");
                  });
  EXPECT_EQ(answer.status, 502);
  EXPECT_EQ(answer.Get("Content-Type"), "application/json");
  EXPECT_NE(answer.body.find("connection refused"), std::string::npos);
}

TEST(FaultResultMissingStdout, RemovesStdoutFromEveryResultObject) {
  const char kWithout[] =
      R"({"success":true,"stderr":"","exit_code":0,"error":null,"language":"python","job_id":"j1"})";
  Response answer = Answered("result-missing-stdout", Make("POST", "/execute", kExecuteBody),
                             Answer(200, kResult));
  EXPECT_EQ(answer.body, kWithout);
  ExpectLengthMatches(answer);
  EXPECT_EQ(Answered("result-missing-stdout", Make("POST", "/run", "#!/bin/sh", "text/plain"),
                     Answer(200, kResult))
                .body,
            kWithout);
  EXPECT_EQ(Answered("result-missing-stdout", Make("GET", "/jobs/j1"), Answer(200, kJobDone)).body,
            R"({"job_id":"j1","status":"completed","created_at":100,"started_at":101,)"
            R"("completed_at":102,"result":{"exit_code":0,"language":"python"}})");
  EXPECT_EQ(
      Answered("result-missing-stdout", Make("DELETE", "/jobs/j1"), Answer(200, kCancelled)).body,
      R"({"message":"Job cancelled","job_id":"j1","result":{"success":false,)"
      R"("exit_code":-1,"error":"Job cancelled by user"}})");
  // Not result objects: an async acknowledgement, an error, a non-JSON body.
  const char kAck[] = R"({"job_id":"j1","status":"pending","stdout":"x"})";
  EXPECT_EQ(Answered("result-missing-stdout", Make("POST", "/execute/async", kExecuteBody),
                     Answer(202, kAck))
                .body,
            kAck);
  EXPECT_EQ(Answered("result-missing-stdout", Make("POST", "/execute", kExecuteBody),
                     Answer(400, R"({"stdout":"x"})"))
                .body,
            R"({"stdout":"x"})");
  EXPECT_EQ(Answered("result-missing-stdout", Make("POST", "/execute", kExecuteBody),
                     Answer(200, "not json"))
                .body,
            "not json");
}

TEST(FaultExitCodeAsString, MakesExitCodeAString) {
  EXPECT_EQ(Answered("exit-code-as-string", Make("POST", "/execute", kExecuteBody),
                     Answer(200, R"({"stdout":"","exit_code":0})"))
                .body,
            R"({"stdout":"","exit_code":"0"})");
  EXPECT_EQ(
      Answered("exit-code-as-string", Make("DELETE", "/jobs/j1"), Answer(200, kCancelled)).body,
      R"({"message":"Job cancelled","job_id":"j1","result":{"success":false,"stdout":"part",)"
      R"("exit_code":"-1","error":"Job cancelled by user"}})");
}

TEST(FaultValidation500, TurnsValidationStatusesInto500) {
  for (int status : {400, 413, 415}) {
    const Response answer = Answered("validation-500", Make("POST", "/execute", "{}"),
                                     Answer(status, R"({"code":"x"})"));
    EXPECT_EQ(answer.status, 500);
    EXPECT_EQ(answer.body, R"({"code":"x"})");
  }
  for (int status : {200, 401, 404, 409, 429}) {
    EXPECT_EQ(
        Answered("validation-500", Make("POST", "/execute", "{}"), Answer(status, "{}")).status,
        status);
  }
}

TEST(FaultStatusRenamed, CompletedBecomesDoneInJobAnswers) {
  EXPECT_EQ(Answered("status-renamed", Make("GET", "/jobs/j1"),
                     Answer(200, R"({"job_id":"j1","status":"completed"})"))
                .body,
            R"({"job_id":"j1","status":"done"})");
  const char kRunning[] = R"({"job_id":"j1","status":"running"})";
  EXPECT_EQ(Answered("status-renamed", Make("GET", "/jobs/j1"), Answer(200, kRunning)).body,
            kRunning);
}

TEST(FaultStatusBackwards, FirstRunningThenPendingThenTheTruth) {
  FaultState state(1);
  const auto answer = [&](const std::string& id, const std::string& body) {
    return Through("status-backwards", state, Make("GET", "/jobs/" + id), Answer(200, body))
        .answer.body;
  };
  const char kRunning[] = R"({"job_id":"j1","status":"running","created_at":100,"started_at":101})";
  EXPECT_EQ(answer("j1", kRunning), kRunning);  // not final: not counted
  EXPECT_EQ(answer("j1", kJobDone), kRunning);
  EXPECT_EQ(answer("j1", kJobDone), R"({"job_id":"j1","status":"pending","created_at":100})");
  EXPECT_EQ(answer("j1", kJobDone), kJobDone);
  EXPECT_EQ(answer("j1", kJobDone), kJobDone);
  // Another job has its own count.
  EXPECT_EQ(answer("j2", R"({"job_id":"j2","status":"timeout","result":{}})"),
            R"({"job_id":"j2","status":"running"})");
}

TEST(FaultJobsLeakAcrossKeys, EveryRequestUsesTheFirstKey) {
  FaultState state(1);
  const auto sent_key = [&](Request request) {
    return Through("jobs-leak-across-keys", state, request, Answer(200, "{}"))
        .forwarded.at(0)
        .Get("Authorization");
  };
  Request no_key = Make("GET", "/health");
  no_key.Remove("Authorization");
  EXPECT_EQ(sent_key(no_key), std::nullopt);
  EXPECT_EQ(sent_key(Make("GET", "/jobs", "", "", "Bearer k1")), "Bearer k1");
  EXPECT_EQ(sent_key(Make("GET", "/jobs", "", "", "Bearer k2")), "Bearer k1");
  EXPECT_EQ(sent_key(Make("DELETE", "/jobs/j9", "", "", "Bearer k3")), "Bearer k1");
  EXPECT_EQ(sent_key(no_key), std::nullopt);
}

TEST(FaultTtlIgnored, DropsTtlFromBodiesAndQueries) {
  const Request sent = Forwarded(
      "ttl-ignored", Make("POST", "/execute/async", R"({"language":"python","ttl":5,"code":""})"));
  EXPECT_EQ(sent.body, R"({"language":"python","code":""})");
  ExpectLengthMatches(sent);
  EXPECT_EQ(Forwarded("ttl-ignored", Make("POST", "/run?env=%7B%7D&ttl=5&network=zerotrust",
                                          "#!/bin/sh", "text/plain"))
                .target,
            "/run?env=%7B%7D&network=zerotrust");
  EXPECT_EQ(Forwarded("ttl-ignored", Make("POST", "/run/async?tt%6C=5", "#!/bin/sh")).target,
            "/run/async");
  // Only where ttl is an option.
  EXPECT_EQ(Forwarded("ttl-ignored", Make("GET", "/jobs?ttl=5")).target, "/jobs?ttl=5");
}

TEST(FaultFilenameUnchecked, RewritesSlashesAndDotDot) {
  EXPECT_EQ(
      Forwarded("filename-unchecked",
                Make("POST", "/execute",
                     R"({"input_files":[{"filename":"../etc/passwd","content":""},)"
                     R"({"filename":"ok.txt","content":""},{"filename":"a...b","content":""}]})"))
          .body,
      R"({"input_files":[{"filename":"__etc_passwd","content":""},)"
      R"({"filename":"ok.txt","content":""},{"filename":"a_.b","content":""}]})");
  const char kClean[] = R"({"input_files":[{"filename":"a.txt","content":""}]})";
  EXPECT_EQ(Forwarded("filename-unchecked", Make("POST", "/execute", kClean)).body, kClean);
}

TEST(FaultEnvIgnored, DropsEnv) {
  EXPECT_EQ(
      Forwarded("env-ignored", Make("POST", "/execute", R"({"env":{"A":"1"},"code":""})")).body,
      R"({"code":""})");
  EXPECT_EQ(
      Forwarded("env-ignored", Make("POST", "/run?env=%7B%22A%22%3A%221%22%7D&ttl=7", "#!/bin/sh"))
          .target,
      "/run?ttl=7");
}

TEST(FaultAuthIgnored, MissingOrRefusedKeysBecomeTheFirstAcceptedOne) {
  FaultState state(1);
  // Before any key was accepted, a refusal passes through.
  Exchange early = Through("auth-ignored", state, Make("GET", "/jobs", "", "", "Bearer bad"),
                           Answer(401, R"({"code":"unauthorized"})"));
  EXPECT_EQ(early.forwarded.size(), 1u);
  EXPECT_EQ(early.answer.status, 401);
  // k1 is accepted and remembered.
  Through("auth-ignored", state, Make("GET", "/jobs", "", "", "Bearer k1"), Answer(200, "{}"));
  // No key: sent with k1 at once.
  Request no_key = Make("GET", "/jobs");
  no_key.Remove("Authorization");
  Exchange missing = Through("auth-ignored", state, no_key, Answer(200, R"({"jobs":[]})"));
  ASSERT_EQ(missing.forwarded.size(), 1u);
  EXPECT_EQ(missing.forwarded[0].Get("Authorization"), "Bearer k1");
  // A refused key: sent again with k1, and the client gets that answer.
  const Fault& fault = *FindFault("auth-ignored");
  std::vector<Request> sent;
  const Response answer = RunExchange(
      fault, state, Make("GET", "/jobs", "", "", "Bearer bad"), [&](const Request& request) {
        sent.push_back(request);
        return base::Expected<Response>(request.Get("Authorization") == "Bearer k1"
                                            ? Answer(200, R"({"jobs":[]})")
                                            : Answer(401, R"({"code":"unauthorized"})"));
      });
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].Get("Authorization"), "Bearer bad");
  EXPECT_EQ(sent[1].Get("Authorization"), "Bearer k1");
  EXPECT_EQ(answer.status, 200);
  // An upstream that refuses k1 too gets one resend, not a loop.
  Exchange refused =
      Through("auth-ignored", state, Make("GET", "/jobs", "", "", "Bearer k2"), Answer(401, "{}"));
  EXPECT_EQ(refused.forwarded.size(), 2u);
  EXPECT_EQ(refused.answer.status, 401);
}

TEST(FaultContentTypeText, EveryAnswerIsTextPlain) {
  const Response answer = Answered("content-type-text", Make("GET", "/jobs"), Answer(200, "{}"));
  EXPECT_EQ(answer.Get("Content-Type"), "text/plain");
  EXPECT_EQ(answer.body, "{}");
}

// xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx, lower-case hex.
bool LooksLikeUuidV4(const std::string& id) {
  if (id.size() != 36 || id[14] != '4' || std::string("89ab").find(id[19]) == std::string::npos) {
    return false;
  }
  for (std::size_t i = 0; i < id.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (id[i] == '-')) return false;
    if (!dash && std::string("0123456789abcdef").find(id[i]) == std::string::npos) return false;
  }
  return true;
}

TEST(FaultJobIdChanges, EveryJobAnswerHasAFreshId) {
  FaultState state(7);
  std::set<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    Response answer = Through("job-id-changes", state, Make("GET", "/jobs/j1"),
                              Answer(200, R"({"job_id":"j1","status":"pending"})"))
                          .answer;
    const std::string prefix = R"({"job_id":")";
    ASSERT_EQ(answer.body.substr(0, prefix.size()), prefix);
    const std::string id = answer.body.substr(prefix.size(), 36);
    EXPECT_TRUE(LooksLikeUuidV4(id)) << id;
    EXPECT_EQ(answer.body.substr(prefix.size() + 36), R"(","status":"pending"})");
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 3u);
}

TEST(FaultFileLimitUnchecked, KeepsTheFirstTenFiles) {
  const auto files = [](int n) {
    std::string body = R"({"input_files":[)";
    for (int i = 0; i < n; ++i) {
      body += std::string(i ? "," : "") + R"({"filename":"f)" + std::to_string(i) +
              R"(","content":""})";
    }
    return body + "]}";
  };
  EXPECT_EQ(Forwarded("file-limit-unchecked", Make("POST", "/execute", files(12))).body, files(10));
  EXPECT_EQ(Forwarded("file-limit-unchecked", Make("POST", "/execute", files(10))).body, files(10));
}

TEST(FaultZerotrustIgnored, ZerotrustOrNoModeBecomesSemitrusted) {
  const auto body = [](const std::string& json) {
    return Forwarded("zerotrust-ignored", Make("POST", "/execute", json)).body;
  };
  EXPECT_EQ(body(R"({"code":""})"), R"({"code":"","network_mode":"semitrusted"})");
  EXPECT_EQ(body(R"({"network_mode":"zerotrust"})"), R"({"network_mode":"semitrusted"})");
  EXPECT_EQ(body(R"({"network":"zerotrust"})"), R"({"network":"semitrusted"})");
  EXPECT_EQ(body(R"({"network": "semitrusted"})"), R"({"network": "semitrusted"})");
  const auto target = [](const std::string& t) {
    return Forwarded("zerotrust-ignored", Make("POST", t, "#!/bin/sh", "text/plain")).target;
  };
  EXPECT_EQ(target("/run"), "/run?network_mode=semitrusted");
  EXPECT_EQ(target("/run/async?ttl=5"), "/run/async?ttl=5&network_mode=semitrusted");
  EXPECT_EQ(target("/run?a=%41&network=zerotrust&b"), "/run?a=%41&network=semitrusted&b");
  EXPECT_EQ(target("/run?network_mode=semitrusted"), "/run?network_mode=semitrusted");
}

TEST(FaultDefaultFilenameWrong, UnnamedFilesGetFileIndex) {
  EXPECT_EQ(
      Forwarded(
          "default-filename-wrong",
          Make(
              "POST", "/execute",
              R"({"input_files":[{"content":""},{"filename":"x","content":""},{"content":"QQ=="}]})"))
          .body,
      R"({"input_files":[{"content":"","filename":"file0"},{"filename":"x","content":""},)"
      R"({"content":"QQ==","filename":"file2"}]})");
}

TEST(FaultCancelIgnored, TheProxyAnswersAndNothingIsForwarded) {
  const Exchange exchange = Through("cancel-ignored", Make("DELETE", "/jobs/j-42"),
                                    Answer(409, R"({"code":"job_finished"})"));
  EXPECT_TRUE(exchange.forwarded.empty());
  EXPECT_EQ(exchange.answer.status, 200);
  EXPECT_EQ(exchange.answer.body, R"({"message":"Job cancelled","job_id":"j-42"})");
  EXPECT_EQ(exchange.answer.Get("Content-Type"), "application/json");
  ExpectLengthMatches(exchange.answer);
  EXPECT_EQ(
      Through("cancel-ignored", Make("GET", "/jobs/j-42"), Answer(200, "{}")).forwarded.size(), 1u);
}

TEST(FaultMalformedBody500, BrokenJsonOnJsonRoutesIsAnswered500Unforwarded) {
  const std::vector<std::string> broken = {
      "",         "not json", R"({"language":"python")", "{} x", std::string("{}\0x", 4),
      "\"\xff\"", "{'a':1}"};
  for (const char* target : {"/execute", "/execute/async"}) {
    for (const std::string& body : broken) {
      const Exchange exchange = Through("malformed-body-500", Make("POST", target, body),
                                        Answer(400, R"({"code":"malformed_json"})"));
      EXPECT_TRUE(exchange.forwarded.empty()) << target << " " << body;
      EXPECT_EQ(exchange.answer.status, 500);
      EXPECT_EQ(exchange.answer.body,
                R"({"success":false,"error":"internal error","code":"internal"})");
      EXPECT_EQ(exchange.answer.Get("Content-Type"), "application/json");
      ExpectLengthMatches(exchange.answer);
    }
  }
  // Any JSON text goes through (the upstream judges its shape), and so do
  // the routes whose bodies are not JSON.
  const std::vector<Request> forwarded = {Make("POST", "/execute", kExecuteBody),
                                          Make("POST", "/execute", " [1,2]\n"),
                                          Make("POST", "/execute/async", "null"),
                                          Make("POST", "/run", "not json", "text/plain"),
                                          Make("POST", "/run/async", ""),
                                          Make("POST", "/execute/other", "not json"),
                                          Make("GET", "/jobs")};
  for (const Request& request : forwarded) {
    const Exchange exchange = Through("malformed-body-500", request, Answer(200, "{}"));
    ASSERT_EQ(exchange.forwarded.size(), 1u) << request.target << " " << request.body;
    ExpectSameRequest(exchange.forwarded[0], request);
    EXPECT_EQ(exchange.answer.status, 200);
  }
}

TEST(FaultAsyncAckNotPending, PendingBecomesQueued) {
  const char kAck[] = R"({"job_id":"j1","status":"pending"})";
  const char kQueued[] = R"({"job_id":"j1","status":"queued"})";
  EXPECT_EQ(Answered("async-ack-not-pending", Make("POST", "/execute/async", kExecuteBody),
                     Answer(202, kAck))
                .body,
            kQueued);
  EXPECT_EQ(
      Answered("async-ack-not-pending", Make("POST", "/run/async", "#!/bin/sh"), Answer(202, kAck))
          .body,
      kQueued);
  EXPECT_EQ(Answered("async-ack-not-pending", Make("GET", "/jobs/j1"), Answer(200, kAck)).body,
            kAck);
}

TEST(FaultErrorBodyPlain, ErrorsBecomePlainText) {
  const Response answer = Answered("error-body-plain", Make("GET", "/jobs/x"),
                                   Answer(404, R"({"success":false,"code":"not_found"})"));
  EXPECT_EQ(answer.status, 404);
  EXPECT_EQ(answer.body, "error");
  EXPECT_EQ(answer.Get("Content-Type"), "text/plain");
  ExpectLengthMatches(answer);
  EXPECT_EQ(Answered("error-body-plain", Make("GET", "/jobs"), Answer(200, "{}")).body, "{}");
}

TEST(FaultTimestampsMissing, DropsCreatedAt) {
  EXPECT_EQ(Answered("timestamps-missing", Make("GET", "/jobs/j1"),
                     Answer(200, R"({"job_id":"j1","status":"pending","created_at":100})"))
                .body,
            R"({"job_id":"j1","status":"pending"})");
}

TEST(FaultStdoutLostOnCancel, CancelledResultHasNoOutput) {
  EXPECT_EQ(
      Answered("stdout-lost-on-cancel", Make("DELETE", "/jobs/j1"), Answer(200, kCancelled)).body,
      R"({"message":"Job cancelled","job_id":"j1","result":{"success":false,"stdout":"",)"
      R"("exit_code":-1,"error":"Job cancelled by user"}})");
  EXPECT_EQ(Answered("stdout-lost-on-cancel", Make("GET", "/jobs/j1"), Answer(200, kJobDone)).body,
            kJobDone);
}

TEST(FaultTtlBoundsUnchecked, ClampsIntegerTtls) {
  const auto body = [](const std::string& ttl) {
    return Forwarded("ttl-bounds-unchecked", Make("POST", "/execute", R"({"ttl":)" + ttl + "}"))
        .body;
  };
  EXPECT_EQ(body("901"), R"({"ttl":900})");
  EXPECT_EQ(body("18446744073709551615"), R"({"ttl":900})");
  EXPECT_EQ(body("0"), R"({"ttl":1})");
  EXPECT_EQ(body("-1"), R"({"ttl":1})");
  EXPECT_EQ(body("60"), R"({"ttl":60})");
  EXPECT_EQ(body("1000.0"), R"({"ttl":1000.0})");  // not an integer: left to the upstream
  const auto target = [](const std::string& t) {
    return Forwarded("ttl-bounds-unchecked", Make("POST", t, "#!/bin/sh", "text/plain")).target;
  };
  EXPECT_EQ(target("/run?ttl=1000&x=%20"), "/run?ttl=900&x=%20");
  EXPECT_EQ(target("/run/async?ttl=0"), "/run/async?ttl=1");
  EXPECT_EQ(target("/run?ttl=-5"), "/run?ttl=1");
  EXPECT_EQ(target("/run?ttl=900"), "/run?ttl=900");
  EXPECT_EQ(target("/run?ttl=abc"), "/run?ttl=abc");
}

TEST(FaultBase64Lenient, WhitespaceGoesAndPaddingIsAdded) {
  EXPECT_EQ(
      Forwarded("base64-lenient",
                Make("POST", "/execute",
                     R"({"input_files":[{"content":"aGVs\r\nbG8"},{"content_base64":"Zm9v\tYmE"},)"
                     R"({"content":"QQ=="}]})"))
          .body,
      R"({"input_files":[{"content":"aGVsbG8="},{"content_base64":"Zm9vYmE="},)"
      R"({"content":"QQ=="}]})");
}

TEST(FaultShebangIgnored, ShebangLineBecomesPython) {
  const Request sent = Forwarded(
      "shebang-ignored", Make("POST", "/run", "#!/usr/bin/ruby -w\r\nputs 1\n", "text/plain"));
  EXPECT_EQ(sent.body, "#!/usr/bin/env python3\nputs 1\n");
  ExpectLengthMatches(sent);
  EXPECT_EQ(
      Forwarded("shebang-ignored", Make("POST", "/run/async", "#!/bin/sh", "text/plain")).body,
      "#!/usr/bin/env python3");
  EXPECT_EQ(Forwarded("shebang-ignored", Make("POST", "/run", "print(1)\n", "text/plain")).body,
            "print(1)\n");
}

TEST(FaultUnknownJobPending, UnknownJobsArePending) {
  const Response answer = Answered("unknown-job-pending", Make("GET", "/jobs/nope"),
                                   Answer(404, R"({"code":"not_found"})"));
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.body, R"({"job_id":"nope","status":"pending"})");
  ExpectLengthMatches(answer);
  EXPECT_EQ(Answered("unknown-job-pending", Make("DELETE", "/jobs/nope"), Answer(404, "{}")).status,
            404);
}

TEST(FaultJobsListFinished, ListsJobsSeenFinishedPerKey) {
  FaultState state(1);
  const char kList[] = R"({"jobs":[{"job_id":"j2","status":"running"}]})";
  Through("jobs-list-finished", state, Make("GET", "/jobs/j1", "", "", "Bearer k1"),
          Answer(200, kJobDone));
  Through("jobs-list-finished", state, Make("GET", "/jobs/j1", "", "", "Bearer k1"),
          Answer(200, kJobDone));  // seen twice, listed once
  const std::string listed = Through("jobs-list-finished", state,
                                     Make("GET", "/jobs", "", "", "Bearer k1"), Answer(200, kList))
                                 .answer.body;
  EXPECT_EQ(listed,
            R"({"jobs":[{"job_id":"j2","status":"running"},{"job_id":"j1",)"
            R"("status":"completed","language":"python","submitted_at":"1970-01-01T00:01:40Z"}]})");
  EXPECT_EQ(Through("jobs-list-finished", state, Make("GET", "/jobs", "", "", "Bearer k2"),
                    Answer(200, kList))
                .answer.body,
            kList);
}

// Whatever the body, no fault crashes, and a body that is not the JSON it
// expects passes unchanged.
TEST(FaultRobustness, OddBodiesPassUnchanged) {
  const std::vector<std::string> bodies = {
      "",     "not json",         "[1,2]", R"({"result":5})", R"({"input_files":7})",
      "{} x", R"({"a":"\ud800"})"};
  const std::vector<std::string> untouched = {"none",
                                              "result-missing-stdout",
                                              "exit-code-as-string",
                                              "status-backwards",
                                              "filename-unchecked",
                                              "base64-lenient"};
  for (const Fault& fault : AllFaults()) {
    for (const std::string& body : bodies) {
      for (const char* target : {"/execute", "/jobs/j1"}) {
        const Request request = Make(target[1] == 'e' ? "POST" : "GET", target, body);
        const Exchange exchange = Through(std::string(fault.name), request, Answer(200, body));
        if (std::find(untouched.begin(), untouched.end(), fault.name) != untouched.end()) {
          EXPECT_EQ(exchange.answer.body, body) << fault.name;
          ASSERT_EQ(exchange.forwarded.size(), 1u);
          EXPECT_EQ(exchange.forwarded[0].body, body) << fault.name;
        }
      }
    }
  }
}

TEST(Query, SplitsAndJoinsByteForByte) {
  const std::vector<QueryPart> parts = SplitQuery("a=%41+b&&c&d=");
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[0].name, "a");
  EXPECT_EQ(parts[0].value, "A b");
  EXPECT_EQ(parts[1].raw, "");
  EXPECT_EQ(parts[2].name, "c");
  EXPECT_EQ(JoinTarget("/run", parts), "/run?a=%41+b&&c&d=");
  EXPECT_EQ(JoinTarget("/run", {}), "/run");
}

}  // namespace
}  // namespace fault_proxy

// Integration tests: the real reference_server binary on an ephemeral
// loopback port, driven over real HTTP. Runs real sandboxes (needs root;
// tagged no-sandbox).
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <thread>

#include "reference_server/testing/host_traces.h"
#include "reference_server/testing/http_client.h"
#include "reference_server/testing/server_process.h"

namespace server_test {
namespace {

using namespace std::chrono_literals;

constexpr char kKey[] = "test-key-alice";
constexpr char kOtherKey[] = "test-key-bob";
constexpr std::uint32_t kUidsPerServer = 10000;

// Each server of this test gets its own host uid range, so that leftover
// processes are attributable and tests running at once do not collide.
std::uint32_t NextUidBase() {
  static std::atomic<std::uint32_t> next{0};
  return 1000000 + static_cast<std::uint32_t>(getpid() % 2000) * 200000 + next++ * kUidsPerServer;
}

// GET /health's "pool" object (docs/API.md), every count as a number.
struct Pool {
  std::int64_t per_class = -1, classes = -1, ready = -1, building = -1, in_use = -1, hits = -1,
               misses = -1, refills = -1, refill_failures = -1, discarded = -1;
  std::string last_failure;
  std::string json;  // as answered, for failure messages
};

// The pool as /health reports it now; nullopt (a test failure) when the
// answer has no complete pool object.
std::optional<Pool> ReadPool(HttpClient& client) {
  const HttpResponse response = client.Send("GET", "/health");
  rapidjson::Document body;
  body.Parse(response.body.c_str(), response.body.size());
  if (response.status != 200 || body.HasParseError() || !body.IsObject() ||
      !body.HasMember("pool") || !body["pool"].IsObject()) {
    ADD_FAILURE() << "no pool in /health: " << response.status << " " << response.body
                  << response.error;
    return std::nullopt;
  }
  const rapidjson::Value& json = body["pool"];
  Pool pool;
  rapidjson::StringBuffer text;
  rapidjson::Writer<rapidjson::StringBuffer> writer(text);
  json.Accept(writer);
  pool.json = text.GetString();
  for (const auto& [name, field] : {std::pair{"per_class", &Pool::per_class},
                                    {"classes", &Pool::classes},
                                    {"ready", &Pool::ready},
                                    {"building", &Pool::building},
                                    {"in_use", &Pool::in_use},
                                    {"hits", &Pool::hits},
                                    {"misses", &Pool::misses},
                                    {"refills", &Pool::refills},
                                    {"refill_failures", &Pool::refill_failures},
                                    {"discarded", &Pool::discarded}}) {
    if (!json.HasMember(name) || !json[name].IsInt64()) {
      ADD_FAILURE() << "pool." << name << " is not a number: " << pool.json;
      return std::nullopt;
    }
    pool.*field = json[name].GetInt64();
  }
  if (!json.HasMember("last_failure") || !json["last_failure"].IsString()) {
    ADD_FAILURE() << "pool.last_failure is not a string: " << pool.json;
    return std::nullopt;
  }
  pool.last_failure = json["last_failure"].GetString();
  return pool;
}

// Polls /health (bounded) until `done` holds for its pool: the last pool
// read, for the caller to assert `done` on.
Pool WaitForPool(HttpClient& client, const std::function<bool(const Pool&)>& done) {
  Pool last;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    std::optional<Pool> pool = ReadPool(client);
    if (!pool) break;
    last = std::move(*pool);
    if (done(last)) break;
    std::this_thread::sleep_for(20ms);  // polling a condition, with a deadline
  }
  return last;
}

struct Server {
  explicit Server(std::vector<std::string> flags = {}) : uid_base(NextUidBase()) {
    flags.insert(flags.end(), {"--api-key", kKey, "--api-key", kOtherKey, "--sandbox-uid-base",
                               std::to_string(uid_base)});
    auto started = ServerProcess::Start(flags);
    if (started.ok()) {
      process = std::move(started).value();
    } else {
      failure = started.error();
    }
  }
  // Asserted first by every test: the rest assumes a listening server.
  bool Started() const { return process != nullptr; }
  std::string StartError() const { return failure ? failure->Describe() : ""; }
  std::vector<pid_t> SandboxProcesses() const {
    return ProcessesWithUids(uid_base, kUidsPerServer);
  }
  // Waits (bounded) until `count` processes of the sandboxes run `argv0`.
  bool WaitForSandboxProcess(const std::string& comm, std::size_t count = 1) const {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline) {
      std::size_t seen = 0;
      for (pid_t pid : SandboxProcesses()) {
        std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
        std::string name;
        std::getline(in, name);
        if (name == comm) ++seen;
      }
      if (seen >= count) return true;
      std::this_thread::sleep_for(10ms);  // polling a condition, with a deadline
    }
    return false;
  }
  // Waits (bounded) until the only sandbox processes left are the pool's
  // ready sandboxes (one init each), none being built or in use: whatever
  // a run started has ended. Without a pool: no sandbox process at all.
  bool WaitForNoRunProcess() const {
    HttpClient client = Client();
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline) {
      const std::optional<Pool> before = ReadPool(client);
      const std::size_t processes = SandboxProcesses().size();
      const std::optional<Pool> after = ReadPool(client);
      if (!before || !after) return false;
      // The same pool on both sides of the count: it held still while counted.
      if (before->json == after->json && after->building == 0 && after->in_use == 0 &&
          static_cast<std::int64_t>(processes) == after->ready) {
        return true;
      }
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }
  HttpClient Client() const { return HttpClient("127.0.0.1", process->port()); }

  std::uint32_t uid_base;
  std::unique_ptr<ServerProcess> process;
  std::optional<base::Error> failure;
};

rapidjson::Document Json(const HttpResponse& response) {
  rapidjson::Document document;
  document.Parse(response.body.c_str(), response.body.size());
  EXPECT_FALSE(document.HasParseError()) << "not JSON: " << response.body;
  EXPECT_EQ(response.header("content-type"), "application/json");
  return document;
}

std::string Str(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject() || !object.HasMember(name) || !object[name].IsString()) return "<absent>";
  return object[name].GetString();
}

// Runs a shell command; its exit status and its stdout and stderr together.
std::pair<int, std::string> RunCommand(const std::string& command) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  std::string output;
  char buffer[4096];
  std::size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

std::string ReadFixture(const std::string& name) {
  std::ifstream in(
      std::string(std::getenv("TEST_SRCDIR")) + "/execprobe/fixtures/documentation/" + name,
      std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Expects the error body of docs/API.md section 2.
void ExpectError(const HttpResponse& response, int status, const std::string& code) {
  EXPECT_EQ(response.status, status) << response.body << response.error;
  const rapidjson::Document body = Json(response);
  ASSERT_TRUE(body.IsObject()) << response.body;
  EXPECT_TRUE(body.HasMember("success") && body["success"].IsFalse()) << response.body;
  EXPECT_EQ(Str(body, "code"), code) << response.body;
  EXPECT_NE(Str(body, "error"), "<absent>");
}

// Polls GET /jobs/{id} until a final status (bounded), recording every
// status seen.
std::vector<std::string> PollUntilFinal(HttpClient& client, const std::string& id,
                                        rapidjson::Document* final_body = nullptr,
                                        const std::string& key = kKey) {
  std::vector<std::string> seen;
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  while (std::chrono::steady_clock::now() < deadline) {
    const HttpResponse response = client.Get("/jobs/" + id, key);
    if (response.status != 200) {
      ADD_FAILURE() << "GET /jobs/" << id << ": " << response.status << " " << response.body;
      break;
    }
    rapidjson::Document body = Json(response);
    const std::string status = Str(body, "status");
    if (seen.empty() || seen.back() != status) seen.push_back(status);
    if (status == "completed" || status == "timeout" || status == "cancelled") {
      if (final_body) *final_body = std::move(body);
      break;
    }
    std::this_thread::sleep_for(20ms);  // polling a condition, with a deadline
  }
  return seen;
}

// The sequence of statuses must follow pending -> running -> final, or
// pending -> cancelled, never going back.
bool AllowedSequence(const std::vector<std::string>& seen) {
  const std::vector<std::string> order = {"pending", "running"};
  int last = -1;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    const auto it = std::find(order.begin(), order.end(), seen[i]);
    if (it == order.end()) return i + 1 == seen.size();  // the final one, last
    const int rank = static_cast<int>(it - order.begin());
    if (rank <= last) return false;
    last = rank;
  }
  return false;  // never reached a final status
}

std::string AsyncJob(HttpClient& client, const std::string& json, const std::string& key = kKey) {
  const HttpResponse response = client.PostJson("/execute/async", key, json);
  EXPECT_EQ(response.status, 202) << response.body;
  const rapidjson::Document body = Json(response);
  EXPECT_EQ(Str(body, "status"), "pending");
  EXPECT_EQ(response.header("location"), "/jobs/" + Str(body, "job_id"));
  return Str(body, "job_id");
}

class ReferenceServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { shared_ = new Server({"--workers", "2", "--max-queue", "64"}); }
  static void TearDownTestSuite() {
    delete shared_;
    shared_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(shared_->Started()) << shared_->StartError(); }
  static Server* shared_;
};

Server* ReferenceServerTest::shared_ = nullptr;

// ---- The documentation's own examples -------------------------------------

TEST_F(ReferenceServerTest, DocumentedExecuteExampleRuns) {
  HttpClient client = shared_->Client();
  const HttpResponse response =
      client.PostJson("/execute", kKey, ReadFixture("lua/execute_request.json"));
  ASSERT_EQ(response.status, 200) << response.body;
  const rapidjson::Document body = Json(response);
  EXPECT_TRUE(body["success"].IsTrue());
  EXPECT_EQ(Str(body, "stdout"), "Hello from unsandbox!\n");
  EXPECT_EQ(Str(body, "stderr"), "");
  EXPECT_TRUE(body["error"].IsNull());
  EXPECT_EQ(body["exit_code"].GetInt(), 0);
  EXPECT_EQ(Str(body, "language"), "lua");
  EXPECT_EQ(Str(body, "execution_mode"), "pooled");
  EXPECT_EQ(Str(body, "network_mode"), "zerotrust");
  EXPECT_TRUE(body["artifacts"].IsArray());
  EXPECT_TRUE(body["total_time_ms"].IsInt64());
  // The sync result's job id names a job that can be read back.
  const HttpResponse job = client.Get("/jobs/" + Str(body, "job_id"), kKey);
  EXPECT_EQ(job.status, 200);
  EXPECT_EQ(Str(Json(job), "status"), "completed");
}

TEST_F(ReferenceServerTest, DocumentedInputFilesExampleRuns) {
  HttpClient client = shared_->Client();
  const HttpResponse response =
      client.PostJson("/execute", kKey, ReadFixture("zig/input_files_request.json"));
  ASSERT_EQ(response.status, 200) << response.body;
  const rapidjson::Document body = Json(response);
  EXPECT_TRUE(body["success"].IsTrue()) << response.body;
  EXPECT_EQ(Str(body, "stdout"), "name,age\nAlice,30\nBob,25\n");
}

// The Zig page's own example (issue 16): Zig is installed by tools/setup
// (--languages all, its default); on a machine set up with --languages
// core it is refused by name, the installed languages listed.
TEST_F(ReferenceServerTest, DocumentedZigExampleRunsOrIsRefusedByName) {
  HttpClient client = shared_->Client();
  const HttpResponse languages = client.Get("/languages", kKey);
  const bool zig_installed = languages.body.find("\"zig\"") != std::string::npos;
  const HttpResponse response =
      client.PostJson("/execute", kKey, ReadFixture("zig/execute_request.json"));
  if (!zig_installed) {
    ExpectError(response, 400, "unsupported_language");
    EXPECT_NE(response.body.find("python"), std::string::npos) << "names the installed languages";
    GTEST_SKIP() << "zig is not installed here (tools/setup --languages core): refused by name";
  }
  ASSERT_EQ(response.status, 200) << response.body;
  const rapidjson::Document body = Json(response);
  EXPECT_TRUE(body["success"].IsTrue()) << response.body;
  EXPECT_EQ(Str(body, "stdout"), "Hello from unsandbox!\n");
  EXPECT_EQ(Str(body, "language"), "zig");
  // A machine set up with every language lists the documentation's 42+.
  EXPECT_GE(Json(languages)["languages"].Size(), 43u) << languages.body;
}

TEST_F(ReferenceServerTest, DocumentedAsyncExamplesComplete) {
  HttpClient client = shared_->Client();
  for (const auto& [fixture, stdout_text] : std::vector<std::pair<std::string, std::string>>{
           {"lua/execute_async_request.json", "Computing factorial...\n2432902008176640000\n"},
           {"zig/execute_async_request.json", "Computing...\n"}}) {
    const std::string id = AsyncJob(client, ReadFixture(fixture));
    rapidjson::Document final_body;
    const std::vector<std::string> seen = PollUntilFinal(client, id, &final_body);
    EXPECT_TRUE(AllowedSequence(seen)) << fixture;
    EXPECT_EQ(seen.back(), "completed") << fixture;
    ASSERT_TRUE(final_body.HasMember("result")) << fixture;
    EXPECT_EQ(Str(final_body["result"], "stdout"), stdout_text) << fixture;
    EXPECT_TRUE(final_body["created_at"].IsInt64());
    EXPECT_TRUE(final_body["started_at"].IsInt64());
    EXPECT_TRUE(final_body["completed_at"].IsInt64());
    EXPECT_LE(final_body["created_at"].GetInt64(), final_body["started_at"].GetInt64());
    EXPECT_LE(final_body["started_at"].GetInt64(), final_body["completed_at"].GetInt64());
  }
}

TEST_F(ReferenceServerTest, DocumentedRunExamplesWithoutShebangAreRefused) {
  HttpClient client = shared_->Client();
  ExpectError(client.PostText("/run", kKey, ReadFixture("lua/run_request.txt")), 400,
              "language_not_detected");
  ExpectError(client.PostText("/run/async", kKey, ReadFixture("lua/run_async_request.txt")), 400,
              "language_not_detected");
}

TEST_F(ReferenceServerTest, RunDetectsTheLanguageFromTheShebang) {
  HttpClient client = shared_->Client();
  const HttpResponse response =
      client.PostText("/run?ttl=30&env=%7B%22WHO%22%3A%22world%22%7D", kKey,
                      "#!/usr/bin/env python3\nimport os\nprint('hello', os.environ['WHO'])\n");
  ASSERT_EQ(response.status, 200) << response.body;
  const rapidjson::Document body = Json(response);
  EXPECT_EQ(Str(body, "stdout"), "hello world\n");
  EXPECT_EQ(Str(body, "detected_language"), "python");

  const HttpResponse accepted = client.PostText("/run/async", kKey, "#!/bin/sh\necho async\n");
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  rapidjson::Document final_body;
  PollUntilFinal(client, Str(Json(accepted), "job_id"), &final_body);
  EXPECT_EQ(Str(final_body["result"], "stdout"), "async\n");
  EXPECT_EQ(Str(final_body["result"], "detected_language"), "sh");
}

// tools/documentation_examples sends them with curl, as the documentation
// does, and explains every difference from the documented answers.
TEST_F(ReferenceServerTest, DocumentationExamplesToolFindsNoUnexplainedDifference) {
  const auto [status, output] =
      RunCommand(std::string(std::getenv("TEST_SRCDIR")) +
                 "/execprobe/tools/documentation_examples " + shared_->process->url() + " " + kKey);
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find("0 unexplained difference(s)"), std::string::npos) << output;
  EXPECT_NE(output.find("zig input_files                    same"), std::string::npos) << output;
}

// ---- Requests and their answers ------------------------------------------

TEST_F(ReferenceServerTest, EnvAndFailingProgramsAreReported) {
  HttpClient client = shared_->Client();
  const HttpResponse response = client.PostJson(
      "/execute", kKey,
      R"({"language":"bash","code":"echo $GREETING; echo oops >&2; exit 3","env":{"GREETING":"hi"}})");
  ASSERT_EQ(response.status, 200) << response.body;
  const rapidjson::Document body = Json(response);
  EXPECT_TRUE(body["success"].IsFalse());
  EXPECT_EQ(Str(body, "stdout"), "hi\n");
  EXPECT_EQ(Str(body, "stderr"), "oops\n");
  EXPECT_EQ(body["exit_code"].GetInt(), 3);
  EXPECT_EQ(Str(body, "error"), "Process exited with code 3");
}

TEST_F(ReferenceServerTest, SynchronousTimeoutKeepsThePartialOutput) {
  HttpClient client = shared_->Client();
  const HttpResponse response = client.PostJson(
      "/execute", kKey, R"({"language":"bash","code":"echo before; sleep 30","ttl":1})");
  ASSERT_EQ(response.status, 200) << response.body;
  const rapidjson::Document body = Json(response);
  EXPECT_TRUE(body["success"].IsFalse());
  EXPECT_EQ(body["exit_code"].GetInt(), -1);
  EXPECT_EQ(Str(body, "error"), "Execution timed out after 1 s");
  EXPECT_EQ(Str(body, "stdout"), "before\n");
}

TEST_F(ReferenceServerTest, AsyncTimeoutEndsInTimeoutStatus) {
  HttpClient client = shared_->Client();
  const std::string id =
      AsyncJob(client, R"({"language":"bash","code":"echo before; sleep 30","ttl":1})");
  rapidjson::Document final_body;
  const std::vector<std::string> seen = PollUntilFinal(client, id, &final_body);
  EXPECT_TRUE(AllowedSequence(seen));
  EXPECT_EQ(seen.back(), "timeout");
  EXPECT_EQ(final_body["result"]["exit_code"].GetInt(), -1);
  EXPECT_EQ(Str(final_body["result"], "stdout"), "before\n");
}

TEST_F(ReferenceServerTest, CancellingARunningJobReturnsItsPartialOutput) {
  HttpClient client = shared_->Client();
  const std::string id =
      AsyncJob(client, R"({"language":"bash","code":"echo partial; exec sleep 300"})");
  // Once `sleep` runs, "partial" has been written.
  ASSERT_TRUE(shared_->WaitForSandboxProcess("sleep"));
  const HttpResponse listed = client.Get("/jobs", kKey);
  EXPECT_NE(listed.body.find(id), std::string::npos) << listed.body;
  const HttpResponse cancel = client.Delete("/jobs/" + id, kKey);
  ASSERT_EQ(cancel.status, 200) << cancel.body;
  const rapidjson::Document body = Json(cancel);
  EXPECT_EQ(Str(body, "message"), "Job cancelled");
  EXPECT_EQ(Str(body, "job_id"), id);
  EXPECT_TRUE(body["result"]["success"].IsFalse());
  EXPECT_EQ(Str(body["result"], "stdout"), "partial\n");
  EXPECT_EQ(body["result"]["exit_code"].GetInt(), -1);
  EXPECT_EQ(Str(body["result"], "error"), "Job cancelled by user");

  const HttpResponse after = client.Get("/jobs/" + id, kKey);
  EXPECT_EQ(Str(Json(after), "status"), "cancelled");
  EXPECT_EQ(client.Get("/jobs", kKey).body.find(id), std::string::npos);
  ExpectError(client.Delete("/jobs/" + id, kKey), 409, "job_finished");
}

TEST_F(ReferenceServerTest, JobsAreInvisibleToOtherKeys) {
  HttpClient client = shared_->Client();
  const std::string id = AsyncJob(client, R"({"language":"bash","code":"exec sleep 300"})");
  const HttpResponse theirs = client.Get("/jobs/" + id, kOtherKey);
  const HttpResponse unknown = client.Get("/jobs/00000000-0000-4000-8000-000000000000", kOtherKey);
  ExpectError(theirs, 404, "not_found");
  // Indistinguishable from a job that does not exist.
  EXPECT_EQ(theirs.body, unknown.body);
  EXPECT_EQ(client.Get("/jobs", kOtherKey).body, R"({"jobs":[]})");
  ExpectError(client.Delete("/jobs/" + id, kOtherKey), 404, "not_found");
  EXPECT_NE(Str(Json(client.Get("/jobs/" + id, kKey)), "status"), "cancelled");
  EXPECT_EQ(client.Delete("/jobs/" + id, kKey).status, 200);
}

TEST_F(ReferenceServerTest, FiftyConcurrentSynchronousExecutionsAreAllCorrect) {
  constexpr int kClients = 50;
  std::vector<std::string> outputs(kClients);
  std::vector<int> statuses(kClients);
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      HttpClient client = shared_->Client();
      const HttpResponse response = client.PostJson(
          "/execute", kKey,
          R"j({"language":"python","code":"import os\nprint(int(os.environ['N']) * 3)","env":{"N":")j" +
              std::to_string(i) + "\"}}");
      statuses[i] = response.status;
      rapidjson::Document body;
      body.Parse(response.body.c_str());
      outputs[i] = body.HasParseError() ? response.body : Str(body, "stdout");
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int i = 0; i < kClients; ++i) {
    EXPECT_EQ(statuses[i], 200) << i;
    EXPECT_EQ(outputs[i], std::to_string(i * 3) + "\n") << i;
  }
}

TEST_F(ReferenceServerTest, ErrorsCarryTheirStatusCodeAndHeaders) {
  HttpClient client = shared_->Client();
  ExpectError(client.Get("/nowhere", kKey), 404, "not_found");
  const HttpResponse wrong_method =
      client.Send("PUT", "/jobs", {{"Authorization", "Bearer " + std::string(kKey)}});
  ExpectError(wrong_method, 405, "method_not_allowed");
  EXPECT_EQ(wrong_method.header("allow"), "GET");
  EXPECT_EQ(client.Send("GET", "/execute", {{"Authorization", "Bearer " + std::string(kKey)}})
                .header("allow"),
            "POST");
  ExpectError(client.Send("POST", "/execute",
                          {{"Authorization", "Bearer " + std::string(kKey)},
                           {"Content-Type", "application/x-www-form-urlencoded"}},
                          R"({"language":"python","code":""})"),
              415, "unsupported_media_type");
  ExpectError(client.PostJson("/execute", kKey, "{not json"), 400, "malformed_json");
  ExpectError(client.PostJson("/execute", kKey, R"({"language":"python","code":"","ttl":901})"),
              400, "invalid_value");
  ExpectError(
      client.PostJson(
          "/execute", kKey,
          R"({"language":"python","code":"","input_files":[{"filename":"../x","content":""}]})"),
      400, "invalid_filename");

  const HttpResponse missing = client.Send("GET", "/jobs");
  ExpectError(missing, 401, "unauthorized");
  EXPECT_EQ(missing.header("www-authenticate"), R"(Bearer realm="api")");
  const HttpResponse wrong = client.Get("/jobs", "not-a-key");
  ExpectError(wrong, 401, "unauthorized");
  EXPECT_NE(wrong.header("www-authenticate").find("invalid_token"), std::string::npos);
}

TEST_F(ReferenceServerTest, ExtensionsListLanguagesAndHealth) {
  HttpClient client = shared_->Client();
  const HttpResponse languages = client.Get("/languages", kKey);
  ASSERT_EQ(languages.status, 200);
  const rapidjson::Document list = Json(languages);
  bool python = false;
  for (const auto& language : list["languages"].GetArray()) {
    if (Str(language, "name") == "python") python = language["aliases"].IsArray();
  }
  EXPECT_TRUE(python) << languages.body;
  // Liveness needs no key.
  const HttpResponse health = client.Send("GET", "/health");
  ASSERT_EQ(health.status, 200);
  const rapidjson::Document body = Json(health);
  EXPECT_EQ(Str(body, "status"), "ok");
  EXPECT_EQ(body["workers"].GetInt(), 2);
  EXPECT_TRUE(body["enforced"].HasMember("memory"));
  // The semitrusted policy in force is stated.
  const std::string semitrusted = Str(body["enforced"], "network_semitrusted");
  if (access("/usr/bin/slirp4netns", X_OK) == 0) {
    EXPECT_NE(semitrusted.find("public unicast addresses only"), std::string::npos) << semitrusted;
    EXPECT_NE(semitrusted.find("169.254.169.254"), std::string::npos) << semitrusted;
  } else {
    EXPECT_EQ(semitrusted.rfind("unavailable", 0), 0u) << semitrusted;
  }
}

// The check that found the hole: a semitrusted program fetching the
// server's own port on the host's loopback.
TEST_F(ReferenceServerTest, SemitrustedProgramsCannotReachTheServersLoopbackPort) {
  if (access("/usr/bin/slirp4netns", X_OK) != 0) GTEST_SKIP() << "slirp4netns is not installed";
  HttpClient client = shared_->Client();
  const std::string port = std::to_string(shared_->process->port());
  // 10.0.2.2 is the user-mode stack's gateway, which is the host's loopback
  // unless the stack is told otherwise.
  const std::string code = "for host in 127.0.0.1 10.0.2.2; do (exec 3<>/dev/tcp/$host/" + port +
                           ") 2>/dev/null && echo $host reached || echo $host refused; done";
  const HttpResponse answer = client.PostJson(
      "/execute", kKey,
      R"({"language":"bash","network_mode":"semitrusted","code":")" + code + R"("})");
  ASSERT_EQ(answer.status, 200) << answer.body;
  const rapidjson::Document body = Json(answer);
  EXPECT_EQ(Str(body, "stdout"), "127.0.0.1 refused\n10.0.2.2 refused\n") << answer.body;
  EXPECT_EQ(Str(body, "network_mode"), "semitrusted");
}

TEST(ReferenceServerNetworkTest, WithoutItsNetworkHelperSemitrustedAnswers503NeverHostNetwork) {
  Server server({"--network-helper", "/nonexistent/slirp4netns"});
  ASSERT_TRUE(server.Started()) << server.StartError();
  EXPECT_NE(server.process->Log().find("semitrusted"), std::string::npos);
  HttpClient client = server.Client();
  const HttpResponse refused = client.PostJson(
      "/execute", kKey, R"({"language":"bash","network_mode":"semitrusted","code":"echo ran"})");
  ExpectError(refused, 503, "network_unavailable");
  EXPECT_NE(refused.body.find("/nonexistent/slirp4netns"), std::string::npos) << refused.body;
  EXPECT_EQ(refused.body.find("stdout"), std::string::npos) << refused.body;
  // Zerotrust does not need the helper.
  const HttpResponse zerotrust =
      client.PostJson("/execute", kKey, R"({"language":"bash","code":"echo ran"})");
  ASSERT_EQ(zerotrust.status, 200) << zerotrust.body;
  EXPECT_EQ(Str(Json(zerotrust), "stdout"), "ran\n");
  const rapidjson::Document health = Json(client.Send("GET", "/health"));
  EXPECT_EQ(Str(health["enforced"], "network_semitrusted").rfind("unavailable", 0), 0u);
  EXPECT_TRUE(server.WaitForNoRunProcess());
}

TEST_F(ReferenceServerTest, ExpectContinueIsHonoured) {
  RawConnection raw("127.0.0.1", shared_->process->port());
  const std::string body = R"({"language":"bash","code":"echo continued"})";
  ASSERT_TRUE(raw.Send("POST /execute HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                       std::string(kKey) +
                       "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                       "Content-Length: " +
                       std::to_string(body.size()) + "\r\n\r\n"));
  char interim[64] = {};
  const ssize_t n = recv(raw.fd(), interim, sizeof interim - 1, 0);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(interim, static_cast<std::size_t>(n)), "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(raw.Send(body));
  const std::string response = raw.ReadOneResponse();
  EXPECT_EQ(StatusOf(response), 200) << response;
  EXPECT_NE(response.find("continued"), std::string::npos);
}

// RFC 9112 section 9.6: after answering a request that carried
// "Connection: close", the server closes, whatever the answer and whether
// it came before the body was read (401, 404, 405, 415) or after (200, 400).
TEST_F(ReferenceServerTest, ConnectionCloseIsHonouredOnEveryAnswer) {
  const std::string auth = "Authorization: Bearer " + std::string(kKey) + "\r\n";
  const std::string close = "Connection: close\r\n";
  const std::vector<std::pair<int, std::string>> requests = {
      {200, "GET /health HTTP/1.1\r\nHost: x\r\n" + close + "\r\n"},
      {200, "GET /jobs HTTP/1.1\r\nHost: x\r\n" + auth + close + "\r\n"},
      {401, "GET /jobs HTTP/1.1\r\nHost: x\r\n" + close + "\r\n"},
      {404, "GET /nowhere HTTP/1.1\r\nHost: x\r\n" + auth + close + "\r\n"},
      {405, "GET /run HTTP/1.1\r\nHost: x\r\n" + auth + close + "\r\n"},
      {415, "POST /execute HTTP/1.1\r\nHost: x\r\n" + auth + close +
                "Content-Type: text/plain\r\nContent-Length: 0\r\n\r\n"},
      {400, "POST /execute HTTP/1.1\r\nHost: x\r\n" + auth + close +
                "Content-Type: application/json\r\nContent-Length: 1\r\n\r\n{"},
      {200, "GET /health HTTP/1.0\r\n\r\n"},  // HTTP/1.0 closes by default
  };
  for (const auto& [status, request] : requests) {
    // Far below the 30 s idle timeout: a connection left open fails here.
    RawConnection raw("127.0.0.1", shared_->process->port(), 5s);
    ASSERT_TRUE(raw.Send(request));
    bool closed = false;
    const std::string response = raw.ReadUntilClosed(&closed);
    EXPECT_EQ(StatusOf(response), status) << request << "\n-> " << response;
    EXPECT_TRUE(closed) << request;
    if (request.find("HTTP/1.1") != std::string::npos) {
      EXPECT_NE(response.find("Connection: close"), std::string::npos) << response;
    }
  }
}

// RFC 9112 section 3.2.2: a server MUST accept the absolute-form.
TEST_F(ReferenceServerTest, AbsoluteFormTargetsAreServed) {
  RawConnection raw("127.0.0.1", shared_->process->port(), 10s);
  ASSERT_TRUE(
      raw.Send("GET http://127.0.0.1/jobs?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               "Authorization: Bearer " +
               std::string(kKey) + "\r\n\r\n"));
  const std::string response = raw.ReadOneResponse();
  EXPECT_EQ(StatusOf(response), 200) << response;
}

TEST_F(ReferenceServerTest, AClientThatVanishesHasItsRunKilled) {
  HttpClient client = shared_->Client();
  auto raw = std::make_unique<RawConnection>("127.0.0.1", shared_->process->port());
  const std::string body = R"({"language":"bash","code":"exec sleep 300"})";
  ASSERT_TRUE(raw->Send(
      "POST /execute HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + std::string(kKey) +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n\r\n" + body));
  ASSERT_TRUE(shared_->WaitForSandboxProcess("sleep"));
  // Bytes after the request (a stray CRLF, a pipelined request) must not
  // blind the server to the disconnect that follows.
  ASSERT_TRUE(raw->Send("\r\nGET /health HTTP/1.1\r\n"));
  const rapidjson::Document jobs = Json(client.Get("/jobs", kKey));
  ASSERT_EQ(jobs["jobs"].Size(), 1u);
  const std::string id = Str(jobs["jobs"][0], "job_id");
  raw.reset();  // the client goes away
  EXPECT_TRUE(shared_->WaitForNoRunProcess());
  rapidjson::Document final_body;
  const std::vector<std::string> seen = PollUntilFinal(client, id, &final_body);
  EXPECT_EQ(seen.back(), "cancelled");
  EXPECT_EQ(Str(final_body["result"], "error"), "Job cancelled: the client disconnected");
}

// ---- Servers with their own settings --------------------------------------

TEST(ReferenceServerLimitsTest, AFullQueueAnswers429WithRetryAfter) {
  Server server({"--workers", "1", "--max-queue", "1"});
  ASSERT_TRUE(server.Started()) << server.StartError();
  HttpClient client = server.Client();
  const std::string running = AsyncJob(client, R"({"language":"bash","code":"exec sleep 300"})");
  const std::string waiting = AsyncJob(client, R"({"language":"bash","code":"exec sleep 300"})");
  const HttpResponse refused =
      client.PostJson("/execute/async", kKey, R"({"language":"bash","code":"true"})");
  ExpectError(refused, 429, "queue_full");
  EXPECT_EQ(refused.header("retry-after"), "1");
  ExpectError(client.PostJson("/execute", kOtherKey, R"({"language":"bash","code":"true"})"), 429,
              "queue_full");

  // The waiting job is cancelled at once, never having started.
  const HttpResponse cancel = client.Delete("/jobs/" + waiting, kKey);
  ASSERT_EQ(cancel.status, 200) << cancel.body;
  const rapidjson::Document job = Json(client.Get("/jobs/" + waiting, kKey));
  EXPECT_EQ(Str(job, "status"), "cancelled");
  EXPECT_FALSE(job.HasMember("started_at"));
  EXPECT_EQ(client.Delete("/jobs/" + running, kKey).status, 200);
  EXPECT_TRUE(server.WaitForNoRunProcess());
}

TEST(ReferenceServerLimitsTest, FinishedJobsAreForgottenAfterRetention) {
  Server server({"--job-retention", "1s"});
  ASSERT_TRUE(server.Started()) << server.StartError();
  HttpClient client = server.Client();
  const std::string id = AsyncJob(client, R"({"language":"bash","code":"true"})");
  EXPECT_EQ(PollUntilFinal(client, id).back(), "completed");
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  int status = 200;
  while (status == 200 && std::chrono::steady_clock::now() < deadline) {
    status = client.Get("/jobs/" + id, kKey).status;
    if (status == 200) std::this_thread::sleep_for(50ms);  // polling, with a deadline
  }
  EXPECT_EQ(status, 404);
}

TEST(ReferenceServerLimitsTest, OversizedBodiesAndHeadersAreRefusedEarly) {
  Server server({"--max-body-bytes", "4096"});
  ASSERT_TRUE(server.Started()) << server.StartError();
  HttpClient client = server.Client();
  ExpectError(client.PostJson("/execute", kKey, std::string(5000, ' ') + "{}"), 413,
              "payload_too_large");

  // Refused from the header alone: the body is never sent.
  RawConnection big("127.0.0.1", server.process->port());
  big.Send("POST /execute HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + std::string(kKey) +
           "\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n");
  EXPECT_EQ(StatusOf(big.ReadOneResponse()), 413);

  RawConnection header("127.0.0.1", server.process->port());
  header.Send("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n");
  EXPECT_EQ(StatusOf(header.ReadOneResponse()), 431);

  // An unauthenticated upload is refused before its body is read.
  RawConnection anonymous("127.0.0.1", server.process->port());
  anonymous.Send(
      "POST /execute HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 1000\r\n\r\n");
  const std::string refused = anonymous.ReadOneResponse();
  EXPECT_EQ(StatusOf(refused), 401) << refused;
  EXPECT_NE(refused.find("WWW-Authenticate: Bearer"), std::string::npos) << refused;
}

// Clients that do not read their answers cannot pin memory without bound.
TEST(ReferenceServerLimitsTest, AnswersWaitingToBeReadAreBounded) {
  Server server({"--max-answer-bytes", "1048576"});
  ASSERT_TRUE(server.Started()) << server.StartError();
  HttpClient client = server.Client();
  // 1 MiB of control characters on each stream: a 12 MiB JSON answer.
  const std::string id = AsyncJob(
      client,
      R"j({"language":"python","code":"import sys\nsys.stdout.write('\u0001' * 1048576)\nsys.stderr.write('\u0001' * 1048576)"})j");
  ASSERT_EQ(PollUntilFinal(client, id).back(), "completed");
  const std::string get = "GET /jobs/" + id + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                          std::string(kKey) + "\r\n\r\n";
  // One answer is always allowed; this client holds it, unread.
  RawConnection hoarder("127.0.0.1", server.process->port(), 30s, /*receive_buffer=*/4096);
  ASSERT_TRUE(hoarder.Send(get));
  char first[16];
  ASSERT_GT(recv(hoarder.fd(), first, sizeof first, 0), 0);  // its write has begun
  const HttpResponse busy = client.Get("/jobs/" + id, kKey);
  ExpectError(busy, 503, "server_busy");
  EXPECT_EQ(busy.header("retry-after"), "1");
  hoarder.Close();
  // Once the hoarder is gone its share is released (bounded polling).
  int status = 503;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (status == 503 && std::chrono::steady_clock::now() < deadline) {
    status = client.Get("/jobs/" + id, kKey).status;
    if (status == 503) std::this_thread::sleep_for(50ms);  // polling, with a deadline
  }
  EXPECT_EQ(status, 200);
}

TEST(ReferenceServerLimitsTest, MalformedHttpIsAnswered400) {
  Server server;
  ASSERT_TRUE(server.Started()) << server.StartError();
  for (const std::string& garbage :
       {std::string("GARBAGE\r\n\r\n"), std::string("GET /health HTTP/9.9\r\n\r\n"),
        std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
        std::string("GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"),
        std::string("POST /execute HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                    "Content-Length: 3\r\n\r\n"),
        // A body where none is taken, even on /health, which needs no key.
        std::string("GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"),
        std::string("GET /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"),
        // Smuggling: a Transfer-Encoding that does not end in chunked.
        std::string("POST /execute HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"
                    "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"),
        std::string("GET /health HTTP/1.1\r\n\r\n"),  // no Host
        std::string("GET /jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a\r\n"
                    "Authorization: Bearer b\r\n\r\n"),
        // A chunk extension that never ends: bounded, not buffered forever.
        "POST /execute HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + std::string(kKey) +
            "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1;a=" +
            std::string(300000, 'a')}) {
    RawConnection raw("127.0.0.1", server.process->port());
    ASSERT_TRUE(raw.Send(garbage));
    bool closed = false;
    const std::string response = raw.ReadUntilClosed(&closed);
    EXPECT_EQ(StatusOf(response), 400) << garbage.substr(0, 200) << "\n-> " << response;
    EXPECT_TRUE(closed) << garbage.substr(0, 200);
    EXPECT_EQ(response.find("HTTP/1.1 200"), std::string::npos) << "nothing smuggled: " << response;
  }
  // The server is still fine.
  EXPECT_EQ(server.Client().Send("GET", "/health").status, 200);
}

TEST(ReferenceServerLimitsTest, SilentAndSlowClientsAreCutOff) {
  Server server({"--idle-timeout", "1s", "--request-timeout", "1s"});
  ASSERT_TRUE(server.Started()) << server.StartError();
  RawConnection silent("127.0.0.1", server.process->port());
  bool closed = false;
  EXPECT_EQ(silent.ReadUntilClosed(&closed), "");
  EXPECT_TRUE(closed);

  RawConnection slow("127.0.0.1", server.process->port());
  ASSERT_TRUE(slow.Send("POST /execute HTTP/1.1\r\nHost: x\r\n"));  // and nothing more
  const std::string response = slow.ReadUntilClosed(&closed);
  EXPECT_EQ(StatusOf(response), 408) << response;
  EXPECT_TRUE(closed);

  RawConnection slow_body("127.0.0.1", server.process->port());
  ASSERT_TRUE(slow_body.Send("POST /execute HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                             std::string(kKey) +
                             "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"));
  const std::string body_response = slow_body.ReadUntilClosed(&closed);
  EXPECT_EQ(StatusOf(body_response), 408) << body_response;
  EXPECT_TRUE(closed);
}

// A client that keeps sending, a byte at a time, never completing its
// request, is cut off at the deadline all the same.
TEST(ReferenceServerLimitsTest, TricklingClientsAreCutOffAtTheDeadline) {
  Server server({"--idle-timeout", "1s", "--request-timeout", "1s"});
  ASSERT_TRUE(server.Started()) << server.StartError();
  const std::string header_start = "GET /health HTTP/1.1\r\nHost: x\r\nX-Pad: ";
  const std::string body_start =
      "POST /execute HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + std::string(kKey) +
      "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n";
  for (const std::string& start : {header_start, body_start}) {
    RawConnection raw("127.0.0.1", server.process->port());
    ASSERT_TRUE(raw.Send(start));
    std::string answer;
    // Bounded: 200 bytes over 10 s at most; the deadline is 1 s.
    for (int i = 0; i < 200 && answer.empty(); ++i) {
      if (!raw.Send("a")) break;
      std::this_thread::sleep_for(50ms);  // the client's own pace: what is under test
      char buffer[512];
      const ssize_t n = recv(raw.fd(), buffer, sizeof buffer, MSG_DONTWAIT);
      if (n > 0) answer.assign(buffer, static_cast<std::size_t>(n));
    }
    if (answer.empty()) answer = raw.ReadUntilClosed();
    // Without the cut-off the client would trickle for 10 s and then find
    // nothing to read: no 408.
    EXPECT_EQ(StatusOf(answer), 408) << start << "\n-> " << answer;
  }
}

TEST(ReferenceServerShutdownTest, SigtermDrainsCancelsAndLeavesNothingRunning) {
  Server server({"--workers", "2", "--shutdown-drain", "1s"});
  ASSERT_TRUE(server.Started()) << server.StartError();
  HttpClient client = server.Client();
  const std::string async_id =
      AsyncJob(client, R"({"language":"bash","code":"echo a; exec sleep 300"})");
  HttpResponse sync_answer;
  std::thread sync_client([&] {
    HttpClient other = server.Client();
    sync_answer =
        other.PostJson("/execute", kKey, R"({"language":"bash","code":"echo b; exec sleep 300"})");
  });
  ASSERT_TRUE(server.WaitForSandboxProcess("sleep", 2));
  // A client halfway through its request is answered 503 at once instead
  // of holding the shutdown until its own timeout.
  RawConnection halfway("127.0.0.1", server.process->port());
  ASSERT_TRUE(halfway.Send("GET /jobs HTTP/1.1\r\nHost: x\r\n"));
  EXPECT_EQ(client.Send("GET", "/health").status, 200);  // the partial header has been read
  const pid_t pid = server.process->pid();
  const bool cgroups =
      Str(Json(client.Send("GET", "/health"))["enforced"], "memory").find("cgroup") !=
      std::string::npos;
  if (cgroups) {
    EXPECT_FALSE(CgroupsOfProcess(pid).empty()) << "the runs have cgroups while they run";
  }
  EXPECT_EQ(server.process->Stop(SIGTERM, 60s), 0) << server.process->Log();
  EXPECT_EQ(CgroupsOfProcess(pid), std::vector<std::string>{}) << "no cgroup left behind";
  sync_client.join();
  const std::string halfway_answer = halfway.ReadUntilClosed();
  EXPECT_EQ(StatusOf(halfway_answer), 503) << halfway_answer;
  // The waiting client got its answer before the server went.
  ASSERT_EQ(sync_answer.status, 200) << sync_answer.error;
  const rapidjson::Document body = Json(sync_answer);
  EXPECT_EQ(Str(body, "error"), "Job cancelled: the server is shutting down");
  EXPECT_EQ(Str(body, "stdout"), "b\n");
  EXPECT_TRUE(server.SandboxProcesses().empty());
  const std::string log = server.process->Log();
  EXPECT_NE(log.find(R"("event":"shutdown")"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("event":"stopped")"), std::string::npos) << log;
  EXPECT_EQ(log.find(kKey), std::string::npos) << "the log must never hold a key";
  EXPECT_EQ(log.find("echo b"), std::string::npos) << "the log must never hold code";
}

TEST(ReferenceServerShutdownTest, SigintWithNothingRunningExitsZero) {
  Server server;
  ASSERT_TRUE(server.Started()) << server.StartError();
  EXPECT_EQ(server.process->Stop(SIGINT, 30s), 0) << server.process->Log();
}

// ---- The pool of ready sandboxes ------------------------------------------

// Every class kept full, nothing being built or in use.
bool Full(const Pool& pool, std::int64_t classes) {
  return pool.classes == classes && pool.ready == pool.per_class * classes && pool.building == 0 &&
         pool.in_use == 0;
}

// What holds whenever the pool is read.
void ExpectConsistent(const Pool& pool) {
  for (const std::int64_t count :
       {pool.per_class, pool.classes, pool.ready, pool.building, pool.in_use, pool.hits,
        pool.misses, pool.refills, pool.refill_failures, pool.discarded}) {
    EXPECT_GE(count, 0) << pool.json;
  }
  EXPECT_LE(pool.ready + pool.building, pool.per_class * pool.classes) << pool.json;
  EXPECT_LE(pool.in_use, pool.hits) << pool.json;
}

HttpResponse RunEchoHi(HttpClient& client) {
  return client.PostJson("/execute", kKey, R"({"language":"sh","code":"echo hi"})");
}

void ExpectEchoedHi(const HttpResponse& answer) {
  ASSERT_EQ(answer.status, 200) << answer.body << answer.error;
  const rapidjson::Document body = Json(answer);
  EXPECT_EQ(Str(body, "stdout"), "hi\n") << answer.body;
  EXPECT_TRUE(body["success"].IsTrue()) << answer.body;
}

TEST(ReferenceServerPoolTest, ARunTakesAReadySandboxAndThePoolRefillsItsPlace) {
  Server server({"--sandbox-pool", "2"});
  ASSERT_TRUE(server.Started()) << server.StartError();
  HttpClient client = server.Client();
  const auto full = [](const Pool& pool) { return Full(pool, 1); };
  Pool pool = WaitForPool(client, full);
  ASSERT_TRUE(full(pool)) << "the default class is built from the start: " << pool.json;
  EXPECT_EQ(pool.per_class, 2);
  EXPECT_EQ(pool.hits + pool.misses, 0) << pool.json;

  ExpectEchoedHi(RunEchoHi(client));
  pool = ReadPool(client).value_or(Pool{});
  ExpectConsistent(pool);
  EXPECT_EQ(pool.hits + pool.misses, 1) << pool.json;
  EXPECT_EQ(pool.hits, 1) << "the run is of the default class, which was full: " << pool.json;

  const auto refilled = [](const Pool& p) { return Full(p, 1) && p.refills >= 3; };
  pool = WaitForPool(client, refilled);
  EXPECT_TRUE(refilled(pool)) << "the sandbox taken is replaced: " << pool.json;
  EXPECT_EQ(pool.hits + pool.misses, 1) << pool.json;
  EXPECT_EQ(pool.refill_failures, 0) << pool.json;
  EXPECT_EQ(pool.last_failure, "");
  EXPECT_TRUE(server.WaitForNoRunProcess()) << "the used sandbox is gone";
}

TEST(ReferenceServerPoolTest, WithoutAPoolEveryRunBuildsItsOwnSandbox) {
  Server server({"--sandbox-pool", "0"});
  ASSERT_TRUE(server.Started()) << server.StartError();
  HttpClient client = server.Client();
  ExpectEchoedHi(RunEchoHi(client));
  const Pool pool = ReadPool(client).value_or(Pool{});
  EXPECT_EQ(pool.per_class, 0) << pool.json;
  EXPECT_EQ(pool.ready, 0) << pool.json;
  EXPECT_EQ(pool.building, 0) << pool.json;
  EXPECT_EQ(pool.hits, 0) << pool.json;
  EXPECT_TRUE(server.WaitForNoRunProcess()) << "no sandbox is kept";
}

std::size_t RunDirectories(const std::string& server_dir) {
  std::size_t runs = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(server_dir, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (it->is_directory() && it->path().filename().string().starts_with("run-")) ++runs;
  }
  return runs;
}

// The execprobe-<pid> directories the server made, as it is now (alive);
// why they cannot be checked when it made none.
std::vector<std::string> MadeCgroupDirs(const Server& server, HttpClient& client,
                                        std::string& unchecked) {
  const pid_t pid = server.process->pid();
  const base::Expected<std::vector<std::string>> dirs = ServerCgroupDirs(pid);
  if (!dirs.ok()) {
    unchecked = dirs.error().Describe();
    return {};
  }
  std::vector<std::string> made;
  for (const std::string& dir : dirs.value()) {
    if (std::filesystem::exists(dir)) made.push_back(dir);
  }
  const std::string report = Str(Json(client.Send("GET", "/health"))["enforced"], "cgroups");
  if (report.find("enforced") == std::string::npos) {
    unchecked = "the server enforces no cgroup controller: " + report;
  } else if (made.empty()) {
    ADD_FAILURE() << "cgroups are enforced (" << report << ") but no execprobe-" << pid;
  }
  return made;
}

// SIGKILL leaves the server no chance to clean up: the parent-death signal
// ends its ready sandboxes, and the next server removes their cgroups.
TEST(ReferenceServerPoolTest, AServerKilledWithAFullPoolLeavesNothingBehindAfterARestart) {
  Server dead({"--sandbox-pool", "3"});
  ASSERT_TRUE(dead.Started()) << dead.StartError();
  HttpClient client = dead.Client();
  const auto full = [](const Pool& pool) { return Full(pool, 1) && pool.ready == 3; };
  const Pool pool = WaitForPool(client, full);
  ASSERT_TRUE(full(pool)) << pool.json;
  const std::vector<pid_t> ready = LiveProcessesWithUids(dead.uid_base, kUidsPerServer);
  EXPECT_EQ(ready.size(), 3u) << "one init per ready sandbox, each as a uid of the server's range";
  std::string unchecked;
  const std::vector<std::string> cgroups = MadeCgroupDirs(dead, client, unchecked);
  for (const std::string& dir : cgroups) {
    EXPECT_GE(RunDirectories(dir), 3u) << dir << ": a cgroup per ready sandbox";
  }

  const pid_t pid = dead.process->pid();
  EXPECT_EQ(dead.process->Stop(SIGKILL, 30s), 128 + SIGKILL);
  bool ended = false;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!ended && std::chrono::steady_clock::now() < deadline) {
    ended = LiveProcessesWithUids(dead.uid_base, kUidsPerServer).empty();
    if (!ended) std::this_thread::sleep_for(10ms);  // polling a condition, with a deadline
  }
  EXPECT_TRUE(ended) << "ready sandboxes outlive their killed server";

  Server next({"--sandbox-pool", "1"});
  ASSERT_TRUE(next.Started()) << next.StartError();
  if (!unchecked.empty()) GTEST_SKIP() << "cgroups not checked: " << unchecked;
  for (const std::string& dir : cgroups) {
    EXPECT_FALSE(std::filesystem::exists(dir)) << dir << " outlived the restart";
  }
  EXPECT_EQ(CgroupsOfProcess(pid), std::vector<std::string>{});
}

// A semitrusted run on a server whose default class is full: `helper`
// says whether its network can be had.
void ExpectSemitrustedOnAPool(Server& server, bool helper) {
  HttpClient client = server.Client();
  const auto one_full = [](const Pool& pool) { return Full(pool, 1); };
  Pool pool = WaitForPool(client, one_full);
  ASSERT_TRUE(one_full(pool)) << pool.json;
  // As in SemitrustedProgramsCannotReachTheServersLoopbackPort: a sandbox
  // built ahead must be as confined as one built for its run.
  const std::string code = "for host in 127.0.0.1 10.0.2.2; do (exec 3<>/dev/tcp/$host/" +
                           std::to_string(server.process->port()) +
                           ") 2>/dev/null && echo $host reached || echo $host refused; done";
  const std::string request =
      R"({"language":"bash","network_mode":"semitrusted","code":")" + code + R"("})";
  if (!helper) {
    ExpectError(client.PostJson("/execute", kKey, request), 503, "network_unavailable");
    pool = ReadPool(client).value_or(Pool{});
    ExpectConsistent(pool);
    EXPECT_TRUE(one_full(pool)) << "no class is kept that cannot be built: " << pool.json;
    EXPECT_EQ(pool.refill_failures, 0) << pool.json;
    ExpectEchoedHi(RunEchoHi(client));  // zerotrust runs go on
    return;
  }
  const auto two_full = [](const Pool& pool) { return Full(pool, 2); };
  for (int run = 0; run < 2; ++run) {
    const HttpResponse answer = client.PostJson("/execute", kKey, request);
    ASSERT_EQ(answer.status, 200) << answer.body;
    const rapidjson::Document body = Json(answer);
    EXPECT_EQ(Str(body, "stdout"), "127.0.0.1 refused\n10.0.2.2 refused\n") << answer.body;
    EXPECT_EQ(Str(body, "network_mode"), "semitrusted");
    pool = WaitForPool(client, two_full);
    ASSERT_TRUE(two_full(pool)) << "semitrusted runs get a class of their own: " << pool.json;
    ExpectConsistent(pool);
    // The first found its class empty; the second, full.
    EXPECT_EQ(pool.misses, 1) << pool.json;
    EXPECT_EQ(pool.hits, run) << pool.json;
  }
  EXPECT_GE(pool.refills, 5) << pool.json;
  EXPECT_EQ(pool.refill_failures, 0) << pool.json;
  EXPECT_TRUE(server.WaitForNoRunProcess());
}

TEST(ReferenceServerPoolTest, SemitrustedRunsAreKeptReadyInAClassOfTheirOwn) {
  Server server({"--sandbox-pool", "2"});
  ASSERT_TRUE(server.Started()) << server.StartError();
  ExpectSemitrustedOnAPool(server, access("/usr/bin/slirp4netns", X_OK) == 0);
}

TEST(ReferenceServerPoolTest, WithoutItsNetworkHelperAPoolKeepsNoSemitrustedClass) {
  Server server({"--sandbox-pool", "2", "--network-helper", "/nonexistent/slirp4netns"});
  ASSERT_TRUE(server.Started()) << server.StartError();
  ExpectSemitrustedOnAPool(server, false);
}

// ---- The command line ------------------------------------------------------

std::pair<int, std::string> RunBinary(const std::string& args) {
  return RunCommand(ServerProcess::BinaryPath() + " " + args);
}

TEST(ReferenceServerCommandLineTest, HelpDocumentsEveryFlag) {
  const auto [status, help] = RunBinary("--help");
  EXPECT_EQ(status, 0);
  for (const char* flag :
       {"--listen", "--api-key", "--api-keys-file", "--workers", "--max-queue", "--job-retention",
        "--shutdown-drain", "--request-timeout", "--idle-timeout", "--max-body-bytes",
        "--max-header-bytes", "--max-connections", "--io-threads", "--languages", "--memory-mb",
        "--sandbox-uid-base", "--max-answer-bytes", "--sandbox-pool", "--help"}) {
    EXPECT_NE(help.find(flag), std::string::npos) << flag;
  }
}

TEST(ReferenceServerCommandLineTest, BadFlagsAreNamed) {
  const auto [no_key_status, no_key] = RunBinary("--listen 127.0.0.1:0");
  EXPECT_EQ(no_key_status, 2);
  EXPECT_NE(no_key.find("no API key"), std::string::npos) << no_key;
  const auto [bad_status, bad] = RunBinary("--api-key k --workers lots");
  EXPECT_EQ(bad_status, 2);
  EXPECT_NE(bad.find("--workers"), std::string::npos) << bad;
  const auto [busy_status, busy] = RunBinary("--api-key k --listen 999.1.1.1:0");
  EXPECT_EQ(busy_status, 1);
  EXPECT_NE(busy.find("999.1.1.1"), std::string::npos) << busy;
}

}  // namespace
}  // namespace server_test

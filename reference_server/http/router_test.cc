#include "reference_server/http/router.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "reference_server/api/response.h"
#include "reference_server/jobs/fake_runner.h"

namespace http {
namespace {

constexpr char kKey[] = "router-key";
constexpr char kOther[] = "other-key";

languages::Registry LoadRegistry() {
  std::ifstream in(std::string(std::getenv("TEST_SRCDIR")) +
                   "/execprobe/reference_server/languages/languages.json");
  std::ostringstream text;
  text << in.rdbuf();
  auto registry = languages::Registry::Parse(text.str());
  EXPECT_TRUE(registry.ok());
  // Installed: everything but cobol, whatever this host has.
  registry.value().Probe(
      [](const std::string& path) { return path.find("cob") == std::string::npos; });
  return std::move(registry).value();
}

rapidjson::Document Json(const Answer& answer) {
  rapidjson::Document document;
  document.Parse(answer.body.c_str());
  EXPECT_FALSE(document.HasParseError()) << answer.body;
  return document;
}

std::string Header(const Answer& answer, const std::string& name) {
  for (const auto& [key, value] : answer.headers) {
    if (key == name) return value;
  }
  return "<absent>";
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() : registry_(LoadRegistry()) {
    EXPECT_TRUE(keys_.Add(kKey, "test").ok());
    EXPECT_TRUE(keys_.Add(kOther, "test").ok());
    jobs::StoreOptions store_options;
    store_options.workers = 1;
    store_options.max_pending = 1;
    store_ = std::make_unique<jobs::JobStore>(store_options, runner_, clock_);
    RouterOptions options;
    options.workers = 1;
    options.queue_capacity = 1;
    options.retry_after_seconds = 7;
    options.enforced = {{"memory", "test"}};
    router_ = std::make_unique<Router>(keys_, registry_, *store_, options);
  }
  ~RouterTest() override {
    runner_.ReleaseAll();
    store_->Shutdown(std::chrono::milliseconds(0));
  }

  // The answer, waiting (bounded) for it when it comes from a worker.
  Answer Call(const std::string& method, const std::string& target, const std::string& body = "",
              const std::string& key = kKey, std::string content_type = "") {
    Router::Abandon ignored;
    return CallKeepingAbandon(method, target, body, key, content_type, ignored);
  }

  Answer CallKeepingAbandon(const std::string& method, const std::string& target,
                            const std::string& body, const std::string& key,
                            std::string content_type, Router::Abandon& abandon) {
    std::future<Answer> answer = Start(method, target, body, key, content_type, abandon);
    EXPECT_EQ(answer.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    return answer.get();
  }

  std::future<Answer> Start(const std::string& method, const std::string& target,
                            const std::string& body, const std::string& key,
                            std::string content_type, Router::Abandon& abandon) {
    if (content_type.empty()) {
      content_type = target.rfind("/run", 0) == 0 ? "text/plain" : "application/json";
    }
    Request request{method, target, key.empty() ? "" : "Bearer " + key, content_type, body};
    auto promise = std::make_shared<std::promise<Answer>>();
    auto calls = std::make_shared<std::atomic<int>>(0);
    std::future<Answer> future = promise->get_future();
    abandon = router_->Handle(request, [promise, calls](Answer answer) {
      // Exactly once.
      if (calls->fetch_add(1) == 0) {
        promise->set_value(std::move(answer));
      } else {
        ADD_FAILURE() << "reply called twice";
      }
    });
    return future;
  }

  std::string SubmitAsync(const std::string& code, const std::string& key = kKey) {
    const Answer answer =
        Call("POST", "/execute/async", R"({"language":"python","code":")" + code + "\"}", key);
    EXPECT_EQ(answer.status, 202u) << answer.body;
    return Json(answer)["job_id"].GetString();
  }

  ApiKeys keys_;
  languages::Registry registry_;
  jobs::FakeRunner runner_;
  jobs::FakeClock clock_;
  std::unique_ptr<jobs::JobStore> store_;
  std::unique_ptr<Router> router_;
};

TEST_F(RouterTest, ScreensOnTheHeaderAlone) {
  const auto bad_target = router_->Screen("GET", "http://host/jobs", "Bearer router-key", "");
  ASSERT_TRUE(bad_target);
  EXPECT_EQ(bad_target->status, 400u);
  EXPECT_EQ(bad_target->error_code, "bad_request");

  const auto missing = router_->Screen("POST", "/execute", "", "application/json");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 401u);
  EXPECT_EQ(Header(*missing, "WWW-Authenticate"), R"(Bearer realm="api")");
  const auto wrong = router_->Screen("POST", "/execute", "Bearer nope", "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401u);
  EXPECT_EQ(Header(*wrong, "WWW-Authenticate"), R"(Bearer realm="api", error="invalid_token")");
  // Unknown paths are not revealed to clients without a key.
  EXPECT_EQ(router_->Screen("GET", "/secret", "", "")->status, 401u);

  EXPECT_FALSE(router_->Screen("GET", "/health", "", ""));
  EXPECT_EQ(router_->Screen("GET", "/nowhere", "Bearer router-key", "")->status, 404u);
  for (const char* path : {"/jobs/", "/execute/", "/jobs/a/b", "/EXECUTE", "/execute%2Fasync"}) {
    EXPECT_EQ(router_->Screen("POST", path, "Bearer router-key", "application/json")->status, 404u)
        << path;
  }
  const auto method = router_->Screen("DELETE", "/execute", "Bearer router-key", "");
  ASSERT_TRUE(method);
  EXPECT_EQ(method->status, 405u);
  EXPECT_EQ(Header(*method, "Allow"), "POST");
  EXPECT_EQ(Header(*router_->Screen("POST", "/jobs/x", "Bearer router-key", ""), "Allow"),
            "GET, DELETE");
  EXPECT_EQ(router_->Screen("POST", "/execute", "Bearer router-key", "text/plain")->status, 415u);
  EXPECT_EQ(router_->Screen("POST", "/run", "Bearer router-key", "application/json")->status, 415u);
  EXPECT_FALSE(router_->Screen("POST", "/run?ttl=5", "Bearer router-key", "text/plain"));
  EXPECT_FALSE(
      router_->Screen("POST", "/execute", "Bearer router-key", "Application/JSON; charset=utf-8"));
}

TEST_F(RouterTest, SynchronousExecutionAnswersWithTheResult) {
  const Answer answer = Call("POST", "/execute", R"({"language":"Python","code":"hello"})");
  ASSERT_EQ(answer.status, 200u) << answer.body;
  const rapidjson::Document body = Json(answer);
  EXPECT_TRUE(body["success"].GetBool());
  EXPECT_STREQ(body["stdout"].GetString(), "hello");
  EXPECT_STREQ(body["language"].GetString(), "python");
  EXPECT_EQ(answer.job_id, body["job_id"].GetString());
}

TEST_F(RouterTest, ARunWithoutItsNetworkIsAnErrorAnswerNeverAResult) {
  const Answer answer = Call(
      "POST", "/execute", R"({"language":"python","code":"nonet","network_mode":"semitrusted"})");
  ASSERT_EQ(answer.status, 503u) << answer.body;
  const rapidjson::Document body = Json(answer);
  EXPECT_EQ(answer.error_code, "network_unavailable");
  EXPECT_STREQ(body["field"].GetString(), "network_mode");
  EXPECT_STREQ(body["error"].GetString(),
               "network_mode: semitrusted networking could not be set up: fake");
  EXPECT_FALSE(answer.job_id.empty());

  // Asynchronously, the job ends with the same reason in its result.
  const std::string id = SubmitAsync("nonet");
  // The worker ends it at once; bounded wait for that.
  Answer job;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  do {
    job = Call("GET", "/jobs/" + id);
    if (Json(job)["status"] != "pending" && Json(job)["status"] != "running") break;
    std::this_thread::yield();
  } while (std::chrono::steady_clock::now() < deadline);
  const rapidjson::Document view = Json(job);
  ASSERT_STREQ(view["status"].GetString(), "completed") << job.body;
  EXPECT_FALSE(view["result"]["success"].GetBool());
  EXPECT_STREQ(view["result"]["error"].GetString(),
               "network_unavailable: semitrusted networking could not be set up: fake");
}

TEST_F(RouterTest, InvalidRequestsNameTheField) {
  const Answer missing = Call("POST", "/execute", R"({"code":"x"})");
  EXPECT_EQ(missing.status, 400u);
  EXPECT_EQ(missing.error_code, "missing_field");
  EXPECT_STREQ(Json(missing)["field"].GetString(), "language");

  const Answer unsupported = Call("POST", "/execute", R"({"language":"cobol","code":"x"})");
  EXPECT_EQ(unsupported.status, 400u);
  EXPECT_EQ(unsupported.error_code, "unsupported_language");
  EXPECT_NE(unsupported.body.find("python"), std::string::npos) << "lists what is installed";

  const Answer reserved = Call(
      "POST", "/execute",
      R"({"language":"python","code":"x","input_files":[{"filename":"main.py","content":""}]})");
  EXPECT_EQ(reserved.error_code, "invalid_filename");

  const Answer run_unsupported = Call("POST", "/run", "#!/usr/bin/env cobc\nx");
  EXPECT_EQ(run_unsupported.error_code, "language_not_detected");
  const Answer run_ok_language = Call("POST", "/run?ttl=0", "#!/usr/bin/env python3\nx");
  EXPECT_EQ(run_ok_language.error_code, "invalid_value");
  EXPECT_STREQ(Json(run_ok_language)["field"].GetString(), "query.ttl");
  EXPECT_EQ(runner_.runs(), 0u) << "nothing invalid reaches a runner";
}

TEST_F(RouterTest, RunReportsTheDetectedLanguage) {
  const Answer answer = Call("POST", "/run", "#!/usr/bin/env ruby\nputs 1");
  ASSERT_EQ(answer.status, 200u) << answer.body;
  EXPECT_STREQ(Json(answer)["detected_language"].GetString(), "ruby");
}

TEST_F(RouterTest, AsyncJobsCanBeReadListedAndCancelled) {
  const std::string id = SubmitAsync("block");
  ASSERT_TRUE(runner_.WaitForBlocked(1));
  const Answer job = Call("GET", "/jobs/" + id);
  EXPECT_EQ(job.status, 200u);
  EXPECT_STREQ(Json(job)["status"].GetString(), "running");
  const Answer list = Call("GET", "/jobs");
  EXPECT_EQ(Json(list)["jobs"].Size(), 1u);
  EXPECT_EQ(Json(Call("GET", "/jobs", "", kOther))["jobs"].Size(), 0u);
  EXPECT_EQ(Call("GET", "/jobs/" + id, "", kOther).status, 404u);
  EXPECT_EQ(Call("DELETE", "/jobs/" + id, "", kOther).status, 404u);

  const Answer cancel = Call("DELETE", "/jobs/" + id);
  ASSERT_EQ(cancel.status, 200u) << cancel.body;
  const rapidjson::Document body = Json(cancel);
  EXPECT_STREQ(body["message"].GetString(), "Job cancelled");
  EXPECT_STREQ(body["result"]["stdout"].GetString(), "partial output");
  EXPECT_EQ(body["result"]["exit_code"].GetInt(), -1);

  const Answer again = Call("DELETE", "/jobs/" + id);
  EXPECT_EQ(again.status, 409u);
  EXPECT_NE(again.body.find("cancelled"), std::string::npos) << again.body;
  EXPECT_EQ(Call("DELETE", "/jobs/unknown").status, 404u);
}

TEST_F(RouterTest, AFullQueueAnswers429WithRetryAfter) {
  SubmitAsync("block");
  SubmitAsync("block");
  const Answer refused = Call("POST", "/execute", R"({"language":"python","code":"x"})");
  EXPECT_EQ(refused.status, 429u);
  EXPECT_EQ(refused.error_code, "queue_full");
  EXPECT_EQ(Header(refused, "Retry-After"), "7");
}

TEST_F(RouterTest, AbandoningASynchronousExecutionCancelsItsRun) {
  Router::Abandon abandon;
  std::future<Answer> answer =
      Start("POST", "/execute", R"({"language":"python","code":"block"})", kKey, "", abandon);
  ASSERT_TRUE(abandon) << "a synchronous execution can be abandoned";
  ASSERT_TRUE(runner_.WaitForBlocked(1));
  abandon();
  ASSERT_EQ(answer.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  const Answer result = answer.get();
  EXPECT_STREQ(Json(result)["error"].GetString(), "Job cancelled: the client disconnected");
}

TEST_F(RouterTest, ExtensionsAnswer) {
  const Answer languages = Call("GET", "/languages");
  ASSERT_EQ(languages.status, 200u);
  const rapidjson::Document list = Json(languages);
  bool c_has_wasm = false, cobol_listed = false;
  for (const auto& language : list["languages"].GetArray()) {
    const std::string name = language["name"].GetString();
    if (name == "c")
      c_has_wasm = language.HasMember("wasm_artifact") && language["compiled"].GetBool();
    if (name == "cobol") cobol_listed = true;
  }
  EXPECT_TRUE(c_has_wasm) << languages.body;
  EXPECT_FALSE(cobol_listed) << "only installed languages are listed";

  const Answer health = Call("GET", "/health", "", "");
  ASSERT_EQ(health.status, 200u);
  EXPECT_STREQ(Json(health)["status"].GetString(), "ok");
  router_->SetDraining();
  EXPECT_STREQ(Json(Call("GET", "/health", "", ""))["status"].GetString(), "draining");
}

// The pool is read at each request, never cached: two reads of /health
// with counts that changed in between give two different answers.
TEST_F(RouterTest, HealthReportsThePoolAsItIsAtEachRequest) {
  EXPECT_EQ(Json(Call("GET", "/health", "", ""))["pool"]["per_class"].GetInt(), 0)
      << "without a callback there is no pool";

  std::atomic<std::int64_t> taken{0};
  RouterOptions options;
  options.pool = [&taken] {
    api::PoolHealth pool;
    pool.per_class = 2;
    pool.classes = 1;
    pool.hits = taken.load();
    pool.ready = 2 - taken.load();
    pool.refills = 2 + taken.load();
    pool.last_failure = taken.load() > 0 ? "helper missing" : "";
    return pool;
  };
  Router router(keys_, registry_, *store_, options);
  const auto health = [&router] {
    std::promise<Answer> promise;
    std::future<Answer> future = promise.get_future();
    router.Handle({"GET", "/health", "", "", ""},
                  [&promise](Answer answer) { promise.set_value(std::move(answer)); });
    EXPECT_EQ(future.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    return future.get();
  };

  const Answer before = health();
  ASSERT_EQ(before.status, 200u);
  const rapidjson::Document first = Json(before);
  ASSERT_TRUE(first.HasMember("pool") && first["pool"].IsObject()) << before.body;
  const rapidjson::Value& pool = first["pool"];
  EXPECT_EQ(pool["per_class"].GetInt(), 2);
  EXPECT_EQ(pool["classes"].GetInt(), 1);
  EXPECT_EQ(pool["ready"].GetInt64(), 2);
  EXPECT_EQ(pool["hits"].GetInt64(), 0);
  EXPECT_EQ(pool["refills"].GetInt64(), 2);
  EXPECT_STREQ(pool["last_failure"].GetString(), "");
  for (const char* name : {"building", "in_use", "misses", "refill_failures", "discarded"}) {
    ASSERT_TRUE(pool.HasMember(name) && pool[name].IsInt64()) << name << ": " << before.body;
    EXPECT_EQ(pool[name].GetInt64(), 0) << name;
  }

  taken = 1;
  const Answer after = health();
  EXPECT_NE(after.body, before.body);
  const rapidjson::Document second = Json(after);
  EXPECT_EQ(second["pool"]["ready"].GetInt64(), 1) << after.body;
  EXPECT_EQ(second["pool"]["hits"].GetInt64(), 1) << after.body;
  EXPECT_EQ(second["pool"]["refills"].GetInt64(), 3) << after.body;
  EXPECT_STREQ(second["pool"]["last_failure"].GetString(), "helper missing");
}

// Many clients at once (ThreadSanitizer runs this under --config=tsan).
TEST_F(RouterTest, ConcurrentRequestsEachGetOneAnswer) {
  jobs::StoreOptions options;
  options.workers = 4;
  options.max_pending = 1000;
  jobs::JobStore store(options, runner_, clock_);
  Router router(keys_, registry_, store, {});
  std::atomic<int> answers{0}, wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        const std::string code = "job" + std::to_string(t) + "-" + std::to_string(i);
        std::promise<Answer> promise;
        auto future = promise.get_future();
        router.Handle({"POST", i % 2 ? "/execute" : "/execute/async", std::string("Bearer ") + kKey,
                       "application/json", R"({"language":"python","code":")" + code + "\"}"},
                      [&promise](Answer answer) { promise.set_value(std::move(answer)); });
        const Answer answer = future.get();
        ++answers;
        if (i % 2 && answer.body.find(code) == std::string::npos) ++wrong;
        if (!(i % 2) && answer.status != 202u) ++wrong;
        router.Handle({"GET", "/jobs", std::string("Bearer ") + kKey, "", ""}, [&](Answer a) {
          if (a.status != 200u) ++wrong;
        });
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  store.Shutdown(std::chrono::seconds(30));
  EXPECT_EQ(answers.load(), 240);
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace http

#include "reference_server/api/serialize.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

#include "reference_server/api/json_reader.h"
#include "reference_server/api/testing.h"

namespace api {
namespace {

std::string Canonical(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return buffer.GetString();
}

// Same members with the same values, whatever their order; every output
// must also pass our own strict reader (valid UTF-8, no duplicate keys).
void ExpectSameJson(const std::string& actual, const std::string& fixture) {
  auto ours = ParseStrictJson(actual, "actual", 64);
  ASSERT_TRUE(ours.ok()) << ours.error().Describe() << "\n" << actual;
  rapidjson::Document expected;
  expected.Parse(api_test::ReadDocumentationExample(fixture).c_str());
  ASSERT_FALSE(expected.HasParseError()) << fixture;
  EXPECT_TRUE(ours.value() == expected)
      << fixture << "\n  expected: " << Canonical(expected) << "\n  actual:   " << actual;
}

ExecutionResult OldSuccess(std::string stdout_text) {
  ExecutionResult r;
  r.success = true;
  r.stdout_text = std::move(stdout_text);
  r.stderr_text = "";
  r.error = std::optional<std::string>();  // present, null
  r.exit_code = 0;
  return r;
}

ExecutionResult NewResult(bool success, std::string stdout_text, std::string stderr_text,
                          int exit_code, std::string language, std::string job_id,
                          std::int64_t total_time_ms) {
  ExecutionResult r;
  r.success = success;
  r.stdout_text = std::move(stdout_text);
  r.stderr_text = std::move(stderr_text);
  r.exit_code = exit_code;
  r.language = std::move(language);
  if (!job_id.empty()) r.job_id = std::move(job_id);
  r.artifacts = std::vector<Artifact>{};
  r.execution_mode = "pooled";
  r.network_mode = NetworkMode::kZeroTrust;
  r.total_time_ms = total_time_ms;
  return r;
}

// --- The Lua page (older shapes) -------------------------------------------

TEST(DocumentedResponsesTest, LuaExecuteSuccess) {
  ExecutionResult r = OldSuccess("Hello from unsandbox!\n");
  r.language = "python";
  ExpectSameJson(ToJson(r), "lua/execute_response_success.json");
}

TEST(DocumentedResponsesTest, LuaExecuteError) {
  ExecutionResult r;
  r.success = false;
  r.error = std::optional<std::string>("Syntax error in code");
  r.stderr_text = "SyntaxError: invalid syntax\n";
  ExpectSameJson(ToJson(r), "lua/execute_response_error.json");
}

TEST(DocumentedResponsesTest, AsyncAcknowledgements) {
  const std::string json = ToJson(AsyncAccepted{"job_1234567890_abc", JobStatus::kPending});
  for (const char* fixture : {"lua/execute_async_response.json", "lua/run_async_response.json",
                              "zig/execute_async_response.json", "zig/run_async_response.json"}) {
    ExpectSameJson(json, fixture);
  }
}

TEST(DocumentedResponsesTest, LuaJobCompleted) {
  ExecutionResult r = OldSuccess("Hello from unsandbox!\n");
  r.language = "python";
  JobView job{"job_1234567890_abc", JobStatus::kCompleted, {}, {}, {}, r};
  ExpectSameJson(ToJson(job), "lua/job_response_completed.json");
}

TEST(DocumentedResponsesTest, JobList) {
  const std::vector<JobSummary> jobs = {
      {"job_1234567890_abc", JobStatus::kRunning, "python", 1705314600},
      {"job_0987654321_xyz", JobStatus::kPending, "go", 1705314585},
  };
  ExpectSameJson(ToJson(jobs), "lua/jobs_list_response.json");
  ExpectSameJson(ToJson(jobs), "zig/jobs_list_response.json");
}

TEST(DocumentedResponsesTest, LuaCancel) {
  ExecutionResult r;
  r.success = false;
  r.stdout_text = "Partial output before cancel...";
  r.stderr_text = "";
  r.error = std::optional<std::string>("Job cancelled by user");
  r.exit_code = -1;
  ExpectSameJson(ToJson(CancelAnswer{"Job cancelled", "job_1234567890_abc", r}),
                 "lua/cancel_response.json");
}

TEST(DocumentedResponsesTest, LuaRun) {
  ExecutionResult r = OldSuccess("Language auto-detected!\n");
  r.detected_language = "python";
  ExpectSameJson(ToJson(r), "lua/run_response.json");
}

TEST(DocumentedResponsesTest, LuaRunAsyncJob) {
  ExecutionResult r = OldSuccess("Running async with auto-detect!\n");
  r.detected_language = "ruby";
  ExpectSameJson(ToJson(JobView{"job_1234567890_abc", JobStatus::kCompleted, {}, {}, {}, r}),
                 "lua/run_async_job_response.json");
}

// --- The Zig page (newer shapes) -------------------------------------------

TEST(DocumentedResponsesTest, ZigExecuteSuccess) {
  ExpectSameJson(ToJson(NewResult(true, "Hello from unsandbox!\n", "", 0, "python",
                                  "a1b2c3d4-e5f6-7890-abcd-ef1234567890", 523)),
                 "zig/execute_response_success.json");
}

TEST(DocumentedResponsesTest, ZigExecuteError) {
  ExpectSameJson(ToJson(NewResult(false, "", "SyntaxError: invalid syntax\n", 1, "python",
                                  "b2c3d4e5-f6a7-8901-bcde-f23456789012", 312)),
                 "zig/execute_response_error.json");
}

TEST(DocumentedResponsesTest, ZigJobCompleted) {
  JobView job{"c3d4e5f6-a7b8-9012-cdef-345678901234",
              JobStatus::kCompleted,
              1699564800,
              1699564801,
              1699564805,
              NewResult(true, "Hello from unsandbox!\n", "", 0, "python", "", 4021)};
  ExpectSameJson(ToJson(job), "zig/job_response_completed.json");
}

TEST(DocumentedResponsesTest, ZigCancel) {
  CancelAnswer answer{
      "Job cancelled", "e5f6a7b8-c9d0-1234-efgh-567890123456",
      NewResult(false, "Partial output before cancel...", "", -1, "python", "", 1523)};
  ExpectSameJson(ToJson(answer), "zig/cancel_response.json");
}

TEST(DocumentedResponsesTest, ZigRun) {
  ExecutionResult r = NewResult(true, "Language auto-detected!\n", "", 0, "python",
                                "f6a7b8c9-d0e1-2345-fghi-678901234567", 412);
  r.detected_language = "python";
  ExpectSameJson(ToJson(r), "zig/run_response.json");
}

TEST(DocumentedResponsesTest, ZigRunAsyncJob) {
  ExecutionResult r = NewResult(true, "Running async with auto-detect!\n", "", 0, "ruby", "", 1234);
  r.detected_language = "ruby";
  JobView job{"a7b8c9d0-e1f2-3456-ghij-789012345678",
              JobStatus::kCompleted,
              1699564800,
              1699564801,
              1699564802,
              r};
  ExpectSameJson(ToJson(job), "zig/run_async_job_response.json");
}

// --- Escaping and repair ----------------------------------------------------

TEST(SerializeTest, EscapesQuotesBackslashesAndControlCharacters) {
  ExecutionResult r;
  r.stdout_text = std::string("a\"b\\c\n\t\x01\x1f\0end", 13);
  EXPECT_EQ(ToJson(r), R"({"success":false,"stdout":"a\"b\\c\n\t\u0001\u001F\u0000end"})");
}

TEST(SerializeTest, ReplacesInvalidUtf8WithReplacementCharacter) {
  ExecutionResult r;
  r.stdout_text = "ok \xFF\xC3 \xE2\x82\xAC";
  r.stderr_text = "\xED\xA0\x80";  // an encoded surrogate
  const std::string json = ToJson(r);
  EXPECT_EQ(json,
            "{\"success\":false,\"stdout\":\"ok \xEF\xBF\xBD\xEF\xBF\xBD \xE2\x82\xAC\","
            "\"stderr\":\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"}");
  EXPECT_TRUE(ParseStrictJson(json, "out", 8).ok());
}

TEST(SerializeTest, ArtifactsCarryBase64AndSize) {
  ExecutionResult r;
  r.artifacts = std::vector<Artifact>{{"a.out", std::string("\x7F"
                                                            "ELF\0",
                                                            5)}};
  EXPECT_EQ(ToJson(r), R"({"success":false,"artifacts":[)"
                       R"({"filename":"a.out","content_base64":"f0VMRgA=","size":5}]})");
}

TEST(SerializeTest, EveryMemberInItsFixedOrder) {
  ExecutionResult r = NewResult(true, "o", "e", 0, "python", "id", 7);
  r.error = std::optional<std::string>();
  r.detected_language = "python";
  r.network_mode = NetworkMode::kSemiTrusted;
  EXPECT_EQ(ToJson(r),
            R"({"success":true,"stdout":"o","stderr":"e","exit_code":0,"error":null,)"
            R"("language":"python","detected_language":"python","job_id":"id","artifacts":[],)"
            R"("execution_mode":"pooled","network_mode":"semitrusted","total_time_ms":7})");
}

TEST(SerializeTest, WarningsOnlyWhenThereAreSome) {
  ExecutionResult r;
  EXPECT_EQ(ToJson(r), R"({"success":false})");
  r.warnings = {"return_wasm_artifact: no WebAssembly recipe for python"};
  EXPECT_EQ(ToJson(r), R"({"success":false,"warnings":)"
                       R"(["return_wasm_artifact: no WebAssembly recipe for python"]})");
}

TEST(SerializeTest, JobViewOmitsWhatHasNotHappened) {
  EXPECT_EQ(ToJson(JobView{"j", JobStatus::kPending, 1700000000, {}, {}, {}}),
            R"({"job_id":"j","status":"pending","created_at":1700000000})");
  EXPECT_EQ(ToJson(JobView{"j", JobStatus::kRunning, 1, 2, {}, {}}),
            R"({"job_id":"j","status":"running","created_at":1,"started_at":2})");
}

TEST(SerializeTest, CancelWithoutResult) {
  EXPECT_EQ(ToJson(CancelAnswer{"Job cancelled", "j", std::nullopt}),
            R"({"message":"Job cancelled","job_id":"j"})");
}

TEST(SerializeTest, EmptyJobList) {
  EXPECT_EQ(ToJson(std::vector<JobSummary>{}), R"({"jobs":[]})");
}

TEST(SerializeTest, ErrorBody) {
  EXPECT_EQ(ToJson(MakeError(ErrorCode::kInvalidFilename, "input_files[3].filename",
                             "must not contain '..'")),
            R"({"success":false,"error":"input_files[3].filename: must not contain '..'",)"
            R"("code":"invalid_filename","field":"input_files[3].filename"})");
  EXPECT_EQ(ToJson(MakeError(ErrorCode::kNotFound, "", "no such job")),
            R"({"success":false,"error":"no such job","code":"not_found"})");
}

TEST(SerializeTest, ErrorBodyStaysValidForHostileFieldNames) {
  const std::string json =
      ToJson(MakeError(ErrorCode::kInvalidValue, "env.\xFF\"\n", "must match"));
  EXPECT_TRUE(ParseStrictJson(json, "out", 8).ok()) << json;
}

TEST(SerializeTest, StatusNames) {
  EXPECT_EQ(JobStatusName(JobStatus::kPending), "pending");
  EXPECT_EQ(JobStatusName(JobStatus::kRunning), "running");
  EXPECT_EQ(JobStatusName(JobStatus::kCompleted), "completed");
  EXPECT_EQ(JobStatusName(JobStatus::kTimeout), "timeout");
  EXPECT_EQ(JobStatusName(JobStatus::kCancelled), "cancelled");
  EXPECT_FALSE(IsFinal(JobStatus::kPending));
  EXPECT_FALSE(IsFinal(JobStatus::kRunning));
  EXPECT_TRUE(IsFinal(JobStatus::kCompleted));
  EXPECT_TRUE(IsFinal(JobStatus::kTimeout));
  EXPECT_TRUE(IsFinal(JobStatus::kCancelled));
}

TEST(SerializeTest, LanguagesExtension) {
  LanguageInfo c{"c", {"gcc"}, true, "main", "main.wasm"};
  LanguageInfo python{"python", {"py", "python3"}, false, std::nullopt, std::nullopt};
  EXPECT_EQ(ToJson(std::vector<LanguageInfo>{c, python}),
            R"({"languages":[{"name":"c","aliases":["gcc"],"compiled":true,"artifact":"main",)"
            R"("wasm_artifact":"main.wasm"},{"name":"python","aliases":["py","python3"],)"
            R"("compiled":false}]})");
}

TEST(SerializeTest, HealthExtension) {
  HealthInfo health;
  health.status = "draining";
  health.workers = 2;
  health.pending = 3;
  health.running = 1;
  health.queue_capacity = 64;
  health.enforced = {{"memory", "cgroup v1"}, {"seccomp", "denylist \"filter\""}};
  health.pool = {4, 2, 7, 1, 3, 100, 9, 108, 2, 5, "slirp4netns: not found"};
  EXPECT_EQ(ToJson(health),
            R"({"status":"draining","workers":2,"pending":3,"running":1,"queue_capacity":64,)"
            R"("enforced":{"memory":"cgroup v1","seccomp":"denylist \"filter\""},)"
            R"("pool":{"per_class":4,"classes":2,"ready":7,"building":1,"in_use":3,"hits":100,)"
            R"("misses":9,"refills":108,"refill_failures":2,"discarded":5,)"
            R"("last_failure":"slirp4netns: not found"}})");
}

TEST(TimestampTest, FormatsIso8601Utc) {
  EXPECT_EQ(FormatIso8601Utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatIso8601Utc(1705314600), "2024-01-15T10:30:00Z");
  EXPECT_EQ(FormatIso8601Utc(1709208000), "2024-02-29T12:00:00Z");
  EXPECT_EQ(FormatIso8601Utc(1699564805), "2023-11-09T21:20:05Z");
  EXPECT_EQ(FormatIso8601Utc(253402300799), "9999-12-31T23:59:59Z");
  EXPECT_EQ(FormatIso8601Utc(-5), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatIso8601Utc(INT64_MAX), "9999-12-31T23:59:59Z");
}

}  // namespace
}  // namespace api

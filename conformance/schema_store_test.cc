#include "conformance/schema_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "conformance/json_text.h"
#include "conformance/test_util.h"

namespace conformance {
namespace {

using test::DirectoryWith;
using test::ErrorText;
using test::Has;
using test::Json;
using test::RunfilesPath;

constexpr char kMain[] = R"j({
  "type": "object",
  "required": ["x"],
  "properties": {
    "x": {"$ref": "other.json#/definitions/count"},
    "whole": {"$ref": "other.json#"}
  }
})j";

constexpr char kOther[] = R"j({
  "type": "object",
  "required": ["name"],
  "definitions": {
    "count": {"type": "integer", "minimum": 0}
  }
})j";

TEST(SchemaStoreTest, LoadsADirectory) {
  SchemaStore store;
  ASSERT_EQ(ErrorText(store.LoadDirectory(DirectoryWith(
                {{"main.json", kMain}, {"other.json", kOther}, {"notes.txt", "not json"}}))),
            "");
  EXPECT_EQ(store.Names(), (std::vector<std::string>{"main.json", "other.json"}));
  EXPECT_TRUE(store.Has("main.json"));
  EXPECT_TRUE(store.Has("other.json"));
  EXPECT_FALSE(store.Has("notes.txt"));
  EXPECT_FALSE(store.Has("main"));
}

TEST(SchemaStoreTest, CrossFileRefToADefinitionResolves) {
  SchemaStore store;
  ASSERT_EQ(
      ErrorText(store.LoadDirectory(DirectoryWith({{"main.json", kMain}, {"other.json", kOther}}))),
      "");
  EXPECT_EQ(ErrorText(store.Validate("main.json", Json(R"j({"x": 3})j"))), "");
  // Each of these is valid only if the $ref was followed to the right place.
  const std::string wrong_type = ErrorText(store.Validate("main.json", Json(R"j({"x": "3"})j")));
  EXPECT_TRUE(Has(wrong_type, "/x")) << wrong_type;
  EXPECT_TRUE(Has(wrong_type, "'type'")) << wrong_type;
  const std::string below_minimum = ErrorText(store.Validate("main.json", Json(R"j({"x": -1})j")));
  EXPECT_TRUE(Has(below_minimum, "/x")) << below_minimum;
  EXPECT_TRUE(Has(below_minimum, "'minimum'")) << below_minimum;
}

TEST(SchemaStoreTest, CrossFileRefToAWholeFileResolves) {
  SchemaStore store;
  ASSERT_EQ(
      ErrorText(store.LoadDirectory(DirectoryWith({{"main.json", kMain}, {"other.json", kOther}}))),
      "");
  EXPECT_EQ(ErrorText(store.Validate("main.json", Json(R"j({"x": 0, "whole": {"name": "n"}})j"))),
            "");
  const std::string error =
      ErrorText(store.Validate("main.json", Json(R"j({"x": 0, "whole": {}})j")));
  EXPECT_TRUE(Has(error, "/whole")) << error;
  EXPECT_TRUE(Has(error, "'required'")) << error;
}

TEST(SchemaStoreTest, RefsResolveWhateverTheLoadOrder) {
  // "a.json" is loaded first and pulls in "z.json" through its $ref.
  SchemaStore store;
  ASSERT_EQ(ErrorText(store.LoadDirectory(DirectoryWith(
                {{"a.json", R"j({"properties": {"v": {"$ref": "z.json#/definitions/s"}}})j"},
                 {"z.json", R"j({"definitions": {"s": {"type": "string"}}})j"}}))),
            "");
  EXPECT_EQ(ErrorText(store.Validate("a.json", Json(R"j({"v": "s"})j"))), "");
  EXPECT_NE(ErrorText(store.Validate("a.json", Json(R"j({"v": 1})j"))), "");
  EXPECT_EQ(ErrorText(store.Validate("z.json", Json(R"j({"v": 1})j"))), "");
}

TEST(SchemaStoreTest, MissingRefFileIsALoadErrorNamingIt) {
  SchemaStore store;
  const std::string error = ErrorText(store.LoadDirectory(DirectoryWith(
      {{"main.json", R"j({"properties": {"x": {"$ref": "missing.json#/definitions/x"}}})j"}})));
  EXPECT_TRUE(Has(error, "missing.json")) << error;
  EXPECT_TRUE(Has(error, "no such file")) << error;
}

TEST(SchemaStoreTest, RefOutsideTheDirectoryIsALoadError) {
  SchemaStore store;
  const std::string error = ErrorText(store.LoadDirectory(
      DirectoryWith({{"main.json", R"j({"properties": {"x": {"$ref": "sub/x.json#"}}})j"}})));
  EXPECT_TRUE(Has(error, "sub/x.json")) << error;
}

TEST(SchemaStoreTest, InvalidJsonIsALoadErrorNamingTheFile) {
  SchemaStore store;
  const std::string error = ErrorText(
      store.LoadDirectory(DirectoryWith({{"good.json", "{}"}, {"broken.json", "{\"type\": "}})));
  EXPECT_TRUE(Has(error, "schema broken.json: ")) << error;
  EXPECT_TRUE(Has(error, "at byte")) << error;
}

TEST(SchemaStoreTest, EmptyDirectoryIsAnError) {
  SchemaStore store;
  const std::string dir = DirectoryWith({{"readme.txt", "x"}});
  EXPECT_EQ(ErrorText(store.LoadDirectory(dir)), "no *.json schemas in " + dir);
  SchemaStore missing;
  EXPECT_NE(ErrorText(missing.LoadDirectory(dir + "/does-not-exist")), "");
}

TEST(SchemaStoreTest, ErrorCodesTellAMissingThingFromABadOne) {
  SchemaStore store;
  const std::string dir = DirectoryWith({{"readme.txt", "x"}});
  const base::Status empty = store.LoadDirectory(dir);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, base::ErrorCode::kNotFound);
  EXPECT_EQ(empty.error().where, dir);
  SchemaStore broken;
  const base::Status invalid = broken.LoadDirectory(DirectoryWith({{"broken.json", "{"}}));
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().code, base::ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Has(invalid.error().where, "broken.json")) << invalid.error().where;

  SchemaStore thing;
  ASSERT_EQ(
      ErrorText(thing.LoadDirectory(DirectoryWith({{"thing.json", R"j({"type": "object"})j"}}))),
      "");
  EXPECT_EQ(thing.Validate("nope.json", Json("{}")).error().code, base::ErrorCode::kNotFound);
  const base::Status wrong = thing.Validate("thing.json", Json("[]"));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(wrong.error().where, "(root)");
}

TEST(SchemaStoreTest, ValidateMessages) {
  SchemaStore store;
  ASSERT_EQ(ErrorText(store.LoadDirectory(DirectoryWith({{"thing.json", R"j({
      "type": "object", "required": ["a"],
      "properties": {"a": {"type": "array", "items": {"type": "integer"}}}})j"}}))),
            "");
  EXPECT_EQ(ErrorText(store.Validate("thing.json", Json(R"j({"a": [1, 2]})j"))), "");
  EXPECT_EQ(ErrorText(store.Validate("nope.json", Json("{}"))), "no schema named nope.json");
  EXPECT_EQ(ErrorText(store.Validate("thing.json", Json("{}"))),
            "schema thing.json: the value at (root) breaks 'required' (schema (root))");
  EXPECT_EQ(ErrorText(store.Validate("thing.json", Json("[]"))),
            "schema thing.json: the value at (root) breaks 'type' (schema (root))");
  EXPECT_EQ(ErrorText(store.Validate("thing.json", Json(R"j({"a": [1, "2"]})j"))),
            "schema thing.json: the value at /a/1 breaks 'type' (schema /properties/a/items)");
}

// The real schemas of fixtures/schemas against the documentation's own
// examples: every documented response is valid.

std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  EXPECT_TRUE(file.good()) << "cannot read " << path;
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// The runner validates from several workers at once. RapidJSON 1.1.0's
// "pattern" keeps search state in the shared schema; without the store's
// lock this corrupts results or crashes.
TEST(SchemaStoreTest, ConcurrentValidationWithPatternsIsCorrect) {
  SchemaStore store;
  ASSERT_EQ(ErrorText(store.LoadDirectory(DirectoryWith({{"code.json", R"j({
      "type": "object",
      "properties": {"code": {"type": "string", "pattern": "^[a-z0-9_]+$"}}})j"}}))),
            "");
  rapidjson::Document good;
  good.Parse(R"j({"code": "invalid_base64_with_a_rather_long_name_0123456789"})j");
  rapidjson::Document bad;
  bad.Parse(R"j({"code": "Not-A-Code-With-A-Rather-Long-Name-0123456789"})j");
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 3000; ++i) {
        if (!ErrorText(store.Validate("code.json", good)).empty()) ++wrong;
        if (ErrorText(store.Validate("code.json", bad)).empty()) ++wrong;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

class RealSchemasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(ErrorText(store_.LoadDirectory(RunfilesPath("fixtures/schemas"))), "");
  }
  SchemaStore store_;
};

TEST_F(RealSchemasTest, AllLoad) {
  for (const char* name :
       {"artifact.json", "async_ack.json", "cancel.json", "error.json", "health.json", "job.json",
        "jobs_list.json", "languages.json", "result.json"}) {
    EXPECT_TRUE(store_.Has(name)) << name;
  }
}

TEST_F(RealSchemasTest, EveryDocumentedResponseIsValid) {
  const std::vector<std::pair<std::string, std::string>> examples = {
      {"execute_response_success.json", "result.json"},
      {"execute_response_error.json", "result.json"},
      {"run_response.json", "result.json"},
      {"execute_async_response.json", "async_ack.json"},
      {"run_async_response.json", "async_ack.json"},
      {"job_response_completed.json", "job.json"},
      {"run_async_job_response.json", "job.json"},
      {"jobs_list_response.json", "jobs_list.json"},
      {"cancel_response.json", "cancel.json"},
  };
  int checked = 0;
  for (const char* page : {"lua", "zig"}) {
    for (const auto& [file, schema] : examples) {
      const std::string path = RunfilesPath("fixtures/documentation/") + page + "/" + file;
      const rapidjson::Document example = Json(ReadFile(path));
      ASSERT_TRUE(example.IsObject()) << path;
      EXPECT_EQ(ErrorText(store_.Validate(schema, example)), "") << path;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 18);
}

TEST_F(RealSchemasTest, WrongBodiesAreInvalid) {
  const std::string exit_code_string = ErrorText(store_.Validate(
      "result.json", Json(R"j({"success": true, "stdout": "", "exit_code": "0"})j")));
  EXPECT_TRUE(Has(exit_code_string, "/exit_code")) << exit_code_string;
  EXPECT_NE(ErrorText(store_.Validate("job.json", Json(R"j({"job_id": "j", "status": "done"})j"))),
            "");
  EXPECT_NE(ErrorText(store_.Validate("async_ack.json",
                                      Json(R"j({"job_id": "j", "status": "queued"})j"))),
            "");
  const std::string listed_completed = ErrorText(
      store_.Validate("jobs_list.json", Json(R"j({"jobs": [{"job_id": "j", "status": "running"},
                                          {"job_id": "k", "status": "completed"}]})j")));
  EXPECT_TRUE(Has(listed_completed, "/jobs/1/status")) << listed_completed;
  // Through cancel.json's $ref to result.json.
  EXPECT_NE(
      ErrorText(store_.Validate("cancel.json", Json(R"j({"message": "Job cancelled", "job_id": "j",
                                                    "result": {"success": true,
                                                               "exit_code": "-1"}})j"))),
      "");
  // Through job.json's $ref to result.json.
  EXPECT_NE(ErrorText(store_.Validate("job.json", Json(R"j({"job_id": "j", "status": "completed",
                                                 "result": {"stdout": ""}})j"))),
            "");
  EXPECT_NE(ErrorText(store_.Validate("error.json", Json(R"j({"success": true, "error": "x",
                                                   "code": "bad_request"})j"))),
            "");
}

}  // namespace
}  // namespace conformance

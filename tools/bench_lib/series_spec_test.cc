#include "tools/bench_lib/series_spec.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace exec_latency {
namespace {

// A file under the test's temporary directory holding `text`.
std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

// The error of a spec that must not parse: a usage error, at `where`.
void ExpectUsageError(const std::string& text, const std::string& where) {
  base::Expected<std::vector<SeriesSpec>> specs = ParseSpecs(text, "spec.json");
  ASSERT_FALSE(specs.ok()) << text;
  EXPECT_EQ(specs.error().code, base::ErrorCode::kInvalidArgument) << text;
  EXPECT_EQ(specs.error().where, where) << text;
}

TEST(CommandSpec, IsOneSeriesNamedCommand) {
  const SeriesSpec spec = CommandSpec({"/bin/true", "x"});
  EXPECT_EQ(spec.name, "command");
  EXPECT_EQ(spec.argv, (std::vector<std::string>{"/bin/true", "x"}));
  EXPECT_FALSE(spec.is_http());
}

TEST(ParseSpecs, ReadsCommandSeriesInOrder) {
  base::Expected<std::vector<SeriesSpec>> specs = ParseSpecs(
      R"({"series": [{"name": "bare", "argv": ["/bin/sh", "main.sh"]},
                     {"name": "echo.1", "argv": ["/bin/echo", "hi"], "expect": ["hi", "h"]}]})",
      "spec.json");
  ASSERT_TRUE(specs.ok()) << specs.error().Describe();
  ASSERT_EQ(specs->size(), 2u);
  EXPECT_EQ((*specs)[0].name, "bare");
  EXPECT_EQ((*specs)[0].argv, (std::vector<std::string>{"/bin/sh", "main.sh"}));
  EXPECT_TRUE((*specs)[0].expect.empty());
  EXPECT_EQ((*specs)[1].expect, (std::vector<std::string>{"hi", "h"}));
}

TEST(ParseSpecs, ReadsAnHttpSeriesAndItsFiles) {
  const std::string body = WriteTemp("body.json", R"({"language":"sh"})");
  const std::string key = WriteTemp("key", "secret-key \n");
  base::Expected<std::vector<SeriesSpec>> specs =
      ParseSpecs(R"({"series": [{"name": "http", "http": {"url": "http://127.0.0.1:8080/execute",
                 "body_file": ")" +
                     body + R"(", "key_file": ")" + key + R"("}}]})",
                 "spec.json");
  ASSERT_TRUE(specs.ok()) << specs.error().Describe();
  const SeriesSpec& spec = specs->front();
  EXPECT_TRUE(spec.is_http());
  EXPECT_EQ(spec.host, "127.0.0.1");
  EXPECT_EQ(spec.port, "8080");
  EXPECT_EQ(spec.target, "/execute");
  EXPECT_EQ(spec.body, R"({"language":"sh"})");
  EXPECT_EQ(spec.key, "secret-key");  // trailing white space dropped
}

TEST(ParseSpecs, RejectsBrokenSpecs) {
  ExpectUsageError("not json", "spec.json");
  ExpectUsageError(R"({"series": []})", "spec.json");
  ExpectUsageError(R"({"other": [1]})", "spec.json");
  ExpectUsageError(R"({"series": [{"name": "a b", "argv": ["x"]}]})", "series[0]");
  ExpectUsageError(R"({"series": [{"argv": ["x"]}]})", "series[0]");
  ExpectUsageError(R"({"series": [{"name": "a", "argv": ["x"]}, {"name": "a", "argv": ["y"]}]})",
                   "a");
  ExpectUsageError(R"({"series": [{"name": "a"}]})", "a");
  ExpectUsageError(R"({"series": [{"name": "a", "argv": ["x"], "http": {}}]})", "a");
  ExpectUsageError(R"({"series": [{"name": "a", "argv": []}]})", "a.argv");
  ExpectUsageError(R"({"series": [{"name": "a", "argv": ["x", 1]}]})", "a.argv");
  ExpectUsageError(R"({"series": [{"name": "a", "argv": ["x"], "expect": "x"}]})", "a.expect");
  ExpectUsageError(R"({"series": [{"name": "a", "http": {"url": "ftp://x/"}}]})", "a.http");
}

TEST(ParseSpecs, RejectsBadUrlsBeforeReadingFiles) {
  const std::string files = R"(, "body_file": "/nonexistent", "key_file": "/nonexistent"}}]})";
  ExpectUsageError(R"({"series": [{"name": "a", "http": {"url": "ftp://h:1/")" + files,
                   "a.http.url");
  ExpectUsageError(R"({"series": [{"name": "a", "http": {"url": "http://host/x")" + files,
                   "a.http.url");
  ExpectUsageError(R"({"series": [{"name": "a", "http": {"url": "http://host:/x")" + files,
                   "a.http.url");
}

TEST(ParseSpecs, AnEmptyKeyFileIsAUsageError) {
  const std::string body = WriteTemp("body2.json", "{}");
  const std::string key = WriteTemp("empty_key", " \n");
  ExpectUsageError(R"({"series": [{"name": "a", "http": {"url": "http://h:1",
                   "body_file": ")" +
                       body + R"(", "key_file": ")" + key + R"("}}]})",
                   "a.http");
}

TEST(LoadSpecFile, AMissingFileIsAnError) {
  EXPECT_FALSE(LoadSpecFile("/nonexistent/spec.json").ok());
}

TEST(MissingText, NamesTheFirstTextNotFound) {
  SeriesSpec spec;
  spec.expect = {"a", "b", "c"};
  EXPECT_EQ(MissingText(spec, "abc"), nullptr);
  const std::string* missing = MissingText(spec, "ac");
  ASSERT_NE(missing, nullptr);
  EXPECT_EQ(*missing, "b");
  EXPECT_EQ(MissingText(SeriesSpec{}, ""), nullptr);
}

}  // namespace
}  // namespace exec_latency

#include "conformance/request_builder.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "conformance/json_text.h"
#include "conformance/test_util.h"

namespace conformance {
namespace {

using test::DirectoryWith;
using test::Has;
using test::Json;

// Runs `command` with /bin/sh, which must succeed; its standard output.
std::string RunShell(const std::string& command) {
  int status = 0;
  std::string out = test::RunShell(command, &status);
  EXPECT_EQ(status, 0) << command;
  return out;
}

using namespace std::string_literals;

std::optional<std::string> HeaderOf(const HttpRequest& request, const std::string& name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

class RequestBuilderTest : public ::testing::Test {
 protected:
  RequestBuilderTest() {
    target_.url.host = "127.0.0.1";
    target_.url.port = 8080;
    target_.url.base_path = "/base";
    target_.primary_key = "pk-secret-1";
    target_.second_key = "sk-secret-2";
    target_.wrong_key = "wrong-key-3";
    vars_ = {{"code", "print('hi')"}, {"lang", "python"}, {"job", "job 1/2"}};
  }

  // BuildRequest of `json` into built_; the error's message ("" on
  // success).
  std::string Build(const std::string& json) {
    base::Expected<BuiltRequest> built = BuildRequest(Json(json), vars_, target_);
    built_ = built.ok() ? std::move(built).value() : BuiltRequest();
    return test::ErrorText(built);
  }

  Target target_;
  Vars vars_;
  BuiltRequest built_;
};

TEST_F(RequestBuilderTest, MethodAndPath) {
  ASSERT_EQ(Build(R"j({"method": "GET", "path": "/jobs/${lang}"})j"), "");
  EXPECT_EQ(built_.http.method, "GET");
  EXPECT_EQ(built_.http.target, "/jobs/python");
  EXPECT_EQ(built_.http.body, "");
  EXPECT_EQ(HeaderOf(built_.http, "Content-Type"), std::nullopt);
}

TEST_F(RequestBuilderTest, QueryIsFormEncoded) {
  ASSERT_EQ(Build(R"j({"method": "GET", "path": "/jobs",
                      "query": {"a b": "x&y=z", "n": 3, "f": 1.5, "t": true, "v": "${job}"}})j"),
            "");
  EXPECT_EQ(built_.http.target, "/jobs?a%20b=x%26y%3Dz&n=3&f=1.5&t=true&v=job%201%2F2");
}

TEST_F(RequestBuilderTest, RawQueryIsSentAsIs) {
  ASSERT_EQ(Build(R"j({"method": "GET", "path": "/jobs", "raw_query": "a=%zz&&b=${lang}"})j"), "");
  EXPECT_EQ(built_.http.target, "/jobs?a=%zz&&b=python");
  ASSERT_EQ(Build(R"j({"method": "GET", "path": "/jobs", "raw_query": "x=1",
                      "query": {"y": "2 3"}})j"),
            "");
  EXPECT_EQ(built_.http.target, "/jobs?x=1&y=2%203");
}

TEST_F(RequestBuilderTest, BadQueryValue) {
  EXPECT_EQ(Build(R"j({"method": "GET", "path": "/", "query": {"o": {"a": 1}}})j"),
            "request/query/o: must be a string, number or boolean");
  EXPECT_EQ(Build(R"j({"method": "GET", "path": "/", "query": {"n": null}})j"),
            "request/query/n: must be a string, number or boolean");
}

TEST_F(RequestBuilderTest, ErrorsAreFixtureErrorsAtTheirPath) {
  const base::Expected<BuiltRequest> built =
      BuildRequest(Json(R"j({"method": "GET", "path": "/jobs/${nope}"})j"), vars_, target_);
  ASSERT_FALSE(built.ok());
  EXPECT_EQ(built.error().code, base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(built.error().where, "request/path");
}

TEST_F(RequestBuilderTest, UnknownVariableIsAnError) {
  EXPECT_EQ(Build(R"j({"method": "GET", "path": "/jobs/${nope}"})j"),
            "request/path: unknown variable ${nope}");
  EXPECT_EQ(Build(R"j({"method": "POST", "path": "/", "json": {"a": ["${nope}"]}})j"),
            "request/json/a/0: unknown variable ${nope}");
}

TEST_F(RequestBuilderTest, JsonBodySetsContentType) {
  ASSERT_EQ(Build(R"j({"method": "POST", "path": "/execute",
                      "json": {"language": "${lang}", "code": "${code}", "ttl": 1.0,
                               "files": {"$items": [{"n": "${i}"}, 2]}}})j"),
            "");
  EXPECT_EQ(
      built_.http.body,
      R"j({"language":"python","code":"print('hi')","ttl":1.0,"files":[{"n":"0"},{"n":"1"}]})j");
  EXPECT_EQ(HeaderOf(built_.http, "Content-Type"), "application/json");
}

TEST_F(RequestBuilderTest, ExplicitContentTypeIsKept) {
  ASSERT_EQ(Build(R"j({"method": "POST", "path": "/execute",
                      "headers": {"content-type": "text/plain; charset=utf-8"},
                      "json": {"a": 1}})j"),
            "");
  EXPECT_EQ(HeaderOf(built_.http, "content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(HeaderOf(built_.http, "Content-Type"), std::nullopt);
  int content_types = 0;
  for (const auto& header : built_.http.headers) {
    if (header.first == "Content-Type" || header.first == "content-type") ++content_types;
  }
  EXPECT_EQ(content_types, 1);
}

TEST_F(RequestBuilderTest, BodyDefaultsToTextPlain) {
  ASSERT_EQ(Build(R"j({"method": "POST", "path": "/run", "body": "#!/usr/bin/env ${lang}\n"})j"),
            "");
  EXPECT_EQ(built_.http.body, "#!/usr/bin/env python\n");
  EXPECT_EQ(HeaderOf(built_.http, "Content-Type"), "text/plain");
  ASSERT_EQ(Build(R"j({"method": "POST", "path": "/run", "body": {"$repeat": ["ab", 3]},
                      "headers": {"Content-Type": "application/octet-stream"}})j"),
            "");
  EXPECT_EQ(built_.http.body, "ababab");
  EXPECT_EQ(HeaderOf(built_.http, "Content-Type"), "application/octet-stream");
  EXPECT_EQ(Build(R"j({"method": "POST", "path": "/run", "body": 5})j"),
            "request/body: must be a string (or a generator of one)");
}

TEST_F(RequestBuilderTest, KeyRolesSetAuthorization) {
  ASSERT_EQ(Build(R"j({"method": "GET", "path": "/jobs"})j"), "");
  EXPECT_EQ(built_.key_role, "primary");
  EXPECT_EQ(HeaderOf(built_.http, "Authorization"), "Bearer pk-secret-1");
  ASSERT_EQ(Build(R"j({"method": "GET", "path": "/jobs", "key": "primary"})j"), "");
  EXPECT_EQ(HeaderOf(built_.http, "Authorization"), "Bearer pk-secret-1");
  ASSERT_EQ(Build(R"j({"method": "GET", "path": "/jobs", "key": "second"})j"), "");
  EXPECT_EQ(built_.key_role, "second");
  EXPECT_EQ(HeaderOf(built_.http, "Authorization"), "Bearer sk-secret-2");
  ASSERT_EQ(Build(R"j({"method": "GET", "path": "/jobs", "key": "wrong"})j"), "");
  EXPECT_EQ(built_.key_role, "wrong");
  EXPECT_EQ(HeaderOf(built_.http, "Authorization"), "Bearer wrong-key-3");
  ASSERT_EQ(Build(R"j({"method": "GET", "path": "/jobs", "key": "none"})j"), "");
  EXPECT_EQ(built_.key_role, "none");
  EXPECT_EQ(HeaderOf(built_.http, "Authorization"), std::nullopt);
  // A fixture's own Authorization header wins.
  ASSERT_EQ(Build(R"j({"method": "GET", "path": "/jobs",
                      "headers": {"authorization": "Basic eDp5"}})j"),
            "");
  EXPECT_EQ(built_.http.headers, (HeaderList{{"authorization", "Basic eDp5"}}));
}

TEST_F(RequestBuilderTest, TimeoutIsScaled) {
  ASSERT_EQ(Build(R"j({"method": "GET", "path": "/"})j"), "");
  EXPECT_EQ(built_.timeout, std::chrono::milliseconds(30000));
  ASSERT_EQ(Build(R"j({"method": "GET", "path": "/", "timeout_s": 5})j"), "");
  EXPECT_EQ(built_.timeout, std::chrono::milliseconds(5000));
  target_.timeout_scale = 2.5;
  ASSERT_EQ(Build(R"j({"method": "GET", "path": "/", "timeout_s": 4})j"), "");
  EXPECT_EQ(built_.timeout, std::chrono::milliseconds(10000));
  ASSERT_EQ(Build(R"j({"method": "GET", "path": "/"})j"), "");
  EXPECT_EQ(built_.timeout, std::chrono::milliseconds(75000));
}

TEST_F(RequestBuilderTest, JobRequest) {
  target_.timeout_scale = 2;
  const BuiltRequest built = JobRequest("DELETE", "job 1/2", "second", target_);
  EXPECT_EQ(built.http.method, "DELETE");
  EXPECT_EQ(built.http.target, "/jobs/job%201%2F2");
  EXPECT_EQ(built.key_role, "second");
  EXPECT_EQ(built.http.headers, (HeaderList{{"Authorization", "Bearer sk-secret-2"}}));
  EXPECT_EQ(built.timeout, std::chrono::milliseconds(60000));
  EXPECT_EQ(built.http.body, "");
}

TEST_F(RequestBuilderTest, CurlCommandMasksKeys) {
  ASSERT_EQ(Build(R"j({"method": "GET", "path": "/jobs", "query": {"a": "b c"}})j"), "");
  const std::string primary = CurlCommand(built_, target_, "");
  EXPECT_EQ(primary,
            "curl -sS -i -X GET 'http://127.0.0.1:8080/base/jobs?a=b%20c' "
            "-H \"Authorization: Bearer ${API_KEY}\"");
  ASSERT_EQ(Build(R"j({"method": "GET", "path": "/jobs", "key": "second"})j"), "");
  const std::string second = CurlCommand(built_, target_, "");
  EXPECT_TRUE(Has(second, "-H \"Authorization: Bearer ${SECOND_API_KEY}\"")) << second;
  // The wrong key is no secret: it is shown.
  ASSERT_EQ(Build(R"j({"method": "GET", "path": "/jobs", "key": "wrong"})j"), "");
  const std::string wrong = CurlCommand(built_, target_, "");
  EXPECT_TRUE(Has(wrong, "-H 'Authorization: Bearer wrong-key-3'")) << wrong;
  // A key anywhere in a header is masked.
  ASSERT_EQ(Build(R"j({"method": "GET", "path": "/jobs", "key": "none",
                      "headers": {"X-Keys": "pk-secret-1,sk-secret-2"}})j"),
            "");
  const std::string both = CurlCommand(built_, target_, "");
  EXPECT_TRUE(Has(both, "-H \"X-Keys: ${API_KEY},${SECOND_API_KEY}\"")) << both;
  for (const std::string& command : {primary, second, wrong, both}) {
    EXPECT_FALSE(Has(command, "pk-secret-1")) << command;
    EXPECT_FALSE(Has(command, "sk-secret-2")) << command;
  }
}

// One key a prefix of the other, a key followed by letters, and a '$' of
// the header's own: each stays what it was when the shell reads the line.
TEST_F(RequestBuilderTest, CurlCommandMasksOverlappingKeysAndKeepsOtherDollarsLiteral) {
  target_.primary_key = "abc";
  target_.second_key = "abcdef";
  ASSERT_EQ(Build(R"j({"method": "GET", "path": "/jobs", "key": "none",
                      "headers": {"X-Keys": "abcdef abcxyz $HOME"}})j"),
            "");
  const std::string command = CurlCommand(built_, target_, "");
  EXPECT_TRUE(Has(command, "-H \"X-Keys: ${SECOND_API_KEY} ${API_KEY}xyz \\$HOME\"")) << command;
}

TEST_F(RequestBuilderTest, CurlCommandSetsContentTypeAndExpect) {
  ASSERT_EQ(Build(R"j({"method": "POST", "path": "/execute", "json": {"a": 1}})j"), "");
  std::string command = CurlCommand(built_, target_, "");
  EXPECT_TRUE(Has(command, " -H 'Content-Type: application/json'")) << command;
  EXPECT_FALSE(Has(command, "-H 'Content-Type:'")) << command;
  EXPECT_TRUE(Has(command, " -H 'Expect:' --data-binary @-")) << command;
  EXPECT_EQ(command.rfind("printf '{\"a\":1}' | curl ", 0), 0u) << command;

  // A body with no Content-Type header: curl must not add its own.
  built_.http.headers.clear();
  command = CurlCommand(built_, target_, "");
  EXPECT_TRUE(Has(command, " -H 'Content-Type:' -H 'Expect:' --data-binary @-")) << command;
}

// The body of every test below, with every awkward byte.
const std::string kAwkwardBody =
    "it's \"quoted\" 100% \\n\\ %s %d %%\n\t$HOME `x` !\r\nNUL:\0:end\x01\x7f\x80\xc3\xa9\xff"s +
    std::string("\0\0", 2) + "7'";

TEST_F(RequestBuilderTest, ShellQuote) {
  for (const std::string& text : {""s, "plain"s, "it's"s, "''"s, "a b $HOME `x` \"q\" \\ \n"s}) {
    EXPECT_EQ(RunShell("printf %s " + ShellQuote(text)), text) << ShellQuote(text);
  }
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
}

TEST_F(RequestBuilderTest, CurlPrintfReproducesTheBodyExactly) {
  built_.http.method = "POST";
  built_.http.target = "/run";
  built_.http.body = kAwkwardBody;
  const std::string command = CurlCommand(built_, target_, "");
  const std::size_t pipe = command.rfind(" | curl -sS -i -X POST ");
  ASSERT_NE(pipe, std::string::npos) << command;
  const std::string printf_part = command.substr(0, pipe);
  ASSERT_EQ(printf_part.rfind("printf '", 0), 0u) << printf_part;
  const std::string out = RunShell(printf_part);
  EXPECT_EQ(out.size(), kAwkwardBody.size());
  EXPECT_EQ(out, kAwkwardBody);
}

TEST_F(RequestBuilderTest, CurlCommandRunsWithTheKeysAndTheBody) {
  // A fake curl that prints its arguments, then the body it reads.
  const std::string dir = test::DirectoryWith();
  ASSERT_NE(dir, "");
  {
    std::ofstream script(dir + "/curl");
    script << "#!/bin/sh\nfor a in \"$@\"; do printf '<%s>\\n' \"$a\"; done\n"
              "printf -- '--body--\\n'\ncat\n";
  }
  ASSERT_EQ(chmod((dir + "/curl").c_str(), 0755), 0);

  ASSERT_EQ(Build(R"j({"method": "POST", "path": "/run", "key": "second",
                      "headers": {"X-Both": "pk-secret-1 sk-secret-2"}})j"),
            "");
  built_.http.body = kAwkwardBody;
  const std::string command = CurlCommand(built_, target_, "");
  const std::string out = RunShell("PATH='" + dir +
                                   "':\"$PATH\" API_KEY='pk-secret-1' "
                                   "SECOND_API_KEY='sk-secret-2'; "
                                   "export PATH API_KEY SECOND_API_KEY; " +
                                   command);
  const std::string expected_args =
      "<-sS>\n<-i>\n<-X>\n<POST>\n<http://127.0.0.1:8080/base/run>\n"
      "<-H>\n<X-Both: pk-secret-1 sk-secret-2>\n"
      "<-H>\n<Authorization: Bearer sk-secret-2>\n"
      "<-H>\n<Content-Type:>\n<-H>\n<Expect:>\n<--data-binary>\n<@->\n--body--\n";
  ASSERT_EQ(out.substr(0, expected_args.size()), expected_args) << out;
  EXPECT_EQ(out.substr(expected_args.size()), kAwkwardBody);
}

TEST_F(RequestBuilderTest, LargeBodyGoesToAFile) {
  const std::string dir = test::DirectoryWith();
  ASSERT_NE(dir, "");
  const std::string path = dir + "/body 'x'.bin";
  built_.http.method = "POST";
  built_.http.target = "/run";
  built_.http.body = std::string(70000, 'a') + kAwkwardBody;

  const std::string command = CurlCommand(built_, target_, path);
  EXPECT_EQ(command.find("printf"), std::string::npos);
  EXPECT_TRUE(Has(command, " --data-binary @" + ShellQuote(path))) << command.substr(0, 300);
  std::ifstream file(path, std::ios::binary);
  ASSERT_TRUE(file.good());
  std::stringstream written;
  written << file.rdbuf();
  EXPECT_EQ(written.str(), built_.http.body);

  // Without a path, it stays inline.
  const std::string inline_command = CurlCommand(built_, target_, "");
  EXPECT_EQ(inline_command.rfind("printf '", 0), 0u);
  const std::size_t pipe = inline_command.rfind(" | curl ");
  ASSERT_NE(pipe, std::string::npos);
  EXPECT_EQ(RunShell(inline_command.substr(0, pipe)), built_.http.body);
}

}  // namespace
}  // namespace conformance

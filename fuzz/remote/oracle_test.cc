#include "fuzz/remote/oracle.h"

#include <gtest/gtest.h>

#include <string>

#include "fuzz/remote/test_support.h"

namespace remote_fuzz {
namespace {

using test::Context;
using test::JsonCase;

constexpr char kHello[] = R"j("language":"python","code":"print('hello')")j";

std::string Body(const std::string& extra = "") {
  return std::string("{") + kHello + (extra.empty() ? "" : "," + extra) + "}";
}

std::string Files(int count, const std::string& name_prefix = "f") {
  std::string list = "[";
  for (int i = 0; i < count; ++i) {
    list += std::string(i ? "," : "") + "{\"filename\":\"" + name_prefix + std::to_string(i) +
            ".txt\",\"content\":\"aGk=\"}";
  }
  return list + "]";
}

Verdict Judge(const FuzzCase& c) {
  const std::optional<Verdict> verdict = ReferenceVerdict(c, Context());
  EXPECT_TRUE(verdict.has_value()) << c.http.body;
  return verdict.value_or(Verdict{});
}

TEST(ReferenceVerdict, AcceptsAValidJsonRequestOnBothJsonRoutes) {
  for (const char* target : {"/execute", "/execute/async"}) {
    const Verdict verdict = Judge(JsonCase(Body("\"ttl\":5"), target));
    EXPECT_TRUE(verdict.accept) << target << ": " << verdict.reason;
    EXPECT_EQ(verdict.status, 200);
    EXPECT_FALSE(verdict.target_specific) << "python is listed by the context";
  }
}

TEST(ReferenceVerdict, AcceptsValidInputFilesAndEnv) {
  const Verdict verdict =
      Judge(JsonCase(Body("\"env\":{\"GREETING\":\"hi\"},\"input_files\":" + Files(10))));
  EXPECT_TRUE(verdict.accept) << verdict.reason;
  EXPECT_FALSE(verdict.target_specific);
}

TEST(ReferenceVerdict, AcceptsAValidRunRequest) {
  FuzzCase c;
  c.kind = Kind::kRun;
  c.http.target = "/run/async?ttl=5";
  c.http.headers = {{"Content-Type", "text/plain"}};
  c.http.body = "#!/usr/bin/env python3\nprint('hello')\n";
  const Verdict verdict = Judge(c);
  EXPECT_TRUE(verdict.accept) << verdict.reason;
}

struct Refusal {
  std::string name;
  std::string body;
  int status;
  std::string code;
  bool documented;
};

void PrintTo(const Refusal& refusal, std::ostream* out) { *out << refusal.name; }

class Refusals : public ::testing::TestWithParam<Refusal> {};

TEST_P(Refusals, RefusedWithTheRightStatusCodeAndDocumentedFlag) {
  const Refusal& r = GetParam();
  const Verdict verdict = Judge(JsonCase(r.body));
  EXPECT_FALSE(verdict.accept) << r.body;
  EXPECT_EQ(verdict.status, r.status) << verdict.reason;
  EXPECT_EQ(verdict.code, r.code) << verdict.reason;
  EXPECT_EQ(verdict.documented, r.documented) << verdict.reason;
  EXPECT_FALSE(verdict.target_specific) << verdict.reason;
  EXPECT_FALSE(verdict.reason.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Documented, Refusals,
    ::testing::Values(
        Refusal{"filename_with_slash",
                Body(R"("input_files":[{"filename":"a/b","content":"aGk="}])"), 400,
                "invalid_filename", true},
        Refusal{"filename_dot_dot", Body(R"("input_files":[{"filename":"..","content":"aGk="}])"),
                400, "invalid_filename", true},
        Refusal{"filename_escaping",
                Body(R"("input_files":[{"filename":"../escape","content":"aGk="}])"), 400,
                "invalid_filename", true},
        Refusal{"eleven_files", Body("\"input_files\":" + Files(11)), 413, "too_many_files", true},
        Refusal{"bad_base64", Body(R"("input_files":[{"filename":"a.txt","content":"!!!!"}])"), 400,
                "invalid_base64", true},
        Refusal{"base64_without_padding",
                Body(R"("input_files":[{"filename":"a.txt","content":"aGVsbG8"}])"), 400,
                "invalid_base64", true},
        Refusal{"ttl_0", Body("\"ttl\":0"), 400, "invalid_value", true},
        Refusal{"ttl_901", Body("\"ttl\":901"), 400, "invalid_value", true},
        Refusal{"ttl_string", Body("\"ttl\":\"60\""), 400, "wrong_type", true},
        Refusal{"no_code", R"({"language":"python"})", 400, "missing_field", true},
        Refusal{"no_language", R"j({"code":"print(1)"})j", 400, "missing_field", true}),
    [](const auto& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    ReferenceOnly, Refusals,
    ::testing::Values(
        // Portable names are the reference's rule; the documentation states none.
        Refusal{"env_name_starting_with_digit", Body(R"("env":{"1A":"x"})"), 400, "invalid_value",
                false},
        Refusal{"env_name_with_equals", Body(R"("env":{"A=B":"x"})"), 400, "invalid_value", false},
        Refusal{"duplicate_key", R"({"language":"python","code":"a","code":"b"})", 400,
                "duplicate_key", false},
        Refusal{"not_json", "{", 400, "malformed_json", false},
        Refusal{"code_over_a_mebibyte",
                std::string(R"({"language":"python","code":")") + std::string((1 << 20) + 1, '#') +
                    "\"}",
                413, "payload_too_large", false}),
    [](const auto& info) { return info.param.name; });

TEST(ReferenceVerdict, AFileNamedLikeTheProgramIsTargetSpecific) {
  for (const char* name : {"main.py", "Main.java", "main", "a.out"}) {
    const Verdict verdict = Judge(JsonCase(
        Body(std::string(R"("input_files":[{"filename":")") + name + R"(","content":"aGk="}])")));
    EXPECT_TRUE(verdict.accept) << name << ": " << verdict.reason;
    EXPECT_TRUE(verdict.target_specific) << name;
  }
  const Verdict plain =
      Judge(JsonCase(Body(R"("input_files":[{"filename":"domain.py","content":"aGk="}])")));
  EXPECT_TRUE(plain.accept);
  EXPECT_FALSE(plain.target_specific) << "only main.* is the program's own name";
}

TEST(ReferenceVerdict, ALanguageTheTargetDoesNotListIsTargetSpecific) {
  const Verdict verdict = Judge(JsonCase(R"({"language":"cobol","code":"x"})"));
  EXPECT_TRUE(verdict.accept) << "the reference validator knows no language list";
  EXPECT_TRUE(verdict.target_specific);

  TargetContext context = Context();
  context.languages.insert("cobol");
  const auto listed = ReferenceVerdict(JsonCase(R"({"language":"cobol","code":"x"})"), context);
  ASSERT_TRUE(listed.has_value());
  EXPECT_FALSE(listed->target_specific);
}

TEST(ReferenceVerdict, AWrongContentTypeIs415) {
  FuzzCase c = JsonCase(Body());
  c.http.headers = {{"Content-Type", "text/plain"}};
  Verdict verdict = Judge(c);
  EXPECT_FALSE(verdict.accept);
  EXPECT_EQ(verdict.status, 415);
  EXPECT_EQ(verdict.code, "unsupported_media_type");

  FuzzCase run;
  run.kind = Kind::kRun;
  run.http.target = "/run";
  run.http.headers = {{"Content-Type", "application/json"}};
  run.http.body = "#!/usr/bin/env python3\nprint(1)\n";
  verdict = Judge(run);
  EXPECT_FALSE(verdict.accept);
  EXPECT_EQ(verdict.status, 415);
}

TEST(ReferenceVerdict, NothingToSayOnRawOtherMethodsKeysRoutesOrAmbiguousHeaders) {
  const TargetContext context = Context();
  FuzzCase raw = test::RawCase({"POST /execute HTTP/1.1\r\n\r\n"});
  EXPECT_FALSE(ReferenceVerdict(raw, context).has_value());

  FuzzCase get = JsonCase(Body());
  get.http.method = "GET";
  EXPECT_FALSE(ReferenceVerdict(get, context).has_value());

  for (KeyUse key : {KeyUse::kWrong, KeyUse::kNone, KeyUse::kSecond}) {
    FuzzCase keyed = JsonCase(Body());
    keyed.http.key = key;
    EXPECT_FALSE(ReferenceVerdict(keyed, context).has_value()) << static_cast<int>(key);
  }

  EXPECT_FALSE(ReferenceVerdict(JsonCase(Body(), "/jobs"), context).has_value());
  EXPECT_FALSE(ReferenceVerdict(JsonCase(Body(), "/execute/"), context).has_value());

  FuzzCase second_authorization = JsonCase(Body());
  second_authorization.http.headers.push_back({"authorization", "Basic dXNlcjpwYXNz"});
  EXPECT_FALSE(ReferenceVerdict(second_authorization, context).has_value());

  FuzzCase two_types = JsonCase(Body());
  two_types.http.headers.push_back({"content-type", "application/json"});
  EXPECT_FALSE(ReferenceVerdict(two_types, context).has_value());

  // The same request with the primary key and one Content-Type is judged.
  EXPECT_TRUE(ReferenceVerdict(JsonCase(Body()), context).has_value());
}

}  // namespace
}  // namespace remote_fuzz

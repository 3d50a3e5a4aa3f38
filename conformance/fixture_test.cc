#include "conformance/fixture.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "conformance/test_util.h"

namespace conformance {
namespace {

using test::DirectoryWith;
using test::ErrorText;
using test::Has;
using test::RunfilesPath;

// A fixture file with one case; `id`, `step` and `extra` (more members of
// the case, with a trailing comma) are spliced in.
std::string FileWith(const std::string& id, const std::string& step,
                     const std::string& extra = "") {
  return R"j({"description": "test", "cases": [{)j" + extra + R"j("id": ")j" + id +
         R"j(", "title": "A title", "section": "Some section",
             "requirement": "It MUST work.", "level": "documented",
             "steps": [)j" +
         step + "]}]}";
}

constexpr char kGoodStep[] = R"j({"request": {"method": "GET", "path": "/jobs"},
                                  "expect": {"status": 200,
                                             "json": [{"schema": "thing.json"},
                                                      {"path": "/a", "regex": "^x+$"}]}})j";

class FixtureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(ErrorText(schemas_.LoadDirectory(
                  DirectoryWith({{"thing.json", R"j({"type": "object"})j"}}))),
              "");
  }

  // LoadCases on a directory holding `files`: the error's message ("" on
  // success, the cases then in cases_).
  std::string Load(const std::map<std::string, std::string>& files) {
    base::Expected<std::vector<Case>> loaded = LoadCases(DirectoryWith(files), format_, schemas_);
    cases_ = loaded.ok() ? std::move(loaded).value() : std::vector<Case>();
    return ErrorText(loaded);
  }

  const std::string format_ = RunfilesPath("conformance/case_format.json");
  SchemaStore schemas_;
  std::vector<Case> cases_;
};

TEST_F(FixtureTest, AValidFileLoads) {
  const std::string file = R"j({"cases": [
    {"id": "group.first", "title": "First", "section": "Execute code (POST /execute)",
     "api": "6.1", "requirement": "It MUST answer.", "level": "reference",
     "tags": ["execute", "schema"], "needs": ["second_key", "language:c++"],
     "programs": {"python": {"code": "print(1)"}},
     "steps": [
       {"name": "submit", "request": {"method": "POST", "path": "/execute",
                                      "json": {"regex": "(", "schema": "not-a-schema"},
                                      "key": "second", "timeout_s": 5},
        "expect": {"status": [200, 201], "content_type": null,
                   "headers": {"X-Thing": {"regex": "^a"}},
                   "json": [{"path": "/n", "range": [0, null]},
                            {"path": "/list", "some": [{"path": "/s", "schema": "thing.json"}]}]},
        "alternatives": [{"grade": "NON-STRICT", "because": "SHOULD", "status": 400}],
        "capture": {"job": "/job_id", "loc": {"header": "Location"}}},
       {"wait_ms": 10, "because": "let it run"},
       {"poll": {"job": "${job}", "until": ["completed"], "deadline_s": 10},
        "expect": {"status": 200}}]},
    {"id": "group.second-case_2", "title": "Second", "section": "S",
     "requirement": "It MAY.", "level": "optional", "steps": [)j" +
                           std::string(kGoodStep) + "]}]}";
  ASSERT_EQ(Load({{"a.json", file}}), "");
  ASSERT_EQ(cases_.size(), 2u);
  const Case& first = cases_[0];
  EXPECT_EQ(first.id, "group.first");
  EXPECT_EQ(first.title, "First");
  EXPECT_EQ(first.section, "Execute code (POST /execute)");
  EXPECT_EQ(first.api_section, "6.1");
  EXPECT_EQ(first.requirement, "It MUST answer.");
  EXPECT_EQ(first.level, Level::kReference);
  EXPECT_EQ(first.tags, (std::vector<std::string>{"execute", "schema"}));
  EXPECT_EQ(first.needs, (std::vector<std::string>{"second_key", "language:c++"}));
  EXPECT_EQ(first.file, "a.json");
  ASSERT_NE(first.json, nullptr);
  ASSERT_NE(first.source, nullptr);
  EXPECT_STREQ((*first.json)["id"].GetString(), "group.first");
  EXPECT_EQ((*first.json)["steps"].Size(), 3u);

  const Case& second = cases_[1];
  EXPECT_EQ(second.id, "group.second-case_2");
  EXPECT_EQ(second.level, Level::kOptional);
  EXPECT_EQ(second.api_section, "");
  EXPECT_TRUE(second.tags.empty());
  EXPECT_TRUE(second.needs.empty());
  // Both cases share the document they came from.
  EXPECT_EQ(first.source.get(), second.source.get());
}

TEST_F(FixtureTest, CasesOutliveTheLoaderAndComeInFileNameOrder) {
  ASSERT_EQ(Load({{"b.json", FileWith("b.one", kGoodStep)},
                  {"a.json", FileWith("a.one", kGoodStep)},
                  {"c.txt", "not a fixture"}}),
            "");
  ASSERT_EQ(cases_.size(), 2u);
  EXPECT_EQ(cases_[0].id, "a.one");
  EXPECT_EQ(cases_[0].file, "a.json");
  EXPECT_EQ(cases_[1].id, "b.one");
  EXPECT_EQ(cases_[1].file, "b.json");
  EXPECT_EQ(cases_[1].level, Level::kDocumented);
  EXPECT_STREQ((*cases_[1].json)["title"].GetString(), "A title");
}

TEST_F(FixtureTest, DuplicateIdIsAnError) {
  const std::string error = Load({{"a.json", FileWith("group.same", kGoodStep)},
                                  {"b.json", FileWith("group.same", kGoodStep)}});
  EXPECT_EQ(error, "b.json: /cases/0 (group.same): duplicate id");
}

TEST_F(FixtureTest, BadIdIsAnError) {
  for (const char* id : {"nodot", "Upper.case", "group.", ".name", "group.na me", "gr-oup.name"}) {
    const std::string error = Load({{"a.json", FileWith(id, kGoodStep)}});
    EXPECT_EQ(error, "a.json: /cases/0 (" + std::string(id) +
                         "): id must look like group.name, in [a-z0-9_-]")
        << id;
  }
}

TEST_F(FixtureTest, BadRegexIsAnError) {
  const std::string error = Load({{"a.json", FileWith("group.name", R"j(
      {"request": {"method": "GET", "path": "/"},
       "expect": {"status": 200, "json": [{"path": "/a", "type": "string"},
                                          {"path": "/b", "regex": "(unclosed"}]}})j")}});
  EXPECT_TRUE(Has(error, "a.json: /cases/0 (group.name)/steps/0/expect/json/1/regex: bad regex"))
      << error;
}

TEST_F(FixtureTest, BadRegexInAnAlternativeOrHeaderIsAnError) {
  const std::string error = Load({{"a.json", FileWith("group.name", R"j(
      {"request": {"method": "GET", "path": "/"},
       "expect": {"status": 200, "headers": {"Location": {"regex": "[z-a]"}}},
       "alternatives": [{"grade": "OK", "because": "b", "status": 201,
                         "json": [{"path": "/x", "every": [{"regex": "*"}]}]}]})j")}});
  EXPECT_TRUE(Has(error,
                  "a.json: /cases/0 (group.name)/steps/0/expect/headers/Location/regex: "
                  "bad regex"))
      << error;
  EXPECT_TRUE(Has(error,
                  "a.json: /cases/0 (group.name)/steps/0/alternatives/0/json/0/every/0/regex: "
                  "bad regex"))
      << error;
}

TEST_F(FixtureTest, UnknownSchemaNameIsAnError) {
  const std::string error = Load({{"a.json", FileWith("group.name", R"j(
      {"request": {"method": "GET", "path": "/"},
       "expect": {"status": 200, "json": [{"schema": "nope.json"}]}})j")}});
  EXPECT_EQ(
      error,
      "a.json: /cases/0 (group.name)/steps/0/expect/json/0/schema: no schema named nope.json");
}

TEST_F(FixtureTest, UnknownMemberOfACaseIsAnError) {
  const std::string error =
      Load({{"a.json", FileWith("group.name", kGoodStep, R"j("colour": "blue", )j")}});
  EXPECT_TRUE(Has(error,
                  "a.json: /cases/0/colour breaks the fixture format "
                  "('additionalProperties' at /definitions/case"))
      << error;
}

TEST_F(FixtureTest, UnknownMatcherOperationIsAnError) {
  const std::string error = Load({{"a.json", FileWith("group.name", R"j(
      {"request": {"method": "GET", "path": "/"},
       "expect": {"status": 200, "json": [{"path": "/a", "equal": 1}]}})j")}});
  EXPECT_TRUE(Has(error, "a.json: /cases/0/steps/0/expect/json/0 breaks the fixture format"))
      << error;
}

TEST_F(FixtureTest, UnknownTopLevelMemberIsAnError) {
  std::string file = FileWith("group.name", kGoodStep);
  file.insert(1, R"j("extra": 1, )j");
  const std::string error = Load({{"a.json", file}});
  EXPECT_TRUE(Has(error, "a.json: /extra breaks the fixture format ('additionalProperties'"))
      << error;
}

TEST_F(FixtureTest, StepWithNeitherRequestNorPollNorWaitIsAnError) {
  const std::string error =
      Load({{"a.json", FileWith("group.name", R"j({"name": "nothing to do"})j")}});
  EXPECT_TRUE(Has(error, "a.json: /cases/0/steps/0 breaks the fixture format ('oneOf'")) << error;
  // A request needs an expectation.
  const std::string no_expect = Load({{"a.json", FileWith("group.name", R"j(
      {"request": {"method": "GET", "path": "/"}})j")}});
  EXPECT_TRUE(Has(no_expect, "a.json: /cases/0/steps/0 breaks the fixture format")) << no_expect;
}

TEST_F(FixtureTest, InvalidJsonIsAnErrorNamingTheFile) {
  const std::string error =
      Load({{"a.json", FileWith("a.b", kGoodStep)}, {"b.json", "{\"cases\": ["}});
  EXPECT_TRUE(Has(error, "b.json: ")) << error;
  EXPECT_TRUE(Has(error, "at byte")) << error;
}

TEST_F(FixtureTest, EveryProblemIsReported) {
  const std::string error = Load({
      {"a.json", FileWith("Bad", kGoodStep)},
      {"b.json", FileWith("group.name", R"j({"request": {"method": "GET", "path": "/"},
                                          "expect": {"status": 200,
                                                     "json": [{"schema": "x.json"}]}})j")},
      {"c.json", FileWith("group.name", kGoodStep)},
  });
  EXPECT_TRUE(Has(error, "a.json: /cases/0 (Bad): id must look like")) << error;
  EXPECT_TRUE(Has(error, "\nb.json: /cases/0 (group.name)/steps/0/expect/json/0/schema")) << error;
  EXPECT_TRUE(Has(error, "\nc.json: /cases/0 (group.name): duplicate id")) << error;
  EXPECT_NE(error.back(), '\n');
}

TEST_F(FixtureTest, MissingInputs) {
  const base::Expected<std::vector<Case>> no_format = LoadCases(
      DirectoryWith({{"a.json", FileWith("a.b", kGoodStep)}}), format_ + ".missing", schemas_);
  EXPECT_EQ(ErrorText(no_format), "cannot read " + format_ + ".missing");
  const std::string empty = DirectoryWith({});
  const base::Expected<std::vector<Case>> none = LoadCases(empty, format_, schemas_);
  EXPECT_EQ(ErrorText(none), "no *.json fixtures in " + empty);
  EXPECT_FALSE(none.ok());
  EXPECT_EQ(no_format.error().code, base::ErrorCode::kNotFound);
  EXPECT_EQ(none.error().code, base::ErrorCode::kNotFound);
  EXPECT_EQ(none.error().where, empty);
}

TEST_F(FixtureTest, ProblemsAreOneInvalidArgumentErrorNamingTheDirectory) {
  const std::string dir = DirectoryWith({{"a.json", FileWith("Bad", kGoodStep)}});
  const base::Expected<std::vector<Case>> loaded = LoadCases(dir, format_, schemas_);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code, base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(loaded.error().where, dir);
}

constexpr char kRawStep[] = R"j({"raw": {"send": ["GET /jobs HTTP/1.1\r\nHost: ${host}\r\n\r\n",
                                                {"await_answer": true}, {"pause_ms": 10},
                                                {"repeat": "ab", "times": 3}, {"length_of": "x"},
                                                {"chunk": "y"}],
                                       "answers": 2, "timeout_s": 0.5, "close_wait_ms": 100,
                                       "head": false},
                               "expect": {"answers": [200, [200, 204]], "connection": "open",
                                          "interim": [0, 1], "trailing": {"equals": ""},
                                          "headers": {"Connection": {"regex": "^k"}}},
                               "alternatives": [{"grade": "NON-STRICT", "because": "closes",
                                                 "answers": [], "connection": "closed"}]})j";

TEST_F(FixtureTest, ARawStepLoads) {
  EXPECT_EQ(Load({{"a.json", FileWith("group.raw", kRawStep)}}), "");
}

// The format schema has one expectation shape for all steps; the loader
// keeps each kind's own members to it.
TEST_F(FixtureTest, StepsMustFitTheirKind) {
  const std::pair<std::string, std::string> cases[] = {
      {R"j({"request": {"method": "GET", "path": "/"}, "expect": {"status": 200, "connection": "closed"}})j",
       "/steps/0/expect/connection: only raw steps have connection"},
      {R"j({"request": {"method": "GET", "path": "/"}, "expect": {"answers": [200]}})j",
       "/steps/0/expect: needs a status"},
      {R"j({"poll": {"job": "j"}, "expect": {"status": 200},
            "alternatives": [{"grade": "OK", "because": "b", "status": 200, "interim": 1}]})j",
       "/steps/0/alternatives/0/interim: only raw steps have interim"},
      {R"j({"raw": {"send": ["x"]}, "expect": {"answers": [200, 200]}})j",
       "/steps/0/expect/answers: lists 2 answers, the step waits for 1 (raw.answers)"},
      {R"j({"raw": {"send": ["x"]}, "expect": {"status": 200, "connection": "open"}})j",
       "/steps/0/expect/connection: needs raw.close_wait_ms"},
      {R"j({"raw": {"send": ["x", {"pause_ms": 5}]}, "expect": {"status": 200}})j",
       "/steps/0/raw/send: ends with a pause or await_answer, with nothing after it to send"},
      {R"j({"raw": {"send": [{"await_answer": true}, "x"], "answers": 2}, "expect": {"status": 200}})j",
       "/steps/0/raw/send/0: await_answer before anything was sent waits forever"},
      {R"j({"raw": {"send": ["x", {"await_answer": true}, "y"]}, "expect": {"status": 200}})j",
       "/steps/0/raw/send/1: the step is over once its 1 answer(s) are in, so what waits for "
       "answer 1 is never sent (raise raw.answers)"},
      {R"j({"raw": {"send": [{"repeat": "ab", "times": 33554433}]}, "expect": {"status": 200}})j",
       "/steps/0/raw/send: the repeats make 67108866 bytes, over 64 MiB"},
      {R"j({"raw": {"send": ["x"]}, "expect": {"status": 200}, "capture": {"a": "/a"}})j",
       "/steps/0/capture: raw steps capture nothing"},
  };
  for (const auto& [step, problem] : cases) {
    const std::string error = Load({{"a.json", FileWith("group.name", step)}});
    EXPECT_TRUE(Has(error, "a.json: /cases/0 (group.name)" + problem)) << step;
  }
}

TEST_F(FixtureTest, RawStepFormatErrors) {
  for (const char* step : {
           R"j({"raw": {"send": []}, "expect": {"status": 200}})j",
           R"j({"raw": {"send": [{"repeat": "a"}]}, "expect": {"status": 200}})j",
           R"j({"raw": {"send": [{"await_answer": false}, "x"]}, "expect": {"status": 200}})j",
           R"j({"raw": {"send": ["x"], "close_wait_ms": 0}, "expect": {"status": 200}})j",
           R"j({"raw": {"send": ["x"]}, "expect": {"status": 200, "connection": "half"}})j",
           R"j({"raw": {"send": ["x"]}, "expect": {"content_type": null}})j",
           R"j({"raw": {"send": ["x"]}, "request": {"method": "GET", "path": "/"},
                "expect": {"status": 200}})j",
       }) {
    EXPECT_TRUE(Has(Load({{"a.json", FileWith("group.name", step)}}), "breaks the fixture format"))
        << step;
  }
}

TEST(RealFixturesTest, LoadWithTheRealSchemas) {
  SchemaStore schemas;
  ASSERT_EQ(ErrorText(schemas.LoadDirectory(RunfilesPath("fixtures/schemas"))), "");
  const base::Expected<std::vector<Case>> loaded = LoadCases(
      RunfilesPath("fixtures/conformance"), RunfilesPath("conformance/case_format.json"), schemas);
  ASSERT_EQ(ErrorText(loaded), "");
  const std::vector<Case>& cases = *loaded;
  EXPECT_GE(cases.size(), 100u);
  std::set<std::string> ids;
  for (const Case& c : cases) {
    EXPECT_TRUE(ids.insert(c.id).second) << "duplicate " << c.id;
    EXPECT_FALSE(c.title.empty()) << c.id;
    EXPECT_FALSE(c.section.empty()) << c.id;
    EXPECT_FALSE(c.requirement.empty()) << c.id;
    EXPECT_NE(c.json, nullptr) << c.id;
  }
}

TEST(LevelNameTest, Names) {
  EXPECT_STREQ(LevelName(Level::kDocumented), "documented");
  EXPECT_STREQ(LevelName(Level::kReference), "reference");
  EXPECT_STREQ(LevelName(Level::kOptional), "optional");
}

}  // namespace
}  // namespace conformance

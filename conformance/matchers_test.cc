#include "conformance/matchers.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "conformance/json_text.h"
#include "conformance/schema_store.h"
#include "conformance/test_util.h"

namespace conformance {
namespace {

using test::DirectoryWith;
using test::ErrorText;
using test::Has;
using test::Json;

class MatchersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string dir = test::DirectoryWith();
    ASSERT_NE(dir, "");
    std::ofstream(dir + "/thing.json") << R"j({"type": "object", "required": ["a"],
               "properties": {"a": {"type": "integer"}}})j";
    ASSERT_EQ(ErrorText(schemas_.LoadDirectory(dir)), "");
    vars_["name"] = "world";
    vars_["created"] = "100";
    vars_["word"] = "abc";
    context_.schemas = &schemas_;
    context_.vars = &vars_;
  }

  // Mismatches of `ops` against `actual` (nullopt: absent) at label "/x".
  std::vector<std::string> Check(const std::string& ops, const std::optional<std::string>& actual) {
    const rapidjson::Document ops_json = Json(ops);
    std::vector<std::string> mismatches;
    bool ok;
    if (actual) {
      const rapidjson::Document value = Json(*actual);
      ok = CheckOperations(ops_json, &value, "/x", context_, &mismatches);
    } else {
      ok = CheckOperations(ops_json, nullptr, "/x", context_, &mismatches);
    }
    EXPECT_EQ(ok, mismatches.empty()) << ops;
    return mismatches;
  }

  bool Holds(const std::string& ops, const std::optional<std::string>& actual) {
    return Check(ops, actual).empty();
  }

  SchemaStore schemas_;
  Vars vars_;
  MatchContext context_;
};

TEST_F(MatchersTest, OperationListIsTheCaseFormatsList) {
  // The dispatch table is the list; the case format must allow exactly it.
  std::ifstream in(test::RunfilesPath("conformance/case_format.json"));
  std::ostringstream text;
  text << in.rdbuf();
  rapidjson::Document format;
  format.Parse(text.str().c_str());
  ASSERT_FALSE(format.HasParseError());
  std::vector<std::string> allowed;
  for (const auto& member : format["definitions"]["operations"]["properties"].GetObject()) {
    const std::string name = member.name.GetString();
    if (name != "path" && name != "because") allowed.push_back(name);
  }
  std::vector<std::string> operations = MatcherOperations();
  std::sort(operations.begin(), operations.end());
  std::sort(allowed.begin(), allowed.end());
  EXPECT_EQ(operations, allowed);
  EXPECT_EQ(operations.size(), 13u);
}

TEST_F(MatchersTest, AnUnknownOperationIsAFixtureErrorNeverAPass) {
  const std::vector<std::string> mismatches = Check(R"j({"equalz": 1})j", "1");
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_EQ(mismatches[0], "/x: fixture error: unknown operation 'equalz'");
}

TEST_F(MatchersTest, EqualsScalars) {
  EXPECT_TRUE(Holds(R"j({"equals": 1})j", "1"));
  EXPECT_TRUE(Holds(R"j({"equals": "hi\n"})j", R"j("hi\n")j"));
  EXPECT_TRUE(Holds(R"j({"equals": true})j", "true"));
  EXPECT_TRUE(Holds(R"j({"equals": null})j", "null"));
  EXPECT_FALSE(Holds(R"j({"equals": 1})j", "2"));
  EXPECT_FALSE(Holds(R"j({"equals": true})j", "false"));
  EXPECT_FALSE(Holds(R"j({"equals": null})j", "false"));
  EXPECT_FALSE(Holds(R"j({"equals": "1"})j", "1"));
  EXPECT_FALSE(Holds(R"j({"equals": 0})j", "false"));
}

TEST_F(MatchersTest, EqualsIntegerAndFractionAreDifferent) {
  EXPECT_TRUE(Holds(R"j({"equals": 1.5})j", "1.5"));
  EXPECT_TRUE(Holds(R"j({"equals": 1.0})j", "1.0"));
  const std::vector<std::string> mismatches = Check(R"j({"equals": 1})j", "1.0");
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_EQ(mismatches[0], "/x: expected 1, got 1.0");
  EXPECT_FALSE(Holds(R"j({"equals": 1.0})j", "1"));
  EXPECT_FALSE(Holds(R"j({"equals": 0})j", "0.0"));
}

TEST_F(MatchersTest, EqualsObjectsAndArrays) {
  EXPECT_TRUE(
      Holds(R"j({"equals": {"a": [1, "b"], "c": null}})j", R"j({"c": null, "a": [1, "b"]})j"));
  EXPECT_FALSE(Holds(R"j({"equals": {"a": [1, "b"]}})j", R"j({"a": [1, "b"], "c": 1})j"));
  EXPECT_FALSE(Holds(R"j({"equals": [1, 2]})j", "[2, 1]"));
  EXPECT_FALSE(Holds(R"j({"equals": []})j", "{}"));
}

TEST_F(MatchersTest, EqualsSubstitutesVariables) {
  EXPECT_TRUE(Holds(R"j({"equals": "hello ${name}"})j", R"j("hello world")j"));
  EXPECT_TRUE(
      Holds(R"j({"equals": {"greeting": ["${name}!"]}})j", R"j({"greeting": ["world!"]})j"));
  const std::vector<std::string> mismatches =
      Check(R"j({"equals": "hello ${name}"})j", R"j("hello there")j");
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_EQ(mismatches[0], R"j(/x: expected "hello world", got "hello there")j");
}

TEST_F(MatchersTest, EqualsWithUnknownVariableIsAFixtureError) {
  const std::vector<std::string> mismatches = Check(R"j({"equals": "${nope}"})j", R"j("")j");
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_TRUE(Has(mismatches[0], "/x: fixture error"));
  EXPECT_TRUE(Has(mismatches[0], "${nope}"));
}

TEST_F(MatchersTest, TypeNames) {
  EXPECT_TRUE(Holds(R"j({"type": "integer"})j", "3"));
  EXPECT_TRUE(Holds(R"j({"type": "integer"})j", "-3"));
  EXPECT_TRUE(Holds(R"j({"type": "number"})j", "3"));
  EXPECT_TRUE(Holds(R"j({"type": "number"})j", "3.5"));
  EXPECT_FALSE(Holds(R"j({"type": "integer"})j", "3.5"));
  EXPECT_FALSE(Holds(R"j({"type": "integer"})j", "3.0"));
  EXPECT_FALSE(Holds(R"j({"type": "integer"})j", "1e3"));
  EXPECT_TRUE(Holds(R"j({"type": "string"})j", R"j("")j"));
  EXPECT_TRUE(Holds(R"j({"type": "boolean"})j", "false"));
  EXPECT_TRUE(Holds(R"j({"type": "null"})j", "null"));
  EXPECT_TRUE(Holds(R"j({"type": "array"})j", "[]"));
  EXPECT_TRUE(Holds(R"j({"type": "object"})j", "{}"));
  EXPECT_FALSE(Holds(R"j({"type": "string"})j", "null"));
  EXPECT_FALSE(Holds(R"j({"type": "number"})j", R"j("3")j"));
  EXPECT_FALSE(Holds(R"j({"type": "object"})j", "[]"));
  EXPECT_FALSE(Holds(R"j({"type": "boolean"})j", "0"));
}

TEST_F(MatchersTest, TypeList) {
  EXPECT_TRUE(Holds(R"j({"type": ["string", "null"]})j", "null"));
  EXPECT_TRUE(Holds(R"j({"type": ["string", "null"]})j", R"j("a")j"));
  const std::vector<std::string> mismatches = Check(R"j({"type": ["string", "null"]})j", "3");
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_EQ(mismatches[0], "/x: expected type string or null, got integer 3");
}

TEST_F(MatchersTest, TypeMismatchMessage) {
  const std::vector<std::string> mismatches = Check(R"j({"type": "integer"})j", "2.5");
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_EQ(mismatches[0], "/x: expected type integer, got number 2.5");
}

TEST_F(MatchersTest, Regex) {
  EXPECT_TRUE(Holds(R"j({"regex": "^a.c$"})j", R"j("abc")j"));
  EXPECT_TRUE(Holds(R"j({"regex": "b"})j", R"j("abc")j"));  // a search, not a full match
  EXPECT_TRUE(Holds(R"j({"regex": "^job_[0-9]+$"})j", R"j("job_123")j"));
  const std::vector<std::string> mismatches = Check(R"j({"regex": "^a.c$"})j", R"j("xbc")j");
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_EQ(mismatches[0], R"j(/x: expected to match /^a.c$/, got "xbc")j");
}

TEST_F(MatchersTest, RegexSubstitutesVariables) {
  EXPECT_TRUE(Holds(R"j({"regex": "^hello ${name}$"})j", R"j("hello world")j"));
  EXPECT_FALSE(Holds(R"j({"regex": "^hello ${name}$"})j", R"j("hello there")j"));
}

TEST_F(MatchersTest, RegexAndContainsNeedAString) {
  for (const char* ops : {R"j({"regex": "1"})j", R"j({"contains": "1"})j"}) {
    const std::vector<std::string> mismatches = Check(ops, "1");
    ASSERT_EQ(mismatches.size(), 1u) << ops;
    EXPECT_EQ(mismatches[0], "/x: expected a string, got 1");
  }
}

TEST_F(MatchersTest, Contains) {
  EXPECT_TRUE(Holds(R"j({"contains": "ell"})j", R"j("hello")j"));
  EXPECT_TRUE(Holds(R"j({"contains": ""})j", R"j("")j"));
  EXPECT_TRUE(Holds(R"j({"contains": "${word}"})j", R"j("xxabcxx")j"));
  // Literal text, not a pattern.
  EXPECT_FALSE(Holds(R"j({"contains": "a.c"})j", R"j("abc")j"));
  const std::vector<std::string> mismatches = Check(R"j({"contains": "xyz"})j", R"j("hello")j");
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_EQ(mismatches[0], R"j(/x: expected to contain "xyz", got "hello")j");
}

TEST_F(MatchersTest, PresentAndAbsent) {
  EXPECT_TRUE(Holds(R"j({"present": true})j", "null"));
  EXPECT_TRUE(Holds(R"j({"present": false})j", std::nullopt));
  EXPECT_TRUE(Holds(R"j({"absent": true})j", std::nullopt));
  EXPECT_TRUE(Holds(R"j({"absent": false})j", "0"));

  std::vector<std::string> mismatches = Check(R"j({"present": true})j", std::nullopt);
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_EQ(mismatches[0], "/x: must be present, is absent");

  mismatches = Check(R"j({"absent": true})j", R"j({"a": 1})j");
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_EQ(mismatches[0], R"j(/x: must be absent, got {"a":1})j");

  EXPECT_FALSE(Holds(R"j({"present": false})j", "1"));
  EXPECT_FALSE(Holds(R"j({"absent": false})j", std::nullopt));
}

TEST_F(MatchersTest, OtherOperationsOnAnAbsentValue) {
  const std::vector<std::string> mismatches =
      Check(R"j({"type": "string", "regex": "a"})j", std::nullopt);
  // One line: the value is absent, the rest cannot be checked.
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_EQ(mismatches[0], "/x: must be present (to check 'type'), is absent");
}

TEST_F(MatchersTest, OneOf) {
  EXPECT_TRUE(Holds(R"j({"one_of": [1, "a", null]})j", R"j("a")j"));
  EXPECT_TRUE(Holds(R"j({"one_of": [1, "a", null]})j", "null"));
  EXPECT_TRUE(Holds(R"j({"one_of": [400, 422]})j", "422"));
  EXPECT_FALSE(Holds(R"j({"one_of": [1, "a"]})j", "1.0"));
  const std::vector<std::string> mismatches = Check(R"j({"one_of": [1, "a"]})j", R"j("b")j");
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_EQ(mismatches[0], R"j(/x: expected one of [1,"a"], got "b")j");
}

TEST_F(MatchersTest, RangeClosed) {
  EXPECT_TRUE(Holds(R"j({"range": [0, 10]})j", "0"));
  EXPECT_TRUE(Holds(R"j({"range": [0, 10]})j", "10"));
  EXPECT_TRUE(Holds(R"j({"range": [0, 10]})j", "5.5"));
  EXPECT_FALSE(Holds(R"j({"range": [0, 10]})j", "-1"));
  EXPECT_FALSE(Holds(R"j({"range": [0, 10]})j", "10.01"));
  const std::vector<std::string> mismatches = Check(R"j({"range": [0, 10]})j", "11");
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_EQ(mismatches[0], "/x: expected a number in [0, 10], got 11");
}

TEST_F(MatchersTest, RangeWithNullBoundsIsOpen) {
  EXPECT_TRUE(Holds(R"j({"range": [null, 10]})j", "-1e300"));
  EXPECT_FALSE(Holds(R"j({"range": [null, 10]})j", "11"));
  EXPECT_TRUE(Holds(R"j({"range": [0, null]})j", "1e300"));
  EXPECT_FALSE(Holds(R"j({"range": [0, null]})j", "-1"));
  EXPECT_TRUE(Holds(R"j({"range": [null, null]})j", "42"));
  const std::vector<std::string> mismatches = Check(R"j({"range": [0, null]})j", "-1");
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_EQ(mismatches[0], "/x: expected a number in [0, +inf], got -1");
  EXPECT_EQ(Check(R"j({"range": [null, 0]})j", "1").at(0),
            "/x: expected a number in [-inf, 0], got 1");
}

TEST_F(MatchersTest, RangeNeedsANumber) {
  EXPECT_FALSE(Holds(R"j({"range": [null, null]})j", R"j("5")j"));
  EXPECT_FALSE(Holds(R"j({"range": [0, 10]})j", "null"));
}

TEST_F(MatchersTest, RangeWithVariableBounds) {
  EXPECT_TRUE(Holds(R"j({"range": ["${created}", null]})j", "100"));
  EXPECT_TRUE(Holds(R"j({"range": ["${created}", null]})j", "101"));
  EXPECT_TRUE(Holds(R"j({"range": [null, "${created}"]})j", "99"));
  const std::vector<std::string> mismatches = Check(R"j({"range": ["${created}", null]})j", "99");
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_EQ(mismatches[0], R"j(/x: expected a number in ["${created}"=100, +inf], got 99)j");
}

TEST_F(MatchersTest, RangeWithUnusableVariableBoundFails) {
  // An unknown variable, or one that is not a number, cannot be a bound.
  std::vector<std::string> mismatches = Check(R"j({"range": ["${nope}", null]})j", "5");
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_TRUE(Has(mismatches[0], R"j("${nope}" (not a number))j"));
  mismatches = Check(R"j({"range": [null, "${word}"]})j", "5");
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_TRUE(Has(mismatches[0], R"j("${word}" (not a number))j"));
}

TEST_F(MatchersTest, LengthOfStrings) {
  EXPECT_TRUE(Holds(R"j({"length": [3, 3]})j", R"j("abc")j"));
  EXPECT_TRUE(Holds(R"j({"length": [0, 0]})j", R"j("")j"));
  EXPECT_TRUE(Holds(R"j({"length": [1, null]})j", R"j("a")j"));
  EXPECT_FALSE(Holds(R"j({"length": [1, null]})j", R"j("")j"));
  const std::vector<std::string> mismatches = Check(R"j({"length": [4, null]})j", R"j("abc")j");
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_EQ(mismatches[0], R"j(/x: expected a string or array of length in [4, +inf], got "abc")j");
}

TEST_F(MatchersTest, LengthOfArrays) {
  EXPECT_TRUE(Holds(R"j({"length": [0, 2]})j", "[1, 2]"));
  EXPECT_TRUE(Holds(R"j({"length": [0, 0]})j", "[]"));
  EXPECT_FALSE(Holds(R"j({"length": [3, null]})j", "[1, 2]"));
  EXPECT_FALSE(Holds(R"j({"length": [null, 1]})j", "[1, 2]"));
  EXPECT_TRUE(Holds(R"j({"length": [null, "${created}"]})j", "[1, 2]"));
}

TEST_F(MatchersTest, LengthOfOtherTypesFails) {
  EXPECT_FALSE(Holds(R"j({"length": [null, null]})j", "3"));
  EXPECT_FALSE(Holds(R"j({"length": [null, null]})j", "{}"));
  EXPECT_FALSE(Holds(R"j({"length": [null, null]})j", "null"));
}

TEST_F(MatchersTest, Schema) {
  EXPECT_TRUE(Holds(R"j({"schema": "thing.json"})j", R"j({"a": 1})j"));
  std::vector<std::string> mismatches = Check(R"j({"schema": "thing.json"})j", "{}");
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_TRUE(Has(mismatches[0], "/x: schema thing.json"));
  EXPECT_TRUE(Has(mismatches[0], "required"));

  mismatches = Check(R"j({"schema": "thing.json"})j", R"j({"a": "1"})j");
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_TRUE(Has(mismatches[0], "/a"));
  EXPECT_TRUE(Has(mismatches[0], "type"));

  mismatches = Check(R"j({"schema": "nope.json"})j", "{}");
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_EQ(mismatches[0], "/x: no schema named nope.json");
}

constexpr char kElements[] = R"j([{"n": 1, "s": "a"}, {"n": 2, "s": "b"}])j";

TEST_F(MatchersTest, Some) {
  EXPECT_TRUE(Holds(R"j({"some": [{"path": "/n", "equals": 2}]})j", kElements));
  // All matchers must hold on the same element.
  EXPECT_FALSE(Holds(R"j({"some": [{"path": "/n", "equals": 2}, {"path": "/s", "equals": "a"}]})j",
                     kElements));
  const std::vector<std::string> mismatches =
      Check(R"j({"some": [{"path": "/n", "equals": 3}]})j", kElements);
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_TRUE(Has(mismatches[0], R"j(/x: no element matches [{"path":"/n","equals":3}])j"));
  EXPECT_TRUE(Has(mismatches[0], R"j(got [{"n":1)j"));
  EXPECT_FALSE(Holds(R"j({"some": [{"equals": 1}]})j", "[]"));
}

TEST_F(MatchersTest, None) {
  EXPECT_TRUE(Holds(R"j({"none": [{"path": "/n", "equals": 3}]})j", kElements));
  EXPECT_TRUE(Holds(R"j({"none": [{"equals": 1}]})j", "[]"));
  const std::vector<std::string> mismatches =
      Check(R"j({"none": [{"path": "/n", "type": "integer"}]})j", kElements);
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_TRUE(Has(mismatches[0], "/x: 2 element(s) match"));
  EXPECT_TRUE(Has(mismatches[0], "none may"));
}

TEST_F(MatchersTest, Every) {
  EXPECT_TRUE(Holds(R"j({"every": [{"path": "/n", "type": "integer"}]})j", kElements));
  EXPECT_TRUE(Holds(R"j({"every": [{"equals": 1}]})j", "[]"));
  const std::vector<std::string> mismatches =
      Check(R"j({"every": [{"path": "/n", "equals": 1}]})j", kElements);
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_TRUE(Has(mismatches[0], "/x: 1 element(s) do not match"));
}

TEST_F(MatchersTest, ElementMatchersNeedAnArray) {
  for (const char* ops : {R"j({"some": []})j", R"j({"none": []})j", R"j({"every": []})j"}) {
    const std::vector<std::string> mismatches = Check(ops, R"j({"a": 1})j");
    ASSERT_EQ(mismatches.size(), 1u) << ops;
    EXPECT_EQ(mismatches[0], R"j(/x: expected an array, got {"a":1})j");
  }
}

TEST_F(MatchersTest, EveryBrokenOperationIsReported) {
  const std::vector<std::string> mismatches =
      Check(R"j({"type": "integer", "equals": 2, "range": [5, 9]})j", "1.5");
  EXPECT_EQ(mismatches.size(), 3u);
  for (const std::string& line : mismatches) {
    EXPECT_EQ(line.rfind("/x: ", 0), 0u) << line;
    EXPECT_TRUE(Has(line, "got ")) << line;
  }
}

TEST_F(MatchersTest, BecauseIsAppended) {
  const std::vector<std::string> mismatches =
      Check(R"j({"equals": 0, "because": "the docs show exit_code 0"})j", "1");
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_EQ(mismatches[0], "/x: expected 0, got 1 (the docs show exit_code 0)");
  // Not when everything holds.
  EXPECT_TRUE(Holds(R"j({"equals": 0, "because": "x"})j", "0"));
}

TEST_F(MatchersTest, LongValuesAreShortenedInMessages) {
  const std::string long_text = "\"" + std::string(5000, 'z') + "\"";
  const std::vector<std::string> mismatches = Check(R"j({"equals": "a"})j", long_text);
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_LT(mismatches[0].size(), 600u);
  EXPECT_TRUE(Has(mismatches[0], "bytes)"));
}

TEST_F(MatchersTest, CheckBodyLabelsWithThePath) {
  const rapidjson::Document body =
      Json(R"j({"stdout": "hi\n", "exit_code": 0, "nested": {"list": [10, 20]}})j");
  const rapidjson::Document matchers = Json(R"j([
      {"path": "/stdout", "equals": "hi\n"},
      {"path": "/exit_code", "equals": 1},
      {"path": "/nested/list/1", "equals": 20},
      {"path": "/missing", "present": true},
      {"type": "array"}])j");
  std::vector<std::string> mismatches;
  EXPECT_FALSE(CheckBody(matchers, body, context_, &mismatches));
  ASSERT_EQ(mismatches.size(), 3u);
  EXPECT_EQ(mismatches[0], "/exit_code: expected 1, got 0");
  EXPECT_EQ(mismatches[1], "/missing: must be present, is absent");
  EXPECT_TRUE(Has(mismatches[2], "body: expected type array, got object"));
}

TEST_F(MatchersTest, CheckBodyAllHold) {
  const rapidjson::Document body = Json(R"j({"jobs": [{"status": "running"}]})j");
  const rapidjson::Document matchers = Json(R"j([
      {"type": "object"},
      {"path": "/jobs", "every": [{"path": "/status", "one_of": ["pending", "running"]}]},
      {"path": "/jobs/0/status", "equals": "running"}])j");
  std::vector<std::string> mismatches;
  EXPECT_TRUE(CheckBody(matchers, body, context_, &mismatches));
  EXPECT_TRUE(mismatches.empty());
}

TEST_F(MatchersTest, ValueAt) {
  const rapidjson::Document body = Json(R"j({"a": {"b": [1, 2]}, "c/d": 3, "": 4})j");
  EXPECT_EQ(ValueAt(body, ""), &body);
  ASSERT_NE(ValueAt(body, "/a/b/1"), nullptr);
  EXPECT_EQ(ValueAt(body, "/a/b/1")->GetInt(), 2);
  ASSERT_NE(ValueAt(body, "/c~1d"), nullptr);
  EXPECT_EQ(ValueAt(body, "/c~1d")->GetInt(), 3);
  ASSERT_NE(ValueAt(body, "/"), nullptr);
  EXPECT_EQ(ValueAt(body, "/")->GetInt(), 4);
  EXPECT_EQ(ValueAt(body, "/a/b/2"), nullptr);
  EXPECT_EQ(ValueAt(body, "/x"), nullptr);
  EXPECT_EQ(ValueAt(body, "a"), nullptr);  // not a JSON pointer
}

// 1 and 1.0 differ at any depth, not only at the top.
TEST_F(MatchersTest, EqualsIsStrictAboutIntegersAtEveryDepth) {
  EXPECT_FALSE(Holds(R"j({"equals": {"a": 1}})j", R"j({"a": 1.0})j"));
  EXPECT_FALSE(Holds(R"j({"equals": [0]})j", "[0.0]"));
  EXPECT_FALSE(Holds(R"j({"one_of": [[1, {"b": 2}]]})j", R"j([1, {"b": 2.0}])j"));
  EXPECT_TRUE(Holds(R"j({"equals": {"a": [1, {"b": 2}]}})j", R"j({"a": [1, {"b": 2}]})j"));
  EXPECT_FALSE(Holds(R"j({"equals": {"a": 1}})j", R"j({"a": 1, "b": 2})j"));
}

// A captured value in a regex is matched literally, and a bad pattern is a
// fixture error, never an exception.
TEST_F(MatchersTest, RegexTreatsVariablesLiterallyAndReportsBadPatterns) {
  vars_["id"] = "a.(b";
  EXPECT_TRUE(Holds(R"j({"regex": "^/jobs/${id}$"})j", R"j("/jobs/a.(b")j"));
  EXPECT_FALSE(Holds(R"j({"regex": "^/jobs/${id}$"})j", R"j("/jobs/aX(b")j"));
  const auto bad = Check(R"j({"regex": "(unclosed"})j", R"j("text")j");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_TRUE(Has(bad[0], "fixture error: bad regex /(unclosed/"));
  // Program output may hold a NUL; the text after it is searched too.
  rapidjson::Document ops = Json(R"j({"regex": "^after$"})j");
  rapidjson::Document value;
  const std::string with_nul("before\0after", 12);
  value.SetString(with_nul.data(), static_cast<rapidjson::SizeType>(with_nul.size()),
                  value.GetAllocator());
  std::vector<std::string> mismatches;
  EXPECT_TRUE(CheckOperations(ops, &value, "/x", context_, &mismatches));
}

// What the runner walks recursively must not be nested without bound: a
// hostile answer 200 000 levels deep would overflow the stack.
TEST(JsonTextTest, AnswersNestedTooDeepAreRefused) {
  rapidjson::Document document;
  const std::string ok = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  EXPECT_EQ(test::ErrorText(ParseJson(ok, &document)), "");
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  EXPECT_EQ(test::ErrorText(ParseJson(deep, &document)), "nested deeper than 256 levels");
  EXPECT_TRUE(document.IsNull());
}

TEST(JsonTextTest, ShortJsonOfAHugeValueIsShort) {
  rapidjson::Document document;
  const std::string big(1 << 20, 'x');
  document.SetString(big.data(), static_cast<rapidjson::SizeType>(big.size()),
                     document.GetAllocator());
  const std::string text = ToShortJson(document, 100);
  EXPECT_LT(text.size(), 150u);
  EXPECT_TRUE(Has(text, "... (1048578 bytes)")) << text;
  EXPECT_EQ(ToShortJson(Json("[1,2]"), 100), "[1,2]");
}

// A hostile answer's text in a JUnit report: markup escaped, and every
// character XML 1.0 cannot carry (C0 controls, U+FFFE, U+FFFF, broken
// UTF-8) replaced, so that the report still parses.
TEST(JsonTextTest, XmlEscapeLeavesOnlyXmlCharacters) {
  EXPECT_EQ(XmlEscape("<script>\"&</failure>"), "&lt;script&gt;&quot;&amp;&lt;/failure&gt;");
  EXPECT_EQ(XmlEscape("a\x01"
                      "b\tc\n"),
            "a?b\tc\n");
  EXPECT_EQ(XmlEscape("x\xef\xbf\xbey\xef\xbf\xbfz"), "x?y?z");
  EXPECT_EQ(XmlEscape("\xef\xbf\xbd"), "\xef\xbf\xbd");  // U+FFFD is a character
  EXPECT_EQ(XmlEscape("\xe2\x82\xac"), "\xe2\x82\xac");  // the euro sign stays
  EXPECT_EQ(XmlEscape("\xff").find('\xff'), std::string::npos);
}

}  // namespace
}  // namespace conformance

#include "conformance/templating.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "conformance/json_text.h"
#include "conformance/test_util.h"

namespace conformance {
namespace {

using test::Has;
using test::Json;

// Expands `text` (JSON) and returns the compact JSON of the result, or
// "error: ..." when expansion fails.
std::string Expand(const std::string& text, const Vars& vars = {}) {
  const rapidjson::Document in = Json(text);
  rapidjson::Document out;
  if (const base::Status expanded = ExpandTemplate(in, vars, out.GetAllocator(), &out);
      !expanded.ok()) {
    return "error: " + expanded.error().message;
  }
  return ToJson(out);
}

// SubstituteVars, with its error's message in `error` ("" on success) and
// "" for the text when it fails, as the tests below compare them.
std::string Substitute(std::string_view text, const Vars& vars, std::string* error) {
  const base::Expected<std::string> substituted = SubstituteVars(text, vars);
  *error = test::ErrorText(substituted);
  return substituted.ok() ? *substituted : "";
}

TEST(SubstituteVarsTest, ReplacesEveryVariable) {
  const Vars vars = {{"a", "1"}, {"name", "world"}, {"empty", ""}};
  std::string error;
  EXPECT_EQ(Substitute("hello ${name}, ${a}${a}${empty}!", vars, &error), "hello world, 11!");
  EXPECT_EQ(error, "");
  EXPECT_EQ(Substitute("", vars, &error), "");
  EXPECT_EQ(Substitute("no variables", vars, &error), "no variables");
  EXPECT_EQ(Substitute("${name}", vars, &error), "world");
  EXPECT_EQ(error, "");
}

TEST(SubstituteVarsTest, LeavesOtherDollarsAlone) {
  const Vars vars = {{"x", "X"}};
  std::string error;
  EXPECT_EQ(Substitute("$x $ {x} ${x", vars, &error), "$x $ {x} ${x");
  EXPECT_EQ(error, "");
}

TEST(SubstituteVarsTest, ValuesAreNotSubstitutedAgain) {
  const Vars vars = {{"x", "${y}"}, {"y", "no"}};
  std::string error;
  EXPECT_EQ(Substitute("[${x}]", vars, &error), "[${y}]");
  EXPECT_EQ(error, "");
}

TEST(SubstituteVarsTest, UnknownVariableIsAnError) {
  const Vars vars = {{"known", "k"}};
  std::string error;
  EXPECT_EQ(Substitute("a ${known} ${unknown} b", vars, &error), "");
  EXPECT_EQ(error, "unknown variable ${unknown}");
  const base::Expected<std::string> unknown = SubstituteVars("${unknown}", vars);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(unknown.error().where, "${unknown}");
}

TEST(ExpandTemplateTest, CopiesPlainValuesWithVariablesSubstituted) {
  const Vars vars = {{"lang", "python"}, {"n", "3"}};
  EXPECT_EQ(Expand(R"j({"language": "${lang}", "list": [1, 2.5, "${n}x", null, true],
                       "nested": {"k": "v ${lang}"}})j",
                   vars),
            R"j({"language":"python","list":[1,2.5,"3x",null,true],"nested":{"k":"v python"}})j");
  // 1.0 stays a number with a fraction: the API's types are strict.
  EXPECT_EQ(Expand("[1.0, 1]"), "[1.0,1]");
  EXPECT_EQ(Expand(R"j("${lang}")j", vars), R"j("python")j");
}

TEST(ExpandTemplateTest, ObjectsWithSeveralMembersAreNotGenerators) {
  EXPECT_EQ(Expand(R"j({"$repeat": ["a", 2], "b": 1})j"), R"j({"$repeat":["a",2],"b":1})j");
}

TEST(ExpandTemplateTest, UnknownVariableErrorHasThePath) {
  EXPECT_EQ(Expand(R"j({"a": {"b": ["x", "${nope}"]}})j"),
            "error: /a/b/1: unknown variable ${nope}");
  EXPECT_EQ(Expand(R"j("${nope}")j"), "error: (root): unknown variable ${nope}");
}

TEST(ExpandTemplateTest, Repeat) {
  EXPECT_EQ(Expand(R"j({"$repeat": ["ab", 3]})j"), R"j("ababab")j");
  EXPECT_EQ(Expand(R"j({"$repeat": ["ab", 0]})j"), R"j("")j");
  EXPECT_EQ(Expand(R"j({"$repeat": ["<${v}>", 2]})j", {{"v", "x"}}), R"j("<x><x>")j");
  EXPECT_EQ(Expand(R"j({"code": {"$repeat": ["a", 5]}})j"), R"j({"code":"aaaaa"})j");
  // Large, within the limit.
  const rapidjson::Document in = Json(R"j({"$repeat": ["0123456789", 1048576]})j");
  rapidjson::Document out;
  ASSERT_EQ(test::ErrorText(ExpandTemplate(in, {}, out.GetAllocator(), &out)), "");
  ASSERT_TRUE(out.IsString());
  EXPECT_EQ(out.GetStringLength(), 10u << 20);
}

TEST(ExpandTemplateTest, RepeatErrors) {
  EXPECT_EQ(Expand(R"j({"body": {"$repeat": "ab"}})j"),
            "error: /body/$repeat: expected [value, count]");
  EXPECT_EQ(Expand(R"j({"$repeat": ["ab"]})j"), "error: /$repeat: expected [value, count]");
  EXPECT_EQ(Expand(R"j({"$repeat": ["ab", -1]})j"), "error: /$repeat: expected [value, count]");
  EXPECT_EQ(Expand(R"j({"$repeat": ["ab", 1.5]})j"), "error: /$repeat: expected [value, count]");
  EXPECT_EQ(Expand(R"j({"$repeat": [1, 2]})j"),
            "error: /$repeat: the value to repeat must be a string");
  EXPECT_TRUE(Has(Expand(R"j({"$repeat": ["${nope}", 2]})j"), "unknown variable ${nope}"));
}

TEST(ExpandTemplateTest, SizeLimitIsRefused) {
  // 32 MiB is the most a generator may build.
  EXPECT_EQ(Expand(R"j({"x": {"$repeat": ["ab", 20000000]}})j"), "error: /x/$repeat: too large");
  EXPECT_EQ(Expand(R"j({"$repeat": ["a", 33554433]})j"),
            "error: /$repeat: expected [value, count]");
  EXPECT_EQ(Expand(R"j({"$repeat": ["a", 18446744073709551615]})j"),
            "error: /$repeat: expected [value, count]");
  EXPECT_EQ(Expand(R"j({"$base64_zeros": 33554433})j"),
            "error: /$base64_zeros: expected a byte count");
  EXPECT_EQ(Expand(R"j({"$items": [1, 33554433]})j"), "error: /$items: expected [value, count]");
}

TEST(ExpandTemplateTest, ItemsWithIndex) {
  EXPECT_EQ(
      Expand(R"j({"$items": [{"filename": "f${i}.txt", "content": "${c}"}, 3]})j", {{"c", "Zg=="}}),
      R"j([{"filename":"f0.txt","content":"Zg=="},)j"
      R"j({"filename":"f1.txt","content":"Zg=="},)j"
      R"j({"filename":"f2.txt","content":"Zg=="}])j");
  EXPECT_EQ(Expand(R"j({"$items": ["x", 0]})j"), "[]");
  // Generators nest.
  EXPECT_EQ(Expand(R"j({"files": {"$items": [{"$repeat": ["${i}", 2]}, 2]}})j"),
            R"j({"files":["00","11"]})j");
  // ${i} exists only inside $items.
  EXPECT_TRUE(Has(Expand(R"j({"a": "${i}"})j"), "unknown variable ${i}"));
}

TEST(ExpandTemplateTest, ItemsErrorHasThePath) {
  EXPECT_EQ(Expand(R"j({"list": {"$items": [{"a": "${nope}"}, 2]}})j"),
            "error: /list/$items/a: unknown variable ${nope}");
  EXPECT_EQ(Expand(R"j({"$items": {"a": 1}})j"), "error: /$items: expected [value, count]");
}

TEST(ExpandTemplateTest, Base64) {
  EXPECT_EQ(Expand(R"j({"$base64": "hello"})j"), R"j("aGVsbG8=")j");
  EXPECT_EQ(Expand(R"j({"$base64": "${v}"})j", {{"v", "foobar"}}), R"j("Zm9vYmFy")j");
  EXPECT_EQ(Expand(R"j({"$base64": ""})j"), R"j("")j");
  EXPECT_EQ(Expand(R"j({"$base64": 5})j"), "error: /$base64: expected a string");
  EXPECT_EQ(Expand(R"j({"$base64": "${nope}"})j"), "error: /$base64: unknown variable ${nope}");
}

TEST(ExpandTemplateTest, Base64Zeros) {
  EXPECT_EQ(Expand(R"j({"$base64_zeros": 0})j"), R"j("")j");
  EXPECT_EQ(Expand(R"j({"$base64_zeros": 1})j"), R"j("AA==")j");
  EXPECT_EQ(Expand(R"j({"$base64_zeros": 5})j"), R"j("AAAAAAA=")j");
  EXPECT_EQ(Expand(R"j({"$base64_zeros": 6})j"), R"j("AAAAAAAA")j");
  EXPECT_EQ(Expand(R"j({"$base64_zeros": "5"})j"), "error: /$base64_zeros: expected a byte count");
  EXPECT_EQ(Expand(R"j({"$base64_zeros": -1})j"), "error: /$base64_zeros: expected a byte count");
}

TEST(ExpandTemplateTest, Json) {
  EXPECT_EQ(Expand(R"j({"body": {"$json": {"language": "${l}", "n": [1, 1.5]}}})j", {{"l", "lua"}}),
            R"j({"body":"{\"language\":\"lua\",\"n\":[1,1.5]}"})j");
  EXPECT_EQ(Expand(R"j({"$json": "a\"b"})j"), R"j("\"a\\\"b\"")j");
  EXPECT_EQ(Expand(R"j({"$json": {"$base64": "f"}})j"), R"j("\"Zg==\"")j");
  EXPECT_EQ(Expand(R"j({"$json": {"a": "${nope}"}})j"),
            "error: /$json/a: unknown variable ${nope}");
}

TEST(ExpandTemplateTest, ErrorsAreFixtureErrorsAtTheirPath) {
  const rapidjson::Document in = Json(R"j({"a": [{"$base64": 5}]})j");
  rapidjson::Document out;
  const base::Status expanded = ExpandTemplate(in, {}, out.GetAllocator(), &out);
  ASSERT_FALSE(expanded.ok());
  EXPECT_EQ(expanded.error().code, base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(expanded.error().where, "/a/0/$base64");
}

TEST(ExpandTemplateTest, UnknownGeneratorErrorHasThePath) {
  const std::string error = Expand(R"j({"request": {"files": [1, {"$repeet": ["a", 2]}]}})j");
  EXPECT_TRUE(Has(error, "error: /request/files/1/$repeet: unknown generator")) << error;
  EXPECT_TRUE(Has(error, "$repeat, $items, $base64, $base64_zeros, $json")) << error;
}

// RFC 4648 section 10.
TEST(Base64EncodeTest, Rfc4648TestVectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
}

TEST(Base64EncodeTest, AllByteValues) {
  using namespace std::string_literals;
  EXPECT_EQ(Base64Encode("\xff\xfe\xfd"), "//79");
  EXPECT_EQ(Base64Encode("\xfb\xff"), "+/8=");
  EXPECT_EQ(Base64Encode("\0\0\0"s), "AAAA");
  EXPECT_EQ(Base64Encode("a\0b"s), "YQBi");
  std::string every;
  for (int i = 0; i < 256; ++i) every += static_cast<char>(i);
  const std::string encoded = Base64Encode(every);
  EXPECT_EQ(encoded.size(), 344u);
  EXPECT_EQ(encoded.substr(0, 24), "AAECAwQFBgcICQoLDA0ODxAR");
  EXPECT_EQ(encoded.substr(encoded.size() - 8), "/P3+/w==");
}

TEST(FormEncodeTest, Encodes) {
  EXPECT_EQ(FormEncode(""), "");
  EXPECT_EQ(FormEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(FormEncode("a b&c=d"), "a%20b%26c%3Dd");
  EXPECT_EQ(FormEncode("/?#%+"), "%2F%3F%23%25%2B");
  EXPECT_EQ(FormEncode("\xc3\xa9"), "%C3%A9");
  EXPECT_EQ(FormEncode(std::string_view("\0\n", 2)), "%00%0A");
  EXPECT_EQ(FormEncode("\xff"), "%FF");
}

// The budget covers everything one template generates, nested or not.
TEST(ExpandTemplateTest, NestedGeneratorsShareOneBudget) {
  EXPECT_EQ(Expand(R"j({"$items": [{"$repeat": ["a", 20000000]}, 2]})j"),
            "error: /$items/$repeat: the template generates too much");
  EXPECT_EQ(Expand(R"j({"$items": [{"$items": [1, 1000]}, 1000]})j"),
            "error: /$items/$items: the template generates too many items");
  EXPECT_EQ(Expand(R"j([{"$base64_zeros": 20000000}, {"$base64_zeros": 20000000}])j"),
            "error: /1/$base64_zeros: the template generates too much");
}

}  // namespace
}  // namespace conformance

#include "reference_server/languages/registry.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "reference_server/api/shebang.h"
#include "reference_server/languages/expected_languages.h"

namespace languages {
namespace {

std::string ReadRegistryFile() {
  std::ifstream in("reference_server/languages/languages.json");
  EXPECT_TRUE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Registry LoadAll(bool installed) {
  auto registry = Registry::Parse(ReadRegistryFile());
  EXPECT_TRUE(registry.ok()) << (registry.ok() ? "" : registry.error().Describe());
  Registry loaded = std::move(registry).value();
  loaded.Probe([installed](const std::string&) { return installed; });
  return loaded;
}

std::vector<std::string> ExpectedLanguages() {
  std::vector<std::string> names(std::begin(kCoreLanguages), std::end(kCoreLanguages));
  names.insert(names.end(), std::begin(kMoreLanguages), std::end(kMoreLanguages));
  return names;
}

TEST(RegistryTest, TheDataFileListsTheRequiredLanguages) {
  const Registry registry = LoadAll(true);
  EXPECT_GE(registry.all().size(), 43u);
  for (const std::string& name : ExpectedLanguages()) {
    const Language* language = registry.Find(name);
    ASSERT_NE(language, nullptr) << name;
    EXPECT_EQ(language->name, name);
    EXPECT_FALSE(language->run.empty()) << name;
    EXPECT_FALSE(language->requirements.empty()) << name;
    for (const auto& argv : {language->build, language->run}) {
      if (!argv.empty()) {
        EXPECT_EQ(argv[0][0], '/') << name << ": argv[0] must be absolute";
      }
    }
    // The sandbox's /etc holds only what an entry binds: a path through
    // /etc/alternatives would depend on the host's choices.
    for (const std::string& path : language->requirements) {
      EXPECT_EQ(path[0], '/') << name << ": " << path;
      EXPECT_FALSE(path.starts_with("/etc/")) << name << ": " << path;
    }
  }
}

TEST(RegistryTest, EveryLanguageIsExpectedAndHasAHelloWorld) {
  const Registry registry = LoadAll(true);
  const std::vector<std::string> expected = ExpectedLanguages();
  for (const Language& language : registry.all()) {
    EXPECT_NE(std::find(expected.begin(), expected.end(), language.name), expected.end())
        << language.name << " is not in expected_languages.h";
    const std::string extension = language.source.substr(language.source.rfind('.'));
    const std::string hello = "fixtures/hello/" + language.name + extension;
    EXPECT_EQ(access(hello.c_str(), R_OK), 0) << hello;
  }
}

// docs/SANDBOX.md's table has a row per language, with its package.
TEST(RegistryTest, TheSandboxDocsListEveryLanguage) {
  std::ifstream in("docs/SANDBOX.md");
  ASSERT_TRUE(in.good());
  std::ostringstream docs;
  docs << in.rdbuf();
  const Registry registry = LoadAll(true);
  for (const Language& language : registry.all()) {
    const std::string row = "\n| " + language.name + " | ";
    const std::size_t at = docs.str().find(row);
    ASSERT_NE(at, std::string::npos) << language.name << " has no row in docs/SANDBOX.md";
    const std::string line = docs.str().substr(at + 1, docs.str().find('\n', at + 1) - at - 1);
    EXPECT_TRUE(line.find("`") != std::string::npos && line.find("(") != std::string::npos)
        << "no package (version) in: " << line;
  }
}

TEST(RegistryTest, ALanguagesOwnConfigurationIsItsBindNotEveryones) {
  const Registry registry = LoadAll(true);
  EXPECT_EQ(registry.Find("java")->binds, std::vector<std::string>{"/etc/java-17-openjdk"});
  EXPECT_EQ(registry.Find("pascal")->binds,
            (std::vector<std::string>{"/etc/fpc.cfg", "/etc/fpc-3.2.2.cfg"}));
  EXPECT_TRUE(registry.Find("python")->binds.empty());
}

TEST(RegistryTest, FindsByNameOrAliasCaseInsensitively) {
  const Registry registry = LoadAll(true);
  EXPECT_EQ(registry.Find("Python")->name, "python");
  EXPECT_EQ(registry.Find("py")->name, "python");
  EXPECT_EQ(registry.Find("node")->name, "javascript");
  EXPECT_EQ(registry.Find("C++")->name, "cpp");
  EXPECT_EQ(registry.Find("brainfuck"), nullptr);
}

TEST(RegistryTest, MissingToolchainsAreNotOffered) {
  auto registry = Registry::Parse(ReadRegistryFile());
  ASSERT_TRUE(registry.ok());
  registry.value().Probe([](const std::string& path) { return path != "/usr/bin/ruby"; });
  const auto ruby = registry.value().Resolve("ruby");
  ASSERT_FALSE(ruby.ok());
  EXPECT_EQ(ruby.error().code, api::ErrorCode::kUnsupportedLanguage);
  EXPECT_EQ(ruby.error().http_status(), 400);
  EXPECT_NE(ruby.error().message.find("\"ruby\" is not installed"), std::string::npos);
  EXPECT_NE(ruby.error().message.find("available: python, bash"), std::string::npos);
  EXPECT_EQ(registry.value().Find("ruby")->missing, "/usr/bin/ruby");

  const auto unknown = registry.value().Resolve("klingon");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("not a language this server knows"), std::string::npos);
  EXPECT_TRUE(registry.value().Resolve("python").ok());
}

TEST(RegistryTest, ReservesTheSourceAndArtifactNames) {
  const Registry registry = LoadAll(true);
  EXPECT_EQ(registry.ReservedFilenames("python"), (std::vector<std::string>{"main.py"}));
  EXPECT_EQ(registry.ReservedFilenames("c"),
            (std::vector<std::string>{"main.c", "main", "main.wasm"}));
  EXPECT_TRUE(registry.ReservedFilenames("unknown").empty());
}

// The /run shebang table lives in the API library; every interpreter the
// registry claims must map there to the same language.
TEST(RegistryTest, ShebangInterpretersAgreeWithTheApiTable) {
  const Registry registry = LoadAll(true);
  int checked = 0;
  for (const Language& language : registry.all()) {
    for (const std::string& interpreter : language.shebang) {
      auto detected = api::DetectLanguageFromShebang("#!/usr/bin/env " + interpreter + "\n");
      ASSERT_TRUE(detected.ok()) << interpreter;
      EXPECT_EQ(detected.value().language, language.name) << interpreter;
      ++checked;
    }
  }
  EXPECT_GT(checked, 10);
}

struct BadEntry {
  std::string json;
  std::string error;
};

TEST(RegistryTest, MalformedDataNamesTheEntryAndField) {
  const BadEntry cases[] = {
      {R"({"languages":[{"name":"x","source":"x","requires":["/x"]}]})",
       "languages[0].run: is required"},
      {R"({"languages":[{"name":"x","source":"x","run":[],"requires":["/x"]}]})",
       "languages[0].run: must not be empty"},
      {R"({"languages":[{"name":"x","source":"x","run":["/x",1],"requires":["/x"]}]})",
       "languages[0].run: must be an array of strings (got integer)"},
      {R"({"languages":[{"name":"x","source":"x","run":["/x"],"requires":["/x"]},)"
       R"({"name":"y","aliases":["X"],"source":"y","run":["/y"],"requires":["/y"]}]})",
       "languages[1]: \"x\" is already taken"},
      {R"({"langs":[]})", "languages: must be an array of languages"},
      {R"({"languages":[{"name":"x","source":"x","run":["/x"],"requires":["/x"],)"
       R"("binds":["/etc/x","etc/y"]}]})",
       "languages[0].binds[1]: must be an absolute path below / without '..'"},
      {R"({"languages":[{"name":"x","source":"x","run":["/x"],"requires":["/x"],)"
       R"("binds":["/etc/../root"]}]})",
       "languages[0].binds[0]: must be an absolute path below / without '..'"},
      {R"({"languages":[{"name":"x","source":"x","run":["/x"],"requires":["/x"],)"
       R"("processes":-1}]})",
       "languages[0].processes: must be an integer from 0 to 65536 (got integer)"},
      {R"({"languages":[{"name":"x","source":"x","run":["/x"],"requires":["/x"],)"
       R"("tmp_mb":65537}]})",
       "languages[0].tmp_mb: must be an integer from 0 to 65536 (got integer)"},
      {R"({"languages":[{"name":"x","source":"x","run":["/x"],"requires":["/x"],)"
       R"("memory_mb":"1024"}]})",
       "languages[0].memory_mb: must be an integer from 0 to 65536 (got string)"},
  };
  for (const BadEntry& bad : cases) {
    auto registry = Registry::Parse(bad.json);
    ASSERT_FALSE(registry.ok()) << bad.json;
    EXPECT_EQ(registry.error().Describe(), bad.error);
  }
}

TEST(RegistryTest, FloorsAreReadAndDefaultToNone) {
  auto registry =
      Registry::Parse(R"({"languages":[{"name":"x","source":"x","run":["/x"],"requires":["/x"],)"
                      R"("memory_mb":2048,"processes":128,"tmp_mb":256},)"
                      R"({"name":"y","source":"y","run":["/y"],"requires":["/y"]}]})");
  ASSERT_TRUE(registry.ok()) << registry.error().Describe();
  const Language* x = registry.value().Find("x");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->memory_mb, 2048u);
  EXPECT_EQ(x->processes, 128u);
  EXPECT_EQ(x->tmp_mb, 256u);
  const Language* y = registry.value().Find("y");
  ASSERT_NE(y, nullptr);
  EXPECT_EQ(y->memory_mb + y->processes + y->tmp_mb, 0u);
}

TEST(RegistryTest, ReadsAWholeFileOrSaysWhyNot) {
  const base::Expected<std::string> text =
      ReadWholeFile("reference_server/languages/languages.json");
  ASSERT_TRUE(text.ok()) << text.error().Describe();
  EXPECT_EQ(text.value(), ReadRegistryFile());

  const base::Expected<std::string> missing = ReadWholeFile("/nonexistent/languages.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, base::ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().Describe(), "/nonexistent/languages.json: No such file or directory");
}

}  // namespace
}  // namespace languages

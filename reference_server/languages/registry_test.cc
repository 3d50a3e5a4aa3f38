#include "reference_server/languages/registry.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "reference_server/api/shebang.h"

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

TEST(RegistryTest, TheDataFileListsTheRequiredLanguages) {
  const Registry registry = LoadAll(true);
  for (const char* name : {"python", "bash", "sh", "perl", "javascript", "c", "cpp", "rust", "java",
                           "fortran", "cobol", "pascal", "tcl", "ruby", "lua", "php", "go"}) {
    const Language* language = registry.Find(name);
    ASSERT_NE(language, nullptr) << name;
    EXPECT_FALSE(language->run.empty()) << name;
    EXPECT_FALSE(language->requirements.empty()) << name;
    for (const auto& argv : {language->build, language->run}) {
      if (!argv.empty()) {
        EXPECT_EQ(argv[0][0], '/') << name << ": argv[0] must be absolute";
      }
    }
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
  };
  for (const BadEntry& bad : cases) {
    auto registry = Registry::Parse(bad.json);
    ASSERT_FALSE(registry.ok()) << bad.json;
    EXPECT_EQ(registry.error().Describe(), bad.error);
  }
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

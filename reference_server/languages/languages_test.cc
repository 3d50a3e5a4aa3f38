// Every language of the registry, end to end in the real sandbox: the
// hello-world program of fixtures/hello/ prints its greeting. A language
// whose toolchain is missing on this machine is reported skipped, with
// the path that is missing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <utility>

#include "reference_server/languages/executor.h"
#include "reference_server/languages/expected_languages.h"
#include "reference_server/languages/registry.h"

namespace languages {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Registry& TheRegistry() {
  static Registry* registry = [] {
    auto parsed = Registry::Parse(ReadFile("reference_server/languages/languages.json"));
    auto* loaded = new Registry(std::move(parsed).value());
    loaded->Probe(PathExists);
    return loaded;
  }();
  return *registry;
}

sandbox::Sandbox* shared_sandbox = nullptr;
class SandboxEnvironment : public testing::Environment {
 public:
  void SetUp() override {
    sandbox::Policy policy;  // a uid range apart from other test programs'
    policy.first_host_uid = 1300000 + static_cast<std::uint32_t>(getpid() % 10000) * 100;
    policy.host_uid_count = 100;
    auto created = sandbox::Sandbox::Create(policy);
    ASSERT_TRUE(created.ok()) << created.error().Describe();
    shared_sandbox = std::move(created).value().release();
  }
  void TearDown() override { delete shared_sandbox; }
};
const auto* const kEnvironment = testing::AddGlobalTestEnvironment(new SandboxEnvironment);

// The fixture file of a language: fixtures/hello/<name>.<extension>.
std::string HelloSource(const Language& language) {
  const std::string extension = language.source.substr(language.source.rfind('.'));
  return ReadFile("fixtures/hello/" + language.name + extension);
}

class HelloWorldTest : public testing::TestWithParam<std::string> {};

TEST_P(HelloWorldTest, PrintsTheGreeting) {
  const Language* language = TheRegistry().Find(GetParam());
  ASSERT_NE(language, nullptr);
  if (!language->installed)
    GTEST_SKIP() << GetParam() << ": " << language->missing << " is missing";
  api::ExecuteRequest request;
  request.language = language->name;
  request.code = HelloSource(*language);
  ASSERT_FALSE(request.code.empty()) << "no fixture for " << GetParam();
  request.ttl_seconds = 60;
  const api::ExecutionResult result =
      Execute(*language, request, *shared_sandbox, sandbox::Limits{});
  EXPECT_TRUE(result.success) << (result.error && *result.error ? **result.error : "") << "\n"
                              << *result.stderr_text;
  EXPECT_EQ(result.stdout_text, "Hello from unsandbox!\n");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.language, language->name);
}

std::string TestName(const testing::TestParamInfo<std::string>& info) { return info.param; }

template <std::size_t N>
std::vector<std::string> Names(const char* const (&names)[N]) {
  return std::vector<std::string>(names, names + N);
}

INSTANTIATE_TEST_SUITE_P(Core, HelloWorldTest, testing::ValuesIn(Names(kCoreLanguages)), TestName);
// Installed by `tools/setup` (--languages all, its default); skipped, with
// the path they lack, on a machine set up with --languages core.
INSTANTIATE_TEST_SUITE_P(More, HelloWorldTest, testing::ValuesIn(Names(kMoreLanguages)), TestName);

// tools/setup installs the core languages or all of them: a machine with
// some of the others but not all has a broken set-up, named here.
TEST(InstalledLanguagesTest, AreTheCoreOrAll) {
  for (const char* name : kCoreLanguages) {
    const Language* language = TheRegistry().Find(name);
    ASSERT_NE(language, nullptr) << name;
    EXPECT_TRUE(language->installed) << name << ": " << language->missing << " is missing";
  }
  std::string missing;
  std::size_t installed = 0;
  for (const char* name : kMoreLanguages) {
    const Language* language = TheRegistry().Find(name);
    ASSERT_NE(language, nullptr) << name;
    if (language->installed) {
      ++installed;
    } else {
      missing += std::string(" ") + name + " (" + language->missing + ")";
    }
  }
  if (installed == 0) GTEST_SKIP() << "set up with --languages core";
  EXPECT_EQ(missing, "") << "tools/setup --languages all left these out";
}

api::ExecutionResult RunCode(const std::string& language_name, const std::string& code,
                             int ttl = 30) {
  const Language* language = TheRegistry().Find(language_name);
  api::ExecuteRequest request;
  request.language = language_name;
  request.code = code;
  request.ttl_seconds = ttl;
  return Execute(*language, request, *shared_sandbox, sandbox::Limits{});
}

TEST(ExecutorTest, CompileErrorsComeBackAsAFailedResultWithTheCompilersStderr) {
  const api::ExecutionResult result = RunCode("c", "int main(void) { return undeclared; }\n");
  EXPECT_FALSE(result.success);
  EXPECT_EQ(result.exit_code, 1);
  ASSERT_TRUE(result.error && *result.error);
  EXPECT_EQ(**result.error, "Compilation failed with exit code 1");
  EXPECT_NE(result.stderr_text->find("undeclared"), std::string::npos) << *result.stderr_text;
  EXPECT_EQ(result.stdout_text, "");
}

TEST(ExecutorTest, ANonZeroExitIsAFailedResultWithTheOutput) {
  const api::ExecutionResult result = RunCode("python", "print('partial')\nraise SystemExit(4)\n");
  EXPECT_FALSE(result.success);
  EXPECT_EQ(result.exit_code, 4);
  EXPECT_EQ(result.stdout_text, "partial\n");
  EXPECT_EQ(**result.error, "Process exited with code 4");
}

TEST(ExecutorTest, TimeoutKeepsThePartialOutput) {
  const api::ExecutionResult result =
      RunCode("python", "import time\nprint('started', flush=True)\ntime.sleep(30)\n", 1);
  EXPECT_FALSE(result.success);
  EXPECT_EQ(result.exit_code, -1);
  EXPECT_EQ(result.stdout_text, "started\n");
  EXPECT_EQ(**result.error, "Execution timed out after 1 s");
}

api::ExecutionResult RunWithArtifacts(const std::string& language_name, bool native, bool wasm) {
  const Language* language = TheRegistry().Find(language_name);
  api::ExecuteRequest request;
  request.language = language_name;
  request.code = HelloSource(*language);
  request.return_artifact = native;
  request.return_wasm_artifact = wasm;
  return Execute(*language, request, *shared_sandbox, sandbox::Limits{});
}

TEST(ArtifactTest, CompiledLanguagesReturnTheirBinary) {
  for (const char* name : {"c", "cpp", "rust", "go", "fortran", "pascal"}) {
    const api::ExecutionResult result = RunWithArtifacts(name, true, false);
    ASSERT_TRUE(result.success) << name;
    ASSERT_EQ(result.artifacts->size(), 1u) << name;
    const api::Artifact& binary = result.artifacts->front();
    EXPECT_EQ(binary.filename, "main") << name;
    EXPECT_EQ(binary.content.substr(0, 4),
              "\x7f"
              "ELF")
        << name;
    EXPECT_TRUE(result.warnings.empty()) << name;
  }
  const api::ExecutionResult java = RunWithArtifacts("java", true, false);
  ASSERT_EQ(java.artifacts->size(), 1u);
  EXPECT_EQ(java.artifacts->front().filename, "Main.class");
  EXPECT_EQ(java.artifacts->front().content.substr(0, 4), "\xCA\xFE\xBA\xBE");
}

TEST(ArtifactTest, CAndCppBuildWebAssemblyModules) {
  for (const char* name : {"c", "cpp"}) {
    const api::ExecutionResult result = RunWithArtifacts(name, true, true);
    ASSERT_TRUE(result.success) << name;
    EXPECT_EQ(result.stdout_text, "Hello from unsandbox!\n") << name;
    ASSERT_EQ(result.artifacts->size(), 2u) << name << " " << *result.stderr_text;
    EXPECT_EQ(result.artifacts->at(1).filename, "main.wasm");
    EXPECT_EQ(result.artifacts->at(1).content.substr(0, 4), std::string("\0asm", 4)) << name;
  }
}

TEST(ArtifactTest, LanguagesWithoutOneSaySo) {
  const api::ExecutionResult result = RunWithArtifacts("python", true, true);
  EXPECT_TRUE(result.success);
  EXPECT_TRUE(result.artifacts->empty());
  EXPECT_EQ(result.warnings,
            (std::vector<std::string>{
                "return_artifact: python is not compiled to a file; there is no artifact",
                "return_wasm_artifact: no WebAssembly recipe for python"}));
}

TEST(ArtifactTest, AWasmBuildFailureDoesNotFailTheRun) {
  const Language* c = TheRegistry().Find("c");
  api::ExecuteRequest request;
  request.language = "c";
  // Runs natively; WASI has no fork(), so the WebAssembly build fails.
  request.code =
      "#include <stdio.h>\n#include <unistd.h>\n"
      "int main(void) { (void)fork; puts(\"native\"); return 0; }\n";
  request.return_wasm_artifact = true;
  const api::ExecutionResult result = Execute(*c, request, *shared_sandbox, {});
  EXPECT_TRUE(result.success) << *result.stderr_text;
  EXPECT_EQ(result.stdout_text, "native\n");
  EXPECT_TRUE(result.artifacts->empty());
  EXPECT_EQ(result.warnings, (std::vector<std::string>{"artifact main.wasm: was not produced"}));
}

TEST(ExecutorTest, EnvAndInputFilesReachTheProgram) {
  const Language* python = TheRegistry().Find("python");
  api::ExecuteRequest request;
  request.language = "python";
  request.code = "import os\nprint(os.environ['GREETING'], open('data.csv').read())\n";
  request.env = {{"GREETING", "hi"}};
  request.input_files = {{"data.csv", "a,b"}};
  const api::ExecutionResult result = Execute(*python, request, *shared_sandbox, {});
  EXPECT_EQ(result.stdout_text, "hi a,b\n") << *result.stderr_text;
}

}  // namespace
}  // namespace languages

#include "conformance/options.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace conformance {
namespace {

class OptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("CONFORMANCE_API_KEY");
    unsetenv("CONFORMANCE_SECOND_API_KEY");
  }
  void TearDown() override { SetUp(); }

  // ParseOptions on "conformance ARGS..."; the error's message, "" on
  // success (the options then in options_).
  std::string Parse(const std::vector<std::string>& args) {
    base::Expected<Options> parsed = ParseRaw(args);
    options_ = parsed.ok() ? std::move(parsed).value() : Options();
    return parsed.ok() ? "" : parsed.error().message;
  }

  static base::Expected<Options> ParseRaw(const std::vector<std::string>& args) {
    std::vector<const char*> argv = {"conformance"};
    for (const std::string& arg : args) argv.push_back(arg.c_str());
    return ParseOptions(static_cast<int>(argv.size()), argv.data());
  }

  Options options_;
};

TEST_F(OptionsTest, Defaults) {
  ASSERT_EQ(Parse({}), "");
  EXPECT_EQ(options_.target, "");
  EXPECT_EQ(options_.api_key, "");
  EXPECT_EQ(options_.jobs, 4);
  EXPECT_EQ(options_.timeout_scale, 1.0);
  EXPECT_FALSE(options_.list);
  EXPECT_FALSE(options_.coverage);
  EXPECT_FALSE(options_.help);
  EXPECT_TRUE(options_.filters.empty());
  EXPECT_FALSE(options_.strict);
  EXPECT_EQ(options_.max_duration, std::nullopt);
  EXPECT_EQ(options_.html_path, "");
}

TEST_F(OptionsTest, EveryFlag) {
  ASSERT_EQ(Parse({"--target",
                   "http://h:1/b",
                   "--api-key",
                   "k1",
                   "--second-api-key",
                   "k2",
                   "--filter",
                   "a.*",
                   "--filter",
                   "b.*",
                   "--exclude",
                   "c.*",
                   "--list",
                   "--coverage",
                   "--help",
                   "--junit",
                   "j.xml",
                   "--json",
                   "r.json",
                   "--expectations",
                   "e.json",
                   "--write-expectations",
                   "w.json",
                   "--jobs",
                   "8",
                   "--timeout-scale",
                   "2.5",
                   "--fixtures",
                   "fx",
                   "--schemas",
                   "sc",
                   "--replay-dir",
                   "rd",
                   "--server-arg",
                   "--flag1",
                   "--server-arg",
                   "x y",
                   "--html",
                   "r.html",
                   "--strict",
                   "--max-duration",
                   "90s"}),
            "");
  EXPECT_EQ(options_.target, "http://h:1/b");
  EXPECT_EQ(options_.api_key, "k1");
  EXPECT_EQ(options_.second_api_key, "k2");
  EXPECT_EQ(options_.filters, (std::vector<std::string>{"a.*", "b.*"}));
  EXPECT_EQ(options_.excludes, std::vector<std::string>{"c.*"});
  EXPECT_TRUE(options_.list);
  EXPECT_TRUE(options_.coverage);
  EXPECT_TRUE(options_.help);
  EXPECT_EQ(options_.junit_path, "j.xml");
  EXPECT_EQ(options_.json_path, "r.json");
  EXPECT_EQ(options_.expectations_path, "e.json");
  EXPECT_EQ(options_.write_expectations_path, "w.json");
  EXPECT_EQ(options_.jobs, 8);
  EXPECT_EQ(options_.timeout_scale, 2.5);
  EXPECT_EQ(options_.fixtures_dir, "fx");
  EXPECT_EQ(options_.schemas_dir, "sc");
  EXPECT_EQ(options_.replay_dir, "rd");
  EXPECT_EQ(options_.server_args, (std::vector<std::string>{"--flag1", "x y"}));
  EXPECT_EQ(options_.html_path, "r.html");
  EXPECT_TRUE(options_.strict);
  EXPECT_EQ(options_.max_duration, std::chrono::milliseconds(90'000));
}

TEST_F(OptionsTest, ShortHelp) {
  ASSERT_EQ(Parse({"-h"}), "");
  EXPECT_TRUE(options_.help);
}

TEST_F(OptionsTest, EqualsForm) {
  ASSERT_EQ(Parse({"--target=http://h:2", "--api-key=k=v", "--jobs=3", "--timeout-scale=0.5",
                   "--filter=a.*", "--junit=out.xml", "--server-arg=--x=1"}),
            "");
  EXPECT_EQ(options_.target, "http://h:2");
  EXPECT_EQ(options_.api_key, "k=v");  // split at the first '='
  EXPECT_EQ(options_.jobs, 3);
  EXPECT_EQ(options_.timeout_scale, 0.5);
  EXPECT_EQ(options_.filters, std::vector<std::string>{"a.*"});
  EXPECT_EQ(options_.junit_path, "out.xml");
  EXPECT_EQ(options_.server_args, std::vector<std::string>{"--x=1"});
}

TEST_F(OptionsTest, EmptyValueInEqualsForm) {
  ASSERT_EQ(Parse({"--json="}), "");
  EXPECT_EQ(options_.json_path, "");
  EXPECT_EQ(Parse({"--jobs="}), "--jobs: not a number: ''");
}

TEST_F(OptionsTest, BooleanFlagsTakeNoValue) {
  EXPECT_EQ(Parse({"--list=yes"}), "--list takes no value");
  EXPECT_EQ(Parse({"--coverage=1"}), "--coverage takes no value");
  EXPECT_EQ(Parse({"--help="}), "--help takes no value");
}

TEST_F(OptionsTest, MissingValues) {
  for (const char* flag :
       {"--target", "--api-key", "--second-api-key", "--filter", "--exclude", "--junit", "--json",
        "--expectations", "--write-expectations", "--jobs", "--timeout-scale", "--fixtures",
        "--schemas", "--replay-dir", "--server-arg", "--html", "--max-duration"}) {
    EXPECT_EQ(Parse({flag}), std::string(flag) + " needs a value");
  }
}

TEST_F(OptionsTest, Jobs) {
  ASSERT_EQ(Parse({"--jobs", "1"}), "");
  EXPECT_EQ(options_.jobs, 1);
  ASSERT_EQ(Parse({"--jobs", "64"}), "");
  EXPECT_EQ(options_.jobs, 64);
  for (const char* bad : {"0", "65", "-1", "1.5", "1000000000000"}) {
    EXPECT_EQ(Parse({"--jobs", bad}), "--jobs must be an integer from 1 to 64") << bad;
  }
  EXPECT_EQ(Parse({"--jobs", "x"}), "--jobs: not a number: 'x'");
  EXPECT_EQ(Parse({"--jobs", "4x"}), "--jobs: not a number: '4x'");
  EXPECT_EQ(Parse({"--jobs", ""}), "--jobs: not a number: ''");
}

TEST_F(OptionsTest, TimeoutScale) {
  ASSERT_EQ(Parse({"--timeout-scale", "0.1"}), "");
  EXPECT_EQ(options_.timeout_scale, 0.1);
  ASSERT_EQ(Parse({"--timeout-scale", "100"}), "");
  EXPECT_EQ(options_.timeout_scale, 100);
  for (const char* bad : {"0", "0.09", "100.5", "-2", "nan", "inf"}) {
    EXPECT_EQ(Parse({"--timeout-scale", bad}), "--timeout-scale must be from 0.1 to 100") << bad;
  }
  EXPECT_EQ(Parse({"--timeout-scale", "fast"}), "--timeout-scale: not a number: 'fast'");
}

TEST_F(OptionsTest, UnknownFlag) {
  EXPECT_EQ(Parse({"--bogus"}), "unknown option --bogus (see --help)");
  EXPECT_EQ(Parse({"--bogus=1"}), "unknown option --bogus (see --help)");
  EXPECT_EQ(Parse({"--list", "stray"}), "unknown option stray (see --help)");
  EXPECT_EQ(Parse({"-x"}), "unknown option -x (see --help)");
}

TEST_F(OptionsTest, TargetNeedsAKey) {
  EXPECT_EQ(Parse({"--target", "http://h:1"}), "--target needs --api-key (or CONFORMANCE_API_KEY)");
  EXPECT_EQ(Parse({"--target", "http://h:1", "--second-api-key", "k2"}),
            "--target needs --api-key (or CONFORMANCE_API_KEY)");
  // Listing the cases talks to no server.
  EXPECT_EQ(Parse({"--target", "http://h:1", "--list"}), "");
  EXPECT_EQ(Parse({"--target", "http://h:1", "--coverage"}), "");
}

TEST_F(OptionsTest, KeysNeedATarget) {
  const std::string error = "--api-key is for --target; the embedded server makes its own keys";
  EXPECT_EQ(Parse({"--api-key", "k"}), error);
  EXPECT_EQ(Parse({"--second-api-key", "k"}), error);
  EXPECT_EQ(Parse({"--api-key=k", "--list"}), error);
}

TEST_F(OptionsTest, KeysFromTheEnvironment) {
  setenv("CONFORMANCE_API_KEY", "env-key", 1);
  setenv("CONFORMANCE_SECOND_API_KEY", "env-key-2", 1);
  ASSERT_EQ(Parse({"--target", "http://h:1"}), "");
  EXPECT_EQ(options_.api_key, "env-key");
  EXPECT_EQ(options_.second_api_key, "env-key-2");
  // A flag overrides the environment.
  ASSERT_EQ(Parse({"--target", "http://h:1", "--api-key", "flag-key"}), "");
  EXPECT_EQ(options_.api_key, "flag-key");
  EXPECT_EQ(options_.second_api_key, "env-key-2");
  // Keys in the environment do not make --target mandatory.
  EXPECT_EQ(Parse({}), "");
}

TEST_F(OptionsTest, UsageNamesEveryFlag) {
  const std::string usage = Usage();
  for (const char* flag : {"--target",
                           "--api-key",
                           "--second-api-key",
                           "--filter",
                           "--exclude",
                           "--list",
                           "--coverage",
                           "--junit",
                           "--json",
                           "--jobs",
                           "--timeout-scale",
                           "--expectations",
                           "--write-expectations",
                           "--replay-dir",
                           "--fixtures",
                           "--schemas",
                           "--server-arg",
                           "--ca-file",
                           "--insecure",
                           "--html",
                           "--strict",
                           "--max-duration"}) {
    EXPECT_NE(usage.find(flag), std::string::npos) << flag;
  }
}

TEST_F(OptionsTest, ErrorsAreUsageErrorsNamingTheirOption) {
  for (const auto& [args, flag] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--jobs", "0"}, "--jobs"},
           {{"--timeout-scale", "x"}, "--timeout-scale"},
           {{"--list=1"}, "--list"},
           {{"--json"}, "--json"},
           {{"--bogus=1"}, "--bogus"},
           {{"--target", "http://h:1"}, "--api-key"},
           {{"--second-api-key", "k"}, "--api-key"},
           {{"--strict=1"}, "--strict"},
           {{"--max-duration", "0"}, "--max-duration"},
           {{"--max-duration", "soon"}, "--max-duration"},
           {{"--max-duration", "8d"}, "--max-duration"}}) {
    const base::Expected<Options> parsed = ParseRaw(args);
    ASSERT_FALSE(parsed.ok()) << flag;
    EXPECT_EQ(parsed.error().code, base::ErrorCode::kInvalidArgument) << flag;
    EXPECT_EQ(parsed.error().where, flag);
    EXPECT_EQ(parsed.error().exit_status(), 2) << flag;
  }
}

TEST_F(OptionsTest, UsageShowsTheDefaultsOfOptions) {
  const Options defaults;
  EXPECT_NE(Usage().find("(default " + std::to_string(defaults.jobs) + ")"), std::string::npos);
  EXPECT_NE(Usage().find("--jobs N                 cases run in parallel (default 4)"),
            std::string::npos);
  EXPECT_NE(Usage().find("multiply every timeout and deadline (default 1)\n"), std::string::npos);
}

TEST_F(OptionsTest, TlsOptions) {
  ASSERT_EQ(Parse({"--target", "https://h", "--api-key", "k", "--ca-file", "ca.pem"}), "");
  EXPECT_EQ(options_.ca_file, "ca.pem");
  EXPECT_FALSE(options_.insecure);
  ASSERT_EQ(Parse({"--target", "https://h", "--api-key", "k", "--insecure"}), "");
  EXPECT_TRUE(options_.insecure);
  EXPECT_EQ(Parse({"--insecure=yes"}), "--insecure takes no value");
}

TEST_F(OptionsTest, NotANumberIsRefusedWithoutAnUndefinedCast) {
  EXPECT_EQ(Parse({"--jobs", "nan"}), "--jobs must be an integer from 1 to 64");
  EXPECT_EQ(Parse({"--jobs", "inf"}), "--jobs must be an integer from 1 to 64");
  EXPECT_EQ(Parse({"--timeout-scale", "nan"}), "--timeout-scale must be from 0.1 to 100");
}

TEST_F(OptionsTest, MaxDurationUnits) {
  using std::chrono::milliseconds;
  for (const auto& [text, ms] : std::vector<std::pair<std::string, std::int64_t>>{
           {"90s", 90'000},
           {"10m", 600'000},
           {"1500ms", 1500},
           {"90", 90'000},  // a bare number is seconds
           {"1.5", 1500},
           {"0.5s", 500},
           {"2h", 7'200'000},
           {"1ms", 1},
           {"168h", 604'800'000}}) {
    ASSERT_EQ(Parse({"--max-duration", text}), "") << text;
    EXPECT_EQ(options_.max_duration, milliseconds(ms)) << text;
  }
  ASSERT_EQ(Parse({"--max-duration=3s"}), "");
  EXPECT_EQ(options_.max_duration, milliseconds(3000));
}

TEST_F(OptionsTest, MaxDurationErrors) {
  for (const char* bad : {"0", "0s", "-5s", "-1", "0.0001", "0.4ms"}) {
    EXPECT_EQ(Parse({"--max-duration", bad}),
              "--max-duration must be at least 1 ms, not '" + std::string(bad) + "'");
  }
  for (const char* bad : {"169h", "605000s", "99999999999999999999999"}) {
    EXPECT_EQ(Parse({"--max-duration", bad}),
              "--max-duration must be at most 7 days, not '" + std::string(bad) + "'");
  }
  for (const char* bad : {"", "s", "soon", "10 s", " 10s", "1e3", "0x10", "inf", "nan", "10d",
                          "10sec", "1.2.3s", "--5s", "ms"}) {
    EXPECT_EQ(Parse({"--max-duration", bad}), "--max-duration: not a duration: '" +
                                                  std::string(bad) +
                                                  "' (a number and ms, s, m or h: 90s)");
  }
  EXPECT_EQ(Parse({"--max-duration"}), "--max-duration needs a value");
}

TEST_F(OptionsTest, StrictTakesNoValue) {
  ASSERT_EQ(Parse({"--strict"}), "");
  EXPECT_TRUE(options_.strict);
  EXPECT_EQ(Parse({"--strict=yes"}), "--strict takes no value");
}

TEST_F(OptionsTest, DurationText) {
  EXPECT_EQ(DurationText(std::chrono::milliseconds(90'000)), "90 s");
  EXPECT_EQ(DurationText(std::chrono::milliseconds(1500)), "1.5 s");
  EXPECT_EQ(DurationText(std::chrono::milliseconds(600'000)), "600 s");
}

std::string CommandLine(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  return CommandLineWithoutKeys(static_cast<int>(argv.size()), argv.data());
}

TEST_F(OptionsTest, TheCommandLineForReportsHasNoKeys) {
  EXPECT_EQ(CommandLine({"/x/bazel-bin/conformance/conformance", "--target", "http://h:1",
                         "--api-key", "s3cret", "--second-api-key=other-secret", "--filter",
                         "jobs.*", "--server-arg", "a b", "--json", "r.json", "--strict"}),
            "conformance --target http://h:1 --api-key *** --second-api-key=*** --filter "
            "'jobs.*' --server-arg 'a b' --json r.json --strict");
  EXPECT_EQ(CommandLine({"conformance", "--filter", "it's"}), "conformance --filter 'it'\\''s'");
  EXPECT_EQ(CommandLine({"conformance", "--json="}), "conformance --json=");
  EXPECT_EQ(CommandLine({"conformance", ""}), "conformance ''");
  const std::string line =
      CommandLine({"conformance", "--api-key=k1", "--second-api-key", "k2", "--api-key", "k3"});
  for (const char* key : {"k1", "k2", "k3"}) EXPECT_EQ(line.find(key), std::string::npos) << line;
}

}  // namespace
}  // namespace conformance

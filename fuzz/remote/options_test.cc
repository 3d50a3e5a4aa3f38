#include "fuzz/remote/options.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace remote_fuzz {
namespace {

base::Expected<Options> ParseRaw(const std::vector<std::string>& args) {
  std::vector<const char*> argv = {"api_fuzz"};
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  return ParseOptions(static_cast<int>(argv.size()), argv.data());
}

// Parses `args` (without the program name) into `options`; the error's
// message, "" on success.
std::string Parse(std::vector<std::string> args, Options* options) {
  base::Expected<Options> parsed = ParseRaw(args);
  if (!parsed.ok()) return parsed.error().message;
  *options = std::move(parsed).value();
  return "";
}

std::string Error(std::vector<std::string> args) {
  Options options;
  return Parse(std::move(args), &options);
}

TEST(ParseOptions, Defaults) {
  Options o;
  ASSERT_EQ(Parse({}, &o), "");
  EXPECT_EQ(o.seconds, 60) << "neither --seconds nor --requests: 60 s";
  EXPECT_EQ(o.requests, 0u);
  EXPECT_TRUE(o.target.empty()) << "the embedded server";
  EXPECT_FALSE(o.seed_given);
  EXPECT_FALSE(o.index.has_value());
  EXPECT_EQ(o.rate, 0);
  EXPECT_EQ(o.jobs, 2);
  EXPECT_EQ(o.batch, 500u);
  EXPECT_EQ(o.answer_timeout_ms, 10000);
  EXPECT_EQ(o.close_timeout_ms, 2000);
  EXPECT_EQ(o.findings_dir, "fuzz-findings");
  EXPECT_TRUE(o.minimize);
  EXPECT_FALSE(o.validation_only);
  EXPECT_FALSE(o.help);
  EXPECT_FALSE(o.list_checks);
}

TEST(ParseOptions, RequestsAloneMeanNoTimeLimit) {
  Options o;
  ASSERT_EQ(Parse({"--requests", "100"}, &o), "");
  EXPECT_EQ(o.requests, 100u);
  EXPECT_EQ(o.seconds, 0) << "only the count limits the campaign";
  Options both;
  ASSERT_EQ(Parse({"--requests", "100", "--seconds", "2.5"}, &both), "");
  EXPECT_EQ(both.requests, 100u);
  EXPECT_EQ(both.seconds, 2.5);
}

TEST(ParseOptions, EveryValue) {
  Options o;
  ASSERT_EQ(Parse({"--target",
                   "http://h:1/base",
                   "--api-key",
                   "K1",
                   "--second-api-key",
                   "K2",
                   "--seconds",
                   "5",
                   "--seed",
                   "18446744073709551615",
                   "--index",
                   "9",
                   "--rate",
                   "2.5",
                   "--jobs",
                   "64",
                   "--json",
                   "r.json",
                   "--junit",
                   "r.xml",
                   "--html",
                   "r.html",
                   "--findings-dir",
                   "out",
                   "--fixtures",
                   "fx",
                   "--answer-timeout-ms",
                   "100",
                   "--close-timeout-ms",
                   "10",
                   "--batch",
                   "1",
                   "--no-minimize",
                   "--validation-only",
                   "--list-checks",
                   "-h"},
                  &o),
            "");
  EXPECT_EQ(o.target, "http://h:1/base");
  EXPECT_EQ(o.api_key, "K1");
  EXPECT_EQ(o.second_api_key, "K2");
  EXPECT_EQ(o.seconds, 5);
  EXPECT_EQ(o.seed, 18446744073709551615ull);
  EXPECT_TRUE(o.seed_given);
  EXPECT_EQ(o.index, 9u);
  EXPECT_EQ(o.rate, 2.5);
  EXPECT_EQ(o.jobs, 64);
  EXPECT_EQ(o.json_path, "r.json");
  EXPECT_EQ(o.junit_path, "r.xml");
  EXPECT_EQ(o.html_path, "r.html");
  EXPECT_EQ(o.findings_dir, "out");
  EXPECT_EQ(o.fixtures_dir, "fx");
  EXPECT_EQ(o.answer_timeout_ms, 100);
  EXPECT_EQ(o.close_timeout_ms, 10);
  EXPECT_EQ(o.batch, 1u);
  EXPECT_FALSE(o.minimize);
  EXPECT_TRUE(o.validation_only);
  EXPECT_TRUE(o.list_checks);
  EXPECT_TRUE(o.help);
}

TEST(ParseOptions, TlsSettings) {
  Options o;
  EXPECT_EQ(o.ca_file, "");
  EXPECT_FALSE(o.insecure);
  ASSERT_EQ(Parse({"--target", "https://h/", "--api-key", "K", "--ca-file", "ca.pem"}, &o), "");
  EXPECT_EQ(o.ca_file, "ca.pem");
  EXPECT_FALSE(o.insecure);
  Options equals;
  ASSERT_EQ(Parse({"--target=https://h/", "--api-key=K", "--ca-file=/etc/ca.pem"}, &equals), "");
  EXPECT_EQ(equals.ca_file, "/etc/ca.pem");
  Options insecure;
  ASSERT_EQ(Parse({"--target", "https://h/", "--api-key", "K", "--insecure"}, &insecure), "");
  EXPECT_TRUE(insecure.insecure);
  EXPECT_EQ(insecure.ca_file, "");
  EXPECT_NE(Error({"--insecure=yes"}).find("--insecure takes no value"), std::string::npos);
  EXPECT_NE(Error({"--ca-file"}).find("--ca-file needs a value"), std::string::npos);
  const std::string both =
      Error({"--target", "https://h/", "--api-key", "K", "--ca-file", "ca.pem", "--insecure"});
  EXPECT_NE(both.find("--ca-file and --insecure"), std::string::npos) << both;
}

TEST(ParseOptions, ServerArgsRepeat) {
  Options o;
  ASSERT_EQ(Parse({"--server-arg", "--workers=1", "--server-arg", "-v"}, &o), "");
  EXPECT_EQ(o.server_args, (std::vector<std::string>{"--workers=1", "-v"}));
}

TEST(ParseOptions, IndexNeedsSeed) {
  EXPECT_EQ(Error({"--index", "3"}), "--index needs the --seed it belongs to");
  Options o;
  EXPECT_EQ(Parse({"--index", "3", "--seed", "4"}, &o), "") << "in any order";
  EXPECT_EQ(o.index, 3u);
  EXPECT_EQ(o.seed, 4u);
}

TEST(ParseOptions, TargetNeedsApiKeyAndKeysNeedTarget) {
  EXPECT_EQ(Error({"--target", "http://h:1"}), "--target needs --api-key");
  EXPECT_NE(Error({"--api-key", "K"}).find("--api-key"), std::string::npos);
  EXPECT_NE(Error({"--second-api-key", "K"}).find("--second-api-key"), std::string::npos);
  EXPECT_NE(
      Error({"--target", "http://h:1", "--api-key", "K", "--server-arg", "x"}).find("--server-arg"),
      std::string::npos);
  Options o;
  EXPECT_EQ(Parse({"--target", "http://h:1", "--api-key", "K"}, &o), "");
}

struct BadCase {
  std::vector<std::string> args;
  std::string flag;  // the message must name it
};

TEST(ParseOptions, EveryErrorNamesItsFlag) {
  const std::vector<BadCase> cases = {
      {{"--seconds", "0"}, "--seconds"},
      {{"--seconds", "-1"}, "--seconds"},
      {{"--seconds", "abc"}, "--seconds"},
      {{"--seconds", "nan"}, "--seconds"},
      {{"--seconds", "inf"}, "--seconds"},
      {{"--seconds", "604801"}, "--seconds"},
      {{"--seconds", ""}, "--seconds"},
      {{"--requests", "0"}, "--requests"},
      {{"--requests", "1000000001"}, "--requests"},
      {{"--requests", "-5"}, "--requests"},
      {{"--requests", "5x"}, "--requests"},
      {{"--seed", "x"}, "--seed"},
      {{"--seed", "-1"}, "--seed"},
      {{"--seed", "18446744073709551616"}, "--seed"},
      {{"--index", "one"}, "--index"},
      {{"--rate", "0"}, "--rate"},
      {{"--rate", "1e-10"}, "--rate"},
      {{"--rate", "1e7"}, "--rate"},
      {{"--jobs", "0"}, "--jobs"},
      {{"--jobs", "65"}, "--jobs"},
      {{"--answer-timeout-ms", "99"}, "--answer-timeout-ms"},
      {{"--close-timeout-ms", "9"}, "--close-timeout-ms"},
      {{"--batch", "0"}, "--batch"},
      {{"--bogus", "1"}, "--bogus"},
      {{"--seconds"}, "--seconds"},
      {{"--target"}, "--target"},
      {{"--seed", "1", "--index"}, "--index"},
      {{"stray"}, "stray"},
  };
  for (const BadCase& bad : cases) {
    std::string joined;
    for (const std::string& arg : bad.args) joined += arg + " ";
    const std::string error = Error(bad.args);
    EXPECT_NE(error, "") << joined;
    EXPECT_NE(error.find(bad.flag), std::string::npos) << joined << "-> " << error;
    // A bad value is quoted back.
    if (bad.args.size() == 2 && !bad.args[1].empty() && bad.flag != "--bogus") {
      EXPECT_NE(error.find("'" + bad.args[1] + "'"), std::string::npos) << joined << "-> " << error;
    }
  }
}

TEST(ParseOptions, FlagEqualsValue) {
  Options o;
  ASSERT_EQ(Parse({"--seconds=3", "--seed=5", "--index=2", "--server-arg=--a=b"}, &o), "");
  EXPECT_EQ(o.seconds, 3);
  EXPECT_EQ(o.seed, 5u);
  EXPECT_EQ(o.index, 2u);
  EXPECT_EQ(o.server_args, (std::vector<std::string>{"--a=b"}));
  EXPECT_NE(Error({"--jobs=0"}).find("--jobs"), std::string::npos);
  // A switch takes no value.
  EXPECT_EQ(Error({"--no-minimize=1"}), "--no-minimize takes no value");
  // A value that looks like "--flag=value" is a value, whole.
  Options spaced;
  ASSERT_EQ(Parse({"--server-arg", "--workers=1", "--fixtures", "--x=y"}, &spaced), "");
  EXPECT_EQ(spaced.server_args, (std::vector<std::string>{"--workers=1"}));
  EXPECT_EQ(spaced.fixtures_dir, "--x=y");
}

TEST(ParseOptions, UntilFoundTakesKnownChecks) {
  Options o;
  ASSERT_EQ(Parse({"--until-found", "no_server_error,well_framed"}, &o), "");
  EXPECT_EQ(o.until_found, (std::vector<std::string>{"no_server_error", "well_framed"}));
  const std::string error = Error({"--until-found", "no_server_error,nope"});
  EXPECT_NE(error.find("--until-found"), std::string::npos) << error;
  EXPECT_NE(error.find("'nope'"), std::string::npos) << error;
  EXPECT_NE(Error({"--until-found", ""}).find("--until-found"), std::string::npos);
}

TEST(Usage, MentionsEveryFlag) {
  for (const char* flag : {"--target",
                           "--api-key",
                           "--second-api-key",
                           "--seconds",
                           "--requests",
                           "--seed",
                           "--index",
                           "--rate",
                           "--jobs",
                           "--json",
                           "--junit",
                           "--html",
                           "--findings-dir",
                           "--fixtures",
                           "--answer-timeout-ms",
                           "--close-timeout-ms",
                           "--batch",
                           "--validation-only",
                           "--no-minimize",
                           "--list-checks",
                           "--server-arg",
                           "--until-found",
                           "--ca-file",
                           "--insecure"}) {
    EXPECT_NE(Usage().find(flag), std::string::npos) << flag;
  }
}

TEST(Usage, ShowsTheDefaultsOfOptions) {
  const Options defaults;
  for (const char* line :
       {"stop after N seconds (default 60)\n", "parallel connections (default 2)\n",
        "where reproducers are written (default fuzz-findings)\n",
        "an answer must come within N ms (default 10000)\n", "must close within N ms (2000)\n",
        "after every N cases (default 500)\n"}) {
    EXPECT_NE(Usage().find(line), std::string::npos) << line;
  }
  EXPECT_NE(Usage().find("(default " + std::to_string(defaults.jobs) + ")"), std::string::npos);
  EXPECT_NE(Usage().find("(default " + defaults.findings_dir + ")"), std::string::npos);
}

TEST(ParseOptions, ErrorsAreUsageErrorsNamingTheirOption) {
  for (const BadCase& bad : std::vector<BadCase>{{{"--jobs", "0"}, "--jobs"},
                                                 {{"--seed", "x"}, "--seed"},
                                                 {{"--insecure=1"}, "--insecure"},
                                                 {{"--bogus", "1"}, "--bogus"},
                                                 {{"stray"}, "stray"},
                                                 {{"--target", "http://h"}, "--api-key"},
                                                 {{"--index", "3"}, "--index"}}) {
    const base::Expected<Options> parsed = ParseRaw(bad.args);
    ASSERT_FALSE(parsed.ok()) << bad.flag;
    EXPECT_EQ(parsed.error().code, base::ErrorCode::kInvalidArgument) << bad.flag;
    EXPECT_EQ(parsed.error().where, bad.flag);
    EXPECT_EQ(parsed.error().exit_status(), 2) << bad.flag;
  }
}

}  // namespace
}  // namespace remote_fuzz

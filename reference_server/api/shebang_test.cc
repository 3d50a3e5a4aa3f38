#include "reference_server/api/shebang.h"

#include <gtest/gtest.h>

namespace api {
namespace {

struct ShebangCase {
  std::string name;
  std::string code;
  std::string language;  // empty: not detected
  std::string interpreter;
};

class ShebangTest : public testing::TestWithParam<ShebangCase> {};

TEST_P(ShebangTest, DetectsTheLanguage) {
  auto detected = DetectLanguageFromShebang(GetParam().code);
  if (GetParam().language.empty()) {
    ASSERT_FALSE(detected.ok());
    EXPECT_EQ(detected.error().code, ErrorCode::kLanguageNotDetected);
    EXPECT_EQ(detected.error().field, "body");
    return;
  }
  ASSERT_TRUE(detected.ok()) << detected.error().Describe();
  EXPECT_EQ(detected.value().language, GetParam().language);
  EXPECT_EQ(detected.value().interpreter, GetParam().interpreter);
}

INSTANTIATE_TEST_SUITE_P(
    Interpreters, ShebangTest,
    testing::Values(
        ShebangCase{"EnvPython3", "#!/usr/bin/env python3\nprint(1)", "python", "python3"},
        ShebangCase{"VersionedPath", "#!/usr/bin/python3.11\n", "python", "python3.11"},
        ShebangCase{"BinSh", "#!/bin/sh\necho", "sh", "sh"},
        ShebangCase{"EnvSplitNode", "#!/usr/bin/env -S node --flag\n", "javascript", "node"},
        ShebangCase{"EnvSplitJoined", "#!/usr/bin/env -Spython3 -u\n", "python", "python3"},
        ShebangCase{"EnvSplitStringLong", "#!/usr/bin/env --split-string=node --flag\n",
                    "javascript", "node"},
        ShebangCase{"EnvRuby", "#!/usr/bin/env ruby\nputs 1", "ruby", "ruby"},
        ShebangCase{"PerlWithFlag", "#!/usr/bin/perl -w\n", "perl", "perl"},
        ShebangCase{"Php", "#!/usr/bin/php\n<?php", "php", "php"},
        ShebangCase{"VersionedLua", "#!/usr/bin/env lua5.4\n", "lua", "lua5.4"},
        ShebangCase{"Bash", "#!/bin/bash\n", "bash", "bash"},
        ShebangCase{"SpaceAfterBang", "#! /bin/bash\n", "bash", "bash"},
        ShebangCase{"TabsAroundWords", "#!\t/usr/bin/env\tperl\t\n", "perl", "perl"},
        ShebangCase{"CrLf", "#!/bin/sh\r\necho", "sh", "sh"},
        ShebangCase{"NoNewline", "#!/usr/bin/env node", "javascript", "node"},
        ShebangCase{"EnvIgnoreEnvironment", "#!/usr/bin/env -i PATH=/bin python3\n", "python",
                    "python3"},
        ShebangCase{"EnvUnset", "#!/usr/bin/env -u HOME perl\n", "perl", "perl"},
        ShebangCase{"EnvDoubleDash", "#!/usr/bin/env -- bash\n", "bash", "bash"},
        ShebangCase{"EnvCommandWithPath", "#!/usr/bin/env /usr/local/bin/ruby\n", "ruby", "ruby"},
        ShebangCase{"RelativeInterpreter", "#!python\n", "python", "python"},
        ShebangCase{"Rscript", "#!/usr/bin/env Rscript\n", "r", "Rscript"},
        ShebangCase{"Nodejs", "#!/usr/bin/nodejs\n", "javascript", "nodejs"},
        ShebangCase{"Dash", "#!/bin/dash\n", "sh", "dash"},
        ShebangCase{"DashBeforeVersion", "#!/usr/bin/guile-3.0 -s\n!#\n", "scheme", "guile-3.0"},
        ShebangCase{"Ksh93", "#!/bin/ksh93\n", "ksh", "ksh93"},
        ShebangCase{"Perl6IsRaku", "#!/usr/bin/env perl6\n", "raku", "perl6"},
        ShebangCase{"Perl5IsPerl", "#!/usr/bin/perl5.36\n", "perl", "perl5.36"},
        ShebangCase{"Swipl", "#!/usr/bin/env swipl\n", "prolog", "swipl"},
        ShebangCase{"Gforth", "#! /usr/bin/env gforth\n", "forth", "gforth"},
        ShebangCase{"Rakudo", "#!/usr/bin/rakudo\n", "raku", "rakudo"},
        ShebangCase{"DashAlone", "#!/usr/bin/env -\n", "", ""},
        ShebangCase{"NoShebang", "print('hi')\n", "", ""},
        ShebangCase{"LeadingSpace", " #!/bin/sh\n", "", ""},
        ShebangCase{"ShebangOnSecondLine", "\n#!/bin/sh\n", "", ""},
        ShebangCase{"EmptyShebang", "#!\n", "", ""},
        ShebangCase{"EnvAlone", "#!/usr/bin/env\n", "", ""},
        ShebangCase{"EnvOnlyOptions", "#!/usr/bin/env -i A=1\n", "", ""},
        ShebangCase{"UnknownInterpreter", "#!/usr/bin/cobc\n", "", ""},
        ShebangCase{"InterpreterOnLaterLineIgnored", "#!/bin/false\n#!/bin/sh\n", "", ""},
        ShebangCase{"VersionOnly", "#!/usr/bin/3.11\n", "", ""}),
    [](const testing::TestParamInfo<ShebangCase>& info) { return info.param.name; });

}  // namespace
}  // namespace api

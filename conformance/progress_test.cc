#include "conformance/progress.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace conformance {
namespace {

constexpr char kRewrite[] = "\r\x1b[K";

class ProgressTest : public ::testing::Test {
 protected:
  // A finished case of that id and grade.
  ReportedCase Ended(const std::string& id, Grade grade, const std::string& reason = "") {
    ReportedCase reported;
    reported.c = &case_;
    reported.result.id = id;
    reported.result.grade = grade;
    reported.result.reason = reason;
    reported.result.seconds = 0.25;
    return reported;
  }

  Case case_;
  std::ostringstream out_;
};

// Not a terminal: exactly the lines of ProgressLine, one per case, as
// before the live line existed (CI logs and tests read them).
TEST_F(ProgressTest, PlainIsOneLinePerCase) {
  Progress progress(out_, false, 3);
  progress.Started("a.one", 0);
  progress.Started("a.two", 0);
  progress.Tick(1);
  const ReportedCase ok = Ended("a.one", Grade::kOk);
  progress.Finished(ok, 1);
  const ReportedCase skipped = Ended("a.two", Grade::kSkipped, "needs a key");
  progress.Finished(skipped, 2);
  progress.Close();
  EXPECT_EQ(out_.str(),
            "[1/3] OK            a.one 0.25 s\n"
            "[2/3] SKIPPED       a.two 0.25 s  -- needs a key\n");
  EXPECT_EQ(out_.str().find('\r'), std::string::npos);
}

TEST_F(ProgressTest, LiveRewritesOneStatusLine) {
  Progress progress(out_, true, 109);
  progress.Started("jobs.list", 0.5);
  EXPECT_EQ(out_.str(),
            std::string(kRewrite) + "[0/109] 0 failed, 1 running, elapsed 0 s, current: jobs.list");
  out_.str("");
  progress.Started("jobs.cancel", 1);
  progress.Tick(12.7);
  EXPECT_EQ(out_.str(),
            std::string(kRewrite) + "[0/109] 0 failed, 2 running, elapsed 1 s, current: jobs.list" +
                kRewrite + "[0/109] 0 failed, 2 running, elapsed 12 s, current: jobs.list");
}

// Only what is not OK stays on the screen, above the status line.
TEST_F(ProgressTest, LiveKeepsEveryCaseThatIsNotOk) {
  Progress progress(out_, true, 4);
  progress.Started("a.ok", 0);
  progress.Started("a.failed", 0);
  out_.str("");
  progress.Finished(Ended("a.ok", Grade::kOk), 3);
  EXPECT_EQ(out_.str(),
            std::string(kRewrite) + "[1/4] 0 failed, 1 running, elapsed 3 s, current: a.failed");
  out_.str("");
  ReportedCase failed = Ended("a.failed", Grade::kFailed);
  failed.result.mismatches = {"/stdout: must be present"};
  progress.Finished(failed, 4);
  EXPECT_EQ(out_.str(), std::string(kRewrite) +
                            "[2/4] FAILED        a.failed 0.25 s  -- /stdout: must be present\n" +
                            kRewrite + "[2/4] 1 failed, 0 running, elapsed 4 s");
  for (const Grade grade : {Grade::kNonStrict, Grade::kInformational}) {
    out_.str("");
    progress.Finished(Ended("a.other", grade, "noted"), 5);
    EXPECT_NE(out_.str().find(std::string(GradeName(grade)) + " "), std::string::npos)
        << out_.str();
    EXPECT_NE(out_.str().find("noted\n"), std::string::npos) << out_.str();
  }
  out_.str("");
  progress.Close();
  EXPECT_EQ(out_.str(), kRewrite);
}

TEST_F(ProgressTest, LiveCountsNonStrictAsFailedUnderStrict) {
  Progress progress(out_, true, 2);
  ReportedCase non_strict = Ended("a.loose", Grade::kNonStrict, "422 for 400");
  non_strict.strict = true;
  progress.Finished(non_strict, 1);
  EXPECT_NE(out_.str().find("[a failure under --strict]"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("[1/2] 1 failed, 0 running"), std::string::npos) << out_.str();
}

// A status line wider than the terminal would wrap, and "\r" would then
// rewrite only its last row.
TEST_F(ProgressTest, LiveFitsTheStatusLineToTheWidth) {
  Progress progress(out_, true, 9, 40);
  progress.Started("a.case_with_a_very_long_identifier_indeed", 0);
  const std::string text = out_.str();
  ASSERT_EQ(text.rfind(kRewrite, 0), 0u);
  EXPECT_EQ(text.substr(sizeof kRewrite - 1), "[0/9] 0 failed, 1 running, elapsed 0 s,");
  EXPECT_EQ(text.size() - (sizeof kRewrite - 1), 39u);
}

}  // namespace
}  // namespace conformance

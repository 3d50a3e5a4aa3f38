#include "reference_server/http/routes.h"

#include <gtest/gtest.h>

namespace http {
namespace {

TEST(RoutesTest, AbsoluteFormBecomesOriginForm) {
  EXPECT_EQ(OriginForm("http://127.0.0.1:8080/health"), "/health");
  EXPECT_EQ(OriginForm("HTTPS://api.example/run/async?ttl=3"), "/run/async?ttl=3");
  EXPECT_EQ(OriginForm("http://host"), "/");
  EXPECT_EQ(OriginForm("http://host?x=1"), "/?x=1");
  EXPECT_EQ(OriginForm("http://user@host:1/jobs/abc"), "/jobs/abc");
}

TEST(RoutesTest, OtherTargetsAreUnchanged) {
  EXPECT_EQ(OriginForm("/execute?a=http://x/"), "/execute?a=http://x/");
  EXPECT_EQ(OriginForm("*"), "*");
  EXPECT_EQ(OriginForm("health"), "health");
  EXPECT_EQ(OriginForm("ftp://host/health"), "ftp://host/health");
  EXPECT_EQ(OriginForm("http:/health"), "http:/health");
  EXPECT_EQ(OriginForm(""), "");
}

TEST(RoutesTest, PathsMatchExactly) {
  EXPECT_EQ(MatchPath("/jobs/abc")->job_id, "abc");
  EXPECT_FALSE(MatchPath("/jobs/"));
  EXPECT_FALSE(MatchPath("/health/"));
  EXPECT_EQ(PathOf("/run?ttl=1"), "/run");
  EXPECT_EQ(QueryOf("/run?ttl=1"), "ttl=1");
}

}  // namespace
}  // namespace http

// Proves each //third_party wrapper compiles and links on this machine:
// a fresh Debian gets the right packages from tools/setup, and the wrappers
// carry the right flags.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <seccomp.h>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>

namespace {

TEST(SystemLibrariesTest, BeastParsesARequest) {
  const std::string wire = "POST /run?ttl=5 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi";
  boost::beast::http::request_parser<boost::beast::http::string_body> parser;
  parser.eager(true);  // header and body in one put()
  boost::beast::error_code error;
  const std::size_t used = parser.put(boost::asio::buffer(wire), error);
  ASSERT_FALSE(error) << error.message();
  EXPECT_EQ(used, wire.size());
  ASSERT_TRUE(parser.is_done());
  EXPECT_EQ(parser.get().method(), boost::beast::http::verb::post);
  EXPECT_EQ(parser.get().target(), "/run?ttl=5");
  EXPECT_EQ(parser.get().body(), "hi");
}

TEST(SystemLibrariesTest, RapidJsonHasStdString) {
  rapidjson::Document document;
  document.Parse(std::string(R"({"a":"b"})"));
  ASSERT_FALSE(document.HasParseError());
  EXPECT_EQ(document["a"].GetString(), std::string("b"));
}

TEST(SystemLibrariesTest, SeccompBuildsAFilter) {
  const scmp_version* version = seccomp_version();
  ASSERT_NE(version, nullptr);
  EXPECT_GE(version->major, 2u);
  scmp_filter_ctx filter = seccomp_init(SCMP_ACT_ALLOW);
  ASSERT_NE(filter, nullptr);
  EXPECT_EQ(seccomp_rule_add(filter, SCMP_ACT_ERRNO(1), SCMP_SYS(ptrace), 0), 0);
  seccomp_release(filter);  // built, never loaded: this test must not confine itself
}

}  // namespace

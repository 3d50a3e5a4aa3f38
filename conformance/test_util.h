#ifndef CONFORMANCE_TEST_UTIL_H_
#define CONFORMANCE_TEST_UTIL_H_

// Helpers shared by the conformance package's unit tests.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

#include "conformance/json_text.h"
#include "rapidjson/document.h"

namespace conformance::test {

// `text` contains `part`, with both in the message when it does not.
inline ::testing::AssertionResult Has(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" lacks \"" << part << "\"";
}

// Parsed JSON; a parse error fails the test.
inline rapidjson::Document Json(const std::string& text) {
  rapidjson::Document document;
  const std::string error = ParseJson(text, &document);
  EXPECT_EQ(error, "") << text;
  return document;
}

// A new directory under the test's temporary directory, holding `files`
// (name -> content); "" (and a test failure) if it cannot be made.
inline std::string DirectoryWith(const std::map<std::string, std::string>& files = {}) {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string dir = std::string(base != nullptr ? base : "/tmp") + "/conformance_XXXXXX";
  if (mkdtemp(dir.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp";
    return "";
  }
  for (const auto& [name, content] : files) std::ofstream(dir + "/" + name) << content;
  return dir;
}

// Runs `command` with /bin/sh; its standard output, byte for byte, and in
// `status` what pclose() returned (0: exited 0).
inline std::string RunShell(const std::string& command, int* status) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "popen failed";
    *status = -1;
    return "";
  }
  std::string out;
  char buffer[4096];
  while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  *status = pclose(pipe);
  return out;
}

}  // namespace conformance::test

#endif  // CONFORMANCE_TEST_UTIL_H_

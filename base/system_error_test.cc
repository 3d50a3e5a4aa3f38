#include "base/system_error.h"

#include <errno.h>
#include <gtest/gtest.h>

namespace base {
namespace {

TEST(SystemErrorTest, TheCodeComesFromErrno) {
  EXPECT_EQ(CodeForErrno(ENOENT), ErrorCode::kNotFound);
  EXPECT_EQ(CodeForErrno(EACCES), ErrorCode::kPermissionDenied);
  EXPECT_EQ(CodeForErrno(EPERM), ErrorCode::kPermissionDenied);
  EXPECT_EQ(CodeForErrno(EMFILE), ErrorCode::kUnavailable);
  EXPECT_EQ(CodeForErrno(ENOTDIR), ErrorCode::kNotFound);
  EXPECT_EQ(CodeForErrno(EISDIR), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeForErrno(EADDRINUSE), ErrorCode::kUnavailable);
  EXPECT_EQ(CodeForErrno(ETIMEDOUT), ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(CodeForErrno(EEXIST), ErrorCode::kInternal);
}

TEST(SystemErrorTest, SaysWhereThenWhat) {
  const Error error = ErrnoError(ENOENT, "/usr/bin/slirp4netns");
  EXPECT_EQ(error.code, ErrorCode::kNotFound);
  EXPECT_EQ(error.where, "/usr/bin/slirp4netns");
  EXPECT_EQ(error.Describe(), "/usr/bin/slirp4netns: No such file or directory");
  EXPECT_EQ(ErrnoError(EMFILE, "pipe").Describe(), "pipe: Too many open files");
  EXPECT_EQ(ErrnoError(EACCES, "", "taking the helper's listener: ").Describe(),
            "taking the helper's listener: Permission denied");
}

}  // namespace
}  // namespace base

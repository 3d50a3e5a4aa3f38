#include "base/expected.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <variant>

namespace base {
namespace {

Expected<int> Half(int n) {
  if (n % 2 != 0) return MakeError(ErrorCode::kInvalidArgument, "must be even", "--n");
  return n / 2;
}

TEST(ExpectedTest, HoldsTheValue) {
  Expected<int> half = Half(8);
  ASSERT_TRUE(half.ok());
  EXPECT_TRUE(static_cast<bool>(half));
  EXPECT_EQ(half.value(), 4);
  EXPECT_EQ(*half, 4);
}

TEST(ExpectedTest, HoldsTheErrorWithItsCodeAndPlace) {
  Expected<int> half = Half(7);
  ASSERT_FALSE(half.ok());
  EXPECT_EQ(half.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(half.error().Describe(), "--n: must be even");
  EXPECT_EQ(half.error().exit_status(), 2);
}

TEST(ExpectedTest, ReadingTheWrongAlternativeThrows) {
  EXPECT_THROW((void)Half(7).value(), std::bad_variant_access);
  EXPECT_THROW((void)Half(8).error(), std::bad_variant_access);
}

TEST(ExpectedTest, MovesOutAMoveOnlyValue) {
  Expected<std::unique_ptr<int>> made = std::make_unique<int>(5);
  ASSERT_TRUE(made.ok());
  EXPECT_EQ(*made->get(), 5);
  std::unique_ptr<int> taken = std::move(made).value();
  EXPECT_EQ(*taken, 5);
}

TEST(ExpectedTest, StatusIsOkOrAnError) {
  Status fine = Ok();
  EXPECT_TRUE(fine.ok());
  Status bad = MakeError(ErrorCode::kUnavailable, "address in use", "127.0.0.1:80");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().exit_status(), 1);
  EXPECT_EQ(bad.error().Describe(), "127.0.0.1:80: address in use");
}

TEST(ExpectedTest, AnErrorTypeOtherThanBaseError) {
  struct Refusal {
    int status;
  };
  Expected<std::string, Refusal> refused = Refusal{413};
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().status, 413);
}

TEST(ErrorTest, ExitStatusComesFromTheCodeOnly) {
  EXPECT_EQ(ExitStatusFor(ErrorCode::kInvalidArgument), 2);
  for (ErrorCode code :
       {ErrorCode::kNotFound, ErrorCode::kPermissionDenied, ErrorCode::kUnavailable,
        ErrorCode::kFailedPrecondition, ErrorCode::kDeadlineExceeded, ErrorCode::kInternal}) {
    EXPECT_EQ(ExitStatusFor(code), 1) << ErrorCodeName(code);
  }
}

TEST(ErrorTest, NamesAreDistinctSnakeCase) {
  EXPECT_EQ(ErrorCodeName(ErrorCode::kInvalidArgument), "invalid_argument");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kFailedPrecondition), "failed_precondition");
  EXPECT_NE(ErrorCodeName(ErrorCode::kNotFound), ErrorCodeName(ErrorCode::kUnavailable));
}

TEST(ErrorTest, ContextGoesBeforeTheMessageAndKeepsThePlace) {
  Error error = WithContext(MakeError(ErrorCode::kNotFound, "no such file", "/x"), "cannot read: ");
  EXPECT_EQ(error.code, ErrorCode::kNotFound);
  EXPECT_EQ(error.Describe(), "/x: cannot read: no such file");
}

}  // namespace
}  // namespace base

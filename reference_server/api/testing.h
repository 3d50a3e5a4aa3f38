#ifndef REFERENCE_SERVER_API_TESTING_H_
#define REFERENCE_SERVER_API_TESTING_H_

#include <string>
#include <string_view>

#include "reference_server/api/error.h"

// Helpers for the tests of this package (testonly).
namespace api_test {

// The bytes of fixtures/documentation/<name>, from the test's runfiles;
// fails the current test when the file is missing.
std::string ReadDocumentationExample(std::string_view name);

// Expects `error` to have this code and field and a message containing
// `message_part`.
void ExpectApiError(const api::ApiError& error, api::ErrorCode code, std::string_view field,
                    std::string_view message_part);

}  // namespace api_test

#endif  // REFERENCE_SERVER_API_TESTING_H_

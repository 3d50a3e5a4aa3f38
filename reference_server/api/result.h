#ifndef REFERENCE_SERVER_API_RESULT_H_
#define REFERENCE_SERVER_API_RESULT_H_

#include <utility>
#include <variant>

#include "reference_server/api/error.h"

namespace api {

// A value or the ApiError explaining why there is none (C++20 has no
// std::expected). Accessing the wrong alternative throws
// std::bad_variant_access rather than reading garbage.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Result(ApiError error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  const T& value() const& { return std::get<0>(state_); }
  T& value() & { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const ApiError& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, ApiError> state_;
};

}  // namespace api

#endif  // REFERENCE_SERVER_API_RESULT_H_

#ifndef BASE_EXPECTED_H_
#define BASE_EXPECTED_H_

#include <type_traits>
#include <utility>
#include <variant>

#include "base/error.h"

namespace base {

// A value, or the error explaining why there is none: the one convention
// for fallible operations (C++20 has no std::expected). `E` is base::Error
// everywhere but in the pure API layer, whose errors carry the HTTP
// contract's codes (api::Result<T> is Expected<T, api::ApiError>).
// Reading the wrong alternative throws std::bad_variant_access rather than
// reading garbage.
template <class T, class E = Error>
class [[nodiscard]] Expected {
  static_assert(!std::is_same_v<std::decay_t<T>, std::decay_t<E>>,
                "a value and its error must be told apart by type");

 public:
  Expected(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Expected(E error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  const T& value() const& { return std::get<0>(state_); }
  T& value() & { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  const E& error() const& { return std::get<1>(state_); }
  E&& error() && { return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, E> state_;
};

// Success with nothing to return, or the error.
template <class E>
class [[nodiscard]] Expected<void, E> {
 public:
  Expected() = default;
  Expected(E error) : error_(std::move(error)), failed_(true) {}

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }

  const E& error() const& { return error_; }
  E&& error() && { return std::move(error_); }

 private:
  E error_{};
  bool failed_ = false;
};

using Status = Expected<void>;

inline Status Ok() { return Status(); }

}  // namespace base

#endif  // BASE_EXPECTED_H_

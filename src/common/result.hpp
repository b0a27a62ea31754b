#pragma once
// Result<T, E>: the return type of fallible storage, I/O, WAL and protocol
// operations (see STYLE.md, "Two kinds of errors"). A small stand-in for
// C++23's std::expected, which GCC 12 offers only in C++23 mode.

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace tributary {

/// Wraps an error value so that Result's constructors are unambiguous.
template <typename E>
struct Unexpected {
  E error;
};

/// Makes an Unexpected<E>; `return MakeError(StorageError::kSerialization);`.
template <typename E>
Unexpected<std::decay_t<E>> MakeError(E&& e) {
  return Unexpected<std::decay_t<E>>{std::forward<E>(e)};
}

/// Holds either a value of T or an error of E. Accessing the wrong side is a
/// programmer bug (asserted).
template <typename T, typename E>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  template <typename E2>
  Result(Unexpected<E2> e) : v_(std::in_place_index<1>, std::move(e.error)) {}  // NOLINT

  bool HasValue() const { return v_.index() == 0; }
  bool HasError() const { return v_.index() == 1; }
  explicit operator bool() const { return HasValue(); }

  T& operator*() & { return Value(); }
  const T& operator*() const& { return Value(); }
  /// By value, so `for (auto x : *f())` does not iterate a destroyed temporary.
  T operator*() && { return std::move(Value()); }
  T* operator->() { return &Value(); }
  const T* operator->() const { return &Value(); }

  T& Value() & {
    assert(HasValue());
    return std::get<0>(v_);
  }
  const T& Value() const& {
    assert(HasValue());
    return std::get<0>(v_);
  }
  const E& Error() const {
    assert(HasError());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, E> v_;
};

/// Specialisation for operations that return nothing on success.
template <typename E>
class [[nodiscard]] Result<void, E> {
 public:
  Result() = default;
  template <typename E2>
  Result(Unexpected<E2> e) : error_(std::move(e.error)), has_error_(true) {}  // NOLINT

  bool HasValue() const { return !has_error_; }
  bool HasError() const { return has_error_; }
  explicit operator bool() const { return HasValue(); }
  const E& Error() const {
    assert(has_error_);
    return error_;
  }

 private:
  E error_{};
  bool has_error_ = false;
};

}  // namespace tributary

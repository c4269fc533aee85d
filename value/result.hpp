// A value or the reason there is none: a small stand-in for C++23's std::expected. The error is a
// message for people by default ("prefix length 33 is larger than 32 for IPv4").
#pragma once

#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace tulle::value {

// Wraps an error so that it cannot be mistaken for a value, even when both are strings.
template <typename E>
struct Unexpected {
    E error;
};

template <typename E>
Unexpected(E) -> Unexpected<E>;

// The usual failure: a message that says exactly what is wrong.
[[nodiscard]] inline Unexpected<std::string> fail(std::string message) {
    return Unexpected<std::string>{std::move(message)};
}

template <typename T, typename E = std::string>
class [[nodiscard]] Result {
  public:
    using value_type = T;
    using error_type = E;

    // Implicit on purpose, so a function can `return value;` or `return fail("...");`.
    Result(const T& value) : data_(std::in_place_index<0>, value) {}        // NOLINT
    Result(T&& value) : data_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
    Result(Unexpected<E> failure)                                           // NOLINT
        : data_(std::in_place_index<1>, std::move(failure.error)) {}

    // Accepts any error convertible to E, e.g. fail("...") for a Result<T, std::string>.
    template <typename F>
    requires(!std::is_same_v<F, E> && std::is_constructible_v<E, F&&>)
        Result(Unexpected<F> failure)  // NOLINT
        : data_(std::in_place_index<1>, E(std::move(failure.error))) {}

    [[nodiscard]] bool ok() const noexcept { return data_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    // The value; throws std::logic_error when there is none (a programming error: check ok()).
    [[nodiscard]] T& value() & { return std::get<0>(checked()); }
    [[nodiscard]] const T& value() const& { return std::get<0>(checked()); }
    [[nodiscard]] T&& value() && { return std::get<0>(std::move(checked())); }

    [[nodiscard]] T& operator*() & { return value(); }
    [[nodiscard]] const T& operator*() const& { return value(); }
    [[nodiscard]] T* operator->() { return &value(); }
    [[nodiscard]] const T* operator->() const { return &value(); }

    // The error; throws std::logic_error when there is a value.
    [[nodiscard]] const E& error() const {
        if (ok()) {
            throw std::logic_error("Result::error() called on a value");
        }
        return std::get<1>(data_);
    }

  private:
    std::variant<T, E>& checked() {
        if (!ok()) {
            throw std::logic_error("Result::value() called on an error");
        }
        return data_;
    }
    const std::variant<T, E>& checked() const {
        if (!ok()) {
            throw std::logic_error("Result::value() called on an error");
        }
        return data_;
    }

    std::variant<T, E> data_;
};

// Success with nothing to hand back, or the reason for failure: `return {};` or `return fail(...)`.
template <typename E>
class [[nodiscard]] Result<void, E> {
  public:
    using value_type = void;
    using error_type = E;

    Result() = default;
    Result(Unexpected<E> failure) : error_(std::move(failure.error)), failed_(true) {}  // NOLINT
    template <typename F>
    requires(!std::is_same_v<F, E> && std::is_constructible_v<E, F&&>)
        Result(Unexpected<F> failure)  // NOLINT
        : error_(std::move(failure.error)), failed_(true) {}

    [[nodiscard]] bool ok() const noexcept { return !failed_; }
    explicit operator bool() const noexcept { return ok(); }

    // The error; throws std::logic_error on success.
    [[nodiscard]] const E& error() const {
        if (ok()) {
            throw std::logic_error("Result::error() called on success");
        }
        return error_;
    }

  private:
    E error_{};
    bool failed_ = false;
};

}  // namespace tulle::value

// What the value tests share: the message of a refused input, and table rows of good and bad text.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "value/result.hpp"

namespace tulle::value::cases {

// The message of a result that should have failed, or a test failure.
template <typename T>
std::string error_of(const Result<T>& result, std::string_view input) {
    if (result) {
        ADD_FAILURE() << "accepted although invalid: " << input;
        return {};
    }
    return result.error();
}

struct GoodText {
    std::string input;
    std::string expected;  // the canonical text
};

inline void PrintTo(const GoodText& good, std::ostream* os) {
    *os << good.input;
}

struct BadText {
    std::string input;
    std::string message_contains;
};

inline void PrintTo(const BadText& bad, std::ostream* os) {
    *os << bad.input;
}

}  // namespace tulle::value::cases

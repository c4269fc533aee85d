// A key made of one repeated byte, for tests: easy to tell apart in a failure.
#pragma once

#include <array>
#include <cstdint>

#include "value/key.hpp"

namespace tulle::unit {

inline value::Key key_of(std::uint8_t byte) {
    std::array<std::uint8_t, value::kKeySize> bytes{};
    bytes.fill(byte);
    return value::Key(bytes);
}

}  // namespace tulle::unit

// What the mesh library's tests share: a fixed time and made-up WireGuard keys.
#pragma once

#include <array>
#include <cstdint>

#include "value/key.hpp"

namespace tulle::mesh::testing {

inline constexpr std::int64_t kNow = 1'796'637'600;  // 2026-12-07 10:00 UTC

// A WireGuard public key of 32 bytes of `fill`.
inline value::Key wireguard_key(std::uint8_t fill) {
    std::array<std::uint8_t, value::kKeySize> bytes{};
    bytes.fill(fill);
    return value::Key(bytes);
}

}  // namespace tulle::mesh::testing

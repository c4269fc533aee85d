// What the mesh library's tests share: a fixed time and made-up WireGuard keys.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "value/key.hpp"

namespace tulle::mesh::testing {

inline constexpr std::int64_t kNow = 1'796'637'600;  // 2026-12-07 10:00 UTC

// A WireGuard public key of 32 bytes of `fill`.
inline value::Key wireguard_key(std::uint8_t fill) {
    std::array<std::uint8_t, value::kKeySize> bytes{};
    bytes.fill(fill);
    return value::Key(bytes);
}

// A datagram shaped as WireGuard's message of `type` (1-4): the type byte, three zero bytes, then
// 144 bytes of 0x55 (the size of an initiation).
inline std::vector<std::uint8_t> wireguard_message(std::uint8_t type) {
    std::vector<std::uint8_t> out(148, 0x55);
    out[0] = type;
    out[1] = out[2] = out[3] = 0;
    return out;
}

}  // namespace tulle::mesh::testing

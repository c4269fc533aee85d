// A minimal IP address-with-prefix-length type for the platform layer. The daemon has richer
// address types of its own and converts to this one at the boundary; platform/ keeps to this so
// that it depends on nothing outside the standard library and the OS.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tulle::platform {

// An IPv4 or IPv6 address and a prefix length, such as 10.0.0.1/24 (an interface address) or
// 10.78.0.0/16 (a route destination). The bytes are in network order; an IPv4 address takes
// addr[0..3] and leaves the other bytes zero, so that == compares meaningfully.
struct IpPrefix {
    std::array<std::uint8_t, 16> addr{};
    std::uint8_t len = 0;
    bool v6 = false;

    // Bytes of addr that are used: 4 or 16.
    [[nodiscard]] std::size_t addr_size() const { return v6 ? 16 : 4; }
    // The longest valid prefix length: 32 or 128.
    [[nodiscard]] std::uint8_t max_len() const { return v6 ? 128 : 32; }
    // True when len <= max_len() and the unused bytes of an IPv4 addr are zero.
    [[nodiscard]] bool valid() const;

    friend bool operator==(const IpPrefix&, const IpPrefix&) = default;
};

// Parses "10.0.0.1/24" or "fd77::1/64". Without "/len" the result is a host prefix (/32 or
// /128). Returns nullopt for anything malformed: a bad address, a length that is not plain
// decimal or is too long for the family, surrounding whitespace, a scope suffix ("%eth0").
[[nodiscard]] std::optional<IpPrefix> parse_ip_prefix(std::string_view text);

// "10.0.0.1/24", "fd77::1/64" (IPv6 in the RFC 5952 form inet_ntop produces).
[[nodiscard]] std::string to_string(const IpPrefix& prefix);

// The prefix with its host bits cleared: 10.0.0.1/24 -> 10.0.0.0/24.
[[nodiscard]] IpPrefix network_of(const IpPrefix& prefix);

}  // namespace tulle::platform

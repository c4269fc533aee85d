// What the engine reads of an IP packet's header: its version, its addresses and the length it
// claims. Only the fixed headers are read; nothing is trusted beyond what has arrived.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace tulle::core::ip_header {

inline constexpr std::size_t kIpv4HeaderLen = 20;
inline constexpr std::size_t kIpv6HeaderLen = 40;

// The IP version of a packet whose header fits, or 0.
inline unsigned ip_version(std::span<const std::uint8_t> packet) {
    if (packet.empty()) {
        return 0;
    }
    const unsigned version = packet[0] >> 4U;
    if (version == 4 && packet.size() >= kIpv4HeaderLen) {
        return 4;
    }
    if (version == 6 && packet.size() >= kIpv6HeaderLen) {
        return 6;
    }
    return 0;
}

// The address field at `v4_offset` of an IPv4 header or `v6_offset` of an IPv6 one; empty for
// anything else.
inline std::span<const std::uint8_t> address_at(std::span<const std::uint8_t> packet,
                                                std::size_t v4_offset, std::size_t v6_offset) {
    switch (ip_version(packet)) {
        case 4:
            return packet.subspan(v4_offset, 4);
        case 6:
            return packet.subspan(v6_offset, 16);
        default:
            return {};
    }
}

inline std::span<const std::uint8_t> destination_of(std::span<const std::uint8_t> packet) {
    return address_at(packet, 16, 24);
}

inline std::span<const std::uint8_t> source_of(std::span<const std::uint8_t> packet) {
    return address_at(packet, 12, 8);
}

// The length the IP header claims, when it is consistent with what arrived; else 0. Whatever
// follows it is padding.
inline std::size_t claimed_length(std::span<const std::uint8_t> packet) {
    std::size_t length = 0;
    switch (ip_version(packet)) {
        case 4:
            length = (std::size_t{packet[2]} << 8U) | packet[3];
            return length >= kIpv4HeaderLen && length <= packet.size() ? length : 0;
        case 6:
            length = kIpv6HeaderLen + ((std::size_t{packet[4]} << 8U) | packet[5]);
            return length <= packet.size() ? length : 0;
        default:
            return 0;
    }
}

}  // namespace tulle::core::ip_header

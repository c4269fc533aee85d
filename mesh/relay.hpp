// Relay frames: WireGuard datagrams that go member -> lighthouse -> member when no direct path
// works. The lighthouse never decrypts them; it forwards only on a channel it opened, and only
// frames that carry the token it gave the sending side (over the authenticated control channel),
// so it is no reflector for strangers.
//
// Wire form: the magic "TuR1", the channel id (4 bytes big-endian), a 16-byte token, then the
// WireGuard datagram unchanged. Frames the lighthouse forwards carry an all-zero token (a
// member's token never reaches the other member).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>

namespace tulle::mesh {

inline constexpr std::array<std::uint8_t, 4> kRelayMagic{'T', 'u', 'R', '1'};
inline constexpr std::size_t kRelayHeader = 4 + 4 + 16;
using RelayToken = std::array<std::uint8_t, 16>;

struct RelayHeader {
    std::uint32_t channel = 0;
    RelayToken token{};
};

// True when the datagram starts with the relay magic.
[[nodiscard]] bool is_relay_frame(std::span<const std::uint8_t> datagram);
// Writes the header into the first kRelayHeader bytes of `out` (which must hold them).
void write_relay_header(std::span<std::uint8_t> out, const RelayHeader& header);
// The header of a relay frame, nullopt when it is not one or has no payload after the header.
[[nodiscard]] std::optional<RelayHeader> read_relay_header(std::span<const std::uint8_t> frame);
// Constant-time token comparison.
[[nodiscard]] bool same_token(const RelayToken& a, const RelayToken& b);
// A fresh random token (never all zero).
[[nodiscard]] RelayToken new_relay_token();

}  // namespace tulle::mesh

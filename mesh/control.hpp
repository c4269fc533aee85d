// The control channel: datagrams inside the WireGuard session between a member and its network's
// lighthouse, to and from kControlPort on their overlay addresses. tulled consumes them on both
// ends (they never reach a TUN device), and WireGuard has authenticated their sender: the
// lighthouse knows a member by the peer a datagram came from, never by what it says.
//
// Wire form: a magic "TLC1", one type byte, then the message's fields (integers big-endian,
// strings and byte strings with a 1- or 2-byte length as noted in control.cpp). decode_control
// reads every byte and refuses anything left over, too long, or unknown.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "mesh/certificate.hpp"
#include "mesh/invite.hpp"
#include "value/ip.hpp"
#include "value/key.hpp"
#include "value/result.hpp"

namespace tulle::mesh {

// The UDP port the lighthouse's and every member's tulled answer on, on overlay addresses.
inline constexpr std::uint16_t kControlPort = 51999;
// The largest control datagram (UDP payload): well inside any tunnel MTU (1280 - 48).
inline constexpr std::size_t kMaxControlMessage = 1200;
inline constexpr std::size_t kMaxCandidates = 8;

// Joiner -> lighthouse, over the enrollment key's session.
struct Redeem {
    InviteId invite{};
    value::Key member_key;  // the joiner's own WireGuard public key
    std::string name;       // used when the invite names none
};
// Lighthouse -> joiner: the joiner's certificate and the lighthouse's.
struct Redeemed {
    Certificate member;
    Certificate lighthouse;
};
// Member -> lighthouse every ~25 s and after a network change.
struct Register {
    std::uint64_t seq = 0;
    std::vector<value::SocketAddress> candidates;  // local addresses and the listen port
    std::uint32_t caps = 0;
};
struct RegisterAck {
    std::uint64_t seq = 0;
    std::optional<value::SocketAddress> observed;  // the source the lighthouse saw
    std::uint32_t ttl = 0;                         // seconds until the member counts as gone
    std::uint64_t members_version = 0;
    std::uint64_t revocations_version = 0;
};
// Member -> lighthouse: who holds this overlay address?
struct Query {
    value::IpAddress address;
};
// Lighthouse -> member: the answer to a Query, and unasked to the member that was queried (so it
// knows the asker before its handshake arrives).
struct PeerInfo {
    Certificate certificate;
    std::optional<value::SocketAddress> observed;
    std::vector<value::SocketAddress> candidates;
    bool online = false;
};
struct NotFound {
    value::IpAddress address;
};
struct MembersRequest {
    std::uint32_t page = 0;
};
struct MemberEntry {
    Certificate certificate;
    bool online = false;
    std::int64_t last_seen = 0;  // Unix seconds; 0: never
    std::optional<value::SocketAddress> observed;
};
struct Members {
    std::uint64_t version = 0;
    std::uint32_t page = 0;
    std::uint32_t pages = 0;
    std::vector<MemberEntry> entries;
};
struct RevocationsRequest {
    std::uint32_t page = 0;
};
struct Revocations {
    std::uint64_t version = 0;
    std::uint32_t page = 0;
    std::uint32_t pages = 0;
    std::vector<Revocation> entries;
};
// Lighthouse -> every member at once when a member is removed.
struct Revoked {
    Revocation revocation;
};
// Lighthouse -> member, with a PeerInfo: a relay channel to that member through the lighthouse,
// and this member's token for it (each side gets its own). Valid until `expires` (Unix seconds);
// a member asks again (Query) before then.
struct RelayOffer {
    value::Key peer;  // the member at the other end of the channel
    std::uint32_t channel = 0;
    std::array<std::uint8_t, 16> token{};
    std::int64_t expires = 0;
};
enum class ControlErrorCode : std::uint16_t {
    invite_unknown = 1,  // not an invite of this network
    invite_used = 2,
    invite_expired = 3,
    not_member = 4,
    name_taken = 5,
    key_taken = 6,
    malformed = 7,
};
struct ControlError {
    ControlErrorCode code = ControlErrorCode::malformed;
    std::string message;  // at most 200 bytes
};

using ControlMessage =
    std::variant<Redeem, Redeemed, Register, RegisterAck, Query, PeerInfo, NotFound, MembersRequest,
                 Members, RevocationsRequest, Revocations, Revoked, ControlError, RelayOffer>;

// At most kMaxControlMessage bytes when the message's lists respect the limits (a Members page
// holds what members_per_page() allows).
[[nodiscard]] std::vector<std::uint8_t> encode_control(const ControlMessage& message);
[[nodiscard]] value::Result<ControlMessage> decode_control(std::span<const std::uint8_t> bytes);
// The message's name for logs ("register", "peer-info").
[[nodiscard]] std::string_view control_name(const ControlMessage& message);

// How many entries fit one Members / Revocations page within kMaxControlMessage, assuming the
// largest certificate.
[[nodiscard]] std::size_t members_per_page();
[[nodiscard]] std::size_t revocations_per_page();

// --- the datagrams around the messages ---

// An IPv4 or IPv6 UDP packet from `from` to `to` carrying `payload`, with its checksums: what
// tulled hands its engine as if the TUN device had read it.
[[nodiscard]] std::vector<std::uint8_t> make_udp_packet(const value::SocketAddress& from,
                                                        const value::SocketAddress& to,
                                                        std::span<const std::uint8_t> payload);
struct UdpView {
    value::SocketAddress from;
    value::SocketAddress to;
    std::span<const std::uint8_t> payload;
};
// The UDP datagram of an IP packet (no options/extension headers beyond what is skipped; no
// fragments), or nothing when it is anything else. Cheap enough for every packet: it looks at
// the protocol and port before anything else.
[[nodiscard]] std::optional<UdpView> read_udp_packet(std::span<const std::uint8_t> packet);
// Whether the packet is UDP to kControlPort (the fast test every decrypted packet gets).
[[nodiscard]] bool is_control_packet(std::span<const std::uint8_t> packet);

}  // namespace tulle::mesh

// Invites: one line, "TULLE1:" and upper-case base32 of the fields below and the network key's
// signature over them. An invite admits one new member, once, before it expires. It carries a
// throwaway WireGuard private key (the enrollment key) that the lighthouse lets reach only its
// control port; the member's own key is made on the member and never travels.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mesh/keys.hpp"
#include "value/ip.hpp"
#include "value/key.hpp"
#include "value/result.hpp"

namespace tulle::mesh {

inline constexpr std::string_view kInvitePrefix = "TULLE1:";
inline constexpr std::int64_t kDefaultInviteLifetime = 24LL * 3600;
inline constexpr std::int64_t kMaxInviteLifetime = 7LL * 24 * 3600;
inline constexpr std::size_t kMaxInviteEndpoints = 4;
inline constexpr std::size_t kInviteIdSize = 16;

using InviteId = std::array<std::uint8_t, kInviteIdSize>;
using InviteHash = std::array<std::uint8_t, 32>;

struct Invite {
    NetworkId network{};
    std::string network_name;  // the tunnel's name on every node (an interface name)
    SigningPublicKey network_key{};
    value::IpPrefix range;                   // the overlay range, e.g. 10.88.0.0/16
    value::Key lighthouse_key;               // WireGuard public key
    value::IpAddress lighthouse_address;     // its overlay address
    std::vector<value::Endpoint> endpoints;  // where the lighthouse listens, 1..4
    InviteId id{};
    value::SecretKey enrollment_key;  // throwaway WireGuard private key
    std::string name;                 // the member's name; "" lets the joiner choose
    value::IpAddress address;         // the member's overlay address
    std::int64_t expires = 0;         // Unix seconds
    Signature signature{};
};

// A new random id.
[[nodiscard]] InviteId new_invite_id();
// What the lighthouse keeps of an invite (it never stores the id itself): BLAKE2b-256 of the id.
[[nodiscard]] InviteHash invite_hash(const InviteId& id);

// Signs `invite` with the network key and writes the line.
[[nodiscard]] std::string encode_invite(Invite invite, const SigningKey& key);
// Reads a line (surrounding white space and a lower-case body accepted) and checks it: its form,
// that the key inside signed it ("it was altered"), and that it has not expired at `now`. Every
// error is a sentence for the person who pasted it.
[[nodiscard]] value::Result<Invite> decode_invite(std::string_view text, std::int64_t now);

}  // namespace tulle::mesh

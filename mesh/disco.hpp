// Disco: path discovery between the members of a network, on the WireGuard UDP socket itself, so
// a pong proves the very socket (and NAT mapping) WireGuard will use. Never sent to a peer without
// a certificate of the network, so a stock WireGuard peer never sees one.
//
// Wire form: the magic "TuD1" (WireGuard's messages start 1-4 then three zero bytes; STUN's
// first byte is 0 or 1), the sender's WireGuard public key (32 bytes), a random nonce (24 bytes;
// the lowest bit of its first byte is 0 when the sender's key sorts before the receiver's, byte
// by byte, else 1, because the box's key is the same both ways: a datagram reflected back to its
// sender is refused), then crypto_box (X25519 of the sender's and receiver's WireGuard keys,
// XSalsa20-Poly1305) of: a type byte, a 12-byte transaction id, and for a pong the address the ping
// came from (family byte 4 or 6, the address, the port big-endian). A message that does not open
// under the key it names is dropped: nobody without a member's private key can make one.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "value/ip.hpp"
#include "value/key.hpp"

namespace tulle::mesh {

inline constexpr std::array<std::uint8_t, 4> kDiscoMagic{'T', 'u', 'D', '1'};
// magic + sender key + nonce + tag + type + txid + the largest address (1 + 16 + 2).
inline constexpr std::size_t kMaxDiscoDatagram = 4 + 32 + 24 + 16 + 1 + 12 + 19;

enum class DiscoType : std::uint8_t { ping = 1, pong = 2 };
using TxId = std::array<std::uint8_t, 12>;

struct DiscoMessage {
    DiscoType type = DiscoType::ping;
    TxId txid{};
    // A pong: the source address the ping came from, as the replier saw it. Unset in a ping.
    std::optional<value::SocketAddress> observed;
    friend bool operator==(const DiscoMessage&, const DiscoMessage&) = default;
};

// True when the datagram starts with the disco magic (the cheap test on the receive path).
[[nodiscard]] bool is_disco(std::span<const std::uint8_t> datagram);
// The sender's key a disco datagram names (not yet authenticated); nullopt when too short.
[[nodiscard]] std::optional<value::Key> disco_sender(std::span<const std::uint8_t> datagram);

// The shared key of this node's WireGuard private key and one member's public key
// (crypto_box_beforenm), for sealing to and opening from that member. Wiped when destroyed.
class DiscoBox {
  public:
    DiscoBox(const value::SecretKey& ours, const value::Key& theirs);
    DiscoBox(const DiscoBox&) = delete;
    DiscoBox& operator=(const DiscoBox&) = delete;
    ~DiscoBox();

    // False when the key pair is unusable (a low-order public key): nothing can be sealed.
    [[nodiscard]] bool valid() const { return valid_; }
    // The datagram for `message`, naming `our_public` as the sender; empty when !valid().
    [[nodiscard]] std::vector<std::uint8_t> seal(const value::Key& our_public,
                                                 const DiscoMessage& message) const;
    // The message when the datagram opens under this box and is well formed; nullopt otherwise
    // (wrong key, altered byte, truncated, leftovers, an unknown type, a ping with an address,
    // a sender key other than this box's member's).
    [[nodiscard]] std::optional<DiscoMessage> open(std::span<const std::uint8_t> datagram) const;

  private:
    value::Key ours_;  // our public key, for the direction bit
    value::Key theirs_;
    std::array<std::uint8_t, 32> shared_{};
    bool valid_ = false;
};

// A fresh random transaction id.
[[nodiscard]] TxId new_txid();

}  // namespace tulle::mesh

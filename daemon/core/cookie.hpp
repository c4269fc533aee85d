// WireGuard's cookie mechanism (whitepaper sections 5.4.4 and 5.4.7): the two MACs at the end of
// every handshake message, and the cookie reply a responder under load sends instead of doing
// Diffie-Hellman work.
//
//   mac1 = MAC(HASH("mac1----" || responder public key), message[0:mac1_offset])
//   mac2 = MAC(cookie, message[0:mac2_offset])     (zeros when the initiator holds no cookie)
//   cookie = MAC(responder secret, source address bytes)
//   cookie reply = XAEAD(HASH("cookie--" || responder public key), nonce, cookie, ad = mac1)
//
// where MAC is keyed BLAKE2s with 16 bytes of output and HASH is BLAKE2s-256.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include "daemon/core/constants.hpp"
#include "daemon/core/crypto.hpp"
#include "daemon/core/messages.hpp"
#include "value/ip.hpp"

namespace tulle::core {

// The responder's secret is replaced once it is this old (COOKIE_SECRET_MAX_AGE in the kernel).
inline constexpr Duration kCookieSecretMaxAge = spec::kCookieRefreshTime;
// Slack for a reply in flight (COOKIE_SECRET_LATENCY in the kernel).
inline constexpr Duration kCookieSecretLatency = std::chrono::seconds{5};
// An initiator stops using a cookie once it is this old, so that it never sends a mac2 made from
// a secret the responder has already dropped: 115 s, as the Linux kernel does.
inline constexpr Duration kCookieMaxAgeAtInitiator = kCookieSecretMaxAge - kCookieSecretLatency;

// Fills its argument with cryptographically random bytes. Passed in so tests are deterministic.
using RandomSource = std::function<void(std::span<std::uint8_t>)>;

using Mac = std::array<std::uint8_t, kMacLen>;

// Key for mac1 of messages sent to the holder of public_key: HASH("mac1----" || public_key).
[[nodiscard]] Hash mac1_key(const PublicKey& public_key);
// Key for cookie replies from the holder of public_key: HASH("cookie--" || public_key).
[[nodiscard]] Hash cookie_key(const PublicKey& public_key);
// Keyed BLAKE2s with 16 bytes of output; key is 16 or 32 bytes.
[[nodiscard]] Mac mac(std::span<const std::uint8_t> key, std::span<const std::uint8_t> in);

// What a cookie is bound to: the sender's address bytes (4 or 16) and then its port in network
// order, written into `buffer`.
[[nodiscard]] std::span<const std::uint8_t> cookie_source(const value::SocketAddress& from,
                                                          std::array<std::uint8_t, 18>& buffer);

enum class MacState {
    invalid,              // mac1 is wrong: drop the message
    valid_mac1,           // mac1 is right; mac2 was not asked for, or is wrong or absent
    valid_mac1_and_mac2,  // both are right: the sender has proven it owns its source address
};

// The responder's side; one per device. Not thread-safe: the caller serialises access.
class CookieChecker {
  public:
    // local_public is this device's public key; random supplies the cookie secret.
    explicit CookieChecker(const PublicKey& local_public,
                           RandomSource random = crypto::random_bytes);

    // For when the device's key changes. The cookie secret is kept.
    void set_public_key(const PublicKey& local_public);

    // Whether a whole handshake datagram whose mac1 starts at mac1_offset carries a right mac1
    // (which anyone who knows this device's public key can make, but junk can't).
    [[nodiscard]] bool mac1_valid(std::span<const std::uint8_t> message,
                                  std::size_t mac1_offset) const;

    // Checks the MACs of a whole handshake datagram whose mac1 starts at mac1_offset (mac2
    // follows it). mac1 is always checked first; mac2 only when check_mac2 (the device is under
    // load). source is the sender's address: the IP address bytes followed by the UDP port (any
    // fixed byte order; network order recommended). The cookie never leaves this device in a form
    // anyone else recomputes, so that choice does not affect interoperability.
    [[nodiscard]] MacState validate(std::span<const std::uint8_t> message, std::size_t mac1_offset,
                                    std::span<const std::uint8_t> source, TimePoint now,
                                    bool check_mac2);

    // A cookie reply to a handshake datagram (which must carry a valid mac1), addressed to the
    // sender's index. nonce must be fresh random bytes.
    [[nodiscard]] MessageCookieReply make_reply(
        std::span<const std::uint8_t> message, std::size_t mac1_offset,
        std::uint32_t receiver_index, std::span<const std::uint8_t> source, TimePoint now,
        std::span<const std::uint8_t, kCookieNonceLen> nonce);

  private:
    // The cookie for source, replacing the secret first if it is too old (or was never made).
    [[nodiscard]] Secret<kCookieLen> make_cookie(std::span<const std::uint8_t> source,
                                                 TimePoint now);

    RandomSource random_;
    Hash mac1_key_{};    // derived from a public key, so not secret
    Hash cookie_key_{};  // likewise
    Secret<kHashSize> secret_;
    std::optional<TimePoint> secret_birth_;
};

// The initiator's side; one per peer. Not thread-safe: the caller serialises access.
class CookieMaker {
  public:
    // peer_public is the public key of the peer that messages go to.
    explicit CookieMaker(const PublicKey& peer_public);

    // Writes mac1 and mac2 into a whole handshake message whose mac1 starts at mac1_offset. mac2
    // is zeros unless a cookie younger than kCookieMaxAgeAtInitiator is held. The mac1 is
    // remembered, as the cookie reply to this message is bound to it.
    void add_macs(std::span<std::uint8_t> message, std::size_t mac1_offset, TimePoint now);

    // Takes the cookie out of a reply to the last message given MACs. False, changing nothing,
    // when no mac1 is outstanding or the reply does not decrypt. A reply is accepted at most once
    // per mac1 sent.
    [[nodiscard]] bool consume_reply(const MessageCookieReply& reply, TimePoint now);

    // Whether add_macs at now would write a mac2.
    [[nodiscard]] bool has_cookie(TimePoint now) const;

  private:
    Hash mac1_key_{};    // derived from a public key, so not secret
    Hash cookie_key_{};  // likewise
    Secret<kCookieLen> cookie_;
    std::optional<TimePoint> cookie_birth_;
    Mac last_mac1_{};
    bool mac1_outstanding_ = false;
};

}  // namespace tulle::core

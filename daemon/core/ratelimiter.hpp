// Per-source rate limit for incoming handshake messages, so that one address (or one IPv6 /64)
// cannot make the daemon spend its CPU on Diffie-Hellman computations. Token bucket per source,
// in the spirit of the Linux WireGuard driver's ratelimiter, with a bounded table.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <unordered_map>

#include "daemon/core/constants.hpp"

namespace tulle::core {

inline constexpr std::size_t kRatelimiterSeedSize = 16;

// Every source starts with a full bucket of impl::kRatelimitBurst handshakes, which refills at
// impl::kRatelimitPacketsPerSecond. Sources are IPv4 addresses, or the /64 prefix of IPv6 ones
// (one host usually owns a whole /64); IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) count as the
// IPv4 address they carry, so a dual-stack socket does not lump every IPv4 peer into one /64.
//
// Memory is bounded: the table holds at most `max_entries` sources and, when full, refuses new
// ones while still serving those it has. Sources idle for more than kIdleTimeout are dropped by
// collect(), which allow() runs itself at most once per kCollectInterval; no thread is needed.
// Time is always passed in. Table slots are chosen by SipHash keyed with a caller-given random
// seed, so that senders cannot aim for collisions (libsodium must have been initialised, see
// crypto::init()). Not thread-safe: the caller serialises access.
class Ratelimiter {
  public:
    static constexpr auto kIdleTimeout = std::chrono::seconds{1};
    static constexpr auto kCollectInterval = std::chrono::seconds{1};

    explicit Ratelimiter(std::span<const std::uint8_t, kRatelimiterSeedSize> seed,
                         std::size_t max_entries = impl::kRatelimitMaxEntries);

    // True when a handshake message from `ip` (4 bytes of IPv4 or 16 of IPv6, network order)
    // may be processed at `now`; the source's bucket is charged for it. False for any other
    // address length.
    [[nodiscard]] bool allow(std::span<const std::uint8_t> ip, TimePoint now);

    // Drops every source whose last message is more than kIdleTimeout before `now`.
    void collect(TimePoint now);

    // Sources currently tracked.
    [[nodiscard]] std::size_t size() const { return table_.size(); }

  private:
    enum class Family : std::uint8_t { ipv4 = 4, ipv6 = 6 };

    struct Key {
        Family family;
        std::uint64_t bits;  // IPv4 address, or IPv6 /64 prefix, read big-endian
        friend bool operator==(const Key&, const Key&) = default;
    };

    struct Entry {
        TimePoint last;     // time of the last message seen from this source
        Duration tokens{};  // credit, in time: one message costs 1 s / kRatelimitPacketsPerSecond
    };

    class KeyHash {
      public:
        explicit KeyHash(std::span<const std::uint8_t, kRatelimiterSeedSize> seed);
        std::size_t operator()(const Key& key) const;

      private:
        std::array<std::uint8_t, kRatelimiterSeedSize> seed_{};
    };

    std::size_t max_entries_;
    std::unordered_map<Key, Entry, KeyHash> table_;
    TimePoint last_collect_{};
};

}  // namespace tulle::core

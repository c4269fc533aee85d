#include "daemon/core/ratelimiter.hpp"

#include <algorithm>
#include <optional>

#include <sodium.h>

namespace tulle::core {
namespace {

static_assert(kRatelimiterSeedSize == crypto_shorthash_KEYBYTES);
static_assert(impl::kRatelimitPacketsPerSecond > 0 && impl::kRatelimitBurst > 0);

constexpr std::size_t kIpv4Size = 4;
constexpr std::size_t kIpv6Size = 16;

// Time it takes the bucket to earn one message, and the most credit it can hold.
constexpr Duration kPacketCost = std::chrono::duration_cast<Duration>(std::chrono::seconds{1}) /
                                 impl::kRatelimitPacketsPerSecond;
constexpr Duration kTokenMax = kPacketCost * impl::kRatelimitBurst;

std::uint64_t load_be(std::span<const std::uint8_t> bytes) {
    std::uint64_t value = 0;
    for (const std::uint8_t byte : bytes) {
        value = (value << 8U) | byte;
    }
    return value;
}

bool is_ipv4_mapped(std::span<const std::uint8_t> ip) {
    static constexpr std::array<std::uint8_t, 12> kPrefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return std::equal(kPrefix.begin(), kPrefix.end(), ip.begin());
}

}  // namespace

Ratelimiter::KeyHash::KeyHash(std::span<const std::uint8_t, kRatelimiterSeedSize> seed) {
    std::copy(seed.begin(), seed.end(), seed_.begin());
}

std::size_t Ratelimiter::KeyHash::operator()(const Key& key) const {
    std::array<std::uint8_t, 9> input{};
    input[0] = static_cast<std::uint8_t>(key.family);
    for (std::size_t i = 0; i < 8; ++i) {
        input[1 + i] = static_cast<std::uint8_t>(key.bits >> (8U * i));
    }
    std::array<std::uint8_t, crypto_shorthash_BYTES> out{};
    crypto_shorthash(out.data(), input.data(), input.size(), seed_.data());
    std::uint64_t hash = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        hash |= static_cast<std::uint64_t>(out[i]) << (8U * i);
    }
    return static_cast<std::size_t>(hash);
}

Ratelimiter::Ratelimiter(std::span<const std::uint8_t, kRatelimiterSeedSize> seed,
                         std::size_t max_entries)
    : max_entries_(max_entries), table_(0, KeyHash(seed)) {}

bool Ratelimiter::allow(std::span<const std::uint8_t> ip, TimePoint now) {
    std::optional<Key> key;
    if (ip.size() == kIpv4Size) {
        key = Key{Family::ipv4, load_be(ip)};
    } else if (ip.size() == kIpv6Size && is_ipv4_mapped(ip)) {
        key = Key{Family::ipv4, load_be(ip.subspan(12))};
    } else if (ip.size() == kIpv6Size) {
        key = Key{Family::ipv6, load_be(ip.first(8))};
    } else {
        return false;
    }

    if (now - last_collect_ >= kCollectInterval) {
        collect(now);
    }

    const auto found = table_.find(*key);
    if (found == table_.end()) {
        if (table_.size() >= max_entries_) {
            return false;
        }
        // A new source gets a full bucket, less the message in hand.
        table_.emplace(*key, Entry{now, kTokenMax - kPacketCost});
        return true;
    }

    Entry& entry = found->second;
    // A clock that steps back (callers on several threads) earns nothing rather than going into
    // debt, and does not move the entry's time back.
    const Duration elapsed = std::max(Duration::zero(), now - entry.last);
    entry.last = std::max(entry.last, now);
    entry.tokens = std::min(kTokenMax, entry.tokens + std::min(elapsed, kTokenMax));
    if (entry.tokens < kPacketCost) {
        return false;
    }
    entry.tokens -= kPacketCost;
    return true;
}

void Ratelimiter::collect(TimePoint now) {
    last_collect_ = now;
    std::erase_if(table_,
                  [now](const auto& item) { return now - item.second.last > kIdleTimeout; });
}

}  // namespace tulle::core

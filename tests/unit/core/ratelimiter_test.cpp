#include "daemon/core/ratelimiter.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sodium.h>

#include "daemon/core/constants.hpp"

namespace tulle::core {
namespace {

using namespace std::chrono_literals;

using Address = std::vector<std::uint8_t>;

constexpr std::array<std::uint8_t, kRatelimiterSeedSize> kSeed{
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};

// A fixed point on the fake clock, well away from the clock's epoch.
const TimePoint kT0 = TimePoint{} + 1000s;

// Time for the bucket to earn one message: 50 ms at 20 per second.
constexpr auto kCost = 1000ms / impl::kRatelimitPacketsPerSecond;
static_assert(kCost == 50ms);

Address v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    return {a, b, c, d};
}

Address v4_mapped(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    return {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d};
}

// An IPv6 address from its eight 16-bit groups.
Address v6(std::array<std::uint16_t, 8> groups) {
    Address out;
    for (const std::uint16_t g : groups) {
        out.push_back(static_cast<std::uint8_t>(g >> 8U));
        out.push_back(static_cast<std::uint8_t>(g & 0xffU));
    }
    return out;
}

// Calls allow() `times` times at `now` and returns how many were allowed.
int allowed_count(Ratelimiter& limiter, const Address& ip, TimePoint now, int times) {
    int allowed = 0;
    for (int i = 0; i < times; ++i) {
        allowed += limiter.allow(ip, now) ? 1 : 0;
    }
    return allowed;
}

class RatelimiterTest : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_GE(sodium_init(), 0); }
};

// One source, a second spelling of the same source (or another address in its IPv6 /64), and a
// neighbouring source that must have its own bucket. Addresses are from the documentation ranges
// of RFC 5737 (IPv4) and RFC 3849 (IPv6).
struct SourceCase {
    std::string name;
    Address source;
    Address same_bucket;
    Address other_bucket;
};

void PrintTo(const SourceCase& c, std::ostream* os) {
    *os << c.name;
}

class RatelimiterPerSource : public RatelimiterTest,
                             public ::testing::WithParamInterface<SourceCase> {};

TEST_P(RatelimiterPerSource, BurstThenRefuse) {
    Ratelimiter limiter(kSeed);
    for (int i = 0; i < impl::kRatelimitBurst; ++i) {
        EXPECT_TRUE(limiter.allow(GetParam().source, kT0)) << "message " << i;
    }
    EXPECT_FALSE(limiter.allow(GetParam().source, kT0));
    EXPECT_FALSE(limiter.allow(GetParam().source, kT0));
    EXPECT_EQ(limiter.size(), 1U);
}

TEST_P(RatelimiterPerSource, RefillsOneMessagePerCost) {
    Ratelimiter limiter(kSeed);
    const Address& ip = GetParam().source;
    ASSERT_EQ(allowed_count(limiter, ip, kT0, impl::kRatelimitBurst), impl::kRatelimitBurst);
    EXPECT_FALSE(limiter.allow(ip, kT0 + kCost - 1ms));
    EXPECT_TRUE(limiter.allow(ip, kT0 + kCost));  // exactly one more after 50 ms
    EXPECT_FALSE(limiter.allow(ip, kT0 + kCost));
    EXPECT_TRUE(limiter.allow(ip, kT0 + 2 * kCost));
    EXPECT_FALSE(limiter.allow(ip, kT0 + 2 * kCost));
}

TEST_P(RatelimiterPerSource, SteadyRateIsTwentyPerSecond) {
    Ratelimiter limiter(kSeed);
    const Address& ip = GetParam().source;
    ASSERT_EQ(allowed_count(limiter, ip, kT0, impl::kRatelimitBurst), impl::kRatelimitBurst);
    // One attempt every 10 ms for a second, after the burst is spent.
    int allowed = 0;
    for (int i = 1; i <= 100; ++i) {
        allowed += limiter.allow(ip, kT0 + i * 10ms) ? 1 : 0;
    }
    EXPECT_EQ(allowed, impl::kRatelimitPacketsPerSecond);
}

TEST_P(RatelimiterPerSource, RefillStopsAtBurst) {
    Ratelimiter limiter(kSeed);
    const Address& ip = GetParam().source;
    ASSERT_EQ(allowed_count(limiter, ip, kT0, impl::kRatelimitBurst), impl::kRatelimitBurst);
    // 900 ms would pay for 18 messages, but the bucket holds only a burst (and the source is not
    // idle long enough to be collected and start afresh).
    EXPECT_EQ(allowed_count(limiter, ip, kT0 + 900ms, 20), impl::kRatelimitBurst);
}

TEST_P(RatelimiterPerSource, SameBucketIsShared) {
    Ratelimiter limiter(kSeed);
    ASSERT_EQ(allowed_count(limiter, GetParam().source, kT0, impl::kRatelimitBurst),
              impl::kRatelimitBurst);
    EXPECT_FALSE(limiter.allow(GetParam().same_bucket, kT0));
    EXPECT_EQ(limiter.size(), 1U);
}

TEST_P(RatelimiterPerSource, OtherBucketIsIndependent) {
    Ratelimiter limiter(kSeed);
    ASSERT_EQ(allowed_count(limiter, GetParam().source, kT0, impl::kRatelimitBurst + 3),
              impl::kRatelimitBurst);
    EXPECT_EQ(allowed_count(limiter, GetParam().other_bucket, kT0, impl::kRatelimitBurst + 3),
              impl::kRatelimitBurst);
    EXPECT_FALSE(limiter.allow(GetParam().source, kT0));
    EXPECT_EQ(limiter.size(), 2U);
}

INSTANTIATE_TEST_SUITE_P(
    Sources, RatelimiterPerSource,
    ::testing::Values(
        SourceCase{"ipv4", v4(192, 0, 2, 1), v4_mapped(192, 0, 2, 1), v4(192, 0, 2, 2)},
        SourceCase{"ipv4_mapped", v4_mapped(198, 51, 100, 7), v4(198, 51, 100, 7),
                   v4_mapped(198, 51, 100, 8)},
        SourceCase{"ipv6_same_64", v6({0x2001, 0xdb8, 1, 2, 0, 0, 0, 1}),
                   v6({0x2001, 0xdb8, 1, 2, 0xffff, 0xffff, 0xffff, 0xffff}),
                   v6({0x2001, 0xdb8, 1, 3, 0, 0, 0, 1})},
        // The neighbouring /64 differs only in the last bit of the prefix.
        SourceCase{"ipv6_prefix_last_bit", v6({0x2001, 0xdb8, 0xabcd, 0x1234, 9, 8, 7, 6}),
                   v6({0x2001, 0xdb8, 0xabcd, 0x1234, 0, 0, 0, 0}),
                   v6({0x2001, 0xdb8, 0xabcd, 0x1235, 9, 8, 7, 6})}),
    [](const ::testing::TestParamInfo<SourceCase>& info) { return info.param.name; });

TEST_F(RatelimiterTest, Ipv4AndIpv6WithTheSameLeadingBytesAreDifferentSources) {
    Ratelimiter limiter(kSeed);
    const Address ipv4 = v4(192, 0, 2, 1);
    const Address ipv6 = v6({0xc000, 0x0201, 0, 0, 0, 0, 0, 0});
    ASSERT_EQ(allowed_count(limiter, ipv4, kT0, 10), impl::kRatelimitBurst);
    EXPECT_EQ(allowed_count(limiter, ipv6, kT0, 10), impl::kRatelimitBurst);
    EXPECT_EQ(limiter.size(), 2U);
}

TEST_F(RatelimiterTest, RefusesOtherAddressLengths) {
    Ratelimiter limiter(kSeed);
    for (const std::size_t length : {0U, 1U, 3U, 5U, 8U, 15U, 17U, 32U}) {
        const Address ip(length, 0x20);
        EXPECT_FALSE(limiter.allow(ip, kT0)) << length;
    }
    EXPECT_EQ(limiter.size(), 0U);
}

TEST_F(RatelimiterTest, ClockSteppingBackEarnsNothing) {
    Ratelimiter limiter(kSeed);
    const Address ip = v4(203, 0, 113, 9);
    ASSERT_EQ(allowed_count(limiter, ip, kT0, impl::kRatelimitBurst), impl::kRatelimitBurst);
    EXPECT_FALSE(limiter.allow(ip, kT0 - 500ms));
    EXPECT_TRUE(limiter.allow(ip, kT0 + kCost));
    EXPECT_FALSE(limiter.allow(ip, kT0 + kCost));
}

TEST_F(RatelimiterTest, IdleSourcesAreCollectedDuringCalls) {
    Ratelimiter limiter(kSeed);
    const Address a = v4(192, 0, 2, 10);
    const Address b = v4(192, 0, 2, 11);
    const Address c = v4(192, 0, 2, 12);
    ASSERT_TRUE(limiter.allow(a, kT0));  // also the first collection, of an empty table
    ASSERT_EQ(limiter.size(), 1U);

    // Idle for exactly the timeout is not yet "over" it.
    ASSERT_TRUE(limiter.allow(b, kT0 + Ratelimiter::kIdleTimeout));
    EXPECT_EQ(limiter.size(), 2U);

    // `a` is now idle for longer than the timeout, but the last collection was only half a
    // second ago, so it is still there.
    ASSERT_TRUE(limiter.allow(c, kT0 + 1500ms));
    EXPECT_EQ(limiter.size(), 3U);

    // Just over a second after the last collection, `a` and `b` are gone and `c` (idle 0.5 s)
    // stays.
    ASSERT_TRUE(limiter.allow(c, kT0 + 2001ms));
    EXPECT_EQ(limiter.size(), 1U);

    // A collected source starts again with a full burst.
    EXPECT_EQ(allowed_count(limiter, a, kT0 + 2001ms, 10), impl::kRatelimitBurst);
}

TEST_F(RatelimiterTest, ExplicitCollectDropsOnlyIdleSources) {
    Ratelimiter limiter(kSeed);
    const Address a = v4(192, 0, 2, 20);
    const Address b = v6({0x2001, 0xdb8, 0, 0x20, 0, 0, 0, 1});
    ASSERT_TRUE(limiter.allow(a, kT0));
    ASSERT_TRUE(limiter.allow(b, kT0 + 600ms));
    limiter.collect(kT0 + 1s);
    EXPECT_EQ(limiter.size(), 2U);
    limiter.collect(kT0 + 1s + 1ms);
    EXPECT_EQ(limiter.size(), 1U);
    limiter.collect(kT0 + 1601ms);
    EXPECT_EQ(limiter.size(), 0U);
}

TEST_F(RatelimiterTest, FullTableRefusesNewSourcesButServesKnownOnes) {
    constexpr std::size_t kCapacity = 8;
    Ratelimiter limiter(kSeed, kCapacity);
    for (std::uint8_t i = 0; i < kCapacity; ++i) {
        ASSERT_TRUE(limiter.allow(v4(198, 51, 100, i), kT0)) << int{i};
    }
    ASSERT_EQ(limiter.size(), kCapacity);
    // Source 0 spends the rest of its burst.
    ASSERT_EQ(allowed_count(limiter, v4(198, 51, 100, 0), kT0, 10), impl::kRatelimitBurst - 1);

    EXPECT_FALSE(limiter.allow(v4(198, 51, 100, 200), kT0 + 100ms));
    EXPECT_FALSE(limiter.allow(v6({0x2001, 0xdb8, 7, 7, 0, 0, 0, 1}), kT0 + 100ms));
    EXPECT_EQ(limiter.size(), kCapacity);

    // Known sources keep their own buckets: source 0 has earned two messages in 100 ms; source 7
    // had four left, and the refill tops it up to a full burst but no further.
    EXPECT_EQ(allowed_count(limiter, v4(198, 51, 100, 0), kT0 + 100ms, 10), 2);
    EXPECT_EQ(allowed_count(limiter, v4(198, 51, 100, 7), kT0 + 100ms, 10), impl::kRatelimitBurst);

    // Once the others have gone idle and been collected, there is room again.
    ASSERT_TRUE(limiter.allow(v4(198, 51, 100, 0), kT0 + 1500ms));
    EXPECT_TRUE(limiter.allow(v4(198, 51, 100, 200), kT0 + 1500ms));
    EXPECT_EQ(limiter.size(), 2U);
}

TEST_F(RatelimiterTest, DefaultCapacityIsTheImplementationLimit) {
    Ratelimiter limiter(kSeed);
    for (std::size_t i = 0; i < impl::kRatelimitMaxEntries; ++i) {
        const Address ip = v4(10, static_cast<std::uint8_t>(i >> 16U),
                              static_cast<std::uint8_t>(i >> 8U), static_cast<std::uint8_t>(i));
        ASSERT_TRUE(limiter.allow(ip, kT0)) << i;
    }
    EXPECT_EQ(limiter.size(), impl::kRatelimitMaxEntries);
    EXPECT_FALSE(limiter.allow(v4(11, 0, 0, 0), kT0));
    EXPECT_TRUE(limiter.allow(v4(10, 0, 0, 0), kT0));
    EXPECT_EQ(limiter.size(), impl::kRatelimitMaxEntries);
}

TEST_F(RatelimiterTest, BehaviourDoesNotDependOnTheSeed) {
    // The seed only places entries in the table; two limiters with different seeds give the
    // same answers to the same traffic.
    constexpr std::array<std::uint8_t, kRatelimiterSeedSize> kOtherSeed{
        0xa5, 0x5a, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
        0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e};
    Ratelimiter first(kSeed, 16);
    Ratelimiter second(kOtherSeed, 16);
    for (int step = 0; step < 2000; ++step) {
        const Address ip = v4(192, 0, 2, static_cast<std::uint8_t>((step * 7) % 24));
        const TimePoint now = kT0 + step * 3ms;
        ASSERT_EQ(first.allow(ip, now), second.allow(ip, now)) << step;
    }
    EXPECT_EQ(first.size(), second.size());
}

}  // namespace
}  // namespace tulle::core

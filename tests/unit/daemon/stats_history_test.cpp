#include "daemon/stats_history.hpp"

#include <gtest/gtest.h>

#include "tests/unit/key_of.hpp"

namespace tulle::daemon {
namespace {

value::Key key(std::uint8_t fill) {
    return unit::key_of(fill);
}

TEST(StatsHistory, RatesAreBytesPerSecondSinceTheSampleBefore) {
    StatsHistory history;
    EXPECT_EQ(history.record(key(1), 100, 1000, 500).rx, 0);  // nothing to compare with yet
    const auto rates = history.record(key(1), 102, 5000, 700);
    EXPECT_DOUBLE_EQ(rates.rx, 2000);
    EXPECT_DOUBLE_EQ(rates.tx, 100);
}

TEST(StatsHistory, KeepsTheLastTenMinutesOneSampleASecond) {
    StatsHistory history;
    for (std::int64_t t = 0; t < 1000; ++t) {
        (void)history.record(key(1), t, static_cast<std::uint64_t>(t) * 10, 0);
    }
    const auto all = history.samples(key(1), 600);
    ASSERT_EQ(all.size(), 600U);
    EXPECT_EQ(all.front().time, 400);
    EXPECT_EQ(all.back().time, 999);
    EXPECT_EQ(all.back().rx_bytes, 9990U);
    const auto minute = history.samples(key(1), 60);
    ASSERT_EQ(minute.size(), 60U);
    EXPECT_EQ(minute.front().time, 940);
}

TEST(StatsHistory, CountersThatGoDownStartAFreshHistory) {
    StatsHistory history;
    (void)history.record(key(1), 1, 1000, 1000);
    (void)history.record(key(1), 2, 2000, 2000);
    const auto rates = history.record(key(1), 3, 10, 10);  // the peer was removed and re-added
    EXPECT_EQ(rates.rx, 0);
    EXPECT_EQ(history.samples(key(1), 600).size(), 1U);
}

TEST(StatsHistory, AClockThatStepsBackStartsAfresh) {
    StatsHistory history;
    (void)history.record(key(1), 5000, 100, 100);
    (void)history.record(key(1), 1400, 200, 200);  // an hour back
    (void)history.record(key(1), 1401, 300, 300);
    const auto samples = history.samples(key(1), 600);
    ASSERT_EQ(samples.size(), 2U);
    EXPECT_EQ(samples.front().time, 1400);
}

TEST(StatsHistory, ASecondSampleInTheSameSecondIsIgnored) {
    StatsHistory history;
    (void)history.record(key(1), 5, 100, 100);
    (void)history.record(key(1), 5, 900, 900);
    ASSERT_EQ(history.samples(key(1), 600).size(), 1U);
    EXPECT_EQ(history.samples(key(1), 600)[0].rx_bytes, 100U);
}

TEST(StatsHistory, PeersThatWentAreForgotten) {
    StatsHistory history;
    (void)history.record(key(1), 1, 1, 1);
    (void)history.record(key(2), 1, 1, 1);
    history.retain({key(2)});
    EXPECT_TRUE(history.samples(key(1), 600).empty());
    EXPECT_EQ(history.peers(), std::vector<value::Key>{key(2)});
}

}  // namespace
}  // namespace tulle::daemon

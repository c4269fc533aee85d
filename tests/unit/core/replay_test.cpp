#include "daemon/core/replay.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "daemon/core/constants.hpp"

namespace tulle::core {
namespace {

constexpr std::uint64_t kWindow = impl::kReplayWindow;
constexpr std::uint64_t kRingBits = impl::kReplayBlocks * 64;  // bits in the whole block ring
constexpr std::uint64_t kReject = spec::kRejectAfterMessages;

struct Step {
    int number;  // position within the scenario, as numbered by its source where it has one
    std::uint64_t counter;
    bool accepted;
};

struct Scenario {
    std::string name;
    std::vector<Step> steps;
};

void PrintTo(const Scenario& scenario, std::ostream* os) {
    *os << scenario.name;
}

// Appends a step numbered after the ones already there.
void add(Scenario& scenario, std::uint64_t counter, bool accepted) {
    scenario.steps.push_back({static_cast<int>(scenario.steps.size()) + 1, counter, accepted});
}

// The replay-counter self-test of the Linux kernel's WireGuard driver,
// drivers/net/wireguard/selftest/counter.c (wg_packet_counter_selftest). The kernel's window,
// COUNTER_WINDOW_SIZE, is 8192 - BITS_PER_LONG = 8128 on 64-bit machines, the same as
// impl::kReplayWindow; the vectors are written here in terms of our constants (T_LIM is
// window + 1), so they keep their meaning if the window is ever resized. The kernel's
// REJECT_AFTER_MESSAGES is U64_MAX - COUNTER_WINDOW_SIZE - 1 while ours is the whitepaper's
// 2^64 - 2^13 - 1; the vectors only use it as a reference point, so ours is substituted.
Scenario kernel_numbered() {
    constexpr std::uint64_t t_lim = kWindow + 1;
    Scenario s{"kernel_numbered", {}};
    add(s, 0, true);                         //  1
    add(s, 1, true);                         //  2
    add(s, 1, false);                        //  3
    add(s, 9, true);                         //  4
    add(s, 8, true);                         //  5
    add(s, 7, true);                         //  6
    add(s, 7, false);                        //  7
    add(s, t_lim, true);                     //  8
    add(s, t_lim - 1, true);                 //  9
    add(s, t_lim - 1, false);                // 10
    add(s, t_lim - 2, true);                 // 11
    add(s, 2, true);                         // 12
    add(s, 2, false);                        // 13
    add(s, t_lim + 16, true);                // 14
    add(s, 3, false);                        // 15
    add(s, t_lim + 16, false);               // 16
    add(s, t_lim * 4, true);                 // 17
    add(s, t_lim * 4 - (t_lim - 1), true);   // 18
    add(s, 10, false);                       // 19
    add(s, t_lim * 4 - t_lim, false);        // 20
    add(s, t_lim * 4 - (t_lim + 1), false);  // 21
    add(s, t_lim * 4 - (t_lim - 2), true);   // 22
    add(s, t_lim * 4 + 1 - t_lim, false);    // 23
    add(s, 0, false);                        // 24
    add(s, kReject, false);                  // 25
    add(s, kReject - 1, true);               // 26
    add(s, kReject, false);                  // 27
    add(s, kReject - 1, false);              // 28
    add(s, kReject - 2, true);               // 29
    add(s, kReject + 1, false);              // 30
    add(s, kReject + 2, false);              // 31
    add(s, kReject - 2, false);              // 32
    add(s, kReject - 3, true);               // 33
    add(s, 0, false);                        // 34
    return s;
}

// The six bulk sequences that follow the numbered ones in the same kernel self-test
// (drivers/net/wireguard/selftest/counter.c), each on a fresh window.
std::vector<Scenario> kernel_bulk() {
    std::vector<Scenario> all;

    Scenario s1{"kernel_bulk_1_ascending_then_zero", {}};
    for (std::uint64_t i = 1; i <= kWindow; ++i) {
        add(s1, i, true);
    }
    add(s1, 0, true);
    add(s1, 0, false);
    all.push_back(s1);

    Scenario s2{"kernel_bulk_2_ascending_from_two", {}};
    for (std::uint64_t i = 2; i <= kWindow + 1; ++i) {
        add(s2, i, true);
    }
    add(s2, 1, true);
    add(s2, 0, false);
    all.push_back(s2);

    Scenario s3{"kernel_bulk_3_descending_to_zero", {}};
    for (std::uint64_t i = kWindow + 1; i-- > 0;) {
        add(s3, i, true);
    }
    all.push_back(s3);

    Scenario s4{"kernel_bulk_4_descending_to_one", {}};
    for (std::uint64_t i = kWindow + 2; i-- > 1;) {
        add(s4, i, true);
    }
    add(s4, 0, false);
    all.push_back(s4);

    Scenario s5{"kernel_bulk_5_descending_then_up", {}};
    for (std::uint64_t i = kWindow + 1; i-- > 1;) {
        add(s5, i, true);
    }
    add(s5, kWindow + 1, true);
    add(s5, 0, false);
    all.push_back(s5);

    Scenario s6{"kernel_bulk_6_descending_zero_then_up", {}};
    for (std::uint64_t i = kWindow + 1; i-- > 1;) {
        add(s6, i, true);
    }
    add(s6, 0, true);
    add(s6, kWindow + 1, true);
    all.push_back(s6);

    return all;
}

std::vector<Scenario> all_kernel_scenarios() {
    std::vector<Scenario> all{kernel_numbered()};
    for (auto& s : kernel_bulk()) {
        all.push_back(std::move(s));
    }
    return all;
}

class KernelCounterSelftest : public ::testing::TestWithParam<Scenario> {};

TEST_P(KernelCounterSelftest, MatchesExpected) {
    ReplayWindow window;
    for (const Step& step : GetParam().steps) {
        EXPECT_EQ(window.check_and_update(step.counter), step.accepted)
            << "step " << step.number << ", counter " << step.counter;
    }
}

INSTANTIATE_TEST_SUITE_P(Vectors, KernelCounterSelftest,
                         ::testing::ValuesIn(all_kernel_scenarios()),
                         [](const ::testing::TestParamInfo<Scenario>& info) {
                             return info.param.name;
                         });

TEST(ReplayWindow, WindowEdgeIsInclusive) {
    ReplayWindow window;
    const std::uint64_t high = 5 * kWindow + 77;
    ASSERT_TRUE(window.check_and_update(high));
    EXPECT_FALSE(window.check_and_update(high - kWindow - 1));
    EXPECT_TRUE(window.check_and_update(high - kWindow));
    EXPECT_FALSE(window.check_and_update(high - kWindow));
    EXPECT_TRUE(window.check_and_update(high - 1));
    EXPECT_FALSE(window.check_and_update(high));
}

TEST(ReplayWindow, RejectsAtAndAboveLimitEvenWhenFresh) {
    ReplayWindow window;
    EXPECT_FALSE(window.check_and_update(kReject));
    EXPECT_FALSE(window.check_and_update(UINT64_MAX));
    EXPECT_TRUE(window.check_and_update(0));  // the rejections recorded nothing
    EXPECT_TRUE(window.check_and_update(kReject - 1));
}

// A counter exactly one ring ahead lands on the same bit of the same block as an old one; the
// block must have been cleared when the window entered it.
TEST(ReplayWindow, BitsFromThePreviousLapAreCleared) {
    ReplayWindow window;
    ASSERT_TRUE(window.check_and_update(100));
    ASSERT_TRUE(window.check_and_update(101));
    EXPECT_TRUE(window.check_and_update(100 + kRingBits));
    EXPECT_TRUE(window.check_and_update(101 + kRingBits));
    EXPECT_FALSE(window.check_and_update(100 + kRingBits));

    // Walking forward one block at a time over several laps, each new block starts empty.
    ReplayWindow walker;
    for (std::uint64_t c = 3; c < 5 * kRingBits; c += 64) {
        ASSERT_TRUE(walker.check_and_update(c)) << c;
        ASSERT_TRUE(walker.check_and_update(c + 1)) << c;
        ASSERT_FALSE(walker.check_and_update(c)) << c;
    }
}

TEST(ReplayWindow, BigJumpForgetsEverythingBelowTheNewWindow) {
    ReplayWindow window;
    for (std::uint64_t c = 0; c <= kWindow; ++c) {
        ASSERT_TRUE(window.check_and_update(c));
    }
    const std::uint64_t high = 10 * kRingBits + 5;
    ASSERT_TRUE(window.check_and_update(high));
    for (std::uint64_t c = high - kWindow; c < high; ++c) {
        ASSERT_TRUE(window.check_and_update(c)) << c;
    }
    for (std::uint64_t c = high - kWindow; c <= high; ++c) {
        ASSERT_FALSE(window.check_and_update(c)) << c;
    }
    EXPECT_FALSE(window.check_and_update(kWindow));
}

TEST(ReplayWindow, ResetForgetsCountersAndHighest) {
    ReplayWindow window;
    ASSERT_TRUE(window.check_and_update(0));
    ASSERT_TRUE(window.check_and_update(3 * kWindow));
    ASSERT_FALSE(window.check_and_update(1));  // too old
    ASSERT_FALSE(window.check_and_update(3 * kWindow));
    window.reset();
    EXPECT_TRUE(window.check_and_update(1));
    EXPECT_TRUE(window.check_and_update(0));
    EXPECT_TRUE(window.check_and_update(3 * kWindow));
    EXPECT_FALSE(window.check_and_update(1));
}

// The obvious model: the set of accepted counters plus the highest one.
class NaiveReplay {
  public:
    bool check_and_update(std::uint64_t counter) {
        if (counter >= kReject || counter + kWindow < highest_ || seen_.count(counter) != 0) {
            return false;
        }
        seen_.insert(counter);
        highest_ = std::max(highest_, counter);
        return true;
    }

  private:
    std::set<std::uint64_t> seen_;
    std::uint64_t highest_ = 0;
};

struct RandomCase {
    std::string name;
    std::uint64_t seed;
    std::uint64_t start;  // the first counter offered; later ones wander around the highest
    bool reaches_limit;   // whether the walk runs into kRejectAfterMessages
};

class ReplayAgainstModel : public ::testing::TestWithParam<RandomCase> {};

TEST_P(ReplayAgainstModel, Agrees) {
    // Only raw engine output is used (distributions differ between standard libraries), so a
    // seed gives the same sequence everywhere.
    std::mt19937_64 rng(GetParam().seed);
    const auto below = [&rng](std::uint64_t n) { return rng() % n; };
    const auto ahead = [](std::uint64_t from, std::uint64_t by) {
        return from > UINT64_MAX - by ? UINT64_MAX : from + by;
    };

    ReplayWindow window;
    NaiveReplay model;
    std::uint64_t highest = GetParam().start;
    std::array<std::uint64_t, 64> recent{};  // recently accepted counters, to offer again
    std::size_t recent_count = 0;
    int accepted = 0;
    int duplicates_offered = 0;
    int over_limit_offered = 0;
    constexpr int kSteps = 200000;
    for (int i = 0; i < kSteps; ++i) {
        const std::uint64_t kind = below(100);
        const std::uint64_t counter = [&]() -> std::uint64_t {
            if (kind < 20 && recent_count > 0) {  // a replay of something recent
                ++duplicates_offered;
                return recent[below(std::min(recent_count, recent.size()))];
            }
            if (kind < 50) {  // somewhere in or just below the window
                const std::uint64_t back = below(kWindow + 256);
                return highest > back ? highest - back : 0;
            }
            if (kind < 85) {  // a little ahead
                return ahead(highest, below(200));
            }
            if (kind < 93) {  // a few blocks ahead
                return ahead(highest, below(std::uint64_t{20} * 64));
            }
            if (kind < 97) {  // about a ring ahead, to land on recycled blocks
                return ahead(highest, kRingBits - 64 + below(128));
            }
            return ahead(highest, below(10 * kRingBits));  // far ahead
        }();
        if (counter >= kReject) {
            ++over_limit_offered;
        }
        const bool expected = model.check_and_update(counter);
        ASSERT_EQ(window.check_and_update(counter), expected) << "step " << i << ", " << counter;
        if (expected) {
            ++accepted;
            highest = std::max(highest, counter);
            recent[recent_count++ % recent.size()] = counter;
        }
    }
    // The mix must exercise both outcomes substantially for the comparison to mean anything.
    EXPECT_GT(accepted, kSteps / 100);
    EXPECT_GT(kSteps - accepted, kSteps / 10);
    EXPECT_GT(duplicates_offered, kSteps / 10);
    EXPECT_EQ(over_limit_offered > 0, GetParam().reaches_limit);
}

INSTANTIATE_TEST_SUITE_P(
    Random, ReplayAgainstModel,
    ::testing::Values(RandomCase{"from_zero", 0x7475'6c6c'6501ULL, 0, false},
                      RandomCase{"mid_range", 0x7475'6c6c'6502ULL, std::uint64_t{1} << 40U, false},
                      RandomCase{"near_limit", 0x7475'6c6c'6503ULL, kReject - 4000 * kRingBits,
                                 true}),
    [](const ::testing::TestParamInfo<RandomCase>& info) { return info.param.name; });

}  // namespace
}  // namespace tulle::core

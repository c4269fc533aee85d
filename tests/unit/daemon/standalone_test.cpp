// Policy-routing housekeeping of tunnels that take the default route.
#include "daemon/standalone.hpp"

#include <gtest/gtest.h>

#include "tests/unit/daemon/fake_net_config.hpp"

namespace tulle::daemon {
namespace {

platform::RoutingRule tunnel_rule(std::uint32_t table, bool v6 = false) {
    platform::RoutingRule rule;
    rule.v6 = v6;
    rule.table = table;
    rule.not_fwmark = table;
    rule.protocol = platform::kTulleRouteProtocol;
    return rule;
}

platform::RoutingRule suppress_rule(bool v6 = false) {
    platform::RoutingRule rule;
    rule.v6 = v6;
    rule.suppress_prefix_length = 0;
    rule.protocol = platform::kTulleRouteProtocol;
    return rule;
}

TEST(PolicyTable, TheFirstTunnelGetsWgQuicksTable) {
    testing::FakeNetConfig net;
    EXPECT_EQ(free_policy_table(net), kDefaultPolicyTable);
}

TEST(PolicyTable, ASecondTunnelGetsTheNextFreeTable) {
    testing::FakeNetConfig net;
    net.rules = {tunnel_rule(51820), suppress_rule()};
    net.tables_in_use = {51820};
    EXPECT_EQ(free_policy_table(net), 51821U);
    // A table with routes but no rules (someone else's) is not free either.
    net.tables_in_use.push_back(51821);
    EXPECT_EQ(free_policy_table(net), 51822U);
}

TEST(PolicyTable, RulesOfATunnelThatIsGoneAreRemovedAndALiveOnesKept) {
    testing::FakeNetConfig net;
    // 51820 is live (its table has the default route); 51821 died with its process.
    net.rules = {tunnel_rule(51820), suppress_rule(),          tunnel_rule(51821),
                 suppress_rule(),    tunnel_rule(51821, true), suppress_rule(true)};
    net.tables_in_use = {51820};
    EXPECT_EQ(remove_stale_rules(net), 2U);  // a v4 and a v6 pair
    ASSERT_EQ(net.rules.size(), 2U);
    EXPECT_EQ(net.rules[0].table, 51820U);
    EXPECT_TRUE(net.rules[1].suppress_prefix_length);
    EXPECT_FALSE(net.rules[1].v6);
}

TEST(PolicyTable, RulesOfOthersAreNeverTouched) {
    testing::FakeNetConfig net;
    auto foreign = tunnel_rule(51820);
    foreign.protocol = 0;  // wg-quick's, say
    net.rules = {foreign};
    EXPECT_EQ(remove_stale_rules(net), 0U);
    EXPECT_EQ(net.rules.size(), 1U);
    EXPECT_EQ(free_policy_table(net), 51821U);
}

TEST(PolicyTable, ASuppressRuleOfSomeoneElseStaysWhenOursGoes) {
    testing::FakeNetConfig net;
    // wg-quick's suppress rule came after ours, so the kernel lists it first.
    auto foreign = suppress_rule();
    foreign.protocol = 0;
    net.rules = {foreign, tunnel_rule(51821), suppress_rule()};
    EXPECT_EQ(remove_stale_rules(net), 1U);
    ASSERT_EQ(net.rules.size(), 1U);
    EXPECT_EQ(net.rules[0], foreign);
}

}  // namespace
}  // namespace tulle::daemon

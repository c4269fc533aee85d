#include "daemon/tunnel_config.hpp"

#include <gtest/gtest.h>

#include "daemon/standalone.hpp"

namespace tulle::daemon {
namespace {

constexpr const char* kConfig = R"(
[Interface]
PrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=
Address = 10.0.0.1/24, fd00::1/64
ListenPort = 51820
MTU = 1380

[Peer]
# Name = laptop
PublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=
AllowedIPs = 10.0.0.2/32, 10.7.0.0/16, 0.0.0.0/0
Endpoint = vpn.example.test:51820

[Peer]
PublicKey = TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=
PresharedKey = FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE=
AllowedIPs = 10.7.0.0/16, 10.0.0.3/24
Endpoint = [2001:db8::5]:4500
PersistentKeepalive = 25
)";

ipc::TunnelConfig parse(std::string_view text) {
    auto parsed = ipc::parse_config(text, "wg0.conf", false);
    EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : ipc::to_string(parsed.error()));
    return parsed.value();
}

TEST(TunnelConfig, BecomesAUapiSetThatReplacesEverything) {
    const UapiSet set = to_uapi_set(parse(kConfig));
    EXPECT_TRUE(set.replace_peers);
    EXPECT_EQ(set.listen_port, 51820);
    ASSERT_TRUE(set.private_key && *set.private_key);
    ASSERT_EQ(set.peers.size(), 2U);
    // A host name is resolved later, off the loop thread: the set has no endpoint for it.
    EXPECT_FALSE(set.peers[0].endpoint.has_value());
    EXPECT_FALSE(set.peers[0].preshared_key.has_value());
    EXPECT_TRUE(set.peers[0].replace_allowed_ips);
    EXPECT_EQ(set.peers[0].allowed_ips.size(), 3U);
    ASSERT_TRUE(set.peers[1].endpoint.has_value());
    EXPECT_TRUE(set.peers[1].endpoint->address.is_v6());
    EXPECT_EQ(set.peers[1].endpoint->port, 4500);
    EXPECT_TRUE(set.peers[1].preshared_key.has_value());
    EXPECT_EQ(set.peers[1].persistent_keepalive, 25);
}

TEST(TunnelConfig, HostNameEndpointsAreListedNamingThePeer) {
    const auto config = parse(kConfig);
    const auto hosts = host_endpoints(config);
    ASSERT_EQ(hosts.size(), 1U);
    EXPECT_EQ(hosts[0].who, "'laptop'");
    EXPECT_EQ(hosts[0].host, "vpn.example.test");
    EXPECT_EQ(hosts[0].port, 51820);
    EXPECT_EQ(hosts[0].peer, to_uapi_set(config).peers[0].public_key);
}

TEST(TunnelConfig, PlanHasAddressesMtuAndOneRoutePerPrefix) {
    const InterfacePlan plan = plan_interface(parse(kConfig));
    EXPECT_EQ(plan.mtu, 1380U);
    ASSERT_EQ(plan.addresses.size(), 2U);
    EXPECT_EQ(plan.addresses[0].to_string(), "10.0.0.1/24");
    std::vector<std::string> routes;
    for (const auto& r : plan.routes) {
        routes.push_back(r.to_string());
    }
    // 10.7.0.0/16 twice becomes one route; 10.0.0.3/24 loses its host bits.
    EXPECT_EQ(routes, (std::vector<std::string>{"10.0.0.2/32", "10.7.0.0/16", "10.0.0.0/24"}));
    EXPECT_TRUE(plan.skipped_routes.empty());
    EXPECT_EQ(plan.table, platform::kMainRouteTable);
    // The default route goes into its own table, with wg-quick's two rules for its family.
    ASSERT_EQ(plan.default_routes.size(), 1U);
    EXPECT_EQ(plan.default_routes[0].to_string(), "0.0.0.0/0");
    EXPECT_EQ(plan.policy_table, kDefaultPolicyTable);
    const auto rules = plan.policy_rules();
    ASSERT_EQ(rules.size(), 2U);
    EXPECT_FALSE(rules[0].v6);
    EXPECT_EQ(rules[0].table, kDefaultPolicyTable);
    EXPECT_EQ(rules[0].not_fwmark, kDefaultPolicyTable);
    EXPECT_EQ(rules[1].table, platform::kMainRouteTable);
    EXPECT_EQ(rules[1].suppress_prefix_length, 0);
}

TEST(TunnelConfig, FwMarkNamesThePolicyTable) {
    std::string text = kConfig;
    text.replace(text.find("MTU = 1380"), 10, "FwMark = 0x1234");
    EXPECT_EQ(plan_interface(parse(text)).policy_table, 0x1234U);
}

TEST(TunnelConfig, ANumberedTableTakesEveryRouteWithoutRules) {
    std::string text = kConfig;
    text.replace(text.find("MTU = 1380"), 10, "Table = 1234");
    const InterfacePlan plan = plan_interface(parse(text));
    EXPECT_EQ(plan.table, 1234U);
    EXPECT_EQ(plan.routes.size(), 4U);  // 0.0.0.0/0 among them
    EXPECT_TRUE(plan.default_routes.empty());
    EXPECT_TRUE(plan.policy_rules().empty());
}

TEST(TunnelConfig, TableOffAddsNoRoutes) {
    std::string text = kConfig;
    text.replace(text.find("MTU = 1380"), 10, "Table = off");
    EXPECT_TRUE(plan_interface(parse(text)).routes.empty());
    EXPECT_EQ(plan_interface(parse(text)).mtu, 1420U);
}

TEST(Standalone, InterfaceNameComesFromTheFileName) {
    EXPECT_EQ(interface_name_for("/etc/wireguard/wg0.conf"), "wg0");
    EXPECT_EQ(interface_name_for("home.conf"), "home");
    EXPECT_EQ(interface_name_for("dir/a-very-long-name-here.conf"), "");
    EXPECT_EQ(interface_name_for("dir/bad name.conf"), "");
    EXPECT_EQ(interface_name_for("dir/.conf"), "");
}

}  // namespace
}  // namespace tulle::daemon

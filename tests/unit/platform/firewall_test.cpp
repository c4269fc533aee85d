#include "platform/firewall.hpp"

#include <gtest/gtest.h>

namespace tulle::platform {
namespace {

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

value::SocketAddress at(const char* text) {
    return value::SocketAddress::parse(text).value();
}

TEST(KillSwitchTable, EveryTunnelNameGetsATableOfItsOwnAndBack) {
    for (const std::string name : {"wg0", "a_b", "a__b", "a=b", "a+b", "x_3d", "my.vpn-1"}) {
        const std::string table = kill_switch_table(name);
        EXPECT_TRUE(table.starts_with("tulle_")) << table;
        EXPECT_EQ(table.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "0123456789_.-"),
                  std::string::npos)
            << table;
        EXPECT_EQ(kill_switch_interface(table), name) << table;
    }
    EXPECT_NE(kill_switch_table("a=b"), kill_switch_table("a_3db"));
    EXPECT_NE(kill_switch_table("x_3d"), kill_switch_table("x="));
}

TEST(KillSwitchTable, OtherTablesAreNotKillSwitches) {
    EXPECT_EQ(kill_switch_interface("filter"), "");
    EXPECT_EQ(kill_switch_interface("tulle_"), "");
    EXPECT_EQ(kill_switch_interface("tulle_a_x"), "");  // not a name kill_switch_table makes
    EXPECT_EQ(kill_switch_interface("tullex"), "");
}

TEST(KillSwitchScript, ReplacesTheTableInOneTransactionAndDropsWhatIsNotLetThrough) {
    const std::string script = kill_switch_script({"wg0", 51820, {}, false});
    EXPECT_TRUE(
        script.starts_with("add table inet tulle_wg0\ndelete table inet tulle_wg0\n"
                           "table inet tulle_wg0 {\n"))
        << script;
    EXPECT_TRUE(has(script, "type filter hook output priority filter; policy drop;"));
    EXPECT_TRUE(has(script, "oifname \"lo\" accept"));
    EXPECT_TRUE(has(script, "oifname \"wg0\" accept"));
    EXPECT_TRUE(has(script, "meta mark 51820 meta l4proto udp accept"));
    EXPECT_TRUE(has(script, "udp sport 68 udp dport 67 accept"));
    EXPECT_TRUE(has(script, "udp sport 546 udp dport 547 accept"));
    EXPECT_TRUE(has(script, "nd-neighbor-solicit"));
    EXPECT_FALSE(has(script, "192.168.0.0/16"));  // no LAN unless asked
    EXPECT_FALSE(has(script, "elements"));        // no endpoints: empty sets
}

TEST(KillSwitchScript, EndpointsGoIntoTheirFamilysSetOnceEach) {
    const std::string script = kill_switch_script(
        {"wg0",
         0,
         {at("192.0.2.1:51820"), at("[2001:db8::1]:4500"), at("192.0.2.1:51820")},
         false});
    EXPECT_TRUE(has(script, "elements = { 192.0.2.1 . 51820 }")) << script;
    EXPECT_TRUE(has(script, "elements = { 2001:db8::1 . 4500 }")) << script;
    EXPECT_FALSE(has(script, "meta mark"));  // a tunnel without a mark relies on the endpoints
}

TEST(KillSwitchScript, TheLocalNetworkOnlyWhenAsked) {
    const std::string script = kill_switch_script({"wg0", 0, {}, true});
    EXPECT_TRUE(has(script, "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 169.254.0.0/16"));
    EXPECT_TRUE(has(script, "fc00::/7, fe80::/10"));
}

TEST(KillSwitchScript, AnInterfaceNameCannotLeaveItsQuotes) {
    const std::string script = kill_switch_script({"a\"b\\", 0, {}, false});
    EXPECT_TRUE(has(script, "oifname \"ab\" accept")) << script;
}

}  // namespace
}  // namespace tulle::platform

// What a reload changes (plan_reload): only what the file changed, so that every other peer
// keeps its session, as `wg syncconf` does.
#include "daemon/reload.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "tests/unit/key_of.hpp"

namespace tulle::daemon {
namespace {

value::Key key(std::uint8_t fill) {
    return unit::key_of(fill);
}

core::PublicKey core_key(std::uint8_t fill) {
    core::PublicKey bytes{};
    bytes.fill(fill);
    return bytes;
}

ipc::TunnelConfig parse(const std::string& text) {
    auto parsed = ipc::parse_config(text, "test.conf", true);
    EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : ipc::to_string(parsed.error()));
    return parsed.ok() ? std::move(parsed).value() : ipc::TunnelConfig{};
}

const std::string kInterface =
    "[Interface]\nPrivateKey = " + value::SecretKey(std::array<std::uint8_t, 32>{7}).to_base64() +
    "\nAddress = 10.50.0.1/24\n";

std::string peer(std::uint8_t fill, const std::string& allowed,
                 const std::string& extra = "Endpoint = 192.0.2.1:51820\n") {
    return "\n[Peer]\nPublicKey = " + key(fill).to_base64() + "\nAllowedIPs = " + allowed + "\n" +
           extra;
}

const UapiPeer* section_of(const ReloadPlan& plan, std::uint8_t fill) {
    const auto found =
        std::find_if(plan.set.peers.begin(), plan.set.peers.end(),
                     [&](const UapiPeer& p) { return p.public_key == core_key(fill); });
    return found == plan.set.peers.end() ? nullptr : &*found;
}

TEST(Reload, TheSameFileChangesNothing) {
    const auto config = parse(kInterface + peer(1, "10.50.0.2/32") + peer(2, "10.50.0.3/32"));
    const ReloadPlan plan = plan_reload(config, {key(1), key(2)}, config);
    EXPECT_TRUE(plan.empty());
    EXPECT_TRUE(plan.set == UapiSet{});  // nothing is sent to the device
    EXPECT_FALSE(plan.mtu);
    EXPECT_TRUE(plan.not_applied.empty());
}

TEST(Reload, AddsChangesAndRemovesPeersAndLeavesTheOthersAlone) {
    const auto before = parse(kInterface + peer(1, "10.50.0.2/32") + peer(2, "10.50.0.3/32") +
                              peer(3, "10.50.0.4/32"));
    // 1 untouched, 2 gets another allowed IP, 3 goes, 4 comes.
    const auto after = parse(kInterface + peer(1, "10.50.0.2/32") +
                             peer(2, "10.50.0.3/32, 10.60.0.0/16") + peer(4, "10.50.0.5/32"));
    const ReloadPlan plan = plan_reload(before, {key(1), key(2), key(3)}, after);
    EXPECT_EQ(section_of(plan, 1), nullptr);  // its session goes on
    ASSERT_NE(section_of(plan, 2), nullptr);
    EXPECT_TRUE(section_of(plan, 2)->replace_allowed_ips);
    EXPECT_EQ(section_of(plan, 2)->allowed_ips.size(), 2U);
    EXPECT_FALSE(section_of(plan, 2)->endpoint);  // unchanged in the file: where it roamed stays
    ASSERT_NE(section_of(plan, 3), nullptr);
    EXPECT_TRUE(section_of(plan, 3)->remove);
    ASSERT_NE(section_of(plan, 4), nullptr);
    EXPECT_FALSE(section_of(plan, 4)->remove);
    EXPECT_TRUE(section_of(plan, 4)->endpoint);
    EXPECT_FALSE(plan.set.private_key);
    EXPECT_FALSE(plan.set.listen_port);
    EXPECT_FALSE(plan.set.replace_peers);
    EXPECT_EQ(plan.changes.size(), 3U);
}

TEST(Reload, TheFileDecidesWhichPeersThereAreAsWgSyncconf) {
    const auto config = parse(kInterface + peer(1, "10.50.0.2/32"));
    // 9 was added with wg set (or the control socket) and is not in the file; 1 was removed.
    const ReloadPlan plan = plan_reload(config, {key(9)}, config);
    ASSERT_NE(section_of(plan, 9), nullptr);
    EXPECT_TRUE(section_of(plan, 9)->remove);
    ASSERT_NE(section_of(plan, 1), nullptr);
    EXPECT_FALSE(section_of(plan, 1)->remove);
}

TEST(Reload, APeerWhosePresharedKeyWentGetsNone) {
    const std::string psk =
        "PresharedKey = " + value::SecretKey(std::array<std::uint8_t, 32>{9}).to_base64() + "\n";
    const auto before = parse(kInterface + peer(1, "10.50.0.2/32", psk));
    const auto after = parse(kInterface + peer(1, "10.50.0.2/32", ""));
    const ReloadPlan plan = plan_reload(before, {key(1)}, after);
    ASSERT_NE(section_of(plan, 1), nullptr);
    ASSERT_TRUE(section_of(plan, 1)->preshared_key);
    EXPECT_TRUE(*section_of(plan, 1)->preshared_key == core::SymmetricKey{});
}

TEST(Reload, ANewEndpointIsSetAndAHostNameResolved) {
    const auto before = parse(kInterface + peer(1, "10.50.0.2/32") + peer(2, "10.50.0.3/32"));
    const auto after = parse(kInterface + peer(1, "10.50.0.2/32", "Endpoint = 192.0.2.9:51820\n") +
                             peer(2, "10.50.0.3/32", "Endpoint = vpn.example.test:51820\n"));
    const ReloadPlan plan = plan_reload(before, {key(1), key(2)}, after);
    ASSERT_NE(section_of(plan, 1), nullptr);
    ASSERT_TRUE(section_of(plan, 1)->endpoint);
    EXPECT_EQ(section_of(plan, 1)->endpoint->to_string(), "192.0.2.9:51820");
    ASSERT_EQ(plan.resolve.size(), 1U);
    EXPECT_EQ(plan.resolve[0].host, "vpn.example.test");
}

TEST(Reload, InterfaceSettingsThatCanChangeLiveDo) {
    const auto before = parse(kInterface + peer(1, "10.50.0.2/32"));
    std::string changed = kInterface;
    changed.replace(changed.find("Address = 10.50.0.1/24"), 22,
                    "Address = 10.51.0.1/24\nListenPort = 51999\nMTU = 1380\nFwMark = 77");
    const auto after = parse(changed + peer(1, "10.50.0.2/32"));
    const ReloadPlan plan = plan_reload(before, {key(1)}, after);
    EXPECT_EQ(plan.set.listen_port, 51999);
    EXPECT_EQ(plan.set.fwmark, 77U);
    EXPECT_EQ(plan.mtu, 1380U);
    ASSERT_EQ(plan.add_addresses.size(), 1U);
    EXPECT_EQ(plan.add_addresses[0].to_string(), "10.51.0.1/24");
    ASSERT_EQ(plan.remove_addresses.size(), 1U);
    EXPECT_EQ(plan.remove_addresses[0].to_string(), "10.50.0.1/24");
    EXPECT_EQ(section_of(plan, 1), nullptr);
    EXPECT_TRUE(plan.not_applied.empty());
}

TEST(Reload, WhatCannotChangeLiveIsListedAndNotSet) {
    const auto before = parse(kInterface + peer(1, "10.50.0.2/32"));
    std::string changed = kInterface + "Table = 1234\nDNS = 10.50.0.53\nPostUp = true\n";
    const auto after = parse(changed + peer(1, "10.50.0.2/32") + peer(2, "0.0.0.0/0"));
    const ReloadPlan plan = plan_reload(before, {key(1)}, after);
    EXPECT_EQ(plan.not_applied.size(), 3U);  // Table, DNS, hooks
    std::string fwmark_changed = kInterface + "FwMark = 5\n";
    const auto with_default = parse(kInterface + peer(1, "0.0.0.0/0"));
    const ReloadPlan policy =
        plan_reload(with_default, {key(1)}, parse(fwmark_changed + peer(1, "0.0.0.0/0")));
    EXPECT_FALSE(policy.set.fwmark);  // the default route's rules use the mark
    EXPECT_EQ(policy.not_applied.size(), 1U);
    const ReloadPlan default_gone =
        plan_reload(with_default, {key(1)}, parse(kInterface + peer(1, "10.50.0.2/32")));
    EXPECT_EQ(default_gone.not_applied.size(), 1U);
    ASSERT_NE(section_of(default_gone, 1), nullptr);  // the peer's allowed IPs change still
}

TEST(Reload, TheKillSwitchStaysAsItRunsUntilTheTunnelComesUpAgain) {
    const auto before = parse(kInterface + peer(1, "0.0.0.0/0"));
    const auto after = parse("# tulle: kill-switch\n" + kInterface + peer(1, "0.0.0.0/0"));
    ASSERT_TRUE(after.iface.kill_switch);
    const ReloadPlan plan = plan_reload(before, {key(1)}, after);
    ASSERT_EQ(plan.not_applied.size(), 1U);
    EXPECT_NE(plan.not_applied[0].find("kill switch"), std::string::npos);
}

TEST(Reload, ANewPrivateKeyIsSet) {
    const auto before = parse(kInterface + peer(1, "10.50.0.2/32"));
    std::string changed = kInterface;
    const std::string other = value::SecretKey(std::array<std::uint8_t, 32>{8}).to_base64();
    changed.replace(changed.find("PrivateKey = ") + 13, other.size(), other);
    const ReloadPlan plan = plan_reload(before, {key(1)}, parse(changed + peer(1, "10.50.0.2/32")));
    EXPECT_TRUE(plan.set.private_key);
    EXPECT_FALSE(plan.empty());
}

}  // namespace
}  // namespace tulle::daemon

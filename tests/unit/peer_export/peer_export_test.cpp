// The phone's side of a new peer: what it gets (address, routes, DNS, keys) must be what the tunnel
// is told (peer.add), and its file must read back through the project's own wg-quick parser.
#include "peer_export/peer_export.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include "value/key.hpp"

namespace tulle::peer_export {
namespace {

value::IpPrefix prefix(std::string_view text) {
    return *value::IpPrefix::parse(text);
}

value::Key key(std::uint8_t fill) {
    std::array<std::uint8_t, value::kKeySize> bytes{};
    bytes.fill(fill);
    return value::Key(bytes);
}

// A running tunnel 10.44.0.1/24 and fd44::1/64 on port 51820 with one peer at 10.44.0.2.
ipc::TunnelDetail tunnel() {
    ipc::TunnelDetail detail;
    detail.status.name = "home";
    detail.status.up = true;
    detail.status.public_key = key(7);
    detail.status.listen_port = 51820;
    detail.status.addresses = {prefix("10.44.0.1/24"), prefix("fd44::1/64")};
    ipc::PeerStatus laptop;
    laptop.public_key = key(1);
    laptop.name = "laptop";
    laptop.allowed_ips = {prefix("10.44.0.2/32"), prefix("fd44::2/128")};
    detail.peers.push_back(laptop);
    detail.settings.addresses = detail.status.addresses;
    detail.settings.dns_servers = {*value::IpAddress::parse("10.44.0.1")};
    detail.settings.dns_search = {"home.arpa"};
    return detail;
}

Request request() {
    Request out;
    out.name = "phone";
    out.endpoint = "vpn.example.com";
    return out;
}

class PeerExport : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_GE(sodium_init(), 0); }
};

TEST_F(PeerExport, ThePhonesFileParsesAndMatchesThePeerTheTunnelIsGiven) {
    auto made = prepare(tunnel(), request());
    ASSERT_TRUE(made.ok()) << made.error();
    const std::string text = made->config_text();
    auto parsed = ipc::parse_config(text, "phone.conf", /*allow_hooks=*/false);
    ASSERT_TRUE(parsed.ok()) << ipc::to_string(parsed.error()) << text;

    // The phone's key pair: tulled gets the public half, the file the private half.
    EXPECT_EQ(*value::public_key_of(parsed->iface.private_key), made->edit.peer.public_key);
    EXPECT_EQ(made->edit.tunnel, "home");
    EXPECT_EQ(made->edit.peer.name, "phone");
    // The first free address of each network; the tunnel routes exactly those to the phone.
    const std::vector<value::IpPrefix> addresses{prefix("10.44.0.3/32"), prefix("fd44::3/128")};
    EXPECT_EQ(parsed->iface.addresses, addresses);
    EXPECT_EQ(made->edit.peer.allowed_ips, addresses);
    EXPECT_EQ(parsed->iface.dns_servers, tunnel().settings.dns_servers);
    EXPECT_EQ(parsed->iface.dns_search, std::vector<std::string>{"home.arpa"});
    EXPECT_FALSE(parsed->iface.listen_port);

    ASSERT_EQ(parsed->peers.size(), 1U);
    const ipc::PeerConfig& server = parsed->peers[0];
    EXPECT_EQ(server.public_key, key(7));
    EXPECT_EQ(server.endpoint->to_string(), "vpn.example.com:51820");
    EXPECT_EQ(server.allowed_ips,
              (std::vector<value::IpPrefix>{prefix("10.44.0.0/24"), prefix("fd44::/64")}));
    EXPECT_EQ(server.persistent_keepalive, kPhoneKeepalive);
    // One preshared key, on both sides.
    ASSERT_TRUE(server.preshared_key);
    ASSERT_TRUE(made->edit.peer.preshared_key && *made->edit.peer.preshared_key);
    EXPECT_EQ(*server.preshared_key, **made->edit.peer.preshared_key);
    EXPECT_FALSE(server.preshared_key->is_zero());
}

TEST_F(PeerExport, EachExportHasKeysOfItsOwn) {
    auto first = prepare(tunnel(), request());
    auto second = prepare(tunnel(), request());
    ASSERT_TRUE(first.ok() && second.ok());
    EXPECT_NE(first->edit.peer.public_key, second->edit.peer.public_key);
    EXPECT_FALSE(first->phone.iface.private_key == second->phone.iface.private_key);
    EXPECT_FALSE(first->phone.peers[0].preshared_key == second->phone.peers[0].preshared_key);
}

TEST_F(PeerExport, FullTunnelAndChosenRoutesAndAddress) {
    Request full = request();
    full.full_tunnel = true;
    full.address = *value::IpAddress::parse("10.44.0.200");
    full.endpoint = "[2001:db8::1]:443";
    auto made = prepare(tunnel(), full);
    ASSERT_TRUE(made.ok()) << made.error();
    EXPECT_EQ(made->phone.peers[0].allowed_ips,
              (std::vector<value::IpPrefix>{prefix("0.0.0.0/0"), prefix("::/0")}));
    EXPECT_EQ(made->phone.peers[0].endpoint->to_string(), "[2001:db8::1]:443");
    EXPECT_EQ(made->edit.peer.allowed_ips,
              (std::vector<value::IpPrefix>{prefix("10.44.0.200/32"), prefix("fd44::3/128")}));

    Request routes = request();
    routes.allowed_ips = std::vector<value::IpPrefix>{prefix("192.168.1.0/24")};
    routes.endpoint = "2001:db8::1";  // an IPv6 address without brackets: the tunnel's port
    made = prepare(tunnel(), routes);
    ASSERT_TRUE(made.ok()) << made.error();
    EXPECT_EQ(made->phone.peers[0].allowed_ips,
              std::vector<value::IpPrefix>{prefix("192.168.1.0/24")});
    EXPECT_EQ(made->phone.peers[0].endpoint->to_string(), "[2001:db8::1]:51820");
}

TEST_F(PeerExport, AddressesInUseAreSkippedAndAFullNetworkSaysSo) {
    ipc::TunnelDetail detail = tunnel();
    detail.status.addresses = {prefix("10.9.0.1/30")};  // hosts .1 and .2
    detail.peers[0].allowed_ips = {prefix("10.9.0.2/32")};
    auto chosen = choose_addresses(detail, std::nullopt);
    ASSERT_FALSE(chosen.ok());
    EXPECT_EQ(chosen.error(), "no free address in 10.9.0.0/30; give one with --address");

    detail.status.addresses = {prefix("10.9.0.1/29")};
    detail.peers[0].allowed_ips = {prefix("10.9.0.2/31")};  // .2 and .3
    chosen = choose_addresses(detail, std::nullopt);
    ASSERT_TRUE(chosen.ok()) << chosen.error();
    EXPECT_EQ(*chosen, std::vector<value::IpPrefix>{prefix("10.9.0.4/32")});
}

TEST_F(PeerExport, BadRequestsAreRefusedNamingTheOption) {
    const auto error_of = [](const ipc::TunnelDetail& detail, const Request& asked) {
        auto made = prepare(detail, asked);
        return made.ok() ? std::string("accepted") : made.error();
    };
    Request taken = request();
    taken.address = *value::IpAddress::parse("10.44.0.2");
    EXPECT_EQ(error_of(tunnel(), taken),
              "--address: 10.44.0.2 is in the allowed IPs of peer 'laptop' (10.44.0.2/32)");
    taken.address = *value::IpAddress::parse("10.44.0.1");
    EXPECT_EQ(error_of(tunnel(), taken), "--address: 10.44.0.1 is the tunnel's own address");

    Request no_endpoint = request();
    no_endpoint.endpoint = "";
    EXPECT_EQ(error_of(tunnel(), no_endpoint).rfind("--endpoint: required", 0), 0U);
    Request bad_endpoint = request();
    bad_endpoint.endpoint = "bad host:1";
    EXPECT_EQ(error_of(tunnel(), bad_endpoint).rfind("--endpoint: 'bad host:1': ", 0), 0U)
        << error_of(tunnel(), bad_endpoint);

    Request bad_name = request();
    bad_name.name = "a\nb";
    EXPECT_EQ(error_of(tunnel(), bad_name).rfind("--name: ", 0), 0U);

    ipc::TunnelDetail down = tunnel();
    down.status.up = false;
    down.status.public_key.reset();
    EXPECT_EQ(error_of(down, request()), "tunnel 'home' is down; start it first");

    ipc::TunnelDetail bare = tunnel();
    bare.status.addresses.clear();
    EXPECT_EQ(error_of(bare, request()),
              "the tunnel has no Address to choose from; give one with --address");
    Request addressed = request();
    addressed.address = *value::IpAddress::parse("10.1.0.9");
    EXPECT_EQ(error_of(bare, addressed).rfind("the tunnel has no Address, so", 0), 0U);
}

TEST(PrefixList, ParsesCommaSeparatedPrefixesAndQuotesTheBadOne) {
    auto list = parse_prefix_list(" 10.0.0.0/8 ,fd00::/8");
    ASSERT_TRUE(list.ok());
    EXPECT_EQ(*list, (std::vector<value::IpPrefix>{prefix("10.0.0.0/8"), prefix("fd00::/8")}));
    EXPECT_TRUE(parse_prefix_list("  ")->empty());
    auto bad = parse_prefix_list("10.0.0.0/8, 10.0.0.0/33");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().rfind("'10.0.0.0/33': ", 0), 0U) << bad.error();
}

}  // namespace
}  // namespace tulle::peer_export

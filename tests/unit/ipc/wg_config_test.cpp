#include "ipc/wg_config.hpp"

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace tulle::ipc {
namespace {

// Keys made for these tests, nobody's real ones.
constexpr std::string_view kKey1 = "Q2TYThaGV2DI6vUTlcfba5E41BhU4t7pVWMPbTho7QA=";
constexpr std::string_view kKey2 = "YZclbjlbQWb7YpcQcBbj8e5QwaV+f4xMZxmzRLJrJfI=";
constexpr std::string_view kKey3 = "VqTtLzvuAGLuRB0EKo3S605m0z4ZiMV2pxOb1Y+ofmU=";
constexpr std::string_view kKey4 = "Lb2pkBESizRXx1su8hNbbKyzj4WRcDMGazuXVQPZ5e4=";
constexpr std::string_view kKey5 = "qapBBzLcJ3j9j3LO52I9ONq3+3DVUXHJnbTC8tye3wc=";

std::string s(std::string_view text) {
    return std::string(text);
}

TunnelConfig parse_ok(std::string_view text, bool allow_hooks = false) {
    auto result = parse_config(text, "t.conf", allow_hooks);
    if (!result) {
        ADD_FAILURE() << "refused:\n" << to_string(result.error());
        return {};
    }
    return std::move(result).value();
}

std::vector<std::string> parse_errors(std::string_view text, bool allow_hooks = false) {
    auto result = parse_config(text, "t.conf", allow_hooks);
    if (result) {
        ADD_FAILURE() << "accepted although invalid:\n" << text;
        return {};
    }
    std::vector<std::string> out;
    for (const auto& error : result.error()) {
        out.push_back(error.to_string());
    }
    return out;
}

value::IpPrefix prefix(std::string_view text) {
    return *value::IpPrefix::parse(text);
}
value::IpAddress address(std::string_view text) {
    return *value::IpAddress::parse(text);
}

// A config with every key, several Address, DNS, AllowedIPs and hook lines, and names.
std::string full_config() {
    return "# The office tunnel\n"
           "[Interface]\n"
           "PrivateKey = " +
           s(kKey1) +
           "\n"
           "ListenPort = 51820\n"
           "FwMark = 0x1234\n"
           "Address = 10.8.0.2/24, fd42:42:42::2/64\n"
           "Address = 10.9.0.2\n"
           "DNS = 10.8.0.1, fd42:42:42::1, corp.example.com\n"
           "DNS = 1.1.1.1,internal\n"
           "MTU = 1420\n"
           "Table = 1234\n"
           "PreUp = echo pre-up %i\n"
           "PostUp = iptables -I OUTPUT ! -o %i -j REJECT # kill switch\n"
           "PostUp = echo second\n"
           "PreDown = echo pre-down\n"
           "PostDown = echo post-down\n"
           "SaveConfig = true\n"
           "\n"
           "[Peer]\n"
           "# Name = office gateway\n"
           "PublicKey = " +
           s(kKey2) +
           "\n"
           "PresharedKey = " +
           s(kKey3) +
           "\n"
           "AllowedIPs = 0.0.0.0/0, ::/0\n"
           "AllowedIPs = 192.168.10.0/24\n"
           "Endpoint = vpn.example.com:51820\n"
           "PersistentKeepalive = 25\n"
           "\n"
           "[Peer]\n"
           "# Name = laptop\n"
           "PublicKey = " +
           s(kKey4) +
           "\n"
           "AllowedIPs = 10.8.0.3/32\n"
           "Endpoint = [2001:db8::1]:51821\n"
           "\n"
           "[Peer]\n"
           "PublicKey = " +
           s(kKey5) +
           "\n"
           "AllowedIPs = 10.8.0.4/32\n"
           "Endpoint = 192.0.2.7:51820\n"
           "PersistentKeepalive = off\n";
}

TEST(WgConfig, ParsesAFullConfigWithEveryKey) {
    const TunnelConfig config = parse_ok(full_config(), /*allow_hooks=*/true);
    const InterfaceConfig& iface = config.iface;
    EXPECT_EQ(iface.private_key.to_base64(), kKey1);
    EXPECT_EQ(iface.listen_port, 51820);
    EXPECT_EQ(iface.fwmark, 0x1234U);
    EXPECT_EQ(iface.addresses,
              (std::vector<value::IpPrefix>{prefix("10.8.0.2/24"), prefix("fd42:42:42::2/64"),
                                            prefix("10.9.0.2/32")}));
    EXPECT_EQ(iface.dns_servers,
              (std::vector<value::IpAddress>{address("10.8.0.1"), address("fd42:42:42::1"),
                                             address("1.1.1.1")}));
    EXPECT_EQ(iface.dns_search, (std::vector<std::string>{"corp.example.com", "internal"}));
    EXPECT_EQ(iface.mtu, 1420);
    EXPECT_EQ(iface.table.kind, RouteTable::Kind::number);
    EXPECT_EQ(iface.table.number, 1234U);
    EXPECT_EQ(iface.pre_up, (std::vector<std::string>{"echo pre-up %i"}));
    // A hook keeps its '#', as wg-quick passes the whole line to bash.
    EXPECT_EQ(iface.post_up,
              (std::vector<std::string>{"iptables -I OUTPUT ! -o %i -j REJECT # kill switch",
                                        "echo second"}));
    EXPECT_EQ(iface.pre_down, (std::vector<std::string>{"echo pre-down"}));
    EXPECT_EQ(iface.post_down, (std::vector<std::string>{"echo post-down"}));
    EXPECT_TRUE(iface.save_config);

    ASSERT_EQ(config.peers.size(), 3U);
    const PeerConfig& office = config.peers[0];
    EXPECT_EQ(office.name, "office gateway");
    EXPECT_EQ(office.public_key.to_base64(), kKey2);
    ASSERT_TRUE(office.preshared_key);
    EXPECT_EQ(office.preshared_key->to_base64(), kKey3);
    EXPECT_EQ(office.allowed_ips, (std::vector<value::IpPrefix>{prefix("0.0.0.0/0"), prefix("::/0"),
                                                                prefix("192.168.10.0/24")}));
    ASSERT_TRUE(office.endpoint);
    EXPECT_FALSE(office.endpoint->is_address());
    EXPECT_EQ(office.endpoint->host(), "vpn.example.com");
    EXPECT_EQ(office.endpoint->port(), 51820);
    EXPECT_EQ(office.persistent_keepalive, 25);

    const PeerConfig& laptop = config.peers[1];
    EXPECT_EQ(laptop.name, "laptop");
    EXPECT_EQ(laptop.public_key.to_base64(), kKey4);
    EXPECT_FALSE(laptop.preshared_key);
    EXPECT_EQ(laptop.endpoint, value::Endpoint(address("2001:db8::1"), 51821));
    EXPECT_EQ(laptop.persistent_keepalive, 0);

    const PeerConfig& unnamed = config.peers[2];
    EXPECT_EQ(unnamed.name, "");
    EXPECT_EQ(unnamed.endpoint, value::Endpoint(address("192.0.2.7"), 51820));
    EXPECT_EQ(unnamed.persistent_keepalive, 0);
}

TEST(WgConfig, MinimalConfigHasDefaults) {
    const TunnelConfig config = parse_ok("[Interface]\nPrivateKey = " + s(kKey1) + "\n");
    EXPECT_FALSE(config.iface.listen_port);
    EXPECT_EQ(config.iface.fwmark, 0U);
    EXPECT_TRUE(config.iface.addresses.empty());
    EXPECT_FALSE(config.iface.mtu);
    EXPECT_EQ(config.iface.table.kind, RouteTable::Kind::automatic);
    EXPECT_FALSE(config.iface.save_config);
    EXPECT_TRUE(config.peers.empty());
}

TEST(WgConfig, KeysAndSectionsAreCaseInsensitiveAndSpacingIsFree) {
    const TunnelConfig config = parse_ok(
        "[interface]\n"
        "privatekey=" +
        s(kKey1) +
        "\n"
        "  LISTENPORT\t=\t 1234  \n"
        "address =10.0.0.1/24 ,\tfd00::1/64\t\n"
        "[PEER]\n"
        "publickey= " +
        s(kKey2) +
        "\n"
        "allowedips = 10.0.0.0/24 ,fd00::/64,   192.168.0.0/16\n"
        "persistentkeepalive = 0\n"
        "[ Peer ]\n"
        "PublicKey = " +
        s(kKey3) + "\n");
    EXPECT_EQ(config.iface.listen_port, 1234);
    EXPECT_EQ(config.iface.addresses,
              (std::vector<value::IpPrefix>{prefix("10.0.0.1/24"), prefix("fd00::1/64")}));
    ASSERT_EQ(config.peers.size(), 2U);
    EXPECT_EQ(config.peers[0].allowed_ips,
              (std::vector<value::IpPrefix>{prefix("10.0.0.0/24"), prefix("fd00::/64"),
                                            prefix("192.168.0.0/16")}));
    EXPECT_EQ(config.peers[0].persistent_keepalive, 0);
    EXPECT_EQ(config.peers[1].public_key.to_base64(), kKey3);
}

TEST(WgConfig, CommentsAreIgnored) {
    const TunnelConfig config = parse_ok(
        "# a file comment\n"
        "[Interface] # the interface\n"
        "  # an indented comment\n"
        "PrivateKey = " +
        s(kKey1) +
        " # secret\n"
        "ListenPort = 51820# no space\n"
        "#ListenPort = 1\n"
        "[Peer]\n"
        "# just a remark, not a name\n"
        "PublicKey = " +
        s(kKey2) + "\n");
    EXPECT_EQ(config.iface.private_key.to_base64(), kKey1);
    EXPECT_EQ(config.iface.listen_port, 51820);
    ASSERT_EQ(config.peers.size(), 1U);
    EXPECT_EQ(config.peers[0].name, "");
}

TEST(WgConfig, AcceptsCrlfAndAByteOrderMark) {
    std::string crlf = "\xEF\xBB\xBF";
    for (const char c : full_config()) {
        if (c == '\n') {
            crlf += '\r';
        }
        crlf += c;
    }
    const TunnelConfig config = parse_ok(crlf, /*allow_hooks=*/true);
    EXPECT_EQ(config, parse_ok(full_config(), /*allow_hooks=*/true));
    EXPECT_EQ(config.peers.at(0).name, "office gateway");
    EXPECT_EQ(config.iface.post_down, (std::vector<std::string>{"echo post-down"}));
}

TEST(WgConfig, CrlfErrorsHaveTheRightLineAndNoCarriageReturn) {
    const auto errors =
        parse_errors("\xEF\xBB\xBF[Interface]\r\nPrivateKey = " + s(kKey1) + "\r\nMTU = 9\r\n");
    EXPECT_EQ(errors, (std::vector<std::string>{"t.conf:3: MTU: '9' is not an MTU from 576 to "
                                                "65535"}));
}

TEST(WgConfig, TakesAFileWithoutAFinalNewline) {
    const TunnelConfig config =
        parse_ok("[Interface]\nPrivateKey = " + s(kKey1) + "\nListenPort = 7");
    EXPECT_EQ(config.iface.listen_port, 7);
}

TEST(WgConfig, ReadsPeerNamesFromComments) {
    const TunnelConfig config = parse_ok(
        "[Interface]\n"
        "# Name = not for the interface\n"
        "PrivateKey = " +
        s(kKey1) +
        "\n"
        "[Peer]\n"
        "#Name=phone\n"
        "PublicKey = " +
        s(kKey2) +
        "\n"
        "[Peer]\n"
        "PublicKey = " +
        s(kKey3) +
        "\n"
        "  #   name =   Anna's laptop = old # really  \n"
        "[Peer]\n"
        "# Names = not a name either\n"
        "PublicKey = " +
        s(kKey4) + "\n");
    ASSERT_EQ(config.peers.size(), 3U);
    EXPECT_EQ(config.peers[0].name, "phone");
    EXPECT_EQ(config.peers[1].name, "Anna's laptop = old # really");
    EXPECT_EQ(config.peers[2].name, "");
}

TEST(WgConfig, KeepsAddressHostBitsAsWritten) {
    const TunnelConfig config =
        parse_ok("[Interface]\nPrivateKey = " + s(kKey1) + "\n[Peer]\nPublicKey = " + s(kKey2) +
                 "\nAllowedIPs = 10.1.2.3/16\n");
    ASSERT_EQ(config.peers.size(), 1U);
    EXPECT_EQ(config.peers[0].allowed_ips.at(0).to_string(), "10.1.2.3/16");
    EXPECT_EQ(config.peers[0].allowed_ips.at(0).canonical().to_string(), "10.1.0.0/16");
}

struct ValueCase {
    std::string lines;  // [Interface] lines after PrivateKey
    std::uint32_t fwmark;
    RouteTable table;
};

void PrintTo(const ValueCase& value, std::ostream* os) {
    *os << value.lines;
}

class WgConfigValues : public ::testing::TestWithParam<ValueCase> {};

TEST_P(WgConfigValues, AreRead) {
    const TunnelConfig config =
        parse_ok("[Interface]\nPrivateKey = " + s(kKey1) + "\n" + GetParam().lines);
    EXPECT_EQ(config.iface.fwmark, GetParam().fwmark);
    EXPECT_EQ(config.iface.table, GetParam().table);
}

INSTANTIATE_TEST_SUITE_P(
    Table, WgConfigValues,
    ::testing::Values(
        ValueCase{"FwMark = off\n", 0, {}}, ValueCase{"FwMark = 0\n", 0, {}},
        ValueCase{"FwMark = 51820\n", 51820, {}}, ValueCase{"FwMark = 0xCA6C\n", 0xca6c, {}},
        ValueCase{"FwMark = 0xffffffff\n", 0xffffffffU, {}},
        ValueCase{"FwMark = 4294967295\n", 0xffffffffU, {}}, ValueCase{"Table = auto\n", 0, {}},
        ValueCase{"Table = AUTO\n", 0, {}},
        ValueCase{"Table = off\n", 0, RouteTable{RouteTable::Kind::off, 0, ""}},
        ValueCase{"Table = 4294967295\n", 0, RouteTable{RouteTable::Kind::number, 4294967295U, ""}},
        ValueCase{"Table = main\n", 0, RouteTable{RouteTable::Kind::name, 0, "main"}},
        ValueCase{"Table = vpn_1.x-y\n", 0, RouteTable{RouteTable::Kind::name, 0, "vpn_1.x-y"}}));

TEST(WgConfig, SortsDnsIntoServersAndSearchDomains) {
    const TunnelConfig config =
        parse_ok("[Interface]\nPrivateKey = " + s(kKey1) +
                 "\nDNS = 10.0.0.1, fd00::53, example.com\nDNS = corp, ::ffff:10.0.0.2\n");
    EXPECT_EQ(config.iface.dns_servers,
              (std::vector<value::IpAddress>{address("10.0.0.1"), address("fd00::53"),
                                             address("::ffff:10.0.0.2")}));
    EXPECT_EQ(config.iface.dns_search, (std::vector<std::string>{"example.com", "corp"}));
}

// --- errors ---

struct ErrorCase {
    std::string name;
    std::string text;
    std::vector<std::string> errors;  // every ParseError::to_string(), in order
};

void PrintTo(const ErrorCase& error, std::ostream* os) {
    *os << error.name;
}

class WgConfigErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(WgConfigErrors, NameTheFileTheLineAndTheProblem) {
    EXPECT_EQ(parse_errors(GetParam().text), GetParam().errors);
}

// Line 1 "[Interface]", line 2 PrivateKey, then the given lines from line 3.
std::string iface(std::string_view lines) {
    return "[Interface]\nPrivateKey = " + s(kKey1) + "\n" + s(lines);
}

// As iface(), then line 3 "[Peer]", line 4 PublicKey, then the given lines from line 5.
std::string peer(std::string_view lines) {
    return iface("[Peer]\nPublicKey = " + s(kKey2) + "\n" + s(lines));
}

INSTANTIATE_TEST_SUITE_P(
    Table, WgConfigErrors,
    ::testing::Values(
        ErrorCase{"empty", "", {"t.conf: no [Interface] section"}},
        ErrorCase{"only_comments", "# nothing\n\n", {"t.conf: no [Interface] section"}},
        ErrorCase{"no_private_key",
                  "[Interface]\nListenPort = 1\n",
                  {"t.conf:1: [Interface] has no PrivateKey"}},
        ErrorCase{"key_before_section",
                  "ListenPort = 1\n" + iface(""),
                  {"t.conf:1: 'ListenPort' is outside of any section (expected [Interface] or "
                   "[Peer] first)"}},
        ErrorCase{
            "unknown_key", iface("Foo = bar\n"), {"t.conf:3: unknown key 'Foo' in [Interface]"}},
        ErrorCase{
            "unknown_peer_key", peer("NetNS = x\n"), {"t.conf:5: unknown key 'NetNS' in [Peer]"}},
        ErrorCase{"peer_key_in_interface",
                  iface("AllowedIPs = 10.0.0.0/8\n"),
                  {"t.conf:3: AllowedIPs belongs in [Peer], not in [Interface]"}},
        ErrorCase{"interface_key_in_peer",
                  peer("listenport = 1\n"),
                  {"t.conf:5: ListenPort belongs in [Interface], not in [Peer]"}},
        ErrorCase{"not_a_key_line",
                  iface("just some words\n"),
                  {"t.conf:3: expected 'Key = value' or a section header, not 'just some "
                   "words'"}},
        ErrorCase{"missing_key", iface(" = 5\n"), {"t.conf:3: missing key before '='"}},
        ErrorCase{"missing_value",
                  iface("ListenPort =   # none\n"),
                  {"t.conf:3: ListenPort: missing value"}},
        ErrorCase{"unknown_section",
                  iface("[Peers]\nPublicKey = x\n"),
                  {"t.conf:3: unknown section '[Peers]' (expected [Interface] or [Peer])"}},
        ErrorCase{"unclosed_section",
                  iface("[Peer\n"),
                  {"t.conf:3: section header '[Peer' is missing ']'"}},
        ErrorCase{"text_after_section",
                  iface("[Peer] extra\nPublicKey = " + s(kKey2) + "\n"),
                  {"t.conf:3: unexpected text ' extra' after the section header"}},
        ErrorCase{"second_interface",
                  iface("[Interface]\nListenPort = 99999\n"),
                  {"t.conf:3: a second [Interface] section (the first is on line 1)",
                   "t.conf:4: ListenPort: '99999' is not a port number from 0 to 65535"}},
        ErrorCase{"duplicate_listen_port",
                  iface("ListenPort = 1\nListenPort = 2\n"),
                  {"t.conf:4: ListenPort: given more than once (first on line 3)"}},
        ErrorCase{"duplicate_private_key",
                  iface("PrivateKey = " + s(kKey3) + "\n"),
                  {"t.conf:3: PrivateKey: given more than once (first on line 2)"}},
        ErrorCase{"bad_private_key",
                  "[Interface]\nPrivateKey = c2VjcmV0\n",
                  {"t.conf:2: PrivateKey: a key is 44 base64 characters, not 8"}},
        ErrorCase{"listen_port_range",
                  iface("ListenPort = 65536\n"),
                  {"t.conf:3: ListenPort: '65536' is not a port number from 0 to 65535"}},
        ErrorCase{"listen_port_text",
                  iface("ListenPort = http\n"),
                  {"t.conf:3: ListenPort: 'http' is not a port number from 0 to 65535"}},
        ErrorCase{"fwmark_too_big",
                  iface("FwMark = 0x100000000\n"),
                  {"t.conf:3: FwMark: '0x100000000' is larger than 32 bits"}},
        ErrorCase{"fwmark_decimal_too_big",
                  iface("FwMark = 4294967296\n"),
                  {"t.conf:3: FwMark: '4294967296' is larger than 32 bits"}},
        ErrorCase{"fwmark_text",
                  iface("FwMark = 0xfg\n"),
                  {"t.conf:3: FwMark: '0xfg' is neither 'off' nor a decimal or 0x hexadecimal "
                   "number"}},
        ErrorCase{"address_prefix",
                  iface("Address = 10.0.0.1/33\n"),
                  {"t.conf:3: Address: '10.0.0.1/33' prefix length 33 is larger than 32 for "
                   "IPv4"}},
        ErrorCase{"address_trailing_comma",
                  iface("Address = 10.0.0.1/24,\n"),
                  {"t.conf:3: Address: empty entry in the list '10.0.0.1/24,'"}},
        ErrorCase{"address_spaces",
                  iface("Address = 10.0.0.1/24 10.0.0.2/24\n"),
                  {"t.conf:3: Address: '10.0.0.1/24 10.0.0.2/24' contains a space; separate "
                   "entries with ','"}},
        ErrorCase{"dns_bad_ip",
                  iface("DNS = 10.0.0.300\n"),
                  {"t.conf:3: DNS: '10.0.0.300' IPv4 part 300 is larger than 255"}},
        ErrorCase{"dns_bad_domain",
                  iface("DNS = 10.0.0.1, bad!domain\n"),
                  {"t.conf:3: DNS: 'bad!domain' is neither an IP address nor a search domain: "
                   "'!' is not allowed in a host name"}},
        ErrorCase{"mtu_small",
                  iface("MTU = 100\n"),
                  {"t.conf:3: MTU: '100' is not an MTU from 576 to 65535"}},
        ErrorCase{"mtu_large",
                  iface("MTU = 65536\n"),
                  {"t.conf:3: MTU: '65536' is not an MTU from 576 to 65535"}},
        ErrorCase{"table_zero",
                  iface("Table = 0\n"),
                  {"t.conf:3: Table: '0' is not a table number from 1 to 4294967295"}},
        ErrorCase{"table_bad_name",
                  iface("Table = 1st table\n"),
                  {"t.conf:3: Table: '1st table' is neither 'auto', 'off', a table number nor "
                   "a table name"}},
        ErrorCase{"save_config",
                  iface("SaveConfig = yes\n"),
                  {"t.conf:3: SaveConfig: 'yes' is neither 'true' nor 'false'"}},
        ErrorCase{"allowed_ips_prefix",
                  peer("AllowedIPs = 10.0.0.0/8, 10.0.0.0/33\n"),
                  {"t.conf:5: AllowedIPs: '10.0.0.0/33' prefix length 33 is larger than 32 "
                   "for IPv4"}},
        ErrorCase{"allowed_ips_two_bad",
                  peer("AllowedIPs = fd00::/129, 300.0.0.0/8\n"),
                  {"t.conf:5: AllowedIPs: 'fd00::/129' prefix length 129 is larger than 128 "
                   "for IPv6",
                   "t.conf:5: AllowedIPs: '300.0.0.0/8' IPv4 part 300 is larger than 255"}},
        ErrorCase{"endpoint_unbracketed",
                  peer("Endpoint = fd00::1:51820\n"),
                  {"t.conf:5: Endpoint: 'fd00::1:51820' an IPv6 address must be in brackets, "
                   "as in [2001:db8::1]:51820"}},
        ErrorCase{"endpoint_port",
                  peer("Endpoint = vpn.example.com:0\n"),
                  {"t.conf:5: Endpoint: 'vpn.example.com:0' port 0 is out of range 1..65535"}},
        ErrorCase{"keepalive_range",
                  peer("PersistentKeepalive = 65536\n"),
                  {"t.conf:5: PersistentKeepalive: '65536' is neither 'off' nor a number of "
                   "seconds from 0 to 65535"}},
        ErrorCase{"bad_public_key",
                  iface("[Peer]\nPublicKey = abc\n"),
                  {"t.conf:4: PublicKey: 'abc' a key is 44 base64 characters, not 3"}},
        ErrorCase{"bad_preshared_key",
                  peer("PresharedKey = Q2TYThaGV2DI6vUTlcfba5E41BhU4t7pVWMPbTho7QB=\n"),
                  {"t.conf:5: PresharedKey: not the canonical base64 encoding of a key (the last "
                   "character before '=' has unused bits set)"}},
        ErrorCase{"duplicate_public_key_in_peer",
                  peer("PublicKey = " + s(kKey3) + "\n"),
                  {"t.conf:5: PublicKey: given more than once (first on line 4)"}},
        ErrorCase{"peer_without_public_key",
                  iface("[Peer]\nAllowedIPs = 10.0.0.0/8\n"),
                  {"t.conf:3: [Peer] has no PublicKey"}},
        ErrorCase{"duplicate_peers",
                  peer("[Peer]\nPublicKey = " + s(kKey2) + "\n"),
                  {"t.conf:6: PublicKey: the same key as the peer on line 4"}},
        ErrorCase{"duplicate_name",
                  peer("# Name = a\n# name = b\n"),
                  {"t.conf:6: Name: given more than once in this [Peer] (first on line 5)"}},
        ErrorCase{"control_characters_escaped",
                  iface("ListenPort = 1\x1b[2J\n"),
                  {"t.conf:3: ListenPort: '1\\x1b[2J' is not a port number from 0 to "
                   "65535"}}));

TEST(WgConfig, CollectsEveryError) {
    const auto errors = parse_errors(
        "[Interface]\n"                         // 1: no PrivateKey
        "ListenPort = 0x10\n"                   // 2
        "Address = 10.0.0.1/24, 10.0.0.1/40\n"  // 3
        "MTU = 1420\n"                          // 4: fine
        "Bogus = 1\n"                           // 5
        "\n"
        "[Peer]\n"                // 7: no PublicKey
        "Endpoint = [fd00::1]\n"  // 8
        "[Peer]\n"                // 9
        "PublicKey = " +
        s(kKey2) +
        "\n"                            // 10
        "PersistentKeepalive = -1\n");  // 11
    EXPECT_EQ(errors,
              (std::vector<std::string>{
                  "t.conf:2: ListenPort: '0x10' is not a port number from 0 to 65535",
                  "t.conf:3: Address: '10.0.0.1/40' prefix length 40 is larger than 32 for IPv4",
                  "t.conf:5: unknown key 'Bogus' in [Interface]",
                  "t.conf:8: Endpoint: '[fd00::1]' missing ':PORT' after ']'",
                  "t.conf:7: [Peer] has no PublicKey",
                  std::string("t.conf:11: PersistentKeepalive: '-1' is neither 'off' nor a ") +
                      "number of seconds from 0 to 65535",
                  "t.conf:1: [Interface] has no PrivateKey",
              }));
}

TEST(WgConfig, StopsCollectingAfterTheLimit) {
    std::string text = iface("");
    for (int i = 0; i < 150; ++i) {
        text += "Bogus = 1\n";
    }
    auto result = parse_config(text, "t.conf", false);
    ASSERT_FALSE(result);
    ASSERT_EQ(result.error().size(), kMaxParseErrors + 1);
    EXPECT_EQ(result.error().front().line, 3);
    EXPECT_EQ(result.error().back().message, "too many errors; stopped after 100");
}

TEST(WgConfig, ErrorsCarryFileLineAndMessage) {
    auto result = parse_config(iface("MTU = x\n"), "home.conf", false);
    ASSERT_FALSE(result);
    ASSERT_EQ(result.error().size(), 1U);
    EXPECT_EQ(result.error()[0],
              (ParseError{"home.conf", 3, "MTU: 'x' is not an MTU from 576 to 65535"}));
    EXPECT_EQ(to_string(result.error()), "home.conf:3: MTU: 'x' is not an MTU from 576 to 65535\n");
    EXPECT_EQ((ParseError{"", 7, "bad"}).to_string(), "line 7: bad");
    EXPECT_EQ((ParseError{"a.conf", 0, "bad"}).to_string(), "a.conf: bad");
}

TEST(WgConfig, SecretsAreNeverQuotedInErrors) {
    const std::string bad_secret = "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2V=";
    const auto errors = parse_errors("[Interface]\nPrivateKey = " + bad_secret +
                                     "\n[Peer]\nPublicKey = " + s(kKey2) +
                                     "\nPresharedKey = " + bad_secret + "x\n");
    ASSERT_EQ(errors.size(), 2U);
    for (const auto& error : errors) {
        EXPECT_EQ(error.find("c2VjcmV0"), std::string::npos) << error;
    }
}

// --- hooks ---

TEST(WgConfig, RefusesEveryHookLineWithoutPermission) {
    const std::string text = iface(
        "PreUp = echo 1\n"
        "postup = echo 2\n"
        "PreDown = echo 3\n"
        "PostDown = echo 4\n");
    EXPECT_EQ(parse_errors(text),
              (std::vector<std::string>{
                  "t.conf:3: PreUp: hooks (PreUp, PostUp, PreDown, PostDown) are not allowed "
                  "for this file",
                  "t.conf:4: PostUp: hooks (PreUp, PostUp, PreDown, PostDown) are not allowed "
                  "for this file",
                  "t.conf:5: PreDown: hooks (PreUp, PostUp, PreDown, PostDown) are not allowed "
                  "for this file",
                  "t.conf:6: PostDown: hooks (PreUp, PostUp, PreDown, PostDown) are not allowed "
                  "for this file",
              }));
    const TunnelConfig config = parse_ok(text, /*allow_hooks=*/true);
    EXPECT_EQ(config.iface.pre_up, (std::vector<std::string>{"echo 1"}));
    EXPECT_EQ(config.iface.post_up, (std::vector<std::string>{"echo 2"}));
    EXPECT_EQ(config.iface.pre_down, (std::vector<std::string>{"echo 3"}));
    EXPECT_EQ(config.iface.post_down, (std::vector<std::string>{"echo 4"}));
}

// Found by wg_config_fuzz: a hook with a NUL byte was accepted, then cut short at the NUL by
// system() and rewritten with a space by write_config (tunnel.save changed root's hook).
TEST(WgConfig, RefusesControlCharactersInHooks) {
    using namespace std::string_literals;
    EXPECT_EQ(parse_errors(iface("PostUp = echo u\0 > /tmp/hook\n"s), /*allow_hooks=*/true),
              (std::vector<std::string>{"t.conf:3: PostUp: 'echo u\\x00 > /tmp/hook' holds a "
                                        "control character (byte 7): a hook is one line of text"}));
    EXPECT_EQ(parse_errors(iface("PreDown = printf \x1b[2J\rdone\n"), /*allow_hooks=*/true),
              (std::vector<std::string>{"t.conf:3: PreDown: 'printf \\x1b[2J\\x0ddone' holds a "
                                        "control character (byte 8): a hook is one line of text"}));
    // A tab is text, and is written back as it was read.
    const TunnelConfig config = parse_ok(iface("PostUp = echo a\tb\n"), /*allow_hooks=*/true);
    EXPECT_EQ(config.iface.post_up, (std::vector<std::string>{"echo a\tb"}));
    EXPECT_EQ(parse_ok(write_config(config, true), /*allow_hooks=*/true), config);
}

// A peer's name follows the one rule of value::check_peer_name, from a file as from the app's
// editor: control characters (escape sequences for a terminal), invalid UTF-8 and names over 64
// characters are refused. Before, a file's "# Name =" took any bytes, and write_config changed
// the control characters to spaces.
TEST(WgConfig, PeerNamesFollowTheNameRule) {
    EXPECT_EQ(parse_errors(peer("# Name = evil\x1b[2J\n")),
              (std::vector<std::string>{
                  "t.conf:5: Name: 'evil\\x1b[2J' a name may not hold control characters"}));
    EXPECT_EQ(parse_errors(peer("# Name = caf\xe9\n")),
              (std::vector<std::string>{"t.conf:5: Name: 'caf\xe9' a name must be UTF-8 text"}));
    EXPECT_EQ(parse_errors(peer("# Name = " + std::string(65, 'x') + "\n")),
              (std::vector<std::string>{"t.conf:5: Name: '" + std::string(65, 'x') +
                                        "' a name has at most 64 characters"}));
    EXPECT_EQ(parse_ok(peer("# Name = " + std::string(64, 'x') + "\n")).peers[0].name,
              std::string(64, 'x'));
}

// "# tulle: kill-switch" is Tulle's own line, a comment to wg-quick: it is read, written back in
// [Interface], and a misspelt option is an error rather than a kill switch without it.
TEST(WgConfig, TheKillSwitchLineIsReadAndWrittenBack) {
    const TunnelConfig plain = parse_ok(iface(""));
    EXPECT_FALSE(plain.iface.kill_switch);
    const TunnelConfig on = parse_ok(iface("# tulle: kill-switch\n"));
    EXPECT_TRUE(on.iface.kill_switch);
    EXPECT_FALSE(on.iface.allow_lan);
    const TunnelConfig lan = parse_ok("# tulle: kill-switch allow-lan\n" + iface(""));
    EXPECT_TRUE(lan.iface.kill_switch);
    EXPECT_TRUE(lan.iface.allow_lan);
    for (const auto& config : {on, lan}) {
        const std::string written = write_config(config, true);
        EXPECT_EQ(parse_ok(written), config) << written;
    }
    EXPECT_NE(write_config(lan, false).find("# tulle: kill-switch allow-lan\n"), std::string::npos);
    EXPECT_EQ(write_config(plain, false).find("kill-switch"), std::string::npos);
    EXPECT_EQ(parse_errors(iface("# tulle: kill-switch allow-LAN\n")),
              (std::vector<std::string>{
                  "t.conf:3: kill-switch: 'allow-LAN' is not an option (only allow-lan is)"}));
    // In a [Peer] it is a comment like any other.
    EXPECT_FALSE(parse_ok(peer("# tulle: kill-switch\n")).iface.kill_switch);
}

TEST(WgConfig, EmptyHookIsAnError) {
    EXPECT_EQ(parse_errors(iface("PostUp =\n"), /*allow_hooks=*/true),
              (std::vector<std::string>{"t.conf:3: PostUp: missing value"}));
}

// --- writing ---

TEST(WgConfig, FullConfigRoundTrips) {
    const TunnelConfig config = parse_ok(full_config(), /*allow_hooks=*/true);
    const std::string written = write_config(config, /*include_secrets=*/true);
    const TunnelConfig back = parse_ok(written, /*allow_hooks=*/true);
    EXPECT_EQ(back, config) << written;
    EXPECT_EQ(write_config(back, true), written);
}

TEST(WgConfig, WritesTheExpectedText) {
    const TunnelConfig config = parse_ok(full_config(), /*allow_hooks=*/true);
    EXPECT_EQ(write_config(config, /*include_secrets=*/true),
              "[Interface]\n"
              "PrivateKey = " +
                  s(kKey1) +
                  "\n"
                  "ListenPort = 51820\n"
                  "FwMark = 0x1234\n"
                  "Address = 10.8.0.2/24, fd42:42:42::2/64, 10.9.0.2/32\n"
                  "DNS = 10.8.0.1, fd42:42:42::1, 1.1.1.1, corp.example.com, internal\n"
                  "MTU = 1420\n"
                  "Table = 1234\n"
                  "PreUp = echo pre-up %i\n"
                  "PostUp = iptables -I OUTPUT ! -o %i -j REJECT # kill switch\n"
                  "PostUp = echo second\n"
                  "PreDown = echo pre-down\n"
                  "PostDown = echo post-down\n"
                  "SaveConfig = true\n"
                  "\n"
                  "[Peer]\n"
                  "# Name = office gateway\n"
                  "PublicKey = " +
                  s(kKey2) +
                  "\n"
                  "PresharedKey = " +
                  s(kKey3) +
                  "\n"
                  "AllowedIPs = 0.0.0.0/0, ::/0, 192.168.10.0/24\n"
                  "Endpoint = vpn.example.com:51820\n"
                  "PersistentKeepalive = 25\n"
                  "\n"
                  "[Peer]\n"
                  "# Name = laptop\n"
                  "PublicKey = " +
                  s(kKey4) +
                  "\n"
                  "AllowedIPs = 10.8.0.3/32\n"
                  "Endpoint = [2001:db8::1]:51821\n"
                  "\n"
                  "[Peer]\n"
                  "PublicKey = " +
                  s(kKey5) +
                  "\n"
                  "AllowedIPs = 10.8.0.4/32\n"
                  "Endpoint = 192.0.2.7:51820\n");
}

TEST(WgConfig, BuiltConfigRoundTrips) {
    TunnelConfig config;
    config.iface.private_key = *value::SecretKey::from_base64(kKey1);
    config.iface.listen_port = 0;
    config.iface.fwmark = 0xffffffffU;
    config.iface.addresses = {prefix("fd00::2/64")};
    config.iface.dns_search = {"example.com"};
    config.iface.mtu = 1280;
    config.iface.table = RouteTable{RouteTable::Kind::name, 0, "main"};
    PeerConfig peer;
    peer.name = "  phone  ";
    peer.public_key = *value::Key::from_base64(kKey2);
    peer.endpoint = *value::Endpoint::make("::1", 9);
    peer.persistent_keepalive = 65535;
    config.peers.push_back(peer);
    PeerConfig bare;
    bare.public_key = *value::Key::from_base64(kKey3);
    bare.preshared_key = *value::SecretKey::from_base64(kKey4);
    config.peers.push_back(bare);

    const TunnelConfig back = parse_ok(write_config(config, true));
    config.peers[0].name = "phone";  // surrounding spaces are not kept
    EXPECT_EQ(back, config) << write_config(config, true);
}

TEST(WgConfig, WritingWithoutSecretsLeavesThemOut) {
    const TunnelConfig config = parse_ok(full_config(), /*allow_hooks=*/true);
    const std::string written = write_config(config, /*include_secrets=*/false);
    EXPECT_EQ(written.find("PrivateKey"), std::string::npos);
    EXPECT_EQ(written.find("PresharedKey"), std::string::npos);
    EXPECT_EQ(written.find(kKey1), std::string::npos);
    EXPECT_EQ(written.find(kKey3), std::string::npos);
    EXPECT_NE(written.find(kKey2), std::string::npos);  // public keys stay
    EXPECT_NE(written.find("# Name = laptop"), std::string::npos);
    EXPECT_EQ(parse_errors(written, true),
              (std::vector<std::string>{"t.conf:1: [Interface] has no PrivateKey"}));
}

TEST(WgConfig, ErrorsCarryTheKindOfProblem) {
    const TunnelConfig config = parse_ok(full_config(), /*allow_hooks=*/true);
    auto without_key = parse_config(write_config(config, false), "t.conf", true);
    ASSERT_FALSE(without_key.ok());
    ASSERT_EQ(without_key.error().size(), 1U);
    EXPECT_EQ(without_key.error()[0].problem, ConfigProblem::missing_private_key);
    auto hooks = parse_config(full_config(), "t.conf", /*allow_hooks=*/false);
    ASSERT_FALSE(hooks.ok());
    EXPECT_EQ(hooks.error()[0].problem, ConfigProblem::hooks_not_allowed);
    auto bad_mtu = parse_config("[Interface]\nMTU = x\n", "t.conf", false);
    ASSERT_FALSE(bad_mtu.ok());
    EXPECT_EQ(bad_mtu.error()[0].problem, ConfigProblem::invalid);
    auto empty = parse_config("", "t.conf", false);
    ASSERT_FALSE(empty.ok());
    EXPECT_EQ(empty.error()[0].problem, ConfigProblem::no_interface);
}

TEST(WgConfig, WrittenNamesAndHooksCannotStartANewLine) {
    TunnelConfig config;
    config.iface.private_key = *value::SecretKey::from_base64(kKey1);
    config.iface.post_up = {"echo a\n[Peer]"};
    PeerConfig peer;
    peer.name = "evil\nPublicKey = " + s(kKey3);
    peer.public_key = *value::Key::from_base64(kKey2);
    config.peers.push_back(peer);

    const TunnelConfig back = parse_ok(write_config(config, true), /*allow_hooks=*/true);
    ASSERT_EQ(back.peers.size(), 1U);
    EXPECT_EQ(back.peers[0].name, "evil PublicKey = " + s(kKey3));
    EXPECT_EQ(back.peers[0].public_key.to_base64(), kKey2);
    EXPECT_EQ(back.iface.post_up, (std::vector<std::string>{"echo a [Peer]"}));
}

}  // namespace
}  // namespace tulle::ipc

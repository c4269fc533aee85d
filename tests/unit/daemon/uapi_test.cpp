// The UAPI text protocol. The captured requests and replies below are what wg(8) v1.0.20210914 sent
// to, and wireguard-go v0.0.20220316 answered on, a test interface (keys made for the occasion).
#include "daemon/uapi.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/daemon/uapi_captures.hpp"

namespace tulle::daemon {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace uapi_testing;

std::string peer_body(std::string_view lines) {
    return "public_key=" + std::string(kPeer1Hex) + "\n" + std::string(lines);
}

UapiPeer peer1() {
    UapiPeer peer;
    peer.public_key = key_from_hex(kPeer1Hex);
    return peer;
}

UapiSet with_peer(const UapiPeer& peer) {
    UapiSet set;
    set.peers.push_back(peer);
    return set;
}

UapiSet parsed(std::string_view body) {
    auto result = parse_set(body);
    if (!result) {
        ADD_FAILURE() << "refused: " << result.error().message << "\n" << body;
        return {};
    }
    return std::move(result).value();
}

// --- parse_set: one line at a time ---

struct GoodSet {
    std::string name;
    std::string body;
    UapiSet expected;
};

void PrintTo(const GoodSet& good, std::ostream* os) {
    *os << good.name;
}

class ParseSetGood : public ::testing::TestWithParam<GoodSet> {};

TEST_P(ParseSetGood, GivesTheExpectedChange) {
    EXPECT_EQ(parsed(GetParam().body), GetParam().expected);
}

std::vector<GoodSet> good_sets() {
    std::vector<GoodSet> table;
    auto device = [&](std::string name, std::string body, auto change) {
        UapiSet expected;
        change(expected);
        table.push_back({std::move(name), std::move(body), std::move(expected)});
    };
    auto peer = [&](std::string name, const std::string& lines, auto change) {
        UapiPeer expected = peer1();
        change(expected);
        table.push_back({std::move(name), peer_body(lines), with_peer(expected)});
    };

    device("Empty", "", [](UapiSet&) {});
    device("PrivateKey", "private_key=" + std::string(kPrivateHex) + "\n",
           [](UapiSet& s) { s.private_key.emplace(secret_from_hex(kPrivateHex)); });
    device("PrivateKeyUpperCase",
           "private_key=4004B9739A40F8854511F33E105CB504F6CADB397E1DC65D6D06"
           "81D3C12A994D\n",
           [](UapiSet& s) { s.private_key.emplace(secret_from_hex(kPrivateHex)); });
    device("PrivateKeyZerosRemovesIt", "private_key=" + std::string(kZeroHex) + "\n",
           [](UapiSet& s) { s.private_key.emplace(std::nullopt); });
    device("ListenPortZero", "listen_port=0\n", [](UapiSet& s) { s.listen_port = 0; });
    device("ListenPort", "listen_port=51820\n", [](UapiSet& s) { s.listen_port = 51820; });
    device("ListenPortMax", "listen_port=65535\n", [](UapiSet& s) { s.listen_port = 65535; });
    device("ListenPortLeadingZero", "listen_port=051820\n",
           [](UapiSet& s) { s.listen_port = 51820; });
    device("FwmarkOff", "fwmark=0\n", [](UapiSet& s) { s.fwmark = 0; });
    device("Fwmark", "fwmark=4660\n", [](UapiSet& s) { s.fwmark = 4660; });
    device("FwmarkMax", "fwmark=4294967295\n", [](UapiSet& s) { s.fwmark = 4294967295U; });
    device("ReplacePeers", "replace_peers=true\n", [](UapiSet& s) { s.replace_peers = true; });
    device("NoFinalNewline", "listen_port=1", [](UapiSet& s) { s.listen_port = 1; });
    device("EndingEmptyLine", "listen_port=1\n\n", [](UapiSet& s) { s.listen_port = 1; });
    device("LaterLineWins", "listen_port=1\nlisten_port=2\n",
           [](UapiSet& s) { s.listen_port = 2; });
    device(
        "ZeroKeyAfterKey",
        "private_key=" + std::string(kPrivateHex) + "\nprivate_key=" + std::string(kZeroHex) + "\n",
        [](UapiSet& s) { s.private_key.emplace(std::nullopt); });

    peer("PublicKeyAlone", "", [](UapiPeer&) {});
    table.push_back(
        {"PublicKeyUpperCase",
         "public_key=12930D06B77FD7DE5150BACAE807F3D4B02ABB66BE513588DE59A9E5D9ED383A\n",
         with_peer(peer1())});
    peer("Remove", "remove=true\n", [](UapiPeer& p) { p.remove = true; });
    peer("UpdateOnly", "update_only=true\n", [](UapiPeer& p) { p.update_only = true; });
    peer("PresharedKey", "preshared_key=" + std::string(kPresharedHex) + "\n",
         [](UapiPeer& p) { p.preshared_key = secret_from_hex(kPresharedHex); });
    peer("PresharedKeyZerosIsNone", "preshared_key=" + std::string(kZeroHex) + "\n",
         [](UapiPeer& p) { p.preshared_key = core::SymmetricKey{}; });
    peer("EndpointV4", "endpoint=192.0.2.7:51821\n", [](UapiPeer& p) {
        p.endpoint = value::SocketAddress{value::IpAddress::v4({192, 0, 2, 7}), 51821};
    });
    peer("EndpointV6", "endpoint=[2001:db8::1]:51822\n", [](UapiPeer& p) {
        p.endpoint = value::SocketAddress{
            value::IpAddress::v6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}),
            51822};
    });
    peer("EndpointV4MappedV6", "endpoint=[::ffff:192.0.2.1]:1\n", [](UapiPeer& p) {
        p.endpoint = value::SocketAddress{
            value::IpAddress::v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1}), 1};
    });
    peer("EndpointMaxPort", "endpoint=10.0.0.1:65535\n", [](UapiPeer& p) {
        p.endpoint = value::SocketAddress{value::IpAddress::v4({10, 0, 0, 1}), 65535};
    });
    peer("KeepaliveOff", "persistent_keepalive_interval=0\n",
         [](UapiPeer& p) { p.persistent_keepalive = 0; });
    peer("Keepalive", "persistent_keepalive_interval=25\n",
         [](UapiPeer& p) { p.persistent_keepalive = 25; });
    peer("KeepaliveMax", "persistent_keepalive_interval=65535\n",
         [](UapiPeer& p) { p.persistent_keepalive = 65535; });
    peer("ReplaceAllowedIps", "replace_allowed_ips=true\n",
         [](UapiPeer& p) { p.replace_allowed_ips = true; });
    peer("AllowedIpHostBitsKept", "allowed_ip=10.0.0.3/24\n",
         [](UapiPeer& p) { p.allowed_ips = {prefix("10.0.0.3/24")}; });
    peer("AllowedIpsInOrder", "allowed_ip=0.0.0.0/0\nallowed_ip=::/0\nallowed_ip=fd00::2/128\n",
         [](UapiPeer& p) {
             p.allowed_ips = {prefix("0.0.0.0/0"), prefix("::/0"), prefix("fd00::2/128")};
         });
    peer("ReplaceAllowedIpsDropsEarlierLines",
         "allowed_ip=10.0.0.0/8\nreplace_allowed_ips=true\nallowed_ip=10.1.0.0/16\n",
         [](UapiPeer& p) {
             p.replace_allowed_ips = true;
             p.allowed_ips = {prefix("10.1.0.0/16")};
         });
    peer("ProtocolVersion", "protocol_version=1\n", [](UapiPeer&) {});
    peer("RemoveDropsTheRestOfTheSection",
         "update_only=true\nendpoint=192.0.2.1:1\nremove=true\nallowed_ip=10.0.0.0/8\n"
         "persistent_keepalive_interval=5\n",
         [](UapiPeer& p) {
             p.update_only = true;
             p.remove = true;
         });
    return table;
}

INSTANTIATE_TEST_SUITE_P(Table, ParseSetGood, ::testing::ValuesIn(good_sets()),
                         [](const auto& info) { return info.param.name; });

struct BadSet {
    std::string name;
    std::string body;
    int errno_value;
    std::string message_contains;
    std::string secret;  // text that must not appear in the message
    std::string where;   // also in the message: "line 2: endpoint: "
};

void PrintTo(const BadSet& bad, std::ostream* os) {
    *os << bad.name;
}

class ParseSetBad : public ::testing::TestWithParam<BadSet> {};

TEST_P(ParseSetBad, IsRefusedWithTheLineAndKey) {
    const auto result = parse_set(GetParam().body);
    ASSERT_FALSE(result) << "accepted: " << GetParam().body;
    EXPECT_EQ(result.error().errno_value, GetParam().errno_value);
    EXPECT_THAT(result.error().message, HasSubstr(GetParam().message_contains));
    EXPECT_THAT(result.error().message, HasSubstr(GetParam().where));
    if (!GetParam().secret.empty()) {
        EXPECT_THAT(result.error().message, Not(HasSubstr(GetParam().secret)));
    }
    EXPECT_LT(result.error().message.size(), 300U) << result.error().message;
}

BadSet bad(std::string name, std::string body, int errno_value, std::string message_contains,
           std::string secret = "") {
    return {std::move(name),   std::move(body),
            errno_value,       std::move(message_contains),
            std::move(secret), ""};
}

std::vector<BadSet> bad_sets() {
    std::vector<BadSet> table;
    // A device line: always line 1.
    auto device = [&](std::string name, const std::string& key, const std::string& value,
                      std::string message = "") {
        std::string where = "line 1: " + key + ": ";
        table.push_back({std::move(name), key + "=" + value + "\n", EINVAL, std::move(message), "",
                         std::move(where)});
    };
    // A peer line after the public_key line: always line 2.
    auto peer = [&](std::string name, const std::string& key, const std::string& value,
                    std::string message = "") {
        std::string where = "line 2: " + key + ": ";
        table.push_back({std::move(name), peer_body(key + "=" + value + "\n"), EINVAL,
                         std::move(message), "", std::move(where)});
    };
    // A secret key line: the value must not show.
    auto secret = [&](std::string name, const std::string& key, const std::string& value, int line,
                      std::string message) {
        std::string body = key + "=" + value + "\n";
        if (line == 2) {
            body = peer_body(body);
        }
        std::string where = "line " + std::to_string(line) + ": " + key + ": ";
        table.push_back({std::move(name), std::move(body), EINVAL, std::move(message),
                         value.substr(0, 16), std::move(where)});
    };
    const std::string almost(kPrivateHex.substr(0, 63));

    secret("PrivateKeyShort", "private_key", almost, 1, "a key is 64 hex digits, not 63");
    secret("PrivateKeyLong", "private_key", std::string(kPrivateHex) + "0", 1,
           "a key is 64 hex digits, not 65");
    secret("PrivateKeyNotHex", "private_key", almost.substr(0, 9) + "g" + almost.substr(9), 1,
           "character 10 of the key is not a hex digit");
    secret("PrivateKeySpace", "private_key", " " + almost, 1, "character 1 of the key");
    secret("PrivateKeyEmpty", "private_key", "", 1, "not 0 characters");
    secret("PresharedKeyShort", "preshared_key", std::string(kPresharedHex.substr(1)), 2,
           "a key is 64 hex digits, not 63");
    secret("PresharedKeyNotHex", "preshared_key", std::string(kPresharedHex.substr(0, 63)) + "x", 2,
           "character 64 of the key is not a hex digit");
    table.push_back(bad("PublicKeyShort", "public_key=" + almost + "\n", EINVAL,
                        "line 1: public_key: a key is 64 hex digits, not 63"));
    table.push_back(bad("PublicKeyNotHex", "public_key=z" + almost + "\n", EINVAL,
                        "line 1: public_key: character 1 of the key is not a hex digit"));
    table.push_back(bad("SecondPublicKeyBad", peer_body("public_key=1\n"), EINVAL,
                        "line 2: public_key: a key is 64 hex digits, not 1"));

    device("ListenPortEmpty", "listen_port", "", "'' is not a number from 0 to 65535");
    device("ListenPortWord", "listen_port", "abc", "'abc' is not a number from 0 to 65535");
    device("ListenPortNegative", "listen_port", "-1");
    device("ListenPortPlus", "listen_port", "+1");
    device("ListenPortTooBig", "listen_port", "65536", "'65536' is not a number");
    device("ListenPortHuge", "listen_port", "99999999999999999999999");
    device("ListenPortSpace", "listen_port", " 1");
    device("ListenPortTrailingSpace", "listen_port", "1 ");
    device("ListenPortCarriageReturn", "listen_port", "1\r", "'1\\x0d'");
    device("FwmarkTooBig", "fwmark", "4294967296", "is not a number from 0 to 4294967295");
    device("FwmarkHex", "fwmark", "0x1234");
    device("FwmarkNegative", "fwmark", "-1");
    device("ReplacePeersFalse", "replace_peers", "false",
           "'false' is not 'true', the only value it takes");
    device("ReplacePeersOne", "replace_peers", "1");
    device("ReplacePeersUpperCase", "replace_peers", "TRUE");
    device("ReplacePeersEmpty", "replace_peers", "");

    peer("RemoveFalse", "remove", "false", "'false' is not 'true'");
    peer("UpdateOnlyYes", "update_only", "yes", "'yes' is not 'true'");
    peer("ReplaceAllowedIpsFalse", "replace_allowed_ips", "false", "'false' is not 'true'");
    peer("EndpointNoPort", "endpoint", "192.0.2.1", "'192.0.2.1': missing ':PORT'");
    peer("EndpointEmptyPort", "endpoint", "192.0.2.1:");
    peer("EndpointPortZero", "endpoint", "192.0.2.1:0", "port 0 is out of range 1..65535");
    peer("EndpointPortTooBig", "endpoint", "192.0.2.1:65536");
    peer("EndpointPortWord", "endpoint", "192.0.2.1:http");
    peer("EndpointV4InBrackets", "endpoint", "[192.0.2.1]:1", "brackets are only for IPv6");
    peer("EndpointV6WithoutBrackets", "endpoint", "2001:db8::1:51820", "must be in brackets");
    peer("EndpointV6NoPort", "endpoint", "[2001:db8::1]", "missing ':PORT'");
    peer("EndpointZone", "endpoint", "[fe80::1%eth0]:51820", "IPv6 zones");
    peer("EndpointHostName", "endpoint", "vpn.example.com:51820", "not a numeric address");
    peer("EndpointLeadingZero", "endpoint", "192.0.2.01:1", "leading zero");
    peer("EndpointEmpty", "endpoint", "");
    peer("KeepaliveTooBig", "persistent_keepalive_interval", "65536",
         "'65536' is not a number from 0 to 65535");
    peer("KeepaliveNegative", "persistent_keepalive_interval", "-1");
    peer("KeepaliveEmpty", "persistent_keepalive_interval", "");
    peer("KeepaliveOff", "persistent_keepalive_interval", "off");
    peer("AllowedIpNoLength", "allowed_ip", "10.0.0.1", "'10.0.0.1': missing '/'");
    peer("AllowedIpV4TooLong", "allowed_ip", "10.0.0.0/33", "larger than 32");
    peer("AllowedIpV6TooLong", "allowed_ip", "::/129", "larger than 128");
    peer("AllowedIpEmptyLength", "allowed_ip", "10.0.0.0/");
    peer("AllowedIpLeadingZero", "allowed_ip", "10.0.0.0/08", "leading zero");
    peer("AllowedIpZone", "allowed_ip", "fe80::1%eth0/64");
    peer("AllowedIpNotAddress", "allowed_ip", "host/32");
    peer("AllowedIpEmpty", "allowed_ip", "");
    peer("ProtocolVersionTwo", "protocol_version", "2", "version '2' is not supported");
    peer("ProtocolVersionZeroPadded", "protocol_version", "01");
    peer("ProtocolVersionEmpty", "protocol_version", "");

    table.push_back(bad("UnknownDeviceKey", "bogus=1\n", EINVAL, "line 1: unknown key 'bogus'"));
    table.push_back(
        bad("UnknownPeerKey", peer_body("listen=1\n"), EINVAL, "line 2: unknown key 'listen'"));
    table.push_back(bad("EmptyKey", "=1\n", EINVAL, "line 1: unknown key ''"));
    table.push_back(
        bad("KeyCaseMatters", "Listen_Port=1\n", EINVAL, "line 1: unknown key 'Listen_Port'"));
    table.push_back(bad("LongUnknownKeyIsCut", std::string(10000, 'k') + "=1\n", EINVAL,
                        "line 1: unknown key 'kkkk"));
    table.push_back(bad("GetInsideSet", "get=1\n", EINVAL, "line 1: unknown key 'get'"));
    table.push_back(bad("NoEquals", "listen_port=1\n" + std::string(kPrivateHex) + "\n", EPROTO,
                        "line 2: not a key=value line", std::string(kPrivateHex.substr(0, 16))));
    table.push_back(bad("TextAfterEmptyLine", "listen_port=1\n\nlisten_port=2\n", EPROTO,
                        "line 2: the empty line ends the request"));
    table.push_back(bad("DeviceKeyInPeerSection", peer_body("listen_port=1\n"), EINVAL,
                        "line 2: listen_port is an interface key and cannot follow a public_key",
                        ""));
    table.push_back(bad(
        "PrivateKeyInPeerSection", peer_body("private_key=" + std::string(kPrivateHex) + "\n"),
        EINVAL, "line 2: private_key is an interface key", std::string(kPrivateHex.substr(0, 16))));
    table.push_back(bad("FwmarkInPeerSection", peer_body("fwmark=1\n"), EINVAL,
                        "line 2: fwmark is an interface key"));
    table.push_back(bad("ReplacePeersInPeerSection", peer_body("replace_peers=true\n"), EINVAL,
                        "line 2: replace_peers is an interface key"));
    for (const std::string key :
         {"remove", "update_only", "preshared_key", "endpoint", "persistent_keepalive_interval",
          "replace_allowed_ips", "allowed_ip", "protocol_version"}) {
        table.push_back(bad("PeerKeyFirst_" + key, "listen_port=1\n" + key + "=1\n", EINVAL,
                            "line 2: " + key + " is a peer key and needs a public_key line"));
    }
    // After remove=true the lines are still checked.
    table.push_back(bad("BadLineAfterRemove", peer_body("remove=true\nendpoint=nowhere\n"), EINVAL,
                        "line 3: endpoint: 'nowhere'"));
    return table;
}

INSTANTIATE_TEST_SUITE_P(Table, ParseSetBad, ::testing::ValuesIn(bad_sets()),
                         [](const auto& info) { return info.param.name; });

// --- parse_set: whole requests ---

TEST(ParseSet, ReadsWhatWgSetconfSends) {
    ASSERT_TRUE(core::crypto::init());
    constexpr std::string_view kFirstLine = "set=1\n";
    ASSERT_TRUE(kSetconfRequest.starts_with(kFirstLine));
    const UapiSet set = parsed(kSetconfRequest.substr(kFirstLine.size()));

    ASSERT_TRUE(set.private_key);
    ASSERT_TRUE(*set.private_key);
    EXPECT_EQ(core::crypto::public_key(**set.private_key), key_from_hex(kPublicHex));
    EXPECT_EQ(set.listen_port, 51820);
    EXPECT_EQ(set.fwmark, 0x1234U);
    EXPECT_TRUE(set.replace_peers);
    ASSERT_EQ(set.peers.size(), 2U);

    const UapiPeer& first = set.peers[0];
    EXPECT_EQ(first.public_key, key_from_hex(kPeer1Hex));
    EXPECT_FALSE(first.remove);
    EXPECT_FALSE(first.update_only);
    EXPECT_EQ(first.preshared_key, secret_from_hex(kPresharedHex));
    EXPECT_EQ(first.endpoint, *value::SocketAddress::parse("192.0.2.7:51821"));
    EXPECT_EQ(first.persistent_keepalive, 25);
    EXPECT_TRUE(first.replace_allowed_ips);
    EXPECT_EQ(first.allowed_ips,
              (std::vector<value::IpPrefix>{prefix("10.0.0.2/32"), prefix("10.1.0.0/16"),
                                            prefix("fd00::2/128")}));

    const UapiPeer& second = set.peers[1];
    EXPECT_EQ(second.public_key, key_from_hex(kPeer2Hex));
    EXPECT_FALSE(second.preshared_key);
    ASSERT_TRUE(second.endpoint);
    EXPECT_EQ(second.endpoint->to_string(), "[2001:db8::1]:51822");
    EXPECT_FALSE(second.persistent_keepalive);  // not in the file, so not sent
    EXPECT_TRUE(second.replace_allowed_ips);
    EXPECT_EQ(second.allowed_ips, (std::vector<value::IpPrefix>{
                                      prefix("10.0.0.3/24"), prefix("0.0.0.0/0"), prefix("::/0")}));
}

TEST(ParseSet, ReadsWhatWgSetSendsToRemoveAndClear) {
    const UapiSet set = parsed(kSetRemoveBody);
    EXPECT_FALSE(set.private_key);
    EXPECT_FALSE(set.listen_port);
    EXPECT_FALSE(set.fwmark);
    EXPECT_FALSE(set.replace_peers);
    ASSERT_EQ(set.peers.size(), 2U);

    UapiPeer removed = peer1();
    removed.remove = true;
    EXPECT_EQ(set.peers[0], removed);

    const UapiPeer& cleared = set.peers[1];
    EXPECT_EQ(cleared.public_key, key_from_hex(kPeer2Hex));
    EXPECT_FALSE(cleared.remove);
    ASSERT_TRUE(cleared.preshared_key);
    EXPECT_TRUE(cleared.preshared_key->is_zero());
    EXPECT_EQ(cleared.persistent_keepalive, 0);
    EXPECT_TRUE(cleared.replace_allowed_ips);
    EXPECT_TRUE(cleared.allowed_ips.empty());
}

TEST(ParseSet, KeepsEachPeerSectionApartAndInOrder) {
    const std::string body = "public_key=" + std::string(kPeer1Hex) +
                             "\nendpoint=192.0.2.1:1\nallowed_ip=10.0.0.0/8\n"
                             "public_key=" +
                             std::string(kPeer2Hex) + "\nupdate_only=true\n" +
                             "public_key=" + std::string(kPeer1Hex) + "\nremove=true\n";
    const UapiSet set = parsed(body);
    ASSERT_EQ(set.peers.size(), 3U);

    UapiPeer first = peer1();
    first.endpoint = value::SocketAddress{value::IpAddress::v4({192, 0, 2, 1}), 1};
    first.allowed_ips = {prefix("10.0.0.0/8")};
    EXPECT_EQ(set.peers[0], first);

    UapiPeer second;
    second.public_key = key_from_hex(kPeer2Hex);
    second.update_only = true;
    EXPECT_EQ(set.peers[1], second);

    UapiPeer third = peer1();
    third.remove = true;
    EXPECT_EQ(set.peers[2], third);
}

TEST(ParseSet, GivesWhatTheReaderParsesFromTheStream) {
    UapiReader reader;
    reader.feed(kSetconfRequest);
    auto request = reader.next();
    ASSERT_TRUE(request);
    ASSERT_TRUE(*request) << request->error().message;
    EXPECT_EQ(request->value().op, UapiRequest::Op::set);
    ASSERT_FALSE(request->value().refused) << request->value().refused->message;
    const UapiSet& set = request->value().set;
    EXPECT_EQ(set.peers.size(), 2U);
    EXPECT_EQ(set.listen_port, 51820);
    const std::string body(kSetconfRequest.substr(6, kSetconfRequest.size() - 7));
    EXPECT_EQ(set, parsed(body));
}

// --- format_get ---

DeviceStatus captured_device() {
    DeviceStatus device;
    device.private_key = secret_from_hex(kPrivateHex);
    device.listen_port = 51820;
    device.fwmark = 4660;

    PeerState first;
    first.public_key = key_from_hex(kPeer1Hex);
    first.preshared_key = secret_from_hex(kPresharedHex);
    first.endpoint = value::SocketAddress{value::IpAddress::v4({192, 0, 2, 7}), 51821};
    first.persistent_keepalive = 25;
    first.allowed_ips = {prefix("10.0.0.2/32"), prefix("10.1.0.0/16"), prefix("fd00::2/128")};
    device.peers.push_back(first);

    PeerState second;
    second.public_key = key_from_hex(kPeer2Hex);
    second.endpoint = value::SocketAddress{
        value::IpAddress::v6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}), 51822};
    // As configured, with the host bits: written without them.
    second.allowed_ips = {prefix("10.0.0.3/24"), prefix("0.0.0.0/0"), prefix("::/0")};
    device.peers.push_back(second);
    return device;
}

TEST(FormatGet, MatchesWireguardGo) {
    EXPECT_EQ(format_get(captured_device()), kGetReply);
}

TEST(FormatGet, LeavesOutUnsetDeviceValues) {
    EXPECT_EQ(format_get(DeviceStatus{}), "");

    DeviceStatus zero_key;
    zero_key.private_key = core::PrivateKey{};
    EXPECT_EQ(format_get(zero_key), "");

    DeviceStatus port_only;
    port_only.listen_port = 1;
    EXPECT_EQ(format_get(port_only), "listen_port=1\n");

    DeviceStatus mark_only;
    mark_only.fwmark = 4294967295U;
    EXPECT_EQ(format_get(mark_only), "fwmark=4294967295\n");
}

DeviceStatus one_peer(const PeerState& peer) {
    DeviceStatus device;
    device.peers.push_back(peer);
    return device;
}

std::string peer_reply(std::string_view endpoint_line, std::string_view handshake_sec,
                       std::string_view handshake_nsec, std::string_view tx, std::string_view rx,
                       std::string_view keepalive, std::string_view allowed_ip_lines) {
    return "public_key=" + std::string(kPeer2Hex) + "\npreshared_key=" + std::string(kZeroHex) +
           "\nprotocol_version=1\n" + std::string(endpoint_line) +
           "last_handshake_time_sec=" + std::string(handshake_sec) +
           "\nlast_handshake_time_nsec=" + std::string(handshake_nsec) +
           "\ntx_bytes=" + std::string(tx) + "\nrx_bytes=" + std::string(rx) +
           "\npersistent_keepalive_interval=" + std::string(keepalive) + "\n" +
           std::string(allowed_ip_lines);
}

PeerState peer2_info() {
    PeerState peer;
    peer.public_key = key_from_hex(kPeer2Hex);
    return peer;
}

TEST(FormatGet, WritesAPeerWithoutEndpointOrHandshake) {
    EXPECT_EQ(format_get(one_peer(peer2_info())), peer_reply("", "0", "0", "0", "0", "0", ""));
}

TEST(FormatGet, SplitsTheHandshakeTimeIntoSecondsAndNanoseconds) {
    using std::chrono::nanoseconds;
    using std::chrono::seconds;
    PeerState peer = peer2_info();
    // A whole number of microseconds, which every system_clock can hold.
    peer.last_handshake = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(seconds{1700000000} +
                                                                        nanoseconds{123456000}));
    peer.tx_bytes = std::numeric_limits<std::uint64_t>::max();
    peer.rx_bytes = 1;
    peer.persistent_keepalive = 65535;
    EXPECT_EQ(format_get(one_peer(peer)),
              peer_reply("", "1700000000", "123456000", "18446744073709551615", "1", "65535", ""));

    peer.last_handshake = std::chrono::system_clock::time_point(seconds{1});
    EXPECT_THAT(format_get(one_peer(peer)),
                HasSubstr("last_handshake_time_sec=1\nlast_handshake_time_nsec=0\n"));

    // Before 1970 cannot be written (wg reads unsigned numbers): as never.
    peer.last_handshake = std::chrono::system_clock::time_point(seconds{-5});
    EXPECT_THAT(format_get(one_peer(peer)),
                HasSubstr("last_handshake_time_sec=0\nlast_handshake_time_nsec=0\n"));
}

TEST(FormatGet, WritesAllowedIpsWithoutHostBitsInOrder) {
    PeerState peer = peer2_info();
    peer.allowed_ips = {prefix("192.0.2.77/24"), prefix("2001:db8::1/32"), prefix("10.0.0.1/32"),
                        prefix("::ffff:192.0.2.1/128")};
    EXPECT_EQ(format_get(one_peer(peer)),
              peer_reply("", "0", "0", "0", "0", "0",
                         "allowed_ip=192.0.2.0/24\nallowed_ip=2001:db8::/32\n"
                         "allowed_ip=10.0.0.1/32\nallowed_ip=::ffff:192.0.2.1/128\n"));
}

TEST(FormatGet, WritesKeysInLowerCaseHex) {
    DeviceStatus device;
    device.private_key =
        secret_from_hex("ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789");
    EXPECT_EQ(format_get(device),
              "private_key=abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789\n");
}

struct EndpointText {
    std::string name;
    std::optional<value::SocketAddress> endpoint;
    std::string line;  // empty: no endpoint line
};

void PrintTo(const EndpointText& e, std::ostream* os) {
    *os << e.name;
}

class FormatGetEndpoint : public ::testing::TestWithParam<EndpointText> {};

TEST_P(FormatGetEndpoint, IsWrittenAsWireguardGoDoes) {
    PeerState peer = peer2_info();
    peer.endpoint = GetParam().endpoint;
    EXPECT_EQ(format_get(one_peer(peer)), peer_reply(GetParam().line, "0", "0", "0", "0", "0", ""));
}

INSTANTIATE_TEST_SUITE_P(
    Table, FormatGetEndpoint,
    ::testing::Values(
        EndpointText{"V4", value::SocketAddress{value::IpAddress::v4({192, 0, 2, 7}), 51821},
                     "endpoint=192.0.2.7:51821\n"},
        EndpointText{"V4Zeros", value::SocketAddress{value::IpAddress::v4({0, 0, 0, 0}), 1},
                     "endpoint=0.0.0.0:1\n"},
        EndpointText{"V6Compressed",
                     value::SocketAddress{value::IpAddress::v6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                                                0, 0, 0, 0, 0, 0, 0, 1}),
                                          51822},
                     "endpoint=[2001:db8::1]:51822\n"},
        EndpointText{
            "V6Loopback",
            value::SocketAddress{
                value::IpAddress::v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}), 65535},
            "endpoint=[::1]:65535\n"},
        EndpointText{"V6Full",
                     value::SocketAddress{value::IpAddress::v6({0xfe, 0x80, 0, 1, 0, 2, 0, 3, 0xab,
                                                                0xcd, 0, 5, 0, 6, 0, 7}),
                                          443},
                     "endpoint=[fe80:1:2:3:abcd:5:6:7]:443\n"},
        EndpointText{"V4MappedV6",
                     value::SocketAddress{value::IpAddress::v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
                                                                0xff, 192, 0, 2, 1}),
                                          443},
                     "endpoint=[::ffff:192.0.2.1]:443\n"},
        EndpointText{"UnsetIsLeftOut", std::nullopt, ""}),
    [](const auto& info) { return info.param.name; });

TEST(FormatGet, EndpointsAndAllowedIpsReadBackThroughParseSet) {
    // What get writes for these values, set reads as the same values.
    const DeviceStatus device = captured_device();
    std::string body;
    for (const auto& peer : device.peers) {
        body += "public_key=" + std::string(kPeer1Hex) + "\n";
        const std::string reply = format_get(one_peer(peer));
        std::size_t at = 0;
        while ((at = reply.find('\n', at)) != std::string::npos) {
            ++at;
            const std::size_t end = reply.find('\n', at);
            const std::string line = reply.substr(at, end - at);
            if (line.starts_with("endpoint=") || line.starts_with("allowed_ip=")) {
                body += line + "\n";
            }
        }
    }
    const UapiSet set = parsed(body);
    ASSERT_EQ(set.peers.size(), 2U);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(set.peers[i].endpoint, device.peers[i].endpoint);
        std::vector<value::IpPrefix> canonical;
        for (const auto& p : device.peers[i].allowed_ips) {
            canonical.push_back(p.canonical());
        }
        EXPECT_EQ(set.peers[i].allowed_ips, canonical);
    }
}

TEST(FormatStatus, NegatesTheErrnoAsWireguardGo) {
    EXPECT_EQ(format_status(0), "errno=0\n\n");
    EXPECT_EQ(format_status(EINVAL), "errno=-22\n\n");
    EXPECT_EQ(format_status(EPROTO), "errno=-71\n\n");
    EXPECT_EQ(format_status(-EINVAL), "errno=-22\n\n");
}

// --- UapiReader ---

// Every request the reader gives for now, failing the test on an error.
}  // namespace
}  // namespace tulle::daemon

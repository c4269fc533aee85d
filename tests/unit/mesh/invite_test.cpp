#include "mesh/invite.hpp"

#include <algorithm>
#include <cctype>
#include <iostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mesh/base32.hpp"
#include "mesh/wire.hpp"
#include "tests/unit/mesh/mesh_testing.hpp"

namespace tulle::mesh {
namespace {

using testing::kNow;
using testing::wireguard_key;

value::IpAddress address(std::string_view text) {
    return *value::IpAddress::parse(text);
}

// The body of a line: its bytes (fields and signature).
std::vector<std::uint8_t> body_of(const std::string& line) {
    return *base32_decode(std::string_view(line).substr(kInvitePrefix.size()));
}

std::string line_of(const std::vector<std::uint8_t>& body) {
    return std::string(kInvitePrefix) + base32_encode(body);
}

class InviteTest : public ::testing::Test {
  protected:
    SigningKey key = SigningKey::generate();

    // A typical invite: one endpoint with a host name, the member named "laptop".
    [[nodiscard]] Invite typical() const {
        Invite invite;
        invite.network = new_network_id();
        invite.network_name = "home";
        invite.network_key = key.public_key();
        invite.range = *value::IpPrefix::parse("10.88.0.0/16");
        invite.lighthouse_key = wireguard_key(0x11);
        invite.lighthouse_address = address("10.88.0.1");
        invite.endpoints = {*value::Endpoint::parse("vpn.example.net:51820")};
        invite.id = new_invite_id();
        invite.enrollment_key = value::generate_private_key();
        invite.name = "laptop";
        invite.address = address("10.88.0.2");
        invite.expires = kNow + kDefaultInviteLifetime;
        return invite;
    }
};

void expect_same(const Invite& got, const Invite& sent) {
    EXPECT_EQ(got.network, sent.network);
    EXPECT_EQ(got.network_name, sent.network_name);
    EXPECT_EQ(got.network_key, sent.network_key);
    EXPECT_EQ(got.range, sent.range);
    EXPECT_EQ(got.lighthouse_key, sent.lighthouse_key);
    EXPECT_EQ(got.lighthouse_address, sent.lighthouse_address);
    EXPECT_EQ(got.endpoints, sent.endpoints);
    EXPECT_EQ(got.id, sent.id);
    EXPECT_TRUE(got.enrollment_key == sent.enrollment_key);
    EXPECT_EQ(got.name, sent.name);
    EXPECT_EQ(got.address, sent.address);
    EXPECT_EQ(got.expires, sent.expires);
}

TEST_F(InviteTest, RoundTripOfATypicalInvite) {
    const Invite sent = typical();
    const std::string line = encode_invite(sent, key);
    // The figure for the QR code: how long a typical invite is.
    std::cout << "typical invite (1 endpoint with a host name, member \"laptop\"): " << line.size()
              << " characters\n";
    EXPECT_LE(line.size(), 410U);
    ASSERT_TRUE(line.starts_with("TULLE1:"));
    EXPECT_EQ(line.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", kInvitePrefix.size()),
              std::string::npos)
        << "only upper case and digits, for a QR code's alphanumeric mode";
    const auto got = decode_invite(line, kNow);
    ASSERT_TRUE(got.ok()) << got.error();
    expect_same(*got, sent);
}

TEST_F(InviteTest, RoundTripWithoutANameWithIpv6AndFourEndpoints) {
    Invite sent = typical();
    sent.name = "";
    sent.range = *value::IpPrefix::parse("fd88:1:2:3::/64");
    sent.lighthouse_address = address("fd88:1:2:3::1");
    sent.address = address("fd88:1:2:3::2a");
    sent.endpoints = {
        *value::Endpoint::parse("192.0.2.1:51820"), *value::Endpoint::parse("[2001:db8::1]:1"),
        *value::Endpoint::parse("vpn.example.net:65535"), *value::Endpoint::parse("a.b:443")};
    sent.expires = kNow + kMaxInviteLifetime;
    const auto got = decode_invite(encode_invite(sent, key), kNow);
    ASSERT_TRUE(got.ok()) << got.error();
    expect_same(*got, sent);
    EXPECT_TRUE(got->name.empty());
}

TEST_F(InviteTest, TheNetworkKeyIsTheSigners) {
    Invite sent = typical();
    sent.network_key = {};  // left out by the caller: encode_invite writes the key that signs
    const auto got = decode_invite(encode_invite(sent, key), kNow);
    ASSERT_TRUE(got.ok()) << got.error();
    EXPECT_EQ(got->network_key, key.public_key());
}

TEST_F(InviteTest, LowerCaseAndSurroundingSpaceAreAccepted) {
    const Invite sent = typical();
    std::string line = encode_invite(sent, key);
    std::transform(line.begin(), line.end(), line.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    ASSERT_TRUE(line.starts_with("tulle1:"));
    const auto got = decode_invite(" \t" + line + "\r\n", kNow);
    ASSERT_TRUE(got.ok()) << got.error();
    expect_same(*got, sent);
}

TEST_F(InviteTest, ExpiredIsRefusedNamingTheTime) {
    Invite sent = typical();
    sent.expires = kNow + 3600;
    const std::string line = encode_invite(sent, key);
    EXPECT_TRUE(decode_invite(line, kNow + 3599).ok());
    const auto got = decode_invite(line, kNow + 3600);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error(), "the invite expired at 2026-12-07 11:00 UTC");
    EXPECT_FALSE(decode_invite(line, kNow + kMaxInviteLifetime).ok());
}

TEST_F(InviteTest, EveryChangedByteIsRefused) {
    const std::string line = encode_invite(typical(), key);
    const auto body = body_of(line);
    for (std::size_t i = 0; i < body.size(); ++i) {
        for (const std::uint8_t flip : {0x01, 0x80}) {
            auto changed = body;
            changed[i] ^= flip;
            const auto got = decode_invite(line_of(changed), kNow);
            ASSERT_FALSE(got.ok()) << "byte " << i << " ^ " << int{flip} << " passed";
            EXPECT_TRUE(got.error().starts_with("the invite is damaged (") ||
                        got.error() == "the invite was altered: its signature does not match")
                << "byte " << i << ": " << got.error();
        }
    }
}

TEST_F(InviteTest, EveryChangedCharacterIsRefused) {
    const std::string line = encode_invite(typical(), key);
    constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    for (std::size_t i = kInvitePrefix.size(); i < line.size(); ++i) {
        std::string changed = line;
        changed[i] = kAlphabet[(kAlphabet.find(line[i]) + 1) % kAlphabet.size()];
        EXPECT_FALSE(decode_invite(changed, kNow).ok()) << "character " << i;
    }
}

TEST_F(InviteTest, AnotherNetworksKeyPutInIsRefused) {
    // Whoever swaps in a key of their own (to have the joiner trust their network) breaks the
    // signature, which the invite's own key must have made.
    const std::string line = encode_invite(typical(), key);
    auto body = body_of(line);
    const std::size_t key_at = 1 + kNetworkIdSize + 1 + std::string_view("home").size();
    ASSERT_TRUE(std::equal(key.public_key().begin(), key.public_key().end(),
                           body.begin() + static_cast<long>(key_at)));
    const auto other = SigningKey::generate().public_key();
    std::copy(other.begin(), other.end(), body.begin() + static_cast<long>(key_at));
    const auto got = decode_invite(line_of(body), kNow);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error(), "the invite was altered: its signature does not match");

    // Another network's genuine invite is a valid invite to that network: the joiner pins the
    // key it carries (what the joiner holds decides which network it joins).
    const auto other_key = SigningKey::generate();
    const auto theirs = decode_invite(encode_invite(typical(), other_key), kNow);
    ASSERT_TRUE(theirs.ok());
    EXPECT_EQ(theirs->network_key, other_key.public_key());
}

TEST_F(InviteTest, ASignatureOfAnotherKindIsRefused) {
    const std::string line = encode_invite(typical(), key);
    auto body = body_of(line);
    body.resize(body.size() - kSignatureSize);
    for (const auto context : {wire::kCertificateContext, wire::kRevocationContext}) {
        auto forged = body;
        const Signature signature = wire::sign(key, context, body);
        forged.insert(forged.end(), signature.begin(), signature.end());
        const auto got = decode_invite(line_of(forged), kNow);
        ASSERT_FALSE(got.ok()) << context;
        EXPECT_EQ(got.error(), "the invite was altered: its signature does not match");
    }
}

TEST_F(InviteTest, WhatIsNoInviteIsSaidSo) {
    const std::string kNotAnInvite = "this is not a Tulle invite: it should start with TULLE1:";
    for (const std::string_view text :
         {"", "   ", "hello", "TULLE2:MZXW6YTB", "TULLE1", "[Interface]\nPrivateKey = x"}) {
        const auto got = decode_invite(text, kNow);
        ASSERT_FALSE(got.ok()) << text;
        EXPECT_EQ(got.error(), kNotAnInvite) << text;
    }
    for (const std::string_view text : {"TULLE1:", "TULLE1:MZXW6YTB", "TULLE1:MZXW 6YTB",
                                        "TULLE1:!!!!!!!!", "TULLE1:MZXW6YTBO"}) {
        const auto got = decode_invite(text, kNow);
        ASSERT_FALSE(got.ok()) << text;
        EXPECT_TRUE(got.error().starts_with("the invite is damaged (")) << got.error();
    }
}

TEST_F(InviteTest, DamageIsNamed) {
    const auto refused = [this](const Invite& invite, std::string_view needle) {
        const auto got = decode_invite(encode_invite(invite, key), kNow);
        ASSERT_FALSE(got.ok()) << needle;
        EXPECT_TRUE(got.error().starts_with("the invite is damaged (")) << got.error();
        EXPECT_NE(got.error().find(needle), std::string::npos) << got.error();
    };
    Invite bad = typical();
    bad.name = "lap top";
    refused(bad, "member name: character 4");
    bad = typical();
    bad.network_name = "a/b";
    refused(bad, "network name: ");
    bad = typical();
    bad.endpoints.clear();
    refused(bad, "endpoints: 0 of them");
    bad.endpoints.assign(kMaxInviteEndpoints + 1, *value::Endpoint::parse("192.0.2.1:1"));
    refused(bad, "endpoints: 5 of them");
    bad = typical();
    bad.address = address("10.89.0.2");
    refused(bad, "member address: 10.89.0.2 is outside the network's range 10.88.0.0/16");
    bad = typical();
    bad.address = bad.lighthouse_address;
    refused(bad, "member address: it is the lighthouse's");
    bad = typical();
    bad.range = *value::IpPrefix::parse("10.88.0.1/16");
    refused(bad, "range: 10.88.0.1/16 has host bits set");
    bad = typical();
    bad.lighthouse_key = value::Key();
    refused(bad, "lighthouse key: all zero");

    const std::string line = encode_invite(typical(), key);
    auto body = body_of(line);
    body.pop_back();
    auto got = decode_invite(line_of(body), kNow);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error(),
              "the invite is damaged (signature: the invite ends before it (64 bytes needed, 63 "
              "left))");
    body = body_of(line);
    body.push_back(0);
    got = decode_invite(line_of(body), kNow);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error(), "the invite is damaged (1 bytes after the end of the invite)");
    body = body_of(line);
    body[0] = 2;
    got = decode_invite(line_of(body), kNow);
    ASSERT_FALSE(got.ok());
    EXPECT_NE(got.error().find("update Tulle"), std::string::npos) << got.error();
}

TEST_F(InviteTest, RefusalsNeverRepeatTheInvite) {
    const std::string line = encode_invite(typical(), key);
    const std::string body(std::string_view(line).substr(kInvitePrefix.size()));
    std::string changed = line;
    changed[20] = changed[20] == 'A' ? 'B' : 'A';
    for (const std::string& text : {changed, line + "1", line.substr(0, line.size() - 3)}) {
        const auto got = decode_invite(text, kNow);
        ASSERT_FALSE(got.ok());
        for (std::size_t at = 0; at + 8 <= body.size(); at += 8) {
            EXPECT_EQ(got.error().find(body.substr(at, 8)), std::string::npos) << got.error();
        }
    }
}

TEST(InviteId, IsRandomAndKeptOnlyAsAHash) {
    const InviteId a = new_invite_id();
    const InviteId b = new_invite_id();
    EXPECT_NE(a, b);
    EXPECT_EQ(invite_hash(a), invite_hash(a));
    EXPECT_NE(invite_hash(a), invite_hash(b));
    const InviteHash hash = invite_hash(a);
    EXPECT_FALSE(std::search(hash.begin(), hash.end(), a.begin(), a.end()) != hash.end());
}

// BLAKE2b-256, what the lighthouse keeps: of 16 zero bytes, as GNU coreutils gives it
// (`head -c 16 /dev/zero | b2sum -l 256`).
TEST(InviteId, HashIsBlake2b256) {
    EXPECT_EQ(to_hex(invite_hash(InviteId{})),
              "94c1c088cc9453996779630ad3af45cbd92814828dd784cf2aa12df95d1b8afe");
}

}  // namespace
}  // namespace tulle::mesh

#include "mesh/disco.hpp"

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>
#include <sodium.h>

#include "mesh/relay.hpp"
#include "tests/unit/mesh/mesh_samples.hpp"
#include "tests/unit/mesh/mesh_testing.hpp"

namespace tulle::mesh {
namespace {

using testing::socket;
using Bytes = std::vector<std::uint8_t>;

struct Member {
    value::SecretKey secret = value::generate_private_key();
    value::Key key = value::public_key_of(secret).value();
};

DiscoMessage ping() {
    return DiscoMessage{.type = DiscoType::ping, .txid = new_txid(), .observed = {}};
}

DiscoMessage pong(const std::string& observed) {
    return DiscoMessage{.type = DiscoType::pong, .txid = new_txid(), .observed = socket(observed)};
}

// A datagram naming `from` as its sender, holding `plain` sealed by libsodium itself from
// `from`'s private key to `to`'s public key: what a member could send, well formed or not.
Bytes seal_raw(const Member& from, const Member& to, const Bytes& plain) {
    Bytes out(kDiscoMagic.begin(), kDiscoMagic.end());
    out.insert(out.end(), from.key.bytes().begin(), from.key.bytes().end());
    std::array<std::uint8_t, crypto_box_NONCEBYTES> nonce{};
    randombytes_buf(nonce.data(), nonce.size());
    nonce[0] = static_cast<std::uint8_t>((nonce[0] & 0xfeU) | (from.key < to.key ? 0U : 1U));
    out.insert(out.end(), nonce.begin(), nonce.end());
    Bytes sealed(plain.size() + crypto_box_MACBYTES);
    EXPECT_EQ(crypto_box_easy(sealed.data(), plain.data(), plain.size(), nonce.data(),
                              to.key.bytes().data(), from.secret.bytes().data()),
              0);
    out.insert(out.end(), sealed.begin(), sealed.end());
    return out;
}

Bytes plain_of(std::uint8_t type, const Bytes& rest) {
    Bytes out{type};
    for (std::uint8_t i = 0; i < 12; ++i) {
        out.push_back(i);
    }
    out.insert(out.end(), rest.begin(), rest.end());
    return out;
}

TEST(Disco, PingAndPongRoundTrip) {
    const Member a;
    const Member b;
    const DiscoBox a_to_b(a.secret, b.key);
    const DiscoBox b_from_a(b.secret, a.key);
    ASSERT_TRUE(a_to_b.valid());
    ASSERT_TRUE(b_from_a.valid());
    for (const DiscoMessage& message :
         {ping(), pong("198.51.100.7:41000"), pong("[2001:db8::20]:65535"), pong("10.0.0.1:1")}) {
        const Bytes datagram = a_to_b.seal(a.key, message);
        EXPECT_LE(datagram.size(), kMaxDiscoDatagram);
        EXPECT_TRUE(is_disco(datagram));
        EXPECT_EQ(disco_sender(datagram), a.key);
        const auto opened = b_from_a.open(datagram);
        ASSERT_TRUE(opened.has_value());
        EXPECT_EQ(*opened, message);
    }
    // The largest message fills kMaxDiscoDatagram exactly.
    EXPECT_EQ(a_to_b.seal(a.key, pong("[2001:db8::1]:9")).size(), kMaxDiscoDatagram);
}

TEST(Disco, TwoSealsOfOneMessageDiffer) {
    const Member a;
    const Member b;
    const DiscoBox box(a.secret, b.key);
    const DiscoMessage message = ping();
    EXPECT_NE(box.seal(a.key, message), box.seal(a.key, message));  // a fresh nonce each time
    EXPECT_NE(new_txid(), new_txid());
}

TEST(Disco, BothSidesDeriveTheSameKeyFromWireGuardKeys) {
    const Member a;
    const Member b;
    const DiscoBox a_to_b(a.secret, b.key);
    const DiscoBox b_to_a(b.secret, a.key);
    const DiscoMessage there = ping();
    const DiscoMessage back = pong("192.0.2.1:51820");
    EXPECT_EQ(DiscoBox(b.secret, a.key).open(a_to_b.seal(a.key, there)), there);
    EXPECT_EQ(DiscoBox(a.secret, b.key).open(b_to_a.seal(b.key, back)), back);
}

// Known answer: the RFC 7748 key pairs (WireGuard keys are X25519 keys) and the crypto_box
// shared key NaCl's own tests give for them. A datagram sealed by DiscoBox opens with that key.
TEST(Disco, SharedKeyIsCryptoBoxOfTheWireGuardKeys) {
    const value::SecretKey alice({0x77, 0x07, 0x6d, 0x0a, 0x73, 0x18, 0xa5, 0x7d, 0x3c, 0x16, 0xc1,
                                  0x72, 0x51, 0xb2, 0x66, 0x45, 0xdf, 0x4c, 0x2f, 0x87, 0xeb, 0xc0,
                                  0x99, 0x2a, 0xb1, 0x77, 0xfb, 0xa5, 0x1d, 0xb9, 0x2c, 0x2a});
    const value::Key bob({0xde, 0x9e, 0xdb, 0x7d, 0x7b, 0x7d, 0xc1, 0xb4, 0xd3, 0x5b, 0x61,
                          0xc2, 0xec, 0xe4, 0x35, 0x37, 0x3f, 0x83, 0x43, 0xc8, 0x5b, 0x78,
                          0x67, 0x4d, 0xad, 0xfc, 0x7e, 0x14, 0x6f, 0x88, 0x2b, 0x4f});
    const std::array<std::uint8_t, 32> shared{0x1b, 0x27, 0x55, 0x64, 0x73, 0xe9, 0x85, 0xd4,
                                              0x62, 0xcd, 0x51, 0x19, 0x7a, 0x9a, 0x46, 0xc7,
                                              0x60, 0x09, 0x54, 0x9e, 0xac, 0x64, 0x74, 0xf2,
                                              0x06, 0xc4, 0xee, 0x08, 0x44, 0xf6, 0x83, 0x89};
    const value::Key alice_public = value::public_key_of(alice).value();
    EXPECT_EQ(alice_public,
              value::Key({0x85, 0x20, 0xf0, 0x09, 0x89, 0x30, 0xa7, 0x54, 0x74, 0x8b, 0x7d,
                          0xdc, 0xb4, 0x3e, 0xf7, 0x5a, 0x0d, 0xbf, 0x3a, 0x0d, 0x26, 0x38,
                          0x1a, 0xf4, 0xeb, 0xa4, 0xa9, 0x8e, 0xaa, 0x9b, 0x4e, 0x6a}));

    const DiscoMessage message = pong("203.0.113.5:4242");
    const Bytes datagram = DiscoBox(alice, bob).seal(alice_public, message);
    ASSERT_EQ(datagram.size(), 4 + 32 + 24 + 16 + 13 + 7);
    Bytes plain(datagram.size() - 4 - 32 - 24 - crypto_box_MACBYTES);
    ASSERT_EQ(crypto_box_open_easy_afternm(plain.data(), datagram.data() + 60, datagram.size() - 60,
                                           datagram.data() + 36, shared.data()),
              0);
    EXPECT_EQ(plain[0], 2);  // pong
    EXPECT_EQ(Bytes(plain.begin() + 13, plain.end()), (Bytes{4, 203, 0, 113, 5, 0x10, 0x92}));
}

TEST(Disco, OnlyTheBoxOfThatKeyPairOpensIt) {
    const Member a;
    const Member b;
    const Member c;
    const DiscoBox a_to_b(a.secret, b.key);
    const Bytes datagram = a_to_b.seal(a.key, ping());
    ASSERT_TRUE(DiscoBox(b.secret, a.key).open(datagram));
    EXPECT_FALSE(DiscoBox(c.secret, a.key).open(datagram));  // not addressed to c
    EXPECT_FALSE(DiscoBox(b.secret, c.key).open(datagram));  // names a, not c
    EXPECT_FALSE(a_to_b.open(datagram));                     // a's own box for b

    // A third party forges a pong "from a" to b: sealed with its own key but naming a.
    const Bytes forged = DiscoBox(c.secret, b.key).seal(a.key, pong("192.0.2.66:666"));
    EXPECT_EQ(disco_sender(forged), a.key);
    EXPECT_FALSE(DiscoBox(b.secret, a.key).open(forged));
    // And the same under its own name does not open on the box for a either.
    EXPECT_FALSE(DiscoBox(b.secret, a.key).open(DiscoBox(c.secret, b.key).seal(c.key, ping())));
}

// The box's key is the same both ways, so without the direction bit a datagram from a to b
// would open on a's box for b when sent back to a, its sender field rewritten to name b.
TEST(Disco, ADatagramReflectedToItsSenderIsRefused) {
    const Member a;
    const Member b;
    const DiscoBox a_to_b(a.secret, b.key);
    for (const DiscoMessage& message : {ping(), pong("192.0.2.1:1")}) {
        Bytes datagram = a_to_b.seal(a.key, message);
        ASSERT_EQ(DiscoBox(b.secret, a.key).open(datagram), message);
        std::copy(b.key.bytes().begin(), b.key.bytes().end(), datagram.begin() + 4);
        EXPECT_FALSE(a_to_b.open(datagram));
        datagram[4 + 32] ^= 1U;  // the bit put back the other way: the tag no longer fits
        EXPECT_FALSE(a_to_b.open(datagram));
    }
    // Both ways work, whichever key sorts first.
    const DiscoBox b_to_a(b.secret, a.key);
    EXPECT_TRUE(a_to_b.open(b_to_a.seal(b.key, ping())));
    EXPECT_TRUE(b_to_a.open(a_to_b.seal(a.key, ping())));
}

TEST(Disco, EveryAlteredByteIsRefused) {
    const Member a;
    const Member b;
    const DiscoBox b_from_a(b.secret, a.key);
    const Bytes datagram = DiscoBox(a.secret, b.key).seal(a.key, pong("[2001:db8::7]:40000"));
    ASSERT_TRUE(b_from_a.open(datagram));
    for (std::size_t i = 0; i < datagram.size(); ++i) {
        for (const std::uint8_t flip : {0x01, 0x80, 0xff}) {
            Bytes altered = datagram;
            altered[i] ^= flip;
            EXPECT_FALSE(b_from_a.open(altered)) << "byte " << i << " ^ " << int(flip);
        }
    }
}

TEST(Disco, EveryTruncationAndExtensionIsRefused) {
    const Member a;
    const Member b;
    const DiscoBox b_from_a(b.secret, a.key);
    for (const DiscoMessage& message : {ping(), pong("198.51.100.1:1")}) {
        const Bytes datagram = DiscoBox(a.secret, b.key).seal(a.key, message);
        for (std::size_t size = 0; size < datagram.size(); ++size) {
            EXPECT_FALSE(b_from_a.open(std::span(datagram).first(size))) << size;
        }
        Bytes longer = datagram;
        longer.push_back(0);
        EXPECT_FALSE(b_from_a.open(longer));
    }
    EXPECT_FALSE(disco_sender(Bytes{'T', 'u', 'D', '1', 1, 2, 3}));
}

TEST(Disco, MalformedPlaintextsAreRefusedEvenWhenAuthentic) {
    const Member a;
    const Member b;
    const DiscoBox b_from_a(b.secret, a.key);
    const Bytes v4{4, 192, 0, 2, 1, 0x12, 0x34};
    // The well-formed ones open, so the refusals below are for their content.
    ASSERT_EQ(b_from_a.open(seal_raw(a, b, plain_of(1, {})))->type, DiscoType::ping);
    ASSERT_EQ(b_from_a.open(seal_raw(a, b, plain_of(2, v4)))->observed, socket("192.0.2.1:4660"));

    EXPECT_FALSE(b_from_a.open(seal_raw(a, b, plain_of(1, v4))));  // a ping with an address
    EXPECT_FALSE(b_from_a.open(seal_raw(a, b, plain_of(2, {}))));  // a pong without one
    EXPECT_FALSE(b_from_a.open(seal_raw(a, b, plain_of(0, {}))));  // unknown types
    EXPECT_FALSE(b_from_a.open(seal_raw(a, b, plain_of(3, {}))));
    EXPECT_FALSE(b_from_a.open(seal_raw(a, b, plain_of(3, v4))));
    EXPECT_FALSE(b_from_a.open(seal_raw(a, b, Bytes{1, 0, 0})));  // a short transaction id
    Bytes extra = v4;
    extra.push_back(0);
    EXPECT_FALSE(b_from_a.open(seal_raw(a, b, plain_of(2, extra))));  // leftover byte
    EXPECT_FALSE(b_from_a.open(seal_raw(a, b, plain_of(1, {0}))));
    EXPECT_FALSE(b_from_a.open(seal_raw(a, b, plain_of(2, {5, 192, 0, 2, 1, 0, 1}))));  // family
    EXPECT_FALSE(b_from_a.open(seal_raw(a, b, plain_of(2, {4, 192, 0, 2, 1, 0}))));  // short port
    Bytes v6{6};
    v6.resize(17, 0x20);
    EXPECT_FALSE(b_from_a.open(seal_raw(a, b, plain_of(2, v6))));  // no port
    v6.insert(v6.end(), {0, 1});
    EXPECT_TRUE(b_from_a.open(seal_raw(a, b, plain_of(2, v6))));
    v6[0] = 4;  // 16 address bytes under family 4: leftovers
    EXPECT_FALSE(b_from_a.open(seal_raw(a, b, plain_of(2, v6))));
}

TEST(Disco, LowOrderKeysMakeNoBox) {
    const Member a;
    const value::Key zero;  // the identity point: every shared secret with it is zero
    const DiscoBox box(a.secret, zero);
    EXPECT_FALSE(box.valid());
    EXPECT_TRUE(box.seal(a.key, ping()).empty());
    // A datagram sealed "from" that key with a zero shared secret does not open either.
    const std::array<std::uint8_t, 32> zero_shared{};
    Bytes datagram(kDiscoMagic.begin(), kDiscoMagic.end());
    datagram.resize(4 + 32 + 24, 0);
    const Bytes plain = plain_of(1, {});
    Bytes sealed(plain.size() + crypto_box_MACBYTES);
    crypto_box_easy_afternm(sealed.data(), plain.data(), plain.size(), datagram.data() + 36,
                            zero_shared.data());
    datagram.insert(datagram.end(), sealed.begin(), sealed.end());
    EXPECT_FALSE(box.open(datagram));
}

TEST(Disco, OtherProtocolsAreNotDisco) {
    // WireGuard's four message types: the type byte, then three zero bytes.
    for (std::uint8_t type = 1; type <= 4; ++type) {
        EXPECT_FALSE(is_disco(testing::wireguard_message(type)));
        EXPECT_FALSE(disco_sender(testing::wireguard_message(type)));
    }
    // A STUN binding request: type 0x0001, length, the magic cookie 0x2112A442.
    const Bytes stun{0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, 1,  2,
                     3,    4,    5,    6,    7,    8,    9,    10,   11, 12};
    EXPECT_FALSE(is_disco(stun));
    // A relay frame.
    Bytes frame(kRelayHeader + 32, 0);
    write_relay_header(frame, RelayHeader{.channel = 7, .token = new_relay_token()});
    EXPECT_FALSE(is_disco(frame));
    EXPECT_FALSE(is_disco(Bytes{}));
    EXPECT_FALSE(is_disco(Bytes{'T', 'u', 'D'}));
    EXPECT_TRUE(is_disco(Bytes{'T', 'u', 'D', '1'}));
}

}  // namespace
}  // namespace tulle::mesh

// Published vectors for X25519, ChaCha20-Poly1305 and XChaCha20-Poly1305 as crypto.hpp wraps
// them, and Secret<N>. Every table names where its numbers come from. The hashes:
// crypto_hash_test.cpp.
#include "daemon/core/crypto.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "tests/unit/core/test_bytes.hpp"

namespace tulle::core {
namespace {

using namespace testing;  // the byte and key helpers of test_bytes.hpp

// ---------------------------------------------------------------------------------------------
// X25519
// ---------------------------------------------------------------------------------------------

struct X25519Vector {
    const char* name;
    const char* scalar;
    const char* u;
    const char* out;
};

// RFC 7748 section 5.2, the two single-multiplication vectors. The scalars are not clamped and
// the second u has its top bit set; X25519 must clamp the one and ignore the other.
class X25519VectorTest : public CryptoParamTest<X25519Vector> {};

TEST_P(X25519VectorTest, MatchesRfc7748) {
    const X25519Vector& v = GetParam();
    const auto scalar = secret_from_hex<32>(v.scalar);
    const auto u = array_from_hex<32>(v.u);
    Secret<kKeySize> out;
    ASSERT_TRUE(crypto::x25519(out, scalar, u));
    EXPECT_EQ(to_hex(out.bytes()), v.out);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc7748Section52, X25519VectorTest,
    ::testing::Values(
        X25519Vector{"First", "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
                     "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
                     "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"},
        X25519Vector{"Second", "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
                     "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
                     "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"}),
    [](const ::testing::TestParamInfo<X25519Vector>& info) {
        return std::string(info.param.name);
    });

// RFC 7748 section 5.2, the iterated test: k = u = 9; repeat (k, u) = (X25519(k, u), k).
TEST_F(CryptoTest, X25519IteratedMatchesRfc7748) {
    PrivateKey k;
    k.bytes()[0] = 9;
    PublicKey u{};
    u[0] = 9;
    for (int i = 1; i <= 1000; ++i) {
        Secret<kKeySize> next;
        ASSERT_TRUE(crypto::x25519(next, k, u));
        std::copy(k.bytes().begin(), k.bytes().end(), u.begin());
        k = next;
        if (i == 1) {
            EXPECT_EQ(to_hex(k.bytes()),
                      "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
        }
    }
    EXPECT_EQ(to_hex(k.bytes()),
              "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
}

// RFC 7748 section 6.1: Alice's and Bob's key pairs and their shared secret.
TEST_F(CryptoTest, X25519DiffieHellmanMatchesRfc7748Section61) {
    const auto alice_private =
        secret_from_hex<32>("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    const auto bob_private =
        secret_from_hex<32>("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    const PublicKey alice_public = crypto::public_key(alice_private);
    const PublicKey bob_public = crypto::public_key(bob_private);
    EXPECT_EQ(to_hex(alice_public),
              "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    EXPECT_EQ(to_hex(bob_public),
              "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");

    constexpr std::string_view kShared =
        "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    Secret<kKeySize> alice_shared;
    Secret<kKeySize> bob_shared;
    ASSERT_TRUE(crypto::x25519(alice_shared, alice_private, bob_public));
    ASSERT_TRUE(crypto::x25519(bob_shared, bob_private, alice_public));
    EXPECT_EQ(to_hex(alice_shared.bytes()), kShared);
    EXPECT_EQ(to_hex(bob_shared.bytes()), kShared);
}

struct LowOrderPoint {
    const char* name;
    const char* u;
};

// Points of small order, whose product with any clamped scalar is the all-zero point: 0, 1, and
// the points of order 8 listed in D. J. Bernstein's "Curve25519: new Diffie-Hellman speed
// records" FAQ (cr.yp.to/ecdh.html, "Which Curve25519 public keys are insecure?"). WireGuard must
// refuse them (whitepaper 5.4.3 via the Noise rule on all-zero DH results).
class X25519LowOrderTest : public CryptoParamTest<LowOrderPoint> {};

TEST_P(X25519LowOrderTest, IsRejectedWithZeroedOutput) {
    const auto u = array_from_hex<32>(GetParam().u);
    const auto scalar =
        secret_from_hex<32>("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    Secret<kKeySize> out;
    std::fill(out.bytes().begin(), out.bytes().end(), std::uint8_t{0xAA});
    EXPECT_FALSE(crypto::x25519(out, scalar, u));
    EXPECT_TRUE(out.is_zero());
}

INSTANTIATE_TEST_SUITE_P(
    SmallOrder, X25519LowOrderTest,
    ::testing::Values(
        LowOrderPoint{"Zero", "0000000000000000000000000000000000000000000000000000000000000000"},
        LowOrderPoint{"One", "0100000000000000000000000000000000000000000000000000000000000000"},
        LowOrderPoint{"Order8A",
                      "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"},
        LowOrderPoint{"Order8B",
                      "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"}),
    [](const ::testing::TestParamInfo<LowOrderPoint>& info) {
        return std::string(info.param.name);
    });

// The private key 01 02 .. 20 (base64 AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=) is not clamped.
// Its public key, from `wg pubkey` (wireguard-tools), is
// B6N8vBQgk8i3VdwbEOhstCY3StFqqFPtC9/AsrhtHHw=.
constexpr std::string_view kWgPubkeyOfCounting =
    "07a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c";

TEST_F(CryptoTest, ClampClearsAndSetsTheCurve25519Bits) {
    PrivateKey key;
    const Bytes raw = counting(32, 1);
    std::copy(raw.begin(), raw.end(), key.bytes().begin());
    crypto::clamp(key);
    Bytes expected = raw;
    expected[0] = 0x00;   // 0x01 & 0xf8
    expected[31] = 0x60;  // (0x20 & 0x7f) | 0x40
    EXPECT_EQ(to_hex(key.bytes()), to_hex(expected));

    PrivateKey all_ones;
    std::fill(all_ones.bytes().begin(), all_ones.bytes().end(), std::uint8_t{0xff});
    crypto::clamp(all_ones);
    EXPECT_EQ(all_ones.bytes()[0], 0xf8);
    EXPECT_EQ(all_ones.bytes()[31], 0x7f);
    EXPECT_EQ(all_ones.bytes()[15], 0xff);
}

TEST_F(CryptoTest, PublicKeyMatchesWgPubkey) {
    PrivateKey key;
    const Bytes raw = counting(32, 1);
    std::copy(raw.begin(), raw.end(), key.bytes().begin());
    EXPECT_EQ(to_hex(crypto::public_key(key)), kWgPubkeyOfCounting);
    // X25519 clamps the scalar itself, so clamping first changes nothing.
    crypto::clamp(key);
    EXPECT_EQ(to_hex(crypto::public_key(key)), kWgPubkeyOfCounting);
}

TEST_F(CryptoTest, GeneratedPrivateKeysAreClampedAndDistinct) {
    const PrivateKey a = crypto::generate_private_key();
    const PrivateKey b = crypto::generate_private_key();
    for (const PrivateKey* key : {&a, &b}) {
        EXPECT_EQ(key->bytes()[0] & 0x07U, 0U);
        EXPECT_EQ(key->bytes()[31] & 0x80U, 0U);
        EXPECT_EQ(key->bytes()[31] & 0x40U, 0x40U);
    }
    EXPECT_FALSE(a == b);
    // Two generated key pairs agree on a shared secret.
    Secret<kKeySize> ab;
    Secret<kKeySize> ba;
    ASSERT_TRUE(crypto::x25519(ab, a, crypto::public_key(b)));
    ASSERT_TRUE(crypto::x25519(ba, b, crypto::public_key(a)));
    EXPECT_TRUE(ab == ba);
}

// ---------------------------------------------------------------------------------------------
// ChaCha20-Poly1305
// ---------------------------------------------------------------------------------------------

// RFC 8439 Appendix A.5 (the AEAD decryption example). Its nonce, 00 00 00 00 01 02 .. 08, has
// WireGuard's shape: four zero bytes, then the counter 0x0807060504030201 in little endian.
constexpr std::string_view kA5Key =
    "1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0";
constexpr std::uint64_t kA5Counter = 0x0807060504030201ULL;
constexpr std::string_view kA5Ad = "f33388860000000000004e91";
constexpr std::string_view kA5Plaintext =
    "Internet-Drafts are draft documents valid for a maximum of six months and may be updated, "
    "replaced, or obsoleted by other documents at any time. It is inappropriate to use "
    "Internet-Drafts as reference material or to cite them other than as /\xe2\x80\x9cwork in "
    "progress./\xe2\x80\x9d";
constexpr std::string_view kA5Sealed =
    "64a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb24c6cfc18755d43eea09ee94e382d"
    "26b0bdb7b73c321b0100d4f03b7f355894cf332f830e710b97ce98c8a84abd0b948114ad176e008d33bd60f982b1"
    "ff37c8559797a06ef4f0ef61c186324e2b3506383606907b6a7c02b0f9f6157b53c867e4b9166c767b804d46a59b"
    "5216cde7a4e99040c5a40433225ee282a1b0a06c523eaf4534d7f83fa1155b0047718cbc546a0d072b04b3564eea"
    "1b422273f548271a0bb2316053fa76991955ebd63159434ecebb4e466dae5a1073a6727627097a1049e617d91d36"
    "1094fa68f0ff77987130305beaba2eda04df997b714d6c6f2c29a6ad5cb4022b02709b"
    "eead9d67890cbb22392336fea1851f38";  // the tag

TEST_F(CryptoTest, AeadOpensRfc8439AppendixA5WithWireGuardNonce) {
    const auto key = secret_from_hex<32>(kA5Key);
    const Bytes sealed = from_hex(kA5Sealed);
    const Bytes ad = from_hex(kA5Ad);
    ASSERT_EQ(kA5Plaintext.size(), 265U);
    ASSERT_EQ(sealed.size(), kA5Plaintext.size() + kTagSize);

    Bytes opened(kA5Plaintext.size());
    ASSERT_TRUE(crypto::aead_open(opened, key, kA5Counter, sealed, ad));
    EXPECT_EQ(std::string(opened.begin(), opened.end()), kA5Plaintext);

    Bytes resealed(sealed.size());
    crypto::aead_seal(resealed, key, kA5Counter, as_bytes(kA5Plaintext), ad);
    EXPECT_EQ(to_hex(resealed), kA5Sealed);
}

// RFC 8439 section 2.8.2. Its nonce, 07 00 00 00 40 41 .. 47, has non-zero leading bytes, which a
// WireGuard nonce never has, so aead_seal cannot express it; this checks that the libsodium
// primitive under aead_seal produces the RFC's bytes.
TEST_F(CryptoTest, LibsodiumChaCha20Poly1305MatchesRfc8439Section282) {
    const std::string_view plaintext =
        "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
        "future, sunscreen would be it.";
    const Bytes key = counting(32, 0x80);
    const Bytes nonce = from_hex("070000004041424344454647");
    const Bytes ad = from_hex("50515253c0c1c2c3c4c5c6c7");
    Bytes sealed(plaintext.size() + kTagSize);
    unsigned long long sealed_len = 0;
    ASSERT_EQ(
        crypto_aead_chacha20poly1305_ietf_encrypt(
            sealed.data(), &sealed_len, reinterpret_cast<const unsigned char*>(plaintext.data()),
            plaintext.size(), ad.data(), ad.size(), nullptr, nonce.data(), key.data()),
        0);
    ASSERT_EQ(sealed_len, sealed.size());
    EXPECT_EQ(to_hex(sealed),
              "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282"
              "fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab3"
              "24e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116"
              "1ae10b594f09e26a7e902ecbd0600691");
}

class AeadCounterTest : public CryptoParamTest<std::uint64_t> {};

TEST_P(AeadCounterTest, RoundTripsAndRejectsEveryTamperedByte) {
    const std::uint64_t counter = GetParam();
    const auto key = secret_from_hex<32>(kA5Key);
    const Bytes plaintext = counting(45, 3);
    const Bytes ad = counting(32, 0x90);
    Bytes sealed(plaintext.size() + kTagSize);
    crypto::aead_seal(sealed, key, counter, plaintext, ad);

    Bytes opened(plaintext.size());
    ASSERT_TRUE(crypto::aead_open(opened, key, counter, sealed, ad));
    EXPECT_EQ(opened, plaintext);

    for (std::size_t i = 0; i < sealed.size(); ++i) {
        Bytes tampered = sealed;
        tampered[i] ^= 0x01U;
        EXPECT_FALSE(crypto::aead_open(opened, key, counter, tampered, ad)) << "byte " << i;
    }
    EXPECT_FALSE(crypto::aead_open(opened, key, counter + 1, sealed, ad));
    EXPECT_FALSE(crypto::aead_open(opened, key, counter ^ (std::uint64_t{1} << 63U), sealed, ad));
    Bytes other_ad = ad;
    other_ad.back() ^= 0x80U;
    EXPECT_FALSE(crypto::aead_open(opened, key, counter, sealed, other_ad));
    EXPECT_FALSE(crypto::aead_open(opened, key, counter, sealed, {}));
    SymmetricKey other_key = key;
    other_key.bytes()[0] ^= 0x01U;
    EXPECT_FALSE(crypto::aead_open(opened, other_key, counter, sealed, ad));
}

// The counter fills nonce bytes 4..11 little endian: each counter gives a different ciphertext.
TEST_P(AeadCounterTest, MatchesLibsodiumWithExplicitNonce) {
    const std::uint64_t counter = GetParam();
    const auto key = secret_from_hex<32>(kA5Key);
    const Bytes plaintext = counting(20);
    std::array<std::uint8_t, 12> nonce{};
    for (std::size_t i = 0; i < 8; ++i) {
        nonce[4 + i] = static_cast<std::uint8_t>(counter >> (8U * i));
    }
    Bytes expected(plaintext.size() + kTagSize);
    unsigned long long expected_len = 0;
    ASSERT_EQ(crypto_aead_chacha20poly1305_ietf_encrypt(expected.data(), &expected_len,
                                                        plaintext.data(), plaintext.size(), nullptr,
                                                        0, nullptr, nonce.data(), key.data()),
              0);
    Bytes sealed(plaintext.size() + kTagSize);
    crypto::aead_seal(sealed, key, counter, plaintext, {});
    EXPECT_EQ(to_hex(sealed), to_hex(expected));
}

INSTANTIATE_TEST_SUITE_P(Counters, AeadCounterTest,
                         ::testing::Values(std::uint64_t{0}, std::uint64_t{1},
                                           std::uint64_t{0xffffffff}, std::uint64_t{1} << 32U,
                                           std::uint64_t{0x0102030405060708},
                                           std::uint64_t{0xffffffffffffffff} - 8192));

TEST_F(CryptoTest, AeadWorksInPlaceAndOnEmptyPlaintext) {
    const auto key = secret_from_hex<32>(kA5Key);
    const Bytes plaintext = counting(64, 0x11);
    Bytes buffer = plaintext;
    buffer.resize(plaintext.size() + kTagSize);
    crypto::aead_seal(buffer, key, 7, std::span(buffer).first(plaintext.size()), {});
    Bytes separate(plaintext.size() + kTagSize);
    crypto::aead_seal(separate, key, 7, plaintext, {});
    EXPECT_EQ(buffer, separate);
    ASSERT_TRUE(crypto::aead_open(std::span(buffer).first(plaintext.size()), key, 7, buffer, {}));
    EXPECT_TRUE(std::equal(plaintext.begin(), plaintext.end(), buffer.begin()));

    // A keepalive: nothing but a tag, which still authenticates.
    std::array<std::uint8_t, kTagSize> keepalive{};
    crypto::aead_seal(keepalive, key, 9, {}, {});
    EXPECT_TRUE(crypto::aead_open({}, key, 9, keepalive, {}));
    EXPECT_FALSE(crypto::aead_open({}, key, 10, keepalive, {}));
}

TEST_F(CryptoTest, AeadOpenRejectsBadLengths) {
    const auto key = secret_from_hex<32>(kA5Key);
    const Bytes plaintext = counting(4);
    std::array<std::uint8_t, kTagSize + 4> sealed{};
    crypto::aead_seal(sealed, key, 0, plaintext, {});
    std::array<std::uint8_t, 8> out{};
    EXPECT_FALSE(crypto::aead_open(std::span(out).first(3), key, 0, sealed, {}));
    EXPECT_FALSE(crypto::aead_open(std::span(out).first(5), key, 0, sealed, {}));
    EXPECT_FALSE(crypto::aead_open({}, key, 0, std::span(sealed).first(kTagSize - 1), {}));
    EXPECT_TRUE(crypto::aead_open(std::span(out).first(4), key, 0, sealed, {}));
}

// ---------------------------------------------------------------------------------------------
// XChaCha20-Poly1305
// ---------------------------------------------------------------------------------------------

// draft-irtf-cfrg-xchacha-03 Appendix A.3.1.
TEST_F(CryptoTest, XAeadMatchesXChaChaDraftA31) {
    const std::string_view plaintext =
        "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
        "future, sunscreen would be it.";
    const auto key =
        array_from_hex<32>("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    const auto nonce = array_from_hex<24>("404142434445464748494a4b4c4d4e4f5051525354555657");
    const Bytes ad = from_hex("50515253c0c1c2c3c4c5c6c7");
    constexpr std::string_view kSealed =
        "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f"
        "4eda7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f"
        "76b2383565d3fff921f9664c97637da9768812f615c68b13b52e"
        "c0875924c1c7987947deafd8780acf49";  // the tag

    Bytes sealed(plaintext.size() + kTagSize);
    crypto::xaead_seal(sealed, key, nonce, as_bytes(plaintext), ad);
    EXPECT_EQ(to_hex(sealed), kSealed);

    Bytes opened(plaintext.size());
    ASSERT_TRUE(crypto::xaead_open(opened, key, nonce, sealed, ad));
    EXPECT_EQ(std::string(opened.begin(), opened.end()), plaintext);

    for (std::size_t i = 0; i < sealed.size(); i += 7) {
        Bytes tampered = sealed;
        tampered[i] ^= 0x40U;
        EXPECT_FALSE(crypto::xaead_open(opened, key, nonce, tampered, ad)) << "byte " << i;
    }
    auto other_nonce = nonce;
    other_nonce[23] ^= 0x01U;  // only the last byte reaches the inner ChaCha20 nonce
    EXPECT_FALSE(crypto::xaead_open(opened, key, other_nonce, sealed, ad));
    other_nonce = nonce;
    other_nonce[0] ^= 0x01U;  // the first 16 bytes go into HChaCha20
    EXPECT_FALSE(crypto::xaead_open(opened, key, other_nonce, sealed, ad));
    EXPECT_FALSE(crypto::xaead_open(opened, key, nonce, sealed, {}));
    EXPECT_FALSE(crypto::xaead_open(opened, key, nonce, std::span(sealed).first(kTagSize - 1), ad));
}

// ---------------------------------------------------------------------------------------------
// Secret<N>, equal, random
// ---------------------------------------------------------------------------------------------

TEST(SecretTest, WipeZeroesEveryByte) {
    Secret<48> secret;
    EXPECT_TRUE(secret.is_zero());
    std::fill(secret.bytes().begin(), secret.bytes().end(), std::uint8_t{0x5a});
    secret.bytes()[47] = 0x01;
    EXPECT_FALSE(secret.is_zero());
    secret.wipe();
    EXPECT_TRUE(secret.is_zero());
    EXPECT_TRUE(std::all_of(secret.bytes().begin(), secret.bytes().end(),
                            [](std::uint8_t b) { return b == 0; }));
}

TEST(SecretTest, DestructorWipesItsStorage) {
    alignas(Secret<32>) std::array<std::uint8_t, sizeof(Secret<32>)> storage{};
    auto* secret = new (storage.data()) Secret<32>();
    std::fill(secret->bytes().begin(), secret->bytes().end(), std::uint8_t{0xa5});
    ASSERT_TRUE(std::any_of(storage.begin(), storage.end(), [](std::uint8_t b) { return b != 0; }));
    secret->~Secret();
    EXPECT_TRUE(std::all_of(storage.begin(), storage.end(), [](std::uint8_t b) { return b == 0; }));
}

TEST(SecretTest, CopiesCompareEqualUntilOneChanges) {
    Secret<32> a;
    a.bytes()[3] = 7;
    Secret<32> b = a;
    EXPECT_TRUE(a == b);
    b.bytes()[31] = 1;
    EXPECT_FALSE(a == b);
    Secret<32> c;
    c = a;
    EXPECT_TRUE(c == a);
    EXPECT_EQ(Secret<32>::size(), 32U);
}

TEST(CryptoEqualTest, ComparesContentAndLength) {
    const Bytes a = counting(16);
    Bytes b = a;
    EXPECT_TRUE(crypto::equal(a, b));
    b[15] ^= 0x80U;
    EXPECT_FALSE(crypto::equal(a, b));
    EXPECT_FALSE(crypto::equal(a, std::span(a).first(15)));
    EXPECT_TRUE(crypto::equal({}, {}));
}

TEST_F(CryptoTest, RandomBytesFillTheBuffer) {
    std::array<std::uint8_t, 64> a{};
    std::array<std::uint8_t, 64> b{};
    crypto::random_bytes(a);
    crypto::random_bytes(b);
    // Each check fails by chance with probability 2^-512.
    EXPECT_TRUE(std::any_of(a.begin(), a.end(), [](std::uint8_t x) { return x != 0; }));
    EXPECT_NE(a, b);
}

}  // namespace
}  // namespace tulle::core

#include "mesh/keys.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace tulle::mesh {
namespace {

template <std::size_t N>
std::array<std::uint8_t, N> array_of_hex(std::string_view hex) {
    const auto bytes = from_hex(hex);
    EXPECT_TRUE(bytes.ok()) << hex;
    EXPECT_EQ(bytes->size(), N) << hex;
    std::array<std::uint8_t, N> out{};
    std::copy_n(bytes->begin(), std::min(N, bytes->size()), out.begin());
    return out;
}

struct Rfc8032Vector {
    std::string_view secret;  // the RFC's "SECRET KEY": libsodium's seed
    std::string_view public_key;
    std::string_view message;
    std::string_view signature;
};

// RFC 8032 section 7.1 ("Test Vectors for Ed25519"), TEST 1, TEST 2 and TEST 3.
constexpr std::array<Rfc8032Vector, 3> kRfc8032 = {{
    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b"
     "46b"
     "d25bf5f0595bbe24655141438e7a100b"},
    {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11"
     "d8c"
     "387b2eaeb4302aeeb00d291612bb0c00"},
    {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc"
     "659"
     "4a7c15e9716ed28dc027beceea1ec40a"},
}};

TEST(SigningKey, Rfc8032Vectors) {
    for (const auto& vector : kRfc8032) {
        const auto key = SigningKey::from_seed(array_of_hex<kSigningSeedSize>(vector.secret));
        EXPECT_EQ(to_hex(key.public_key()), vector.public_key);
        const auto message = *from_hex(vector.message);
        const Signature signature = key.sign(message);
        EXPECT_EQ(to_hex(signature), vector.signature);
        EXPECT_TRUE(verify(key.public_key(), message, signature));
        EXPECT_TRUE(verify(array_of_hex<kSigningPublicKeySize>(vector.public_key), message,
                           array_of_hex<kSignatureSize>(vector.signature)));
    }
}

TEST(SigningKey, VerifyRefusesAnyChange) {
    const auto key = SigningKey::generate();
    const std::vector<std::uint8_t> message = {1, 2, 3, 4, 5};
    const Signature signature = key.sign(message);
    ASSERT_TRUE(verify(key.public_key(), message, signature));
    for (std::size_t i = 0; i < signature.size(); ++i) {
        Signature changed = signature;
        changed[i] ^= 0x01U;
        EXPECT_FALSE(verify(key.public_key(), message, changed)) << "signature byte " << i;
    }
    for (std::size_t i = 0; i < message.size(); ++i) {
        auto changed = message;
        changed[i] ^= 0x80U;
        EXPECT_FALSE(verify(key.public_key(), changed, signature)) << "message byte " << i;
    }
    EXPECT_FALSE(verify(SigningKey::generate().public_key(), message, signature));
    const std::vector<std::uint8_t> longer = {1, 2, 3, 4, 5, 6};
    EXPECT_FALSE(verify(key.public_key(), longer, signature));
}

TEST(SigningKey, SeedGivesBackTheSameKey) {
    const auto key = SigningKey::generate();
    const auto again = SigningKey::from_seed(key.seed());
    EXPECT_EQ(again.public_key(), key.public_key());
    EXPECT_NE(SigningKey::generate().public_key(), key.public_key());
}

TEST(SigningKey, CopiesSignAndAMovedFromKeyHoldsNoSecret) {
    auto key = SigningKey::generate();
    const auto seed = key.seed();
    const SigningKey copy(key);  // NOLINT(performance-unnecessary-copy-initialization)
    EXPECT_EQ(copy.seed(), seed);
    const SigningKey moved(std::move(key));
    EXPECT_EQ(moved.seed(), seed);
    // NOLINTNEXTLINE(bugprone-use-after-move,clang-analyzer-cplusplus.Move): checking the wipe
    EXPECT_EQ(key.seed(), (std::array<std::uint8_t, kSigningSeedSize>{}));
}

TEST(Hex, RoundTripAndErrors) {
    const std::vector<std::uint8_t> bytes = {0x00, 0x7f, 0x80, 0xff, 0x1a};
    EXPECT_EQ(to_hex(bytes), "007f80ff1a");
    EXPECT_EQ(*from_hex("007f80ff1a"), bytes);
    EXPECT_EQ(*from_hex("007F80FF1A"), bytes);
    EXPECT_TRUE(from_hex("")->empty());
    auto got = from_hex("abc");
    ASSERT_FALSE(got.ok());
    EXPECT_NE(got.error().find("odd"), std::string::npos) << got.error();
    got = from_hex("00g0");
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error(), "character 3 is not a hex digit");
}

TEST(NetworkId, IsRandom) {
    const NetworkId a = new_network_id();
    const NetworkId b = new_network_id();
    EXPECT_NE(a, b);
    EXPECT_NE(a, NetworkId{});
}

}  // namespace
}  // namespace tulle::mesh

#include "value/key.hpp"

#include <array>
#include <cstdint>
#include <new>
#include <ostream>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>

#include <gtest/gtest.h>

#include "tests/unit/value/cases.hpp"

namespace tulle::value {
namespace {

using cases::BadText;
using cases::error_of;

// --- Key, SecretKey ---

constexpr std::string_view kKeyA = "Q2TYThaGV2DI6vUTlcfba5E41BhU4t7pVWMPbTho7QA=";

class KeyGood : public ::testing::TestWithParam<std::string> {};

TEST_P(KeyGood, RoundTripsThroughBase64) {
    const auto key = Key::from_base64(GetParam());
    ASSERT_TRUE(key) << key.error();
    EXPECT_EQ(key->to_base64(), GetParam());
    const auto secret = SecretKey::from_base64(GetParam());
    ASSERT_TRUE(secret) << secret.error();
    EXPECT_EQ(secret->to_base64(), GetParam());
    EXPECT_EQ(secret->bytes(), key->bytes());
}

INSTANTIATE_TEST_SUITE_P(Table, KeyGood,
                         ::testing::Values(std::string(kKeyA),
                                           "YZclbjlbQWb7YpcQcBbj8e5QwaV+f4xMZxmzRLJrJfI=",
                                           "VqTtLzvuAGLuRB0EKo3S605m0z4ZiMV2pxOb1Y+ofmU=",
                                           "Lb2pkBESizRXx1su8hNbbKyzj4WRcDMGazuXVQPZ5e4=",
                                           "qapBBzLcJ3j9j3LO52I9ONq3+3DVUXHJnbTC8tye3wc=",
                                           "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                                           "//////////////////////////////////////////8="));

TEST(Key, DecodesKnownBytes) {
    std::array<std::uint8_t, kKeySize> counting{};
    for (std::size_t i = 0; i < counting.size(); ++i) {
        counting[i] = static_cast<std::uint8_t>(i);
    }
    EXPECT_EQ(Key(counting).to_base64(), "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    const auto decoded = Key::from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->bytes(), counting);

    const auto a = Key::from_base64(kKeyA);
    ASSERT_TRUE(a);
    const std::array<std::uint8_t, kKeySize> expected{
        67,  100, 216, 78, 22, 134, 87,  96,  200, 234, 245, 19,  149, 199, 219, 107,
        145, 56,  212, 24, 84, 226, 222, 233, 85,  99,  15,  109, 56,  104, 237, 0};
    EXPECT_EQ(a->bytes(), expected);
    EXPECT_FALSE(a->is_zero());
    EXPECT_TRUE(Key().is_zero());
    EXPECT_EQ(Key().to_base64(), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
}

class KeyBad : public ::testing::TestWithParam<BadText> {};

TEST_P(KeyBad, IsRefusedWithAMessageThatDoesNotQuoteIt) {
    const std::string& input = GetParam().input;
    const std::string message = error_of(Key::from_base64(input), input);
    EXPECT_NE(message.find(GetParam().message_contains), std::string::npos) << message;
    const std::string secret_message = error_of(SecretKey::from_base64(input), input);
    EXPECT_EQ(secret_message, message);
    if (input.size() >= 8) {
        EXPECT_EQ(secret_message.find(input.substr(0, 8)), std::string::npos) << secret_message;
    }
}

INSTANTIATE_TEST_SUITE_P(
    Table, KeyBad,
    ::testing::Values(
        BadText{"", "a key is 44 base64 characters, not 0"},
        BadText{std::string(kKeyA.substr(0, 43)), "not 43"},
        BadText{std::string(kKeyA) + "=", "not 45"},
        BadText{" " + std::string(kKeyA.substr(0, 43)),
                "character 1 of the key is not in the "
                "base64 alphabet"},
        BadText{"Q2TYThaGV2DI6vUTlcfba5E41BhU4t7pVWMPbTho7QAA", "a key ends with one '='"},
        BadText{"Q2TYThaGV2DI6vUTlcfba5E41BhU4t7pVWMPbTho7Q==", "character 43 of the key"},
        // The URL-safe alphabet is not accepted: '-' where '+' belongs.
        BadText{"VqTtLzvuAGLuRB0EKo3S605m0z4ZiMV2pxOb1Y-ofmU=", "character 39 of the key"},
        // Same bytes as kKeyA, but with unused low bits set in the last character.
        BadText{"Q2TYThaGV2DI6vUTlcfba5E41BhU4t7pVWMPbTho7QB=", "not the canonical base64"},
        BadText{"Q2TYThaGV2DI6vUTlcfba5E41BhU4t7pVWMPbTho7QD=", "not the canonical base64"}));

template <typename T>
concept Streamable = requires(std::ostream& os, const T& value) {
    os << value;
};

static_assert(Streamable<Key>);
static_assert(!Streamable<SecretKey>, "a secret key must not be loggable by accident");
static_assert(!std::is_convertible_v<SecretKey, std::string>);
static_assert(!std::is_convertible_v<SecretKey, std::string_view>);
static_assert(!std::is_convertible_v<SecretKey, Key>);

TEST(Key, PrintsAsBase64) {
    std::ostringstream os;
    os << *Key::from_base64(kKeyA);
    EXPECT_EQ(os.str(), kKeyA);
}

TEST(SecretKey, DestructorZeroesTheBytes) {
    std::array<std::uint8_t, kKeySize> bytes{};
    bytes.fill(0xa5);
    alignas(SecretKey) std::array<unsigned char, sizeof(SecretKey)> storage{};
    auto* key = new (storage.data()) SecretKey(bytes);
    EXPECT_EQ(key->bytes(), bytes);
    EXPECT_NE(storage[0], 0);
    key->~SecretKey();
    for (const unsigned char byte : storage) {
        EXPECT_EQ(byte, 0);
    }
}

TEST(SecretKey, MovingZeroesTheSource) {
    std::array<std::uint8_t, kKeySize> bytes{};
    bytes.fill(0x5a);
    SecretKey source(bytes);
    const SecretKey target(std::move(source));
    EXPECT_EQ(target.bytes(), bytes);
    EXPECT_TRUE(source.is_zero());  // NOLINT(bugprone-use-after-move,clang-analyzer-cplusplus.Move)

    SecretKey assigned;
    SecretKey other(bytes);
    assigned = std::move(other);
    EXPECT_EQ(assigned.bytes(), bytes);
    EXPECT_TRUE(other.is_zero());  // NOLINT(bugprone-use-after-move,clang-analyzer-cplusplus.Move)
}

TEST(SecretKey, ComparesAllBytes) {
    std::array<std::uint8_t, kKeySize> bytes{};
    bytes.fill(1);
    const SecretKey a(bytes);
    bytes[31] = 2;
    const SecretKey b(bytes);
    EXPECT_FALSE(a == b);
    EXPECT_TRUE(a == SecretKey(a));
    EXPECT_TRUE(SecretKey().is_zero());
    EXPECT_FALSE(a.is_zero());
}

TEST(SecureZero, ClearsEveryByte) {
    std::array<std::uint8_t, 7> bytes{1, 2, 3, 4, 5, 6, 7};
    secure_zero(bytes);
    EXPECT_EQ(bytes, (std::array<std::uint8_t, 7>{}));
}

TEST(KeyGeneration, PrivateKeysAreClampedAndHaveAPublicKey) {
    const SecretKey a = generate_private_key();
    const SecretKey b = generate_private_key();
    EXPECT_FALSE(a == b);
    EXPECT_EQ(a.bytes()[0] & 7U, 0U);
    EXPECT_EQ(a.bytes()[31] & 128U, 0U);
    EXPECT_EQ(a.bytes()[31] & 64U, 64U);
    const auto public_a = public_key_of(a);
    ASSERT_TRUE(public_a.ok());
    EXPECT_FALSE(public_a->is_zero());
    EXPECT_EQ(*public_a, *public_key_of(a));
    EXPECT_NE(*public_a, *public_key_of(b));
}

// RFC 7748 section 6.1: Alice's private key and the public key X25519 makes of it.
TEST(KeyGeneration, PublicKeyMatchesRfc7748) {
    const std::array<std::uint8_t, kKeySize> alice{0x77, 0x07, 0x6d, 0x0a, 0x73, 0x18, 0xa5, 0x7d,
                                                   0x3c, 0x16, 0xc1, 0x72, 0x51, 0xb2, 0x66, 0x45,
                                                   0xdf, 0x4c, 0x2f, 0x87, 0xeb, 0xc0, 0x99, 0x2a,
                                                   0xb1, 0x77, 0xfb, 0xa5, 0x1d, 0xb9, 0x2c, 0x2a};
    const std::array<std::uint8_t, kKeySize> alice_public{
        0x85, 0x20, 0xf0, 0x09, 0x89, 0x30, 0xa7, 0x54, 0x74, 0x8b, 0x7d,
        0xdc, 0xb4, 0x3e, 0xf7, 0x5a, 0x0d, 0xbf, 0x3a, 0x0d, 0x26, 0x38,
        0x1a, 0xf4, 0xeb, 0xa4, 0xa9, 0x8e, 0xaa, 0x9b, 0x4e, 0x6a};
    EXPECT_EQ(*public_key_of(SecretKey(alice)), Key(alice_public));
}

TEST(KeyGeneration, PresharedKeysAreRandom) {
    EXPECT_FALSE(generate_preshared_key() == generate_preshared_key());
    EXPECT_FALSE(generate_preshared_key().is_zero());
}

}  // namespace
}  // namespace tulle::value

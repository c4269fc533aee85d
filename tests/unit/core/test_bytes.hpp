// What the core's vector tests share: hex in and out, byte patterns, fixed keys and times, and
// the fixtures that initialise libsodium first.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "daemon/core/crypto.hpp"

namespace tulle::core::testing {

using Bytes = std::vector<std::uint8_t>;

// Hex digits of either case; a bad digit or an odd length fails the test.
inline Bytes from_hex(std::string_view hex) {
    auto nibble = [](char c) -> std::uint8_t {
        if (c >= '0' && c <= '9') {
            return static_cast<std::uint8_t>(c - '0');
        }
        if (c >= 'a' && c <= 'f') {
            return static_cast<std::uint8_t>(c - 'a' + 10);
        }
        if (c >= 'A' && c <= 'F') {
            return static_cast<std::uint8_t>(c - 'A' + 10);
        }
        ADD_FAILURE() << "not a hex digit: " << c;
        return 0;
    };
    EXPECT_EQ(hex.size() % 2, 0U) << hex;
    Bytes out(hex.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i] = static_cast<std::uint8_t>((nibble(hex[2 * i]) << 4U) | nibble(hex[2 * i + 1]));
    }
    return out;
}

// Lower-case hex.
inline std::string to_hex(std::span<const std::uint8_t> bytes) {
    static constexpr std::string_view kDigits = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const std::uint8_t b : bytes) {
        out.push_back(kDigits[b >> 4U]);
        out.push_back(kDigits[b & 0xfU]);
    }
    return out;
}

// Exactly N bytes of hex, or the test fails.
template <std::size_t N>
std::array<std::uint8_t, N> array_from_hex(std::string_view hex) {
    const Bytes bytes = from_hex(hex);
    std::array<std::uint8_t, N> out{};
    EXPECT_EQ(bytes.size(), N) << hex;
    std::copy_n(bytes.begin(), std::min(N, bytes.size()), out.begin());
    return out;
}

template <std::size_t N = kKeySize>
Secret<N> secret_from_hex(std::string_view hex) {
    const auto bytes = array_from_hex<N>(hex);
    Secret<N> out;
    std::copy(bytes.begin(), bytes.end(), out.bytes().begin());
    return out;
}

inline std::span<const std::uint8_t> as_bytes(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// first, first + 1, ... (wrapping), n bytes.
inline Bytes counting(std::size_t n, std::uint8_t first = 0) {
    Bytes out(n);
    for (std::size_t i = 0; i < n; ++i) {
        out[i] = static_cast<std::uint8_t>(first + i);
    }
    return out;
}

inline Bytes concat(std::initializer_list<std::span<const std::uint8_t>> parts) {
    Bytes out;
    for (const auto part : parts) {
        out.insert(out.end(), part.begin(), part.end());
    }
    return out;
}

// A fixed private key with every byte equal to `fill`, clamped as X25519 keys are.
inline PrivateKey fixed_private_key(std::uint8_t fill) {
    PrivateKey key;
    std::fill(key.bytes().begin(), key.bytes().end(), fill);
    crypto::clamp(key);
    return key;
}

inline SymmetricKey fixed_key(std::uint8_t fill) {
    SymmetricKey key;
    std::fill(key.bytes().begin(), key.bytes().end(), fill);
    return key;
}

inline std::chrono::system_clock::time_point unix_time(std::chrono::nanoseconds since_epoch) {
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(since_epoch));
}

// libsodium must be initialised before use.
class CryptoTest : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_TRUE(crypto::init()); }
};

template <typename Param>
class CryptoParamTest : public CryptoTest, public ::testing::WithParamInterface<Param> {};

}  // namespace tulle::core::testing

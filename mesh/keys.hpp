// A network's identity: its id and its Ed25519 signing key (libsodium crypto_sign). Whoever holds
// the signing key admits members; every node pins the public half from its invite.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "value/result.hpp"

namespace tulle::mesh {

inline constexpr std::size_t kNetworkIdSize = 16;
inline constexpr std::size_t kSignatureSize = 64;  // crypto_sign_BYTES
inline constexpr std::size_t kSigningPublicKeySize = 32;
inline constexpr std::size_t kSigningSeedSize = 32;

using NetworkId = std::array<std::uint8_t, kNetworkIdSize>;
using Signature = std::array<std::uint8_t, kSignatureSize>;
using SigningPublicKey = std::array<std::uint8_t, kSigningPublicKeySize>;

// 16 random bytes.
[[nodiscard]] NetworkId new_network_id();
// Lower-case hex, for ids in files, logs and replies.
[[nodiscard]] std::string to_hex(std::span<const std::uint8_t> bytes);
[[nodiscard]] value::Result<std::vector<std::uint8_t>> from_hex(std::string_view text);

// The private half of a network key. Its bytes are zeroed (sodium_memzero) when it is destroyed;
// it cannot be printed. Stored as its 32-byte seed.
class SigningKey {
  public:
    [[nodiscard]] static SigningKey generate();
    [[nodiscard]] static SigningKey from_seed(
        const std::array<std::uint8_t, kSigningSeedSize>& seed);
    SigningKey(const SigningKey& other);
    SigningKey& operator=(const SigningKey& other);
    SigningKey(SigningKey&& other) noexcept;
    SigningKey& operator=(SigningKey&& other) noexcept;
    ~SigningKey();

    [[nodiscard]] const SigningPublicKey& public_key() const { return public_key_; }
    [[nodiscard]] std::array<std::uint8_t, kSigningSeedSize> seed() const;
    [[nodiscard]] Signature sign(std::span<const std::uint8_t> message) const;

  private:
    SigningKey() = default;
    std::array<std::uint8_t, 64> secret_{};  // libsodium's form: seed then public key
    SigningPublicKey public_key_{};
};

[[nodiscard]] bool verify(const SigningPublicKey& key, std::span<const std::uint8_t> message,
                          const Signature& signature);

}  // namespace tulle::mesh

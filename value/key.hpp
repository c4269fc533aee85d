// WireGuard keys: public keys, and private or preshared keys that wipe themselves and cannot be
// streamed; base64 as wg(8) writes it; key generation (X25519 through libsodium).
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>

#include "value/result.hpp"

namespace tulle::value {

inline constexpr std::size_t kKeySize = 32;
inline constexpr std::size_t kKeyBase64Size = 44;

// A public key: 32 bytes, written as 44 characters of standard base64 with one '=' of padding.
class Key {
  public:
    Key() = default;  // all zero
    explicit Key(const std::array<std::uint8_t, kKeySize>& bytes) : bytes_(bytes) {}

    // Only the canonical encoding is accepted: 44 characters of the standard alphabet, ending in
    // one '=', with the unused low bits of the last character zero.
    [[nodiscard]] static Result<Key> from_base64(std::string_view text);
    [[nodiscard]] std::string to_base64() const;

    [[nodiscard]] const std::array<std::uint8_t, kKeySize>& bytes() const { return bytes_; }
    [[nodiscard]] bool is_zero() const;

    friend bool operator==(const Key&, const Key&) = default;
    // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads a defaulted <=>
    friend std::strong_ordering operator<=>(const Key&, const Key&) = default;
    friend std::ostream& operator<<(std::ostream& os, const Key& key);  // base64

  private:
    std::array<std::uint8_t, kKeySize> bytes_{};
};

// A private or preshared key. Its bytes are zeroed when it is destroyed, and it cannot be written
// to a stream, so it is not logged by accident; to_base64() is the one explicit way out.
class SecretKey {
  public:
    SecretKey() = default;  // all zero
    explicit SecretKey(const std::array<std::uint8_t, kKeySize>& bytes) : bytes_(bytes) {}
    SecretKey(const SecretKey&) = default;
    SecretKey(SecretKey&& other) noexcept;
    SecretKey& operator=(const SecretKey&) = default;
    SecretKey& operator=(SecretKey&& other) noexcept;
    ~SecretKey();

    // As Key::from_base64. The messages never quote the text.
    [[nodiscard]] static Result<SecretKey> from_base64(std::string_view text);
    // The secret in base64: for writing configuration files, never for logs.
    [[nodiscard]] std::string to_base64() const;

    [[nodiscard]] const std::array<std::uint8_t, kKeySize>& bytes() const { return bytes_; }
    [[nodiscard]] bool is_zero() const;

    // Compares every byte, whatever the first difference.
    friend bool operator==(const SecretKey& a, const SecretKey& b);
    friend std::ostream& operator<<(std::ostream& os, const SecretKey& key) = delete;
    friend SecretKey generate_preshared_key();
    friend SecretKey generate_private_key();

  private:
    std::array<std::uint8_t, kKeySize> bytes_{};
};

// A new private key from the system's random source, clamped as Curve25519 keys are (RFC 7748),
// so its text matches what `wg genkey` prints.
[[nodiscard]] SecretKey generate_private_key();
// A new preshared key: 32 random bytes, as `wg genpsk` makes them.
[[nodiscard]] SecretKey generate_preshared_key();
// The X25519 public key of a private key; an error for the few keys that have none.
[[nodiscard]] Result<Key> public_key_of(const SecretKey& private_key);

// Overwrites the bytes with zeros in a way the compiler does not remove as a dead store.
void secure_zero(std::span<std::uint8_t> bytes) noexcept;

}  // namespace tulle::value

// Thin wrappers over the primitives WireGuard uses (whitepaper section 5.4): X25519 and the two
// ChaCha20-Poly1305 AEADs from libsodium, BLAKE2s from libb2, and HMAC/HKDF built on BLAKE2s.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include <blake2.h>
#include <sodium.h>

namespace tulle::core {

// N bytes that are wiped when they go away. Comparison takes constant time.
template <std::size_t N>
class Secret {
  public:
    Secret() = default;
    Secret(const Secret&) = default;
    Secret& operator=(const Secret&) = default;
    Secret(Secret&&) noexcept = default;
    Secret& operator=(Secret&&) noexcept = default;
    ~Secret() { wipe(); }

    [[nodiscard]] std::span<std::uint8_t, N> bytes() { return bytes_; }
    [[nodiscard]] std::span<const std::uint8_t, N> bytes() const { return bytes_; }
    [[nodiscard]] std::uint8_t* data() { return bytes_.data(); }
    [[nodiscard]] const std::uint8_t* data() const { return bytes_.data(); }
    static constexpr std::size_t size() { return N; }

    [[nodiscard]] bool is_zero() const { return sodium_is_zero(bytes_.data(), N) == 1; }
    void wipe() { sodium_memzero(bytes_.data(), N); }

    friend bool operator==(const Secret& a, const Secret& b) {
        return sodium_memcmp(a.bytes_.data(), b.bytes_.data(), N) == 0;
    }

  private:
    std::array<std::uint8_t, N> bytes_{};
};

inline constexpr std::size_t kKeySize = 32;
inline constexpr std::size_t kHashSize = 32;
inline constexpr std::size_t kTagSize = 16;
inline constexpr std::size_t kXNonceSize = 24;

using PublicKey = std::array<std::uint8_t, kKeySize>;
using PrivateKey = Secret<kKeySize>;
using SymmetricKey = Secret<kKeySize>;
using Hash = std::array<std::uint8_t, kHashSize>;

namespace crypto {

// Initialises libsodium; true when it is ready. Safe to call more than once.
[[nodiscard]] bool init();

void random_bytes(std::span<std::uint8_t> out);
[[nodiscard]] std::uint32_t random_u32();

// A random X25519 private key, clamped as `wg genkey` does.
[[nodiscard]] PrivateKey generate_private_key();
void clamp(PrivateKey& key);
[[nodiscard]] PublicKey public_key(const PrivateKey& private_key);

// out = X25519(private_key, public_key). False, with out zeroed, when the result is all zeros
// (a low-order point), which WireGuard must reject.
[[nodiscard]] bool x25519(Secret<kKeySize>& out, const PrivateKey& private_key,
                          const PublicKey& public_key);

// BLAKE2s with out.size() bytes of output (1..32), optionally keyed (key of 1..32 bytes).
void blake2s(std::span<std::uint8_t> out, std::span<const std::uint8_t> in,
             std::span<const std::uint8_t> key = {});

// Incremental BLAKE2s-256, for hashes over several parts.
class Blake2s {
  public:
    Blake2s();
    ~Blake2s();
    Blake2s(const Blake2s&) = delete;
    Blake2s& operator=(const Blake2s&) = delete;
    Blake2s& update(std::span<const std::uint8_t> in);
    [[nodiscard]] Hash final();

  private:
    blake2s_state state_{};
};

// HMAC (RFC 2104) over BLAKE2s-256 with its 64-byte block.
void hmac_blake2s(std::span<std::uint8_t, kHashSize> out, std::span<const std::uint8_t> key,
                  std::span<const std::uint8_t> in);

// WireGuard's KDF_n (HKDF, RFC 5869, with HMAC-BLAKE2s): fills each non-empty output with the
// next 32-byte block derived from (chaining_key, input). Outputs may alias chaining_key.
void hkdf(std::span<const std::uint8_t, kHashSize> chaining_key,
          std::span<const std::uint8_t> input, std::span<std::uint8_t, kHashSize> out1,
          std::span<std::uint8_t> out2 = {}, std::span<std::uint8_t> out3 = {});

// ChaCha20-Poly1305 (RFC 8439) with WireGuard's nonce: 32 zero bits, then the 64-bit counter in
// little endian. out holds in.size() + 16 bytes; it may be the same memory as in.
void aead_seal(std::span<std::uint8_t> out, const SymmetricKey& key, std::uint64_t counter,
               std::span<const std::uint8_t> in, std::span<const std::uint8_t> ad);
// out holds in.size() - 16 bytes; false when the tag does not verify.
[[nodiscard]] bool aead_open(std::span<std::uint8_t> out, const SymmetricKey& key,
                             std::uint64_t counter, std::span<const std::uint8_t> in,
                             std::span<const std::uint8_t> ad);

// XChaCha20-Poly1305 with a 24-byte nonce (cookie replies).
void xaead_seal(std::span<std::uint8_t> out, std::span<const std::uint8_t, kKeySize> key,
                std::span<const std::uint8_t, kXNonceSize> nonce, std::span<const std::uint8_t> in,
                std::span<const std::uint8_t> ad);
[[nodiscard]] bool xaead_open(std::span<std::uint8_t> out,
                              std::span<const std::uint8_t, kKeySize> key,
                              std::span<const std::uint8_t, kXNonceSize> nonce,
                              std::span<const std::uint8_t> in, std::span<const std::uint8_t> ad);

// Constant-time equality of two byte strings of the same length.
[[nodiscard]] bool equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

}  // namespace crypto
}  // namespace tulle::core

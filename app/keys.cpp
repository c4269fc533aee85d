#include "app/keys.hpp"

#include <array>

#include <sodium.h>

namespace tulle::app {

ipc::SecretKey generate_private_key() {
    std::array<std::uint8_t, ipc::kKeySize> bytes{};
    randombytes_buf(bytes.data(), bytes.size());
    // Clamped as Curve25519 private keys are (RFC 7748), so the text matches `wg genkey`'s.
    bytes[0] &= 248U;
    bytes[31] &= 127U;
    bytes[31] |= 64U;
    ipc::SecretKey key(bytes);
    sodium_memzero(bytes.data(), bytes.size());
    return key;
}

ipc::Key public_key_of(const ipc::SecretKey& private_key) {
    std::array<std::uint8_t, ipc::kKeySize> public_bytes{};
    if (crypto_scalarmult_curve25519_base(public_bytes.data(), private_key.bytes().data()) != 0) {
        return ipc::Key{};
    }
    return ipc::Key(public_bytes);
}

}  // namespace tulle::app

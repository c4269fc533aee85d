#include "mesh/keys.hpp"

#include <sodium.h>

#include "mesh/wire.hpp"

namespace tulle::mesh {

NetworkId new_network_id() {
    return wire::random_bytes<kNetworkIdSize>();
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
    std::string out(bytes.size() * 2 + 1, '\0');  // sodium_bin2hex writes a final NUL
    sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
    out.pop_back();
    return out;
}

value::Result<std::vector<std::uint8_t>> from_hex(std::string_view text) {
    if (text.size() % 2 != 0) {
        return value::fail("hex text has an odd number of digits (" + std::to_string(text.size()) +
                           ")");
    }
    if (text.empty()) {
        return std::vector<std::uint8_t>{};  // libsodium may not be handed a null buffer
    }
    std::vector<std::uint8_t> out(text.size() / 2);
    std::size_t size = 0;
    const char* end = nullptr;
    // Reads both cases and stops at the first character that is not a hex digit.
    if (sodium_hex2bin(out.data(), out.size(), text.data(), text.size(), nullptr, &size, &end) !=
            0 ||
        size != out.size()) {
        const auto at = end == nullptr ? 0 : static_cast<std::size_t>(end - text.data());
        return value::fail("character " + std::to_string(at + 1) + " is not a hex digit");
    }
    return out;
}

SigningKey SigningKey::generate() {
    wire::need_sodium();
    SigningKey key;
    crypto_sign_keypair(key.public_key_.data(), key.secret_.data());
    return key;
}

SigningKey SigningKey::from_seed(const std::array<std::uint8_t, kSigningSeedSize>& seed) {
    wire::need_sodium();
    SigningKey key;
    crypto_sign_seed_keypair(key.public_key_.data(), key.secret_.data(), seed.data());
    return key;
}

SigningKey::SigningKey(const SigningKey& other) = default;

SigningKey& SigningKey::operator=(const SigningKey& other) = default;

SigningKey::SigningKey(SigningKey&& other) noexcept
    : secret_(other.secret_), public_key_(other.public_key_) {
    sodium_memzero(other.secret_.data(), other.secret_.size());
}

SigningKey& SigningKey::operator=(SigningKey&& other) noexcept {
    if (this != &other) {
        secret_ = other.secret_;
        public_key_ = other.public_key_;
        sodium_memzero(other.secret_.data(), other.secret_.size());
    }
    return *this;
}

SigningKey::~SigningKey() {
    sodium_memzero(secret_.data(), secret_.size());
}

std::array<std::uint8_t, kSigningSeedSize> SigningKey::seed() const {
    std::array<std::uint8_t, kSigningSeedSize> seed{};
    crypto_sign_ed25519_sk_to_seed(seed.data(), secret_.data());
    return seed;
}

Signature SigningKey::sign(std::span<const std::uint8_t> message) const {
    Signature signature{};
    crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(), secret_.data());
    return signature;
}

bool verify(const SigningPublicKey& key, std::span<const std::uint8_t> message,
            const Signature& signature) {
    wire::need_sodium();
    return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                       key.data()) == 0;
}

}  // namespace tulle::mesh

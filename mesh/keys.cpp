#include "mesh/keys.hpp"

#include <sodium.h>

#include "mesh/wire.hpp"

namespace tulle::mesh {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

}  // namespace

NetworkId new_network_id() {
    wire::need_sodium();
    NetworkId id{};
    randombytes_buf(id.data(), id.size());
    return id;
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
    static constexpr std::string_view kDigits = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const std::uint8_t byte : bytes) {
        out.push_back(kDigits[byte >> 4U]);
        out.push_back(kDigits[byte & 0xfU]);
    }
    return out;
}

value::Result<std::vector<std::uint8_t>> from_hex(std::string_view text) {
    if (text.size() % 2 != 0) {
        return value::fail("hex text has an odd number of digits (" + std::to_string(text.size()) +
                           ")");
    }
    std::vector<std::uint8_t> out;
    out.reserve(text.size() / 2);
    for (std::size_t i = 0; i < text.size(); i += 2) {
        const int high = hex_value(text[i]);
        const int low = hex_value(text[i + 1]);
        if (high < 0 || low < 0) {
            return value::fail("character " + std::to_string(high < 0 ? i + 1 : i + 2) +
                               " is not a hex digit");
        }
        out.push_back(static_cast<std::uint8_t>((high << 4) | low));
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

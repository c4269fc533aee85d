#include "value/key.hpp"

#include <algorithm>
#include <optional>
#include <ostream>

#include <sodium.h>

namespace tulle::value {
namespace {

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_value(char c) {
    const std::size_t at = kBase64Alphabet.find(c);
    return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

// Decodes exactly one canonical 32-byte key. The messages never quote the text: it may be secret.
std::optional<std::string> decode_key(std::string_view text,
                                      std::array<std::uint8_t, kKeySize>& out) {
    if (text.size() != kKeyBase64Size) {
        return "a key is " + std::to_string(kKeyBase64Size) + " base64 characters, not " +
               std::to_string(text.size());
    }
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
        if (base64_value(text[i]) < 0) {
            return "character " + std::to_string(i + 1) +
                   " of the key is not in the base64 alphabet";
        }
    }
    if (text.back() != '=') {
        return std::string("a key ends with one '=' of padding");
    }
    if ((base64_value(text[kKeyBase64Size - 2]) & 0x3) != 0) {
        return std::string(
            "not the canonical base64 encoding of a key (the last character before '=' has unused "
            "bits set)");
    }
    // 43 characters of 6 bits: 42 make 31.5 bytes, the 43rd the last 6 bits (2 of them unused).
    std::uint32_t bits = 0;
    unsigned count = 0;
    std::size_t o = 0;
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
        bits = (bits << 6U) | static_cast<std::uint32_t>(base64_value(text[i]));
        count += 6;
        if (count >= 8) {
            count -= 8;
            out[o++] = static_cast<std::uint8_t>(bits >> count);
            bits &= (1U << count) - 1U;
        }
    }
    return std::nullopt;
}

std::string encode_key(const std::array<std::uint8_t, kKeySize>& bytes) {
    std::string out;
    out.reserve(kKeyBase64Size);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t v = (static_cast<std::uint32_t>(bytes[i]) << 16U) |
                                (static_cast<std::uint32_t>(bytes[i + 1]) << 8U) | bytes[i + 2];
        out += kBase64Alphabet[(v >> 18U) & 0x3fU];
        out += kBase64Alphabet[(v >> 12U) & 0x3fU];
        out += kBase64Alphabet[(v >> 6U) & 0x3fU];
        out += kBase64Alphabet[v & 0x3fU];
    }
    const std::uint32_t v = (static_cast<std::uint32_t>(bytes[i]) << 16U) |
                            (static_cast<std::uint32_t>(bytes[i + 1]) << 8U);
    out += kBase64Alphabet[(v >> 18U) & 0x3fU];
    out += kBase64Alphabet[(v >> 12U) & 0x3fU];
    out += kBase64Alphabet[(v >> 6U) & 0x3fU];
    out += '=';
    return out;
}

bool all_zero(const std::array<std::uint8_t, kKeySize>& bytes) {
    std::uint8_t any = 0;
    for (const std::uint8_t b : bytes) {
        any = static_cast<std::uint8_t>(any | b);
    }
    return any == 0;
}

}  // namespace

// --- Key, SecretKey ---

Result<Key> Key::from_base64(std::string_view text) {
    std::array<std::uint8_t, kKeySize> bytes{};
    if (auto error = decode_key(text, bytes)) {
        return fail(*error);
    }
    return Key(bytes);
}

std::string Key::to_base64() const {
    return encode_key(bytes_);
}

bool Key::is_zero() const {
    return all_zero(bytes_);
}

std::ostream& operator<<(std::ostream& os, const Key& key) {
    return os << key.to_base64();
}

SecretKey::SecretKey(SecretKey&& other) noexcept : bytes_(other.bytes_) {
    secure_zero(other.bytes_);
}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
    if (this != &other) {
        bytes_ = other.bytes_;
        secure_zero(other.bytes_);
    }
    return *this;
}

SecretKey::~SecretKey() {
    secure_zero(bytes_);
}

Result<SecretKey> SecretKey::from_base64(std::string_view text) {
    SecretKey key;
    if (auto error = decode_key(text, key.bytes_)) {
        return fail(*error);
    }
    return key;
}

std::string SecretKey::to_base64() const {
    return encode_key(bytes_);
}

bool SecretKey::is_zero() const {
    return all_zero(bytes_);
}

bool operator==(const SecretKey& a, const SecretKey& b) {
    std::uint8_t difference = 0;
    for (std::size_t i = 0; i < kKeySize; ++i) {
        difference = static_cast<std::uint8_t>(difference | (a.bytes_[i] ^ b.bytes_[i]));
    }
    return difference == 0;
}

void secure_zero(std::span<std::uint8_t> bytes) noexcept {
    sodium_memzero(bytes.data(), bytes.size());
}

SecretKey generate_private_key() {
    SecretKey key = generate_preshared_key();
    key.bytes_[0] &= 248U;
    key.bytes_[31] &= 127U;
    key.bytes_[31] |= 64U;
    return key;
}

SecretKey generate_preshared_key() {
    SecretKey key;
    randombytes_buf(key.bytes_.data(), key.bytes_.size());
    return key;
}

Result<Key> public_key_of(const SecretKey& private_key) {
    std::array<std::uint8_t, kKeySize> bytes{};
    if (crypto_scalarmult_curve25519_base(bytes.data(), private_key.bytes().data()) != 0) {
        return fail("that private key has no public key");
    }
    return Key(bytes);
}
}  // namespace tulle::value

#include "daemon/core/crypto.hpp"

#include <algorithm>
#include <cassert>

namespace tulle::core::crypto {
namespace {

constexpr std::size_t kBlockSize = 64;  // BLAKE2s block, HMAC's inner/outer pad width
constexpr std::size_t kNonceSize = 12;

std::array<std::uint8_t, kNonceSize> nonce_of(std::uint64_t counter) {
    std::array<std::uint8_t, kNonceSize> nonce{};
    for (std::size_t i = 0; i < 8; ++i) {
        nonce[4 + i] = static_cast<std::uint8_t>(counter >> (8U * i));
    }
    return nonce;
}

}  // namespace

bool init() {
    return sodium_init() >= 0;
}

void random_bytes(std::span<std::uint8_t> out) {
    randombytes_buf(out.data(), out.size());
}

std::uint32_t random_u32() {
    return randombytes_random();
}

void clamp(PrivateKey& key) {
    auto bytes = key.bytes();
    bytes[0] &= 248U;
    bytes[31] = static_cast<std::uint8_t>((bytes[31] & 127U) | 64U);
}

PrivateKey generate_private_key() {
    PrivateKey key;
    random_bytes(key.bytes());
    clamp(key);
    return key;
}

PublicKey public_key(const PrivateKey& private_key) {
    PublicKey out{};
    if (crypto_scalarmult_base(out.data(), private_key.data()) != 0) {
        out.fill(0);
    }
    return out;
}

bool x25519(Secret<kKeySize>& out, const PrivateKey& private_key, const PublicKey& public_key) {
    // libsodium returns -1 when the shared point is all zeros.
    if (crypto_scalarmult(out.data(), private_key.data(), public_key.data()) != 0 ||
        out.is_zero()) {
        out.wipe();
        return false;
    }
    return true;
}

void blake2s(std::span<std::uint8_t> out, std::span<const std::uint8_t> in,
             std::span<const std::uint8_t> key) {
    assert(!out.empty() && out.size() <= BLAKE2S_OUTBYTES && key.size() <= BLAKE2S_KEYBYTES);
    ::blake2s(out.data(), in.data(), key.empty() ? nullptr : key.data(), out.size(), in.size(),
              key.size());
}

Blake2s::Blake2s() {
    blake2s_init(&state_, kHashSize);
}

Blake2s::~Blake2s() {
    sodium_memzero(&state_, sizeof(state_));
}

Blake2s& Blake2s::update(std::span<const std::uint8_t> in) {
    blake2s_update(&state_, in.data(), in.size());
    return *this;
}

Hash Blake2s::final() {
    Hash out{};
    blake2s_final(&state_, out.data(), out.size());
    return out;
}

void hmac_blake2s(std::span<std::uint8_t, kHashSize> out, std::span<const std::uint8_t> key,
                  std::span<const std::uint8_t> in) {
    Secret<kBlockSize> pad;
    if (key.size() > kBlockSize) {
        blake2s(pad.bytes().first(kHashSize), key);
    } else {
        std::copy(key.begin(), key.end(), pad.bytes().begin());
    }
    Secret<kBlockSize> inner_pad = pad;
    for (auto& b : inner_pad.bytes()) {
        b ^= 0x36U;
    }
    Secret<kHashSize> inner;
    {
        Blake2s h;
        h.update(inner_pad.bytes()).update(in);
        const Hash digest = h.final();
        std::copy(digest.begin(), digest.end(), inner.bytes().begin());
    }
    for (auto& b : pad.bytes()) {
        b ^= 0x5cU;
    }
    Blake2s h;
    h.update(pad.bytes()).update(inner.bytes());
    Hash digest = h.final();
    std::copy(digest.begin(), digest.end(), out.begin());
    sodium_memzero(digest.data(), digest.size());
}

void hkdf(std::span<const std::uint8_t, kHashSize> chaining_key,
          std::span<const std::uint8_t> input, std::span<std::uint8_t, kHashSize> out1,
          std::span<std::uint8_t> out2, std::span<std::uint8_t> out3) {
    assert(out2.empty() || out2.size() == kHashSize);
    assert(out3.empty() || out3.size() == kHashSize);
    Secret<kHashSize> prk;
    hmac_blake2s(prk.bytes(), chaining_key, input);
    // T(i) = HMAC(prk, T(i-1) || i); the buffer holds T(i-1) followed by the counter byte.
    Secret<kHashSize + 1> block;
    Secret<kHashSize> t;
    const std::array<std::span<std::uint8_t>, 3> outs{out1, out2, out3};
    std::size_t previous_len = 0;
    for (std::size_t i = 0; i < outs.size() && !outs[i].empty(); ++i) {
        block.bytes()[previous_len] = static_cast<std::uint8_t>(i + 1);
        hmac_blake2s(t.bytes(), prk.bytes(), block.bytes().first(previous_len + 1));
        std::copy(t.bytes().begin(), t.bytes().end(), block.bytes().begin());
        std::copy(t.bytes().begin(), t.bytes().end(), outs[i].begin());
        previous_len = kHashSize;
    }
}

void aead_seal(std::span<std::uint8_t> out, const SymmetricKey& key, std::uint64_t counter,
               std::span<const std::uint8_t> in, std::span<const std::uint8_t> ad) {
    assert(out.size() == in.size() + kTagSize);
    const auto nonce = nonce_of(counter);
    crypto_aead_chacha20poly1305_ietf_encrypt_detached(out.data(), out.data() + in.size(), nullptr,
                                                       in.data(), in.size(), ad.data(), ad.size(),
                                                       nullptr, nonce.data(), key.data());
}

bool aead_open(std::span<std::uint8_t> out, const SymmetricKey& key, std::uint64_t counter,
               std::span<const std::uint8_t> in, std::span<const std::uint8_t> ad) {
    if (in.size() < kTagSize || out.size() != in.size() - kTagSize) {
        return false;
    }
    const auto nonce = nonce_of(counter);
    return crypto_aead_chacha20poly1305_ietf_decrypt_detached(
               out.data(), nullptr, in.data(), out.size(), in.data() + out.size(), ad.data(),
               ad.size(), nonce.data(), key.data()) == 0;
}

void xaead_seal(std::span<std::uint8_t> out, std::span<const std::uint8_t, kKeySize> key,
                std::span<const std::uint8_t, kXNonceSize> nonce, std::span<const std::uint8_t> in,
                std::span<const std::uint8_t> ad) {
    assert(out.size() == in.size() + kTagSize);
    crypto_aead_xchacha20poly1305_ietf_encrypt_detached(out.data(), out.data() + in.size(), nullptr,
                                                        in.data(), in.size(), ad.data(), ad.size(),
                                                        nullptr, nonce.data(), key.data());
}

bool xaead_open(std::span<std::uint8_t> out, std::span<const std::uint8_t, kKeySize> key,
                std::span<const std::uint8_t, kXNonceSize> nonce, std::span<const std::uint8_t> in,
                std::span<const std::uint8_t> ad) {
    if (in.size() < kTagSize || out.size() != in.size() - kTagSize) {
        return false;
    }
    return crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
               out.data(), nullptr, in.data(), out.size(), in.data() + out.size(), ad.data(),
               ad.size(), nonce.data(), key.data()) == 0;
}

bool equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
    return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace tulle::core::crypto

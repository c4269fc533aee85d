#include "daemon/core/noise.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

namespace tulle::core {
namespace {

std::span<const std::uint8_t> as_bytes(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

void wipe(std::span<std::uint8_t> bytes) {
    if (!bytes.empty()) {
        sodium_memzero(bytes.data(), bytes.size());
    }
}

}  // namespace

namespace noise {

// ---- CipherState ----------------------------------------------------------------------------

bool CipherState::encrypt_with_ad(std::span<const std::uint8_t> ad,
                                  std::span<const std::uint8_t> plaintext,
                                  std::span<std::uint8_t> out) {
    if (out.size() != ciphertext_size(plaintext.size())) {
        return false;
    }
    if (!has_key_) {
        if (!plaintext.empty() && out.data() != plaintext.data()) {
            std::memmove(out.data(), plaintext.data(), plaintext.size());
        }
        return true;
    }
    if (nonce_ == std::numeric_limits<std::uint64_t>::max()) {
        return false;
    }
    crypto::aead_seal(out, key_, nonce_, plaintext, ad);
    ++nonce_;
    return true;
}

bool CipherState::decrypt_with_ad(std::span<const std::uint8_t> ad,
                                  std::span<const std::uint8_t> ciphertext,
                                  std::span<std::uint8_t> out) {
    if (!has_key_) {
        if (out.size() != ciphertext.size()) {
            wipe(out);
            return false;
        }
        if (!ciphertext.empty() && out.data() != ciphertext.data()) {
            std::memmove(out.data(), ciphertext.data(), ciphertext.size());
        }
        return true;
    }
    if (nonce_ == std::numeric_limits<std::uint64_t>::max() || ciphertext.size() < kTagSize ||
        out.size() != ciphertext.size() - kTagSize ||
        !crypto::aead_open(out, key_, nonce_, ciphertext, ad)) {
        wipe(out);
        return false;
    }
    ++nonce_;
    return true;
}

// ---- SymmetricState -------------------------------------------------------------------------

void SymmetricState::initialize(std::string_view protocol_name) {
    const auto name = as_bytes(protocol_name);
    if (name.size() <= kHashSize) {
        h_.fill(0);
        std::copy(name.begin(), name.end(), h_.begin());
    } else {
        crypto::blake2s(h_, name);
    }
    std::copy(h_.begin(), h_.end(), ck_.bytes().begin());
    cipher_ = CipherState{};
}

SymmetricState SymmetricState::resume(const Secret<kHashSize>& chaining_key, const Hash& hash) {
    SymmetricState state;
    state.ck_ = chaining_key;
    state.h_ = hash;
    return state;
}

void SymmetricState::mix_hash(std::span<const std::uint8_t> data) {
    crypto::Blake2s hasher;
    hasher.update(h_).update(data);
    h_ = hasher.final();
}

void SymmetricState::mix_key(std::span<const std::uint8_t> input_key_material) {
    SymmetricKey key;
    crypto::hkdf(ck_.bytes(), input_key_material, ck_.bytes(), key.bytes());
    cipher_ = CipherState(key);
}

void SymmetricState::mix_key_and_hash(std::span<const std::uint8_t> input_key_material) {
    Secret<kHashSize> hash_input;
    SymmetricKey key;
    crypto::hkdf(ck_.bytes(), input_key_material, ck_.bytes(), hash_input.bytes(), key.bytes());
    mix_hash(hash_input.bytes());
    cipher_ = CipherState(key);
}

bool SymmetricState::encrypt_and_hash(std::span<const std::uint8_t> plaintext,
                                      std::span<std::uint8_t> out) {
    if (!cipher_.encrypt_with_ad(h_, plaintext, out)) {
        return false;
    }
    mix_hash(out);
    return true;
}

bool SymmetricState::decrypt_and_hash(std::span<const std::uint8_t> ciphertext,
                                      std::span<std::uint8_t> out) {
    // The next h covers the ciphertext, which in-place decryption is about to overwrite.
    crypto::Blake2s hasher;
    hasher.update(h_).update(ciphertext);
    const Hash next = hasher.final();
    if (!cipher_.decrypt_with_ad(h_, ciphertext, out)) {
        return false;
    }
    h_ = next;
    return true;
}

SplitKeys SymmetricState::split() const {
    SplitKeys keys;
    crypto::hkdf(ck_.bytes(), {}, keys.initiator_to_responder.bytes(),
                 keys.responder_to_initiator.bytes());
    return keys;
}

// ---- Noise_IKpsk2 ---------------------------------------------------------------------------

namespace ikpsk2 {
namespace {

// MixKey(DH(private_key, public_key)); false when the result is all zeros.
[[nodiscard]] bool mix_dh(SymmetricState& state, const PrivateKey& private_key,
                          const PublicKey& public_key) {
    Secret<kKeySize> shared;
    if (!crypto::x25519(shared, private_key, public_key)) {
        return false;
    }
    state.mix_key(shared.bytes());
    return true;
}

// The "e" token of a psk handshake: MixHash(e.pub), then MixKey(e.pub).
void mix_ephemeral(SymmetricState& state, const PublicKey& ephemeral) {
    state.mix_hash(ephemeral);
    state.mix_key(ephemeral);
}

// The "e" token of a received message: the peer's ephemeral public key, mixed in.
PublicKey read_ephemeral(SymmetricState& state, std::span<const std::uint8_t, kKeySize> ephemeral) {
    PublicKey key{};
    std::copy(ephemeral.begin(), ephemeral.end(), key.begin());
    mix_ephemeral(state, key);
    return key;
}

// Whether `payload_out` has room for exactly the plaintext of `encrypted_payload`; when it has
// not, it is wiped.
bool fits_payload(std::span<const std::uint8_t> encrypted_payload,
                  std::span<std::uint8_t> payload_out) {
    if (encrypted_payload.size() < kTagSize ||
        payload_out.size() != encrypted_payload.size() - kTagSize) {
        wipe(payload_out);
        return false;
    }
    return true;
}

// The frame both written messages share: on a copy of `state`, the "e" token, then the message's
// own tokens (`tokens`, false on failure), then the encrypted payload. Only when all of it works
// are the ephemeral public key written out and `state` advanced; the caller wipes the outputs
// when it does not.
template <typename Tokens>
[[nodiscard]] bool write_message(SymmetricState& state, const PrivateKey& ephemeral,
                                 std::span<const std::uint8_t> payload,
                                 std::span<std::uint8_t, kKeySize> ephemeral_out,
                                 std::span<std::uint8_t> payload_out, const Tokens& tokens) {
    SymmetricState next = state;
    const PublicKey ephemeral_public = crypto::public_key(ephemeral);
    mix_ephemeral(next, ephemeral_public);  // e
    if (!tokens(next) || !next.encrypt_and_hash(payload, payload_out)) {
        return false;
    }
    std::copy(ephemeral_public.begin(), ephemeral_public.end(), ephemeral_out.begin());
    state = next;
    return true;
}

}  // namespace

void initialize(SymmetricState& state, std::string_view protocol_name,
                std::span<const std::uint8_t> prologue, const PublicKey& responder_static) {
    state.initialize(protocol_name);
    state.mix_hash(prologue);
    state.mix_hash(responder_static);
}

bool write_message1(SymmetricState& state, const PrivateKey& initiator_ephemeral,
                    const PublicKey& initiator_static, const PublicKey& responder_static,
                    const Secret<kKeySize>& static_static, std::span<const std::uint8_t> payload,
                    std::span<std::uint8_t, kKeySize> ephemeral_out,
                    std::span<std::uint8_t, kEncryptedStaticSize> static_out,
                    std::span<std::uint8_t> payload_out) {
    const auto fail = [&] {
        wipe(ephemeral_out);
        wipe(static_out);
        wipe(payload_out);
        return false;
    };
    if (static_static.is_zero() || payload_out.size() != payload.size() + kTagSize) {
        return fail();
    }
    const auto tokens = [&](SymmetricState& next) {
        if (!mix_dh(next, initiator_ephemeral, responder_static) ||  // es
            !next.encrypt_and_hash(initiator_static, static_out)) {  // s
            return false;
        }
        next.mix_key(static_static.bytes());  // ss
        return true;
    };
    return write_message(state, initiator_ephemeral, payload, ephemeral_out, payload_out, tokens) ||
           fail();
}

std::optional<Message1> read_message1(
    SymmetricState& state, const PrivateKey& responder_static_private,
    std::span<const std::uint8_t, kKeySize> ephemeral,
    std::span<const std::uint8_t, kEncryptedStaticSize> encrypted_static,
    std::span<const std::uint8_t> encrypted_payload, const StaticStaticLookup& static_static_for,
    std::span<std::uint8_t> payload_out) {
    if (!fits_payload(encrypted_payload, payload_out)) {
        return std::nullopt;
    }
    SymmetricState next = state;
    Message1 message{};
    message.initiator_ephemeral = read_ephemeral(next, ephemeral);               // e
    if (!mix_dh(next, responder_static_private, message.initiator_ephemeral) ||  // es
        !next.decrypt_and_hash(encrypted_static, message.initiator_static)) {    // s
        wipe(payload_out);
        return std::nullopt;
    }
    const Secret<kKeySize>* static_static =
        static_static_for ? static_static_for(message.initiator_static) : nullptr;
    if (static_static == nullptr || static_static->is_zero()) {
        wipe(payload_out);
        return std::nullopt;
    }
    next.mix_key(static_static->bytes());  // ss
    if (!next.decrypt_and_hash(encrypted_payload, payload_out)) {
        return std::nullopt;  // decrypt_and_hash has zeroed payload_out
    }
    state = next;
    return message;
}

bool write_message2(SymmetricState& state, const PrivateKey& responder_ephemeral,
                    const PublicKey& initiator_ephemeral, const PublicKey& initiator_static,
                    const SymmetricKey& psk, std::span<const std::uint8_t> payload,
                    std::span<std::uint8_t, kKeySize> ephemeral_out,
                    std::span<std::uint8_t> payload_out) {
    const auto fail = [&] {
        wipe(ephemeral_out);
        wipe(payload_out);
        return false;
    };
    if (payload_out.size() != payload.size() + kTagSize) {
        return fail();
    }
    const auto tokens = [&](SymmetricState& next) {
        if (!mix_dh(next, responder_ephemeral, initiator_ephemeral) ||  // ee
            !mix_dh(next, responder_ephemeral, initiator_static)) {     // se
            return false;
        }
        next.mix_key_and_hash(psk.bytes());  // psk
        return true;
    };
    return write_message(state, responder_ephemeral, payload, ephemeral_out, payload_out, tokens) ||
           fail();
}

std::optional<PublicKey> read_message2(SymmetricState& state, const PrivateKey& initiator_ephemeral,
                                       const PrivateKey& initiator_static_private,
                                       const SymmetricKey& psk,
                                       std::span<const std::uint8_t, kKeySize> ephemeral,
                                       std::span<const std::uint8_t> encrypted_payload,
                                       std::span<std::uint8_t> payload_out) {
    if (!fits_payload(encrypted_payload, payload_out)) {
        return std::nullopt;
    }
    SymmetricState next = state;
    const PublicKey responder_ephemeral = read_ephemeral(next, ephemeral);  // e
    if (!mix_dh(next, initiator_ephemeral, responder_ephemeral) ||          // ee
        !mix_dh(next, initiator_static_private, responder_ephemeral)) {     // se
        wipe(payload_out);
        return std::nullopt;
    }
    next.mix_key_and_hash(psk.bytes());  // psk
    if (!next.decrypt_and_hash(encrypted_payload, payload_out)) {
        return std::nullopt;
    }
    state = next;
    return responder_ephemeral;
}

}  // namespace ikpsk2
}  // namespace noise

// ---- WireGuard ------------------------------------------------------------------------------

namespace {

// TAI64 labels count from 2^62, and TAI was 10 s ahead of UTC in 1970 (cr.yp.to/libtai/tai64).
constexpr std::uint64_t kTai64Epoch = 0x400000000000000aULL;
// Low 24 bits of the nanoseconds that wireguard-go and the Linux module clear.
constexpr std::uint32_t kTimestampWhitenerMask = (std::uint32_t{1} << 24U) - 1U;

// Ci and Hi after the construction, identifier and responder static (whitepaper 5.4.2).
noise::SymmetricState wireguard_state(const PublicKey& responder_static) {
    noise::SymmetricState state;
    noise::ikpsk2::initialize(state, kNoiseConstruction, as_bytes(kNoiseIdentifier),
                              responder_static);
    return state;
}

}  // namespace

Tai64n tai64n(std::chrono::system_clock::time_point t) {
    const auto since_epoch = t.time_since_epoch();
    const auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
    const auto nanoseconds =
        std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch - seconds).count();
    // Modular arithmetic makes times before 1970 come out right as well.
    const std::uint64_t label = kTai64Epoch + static_cast<std::uint64_t>(seconds.count());
    const std::uint32_t nanos = static_cast<std::uint32_t>(nanoseconds) & ~kTimestampWhitenerMask;
    Tai64n out;
    for (std::size_t i = 0; i < 8; ++i) {
        out.bytes[i] = static_cast<std::uint8_t>(label >> (8U * (7U - i)));
    }
    for (std::size_t i = 0; i < 4; ++i) {
        out.bytes[8 + i] = static_cast<std::uint8_t>(nanos >> (8U * (3U - i)));
    }
    return out;
}

LocalIdentity make_local_identity(const PrivateKey& private_key) {
    LocalIdentity identity;
    identity.private_key = private_key;
    if (!private_key.is_zero()) {
        identity.public_key = crypto::public_key(private_key);
    }
    return identity;
}

PeerSecrets make_peer_secrets(const LocalIdentity& local, const PublicKey& remote,
                              const SymmetricKey& preshared_key) {
    PeerSecrets peer;
    peer.remote_static = remote;
    peer.preshared_key = preshared_key;
    if (local.private_key.is_zero() ||
        !crypto::x25519(peer.static_static, local.private_key, remote)) {
        peer.static_static.wipe();
    }
    return peer;
}

std::optional<MessageInitiation> create_initiation(Handshake& handshake, const LocalIdentity& local,
                                                   const PeerSecrets& peer,
                                                   const PrivateKey& ephemeral,
                                                   std::uint32_t local_index, const Tai64n& now) {
    if (local.private_key.is_zero()) {
        return std::nullopt;
    }
    noise::SymmetricState state = wireguard_state(peer.remote_static);
    MessageInitiation message{};
    message.type.set(static_cast<std::uint32_t>(MessageType::initiation));
    message.sender.set(local_index);
    if (!noise::ikpsk2::write_message1(state, ephemeral, local.public_key, peer.remote_static,
                                       peer.static_static, now.bytes, message.ephemeral,
                                       message.encrypted_static, message.encrypted_timestamp)) {
        return std::nullopt;
    }
    handshake.state_ = Handshake::State::created_initiation;
    handshake.hash_ = state.hash();
    handshake.chaining_key_ = state.chaining_key();
    handshake.ephemeral_private_ = ephemeral;
    handshake.remote_ephemeral_.fill(0);
    handshake.local_index_ = local_index;
    handshake.remote_index_ = 0;
    return message;
}

std::optional<ConsumedInitiation> consume_initiation(const MessageInitiation& message,
                                                     const LocalIdentity& local,
                                                     const PeerLookup& lookup) {
    if (message.type.get() != static_cast<std::uint32_t>(MessageType::initiation) ||
        local.private_key.is_zero() || !lookup) {
        return std::nullopt;
    }
    noise::SymmetricState state = wireguard_state(local.public_key);
    const auto static_static_for =
        [&lookup](const PublicKey& initiator) -> const Secret<kKeySize>* {
        const PeerSecrets* peer = lookup(initiator);
        if (peer == nullptr || !crypto::equal(peer->remote_static, initiator)) {
            return nullptr;
        }
        return &peer->static_static;
    };
    Tai64n timestamp;
    const auto read = noise::ikpsk2::read_message1(
        state, local.private_key, message.ephemeral, message.encrypted_static,
        message.encrypted_timestamp, static_static_for, timestamp.bytes);
    if (!read) {
        return std::nullopt;
    }
    ConsumedInitiation consumed;
    consumed.remote_static = read->initiator_static;
    consumed.remote_ephemeral = read->initiator_ephemeral;
    consumed.remote_index = message.sender.get();
    consumed.timestamp = timestamp;
    consumed.chaining_key = state.chaining_key();
    consumed.hash = state.hash();
    return consumed;
}

bool accept_initiation(Handshake& handshake, ConsumedInitiation&& initiation) {
    const bool newer = initiation.timestamp > handshake.latest_timestamp_;
    if (newer) {
        handshake.state_ = Handshake::State::consumed_initiation;
        handshake.hash_ = initiation.hash;
        handshake.chaining_key_ = initiation.chaining_key;
        handshake.ephemeral_private_.wipe();
        handshake.remote_ephemeral_ = initiation.remote_ephemeral;
        handshake.remote_index_ = initiation.remote_index;
        handshake.latest_timestamp_ = initiation.timestamp;
    }
    initiation.chaining_key.wipe();
    wipe(initiation.hash);
    return newer;
}

std::optional<MessageResponse> create_response(Handshake& handshake, const PeerSecrets& peer,
                                               const PrivateKey& ephemeral,
                                               std::uint32_t local_index) {
    if (handshake.state_ != Handshake::State::consumed_initiation) {
        return std::nullopt;
    }
    auto state = noise::SymmetricState::resume(handshake.chaining_key_, handshake.hash_);
    MessageResponse message{};
    message.type.set(static_cast<std::uint32_t>(MessageType::response));
    message.sender.set(local_index);
    message.receiver.set(handshake.remote_index_);
    if (!noise::ikpsk2::write_message2(state, ephemeral, handshake.remote_ephemeral_,
                                       peer.remote_static, peer.preshared_key, {},
                                       message.ephemeral, message.encrypted_nothing)) {
        return std::nullopt;
    }
    handshake.state_ = Handshake::State::created_response;
    handshake.hash_ = state.hash();
    handshake.chaining_key_ = state.chaining_key();
    handshake.ephemeral_private_.wipe();
    handshake.local_index_ = local_index;
    return message;
}

bool consume_response(Handshake& handshake, const MessageResponse& message,
                      const LocalIdentity& local, const PeerSecrets& peer) {
    if (handshake.state_ != Handshake::State::created_initiation ||
        message.type.get() != static_cast<std::uint32_t>(MessageType::response) ||
        message.receiver.get() != handshake.local_index_ || local.private_key.is_zero()) {
        return false;
    }
    auto state = noise::SymmetricState::resume(handshake.chaining_key_, handshake.hash_);
    const auto responder_ephemeral = noise::ikpsk2::read_message2(
        state, handshake.ephemeral_private_, local.private_key, peer.preshared_key,
        message.ephemeral, message.encrypted_nothing, {});
    if (!responder_ephemeral) {
        return false;
    }
    handshake.state_ = Handshake::State::consumed_response;
    handshake.hash_ = state.hash();
    handshake.chaining_key_ = state.chaining_key();
    handshake.ephemeral_private_.wipe();
    handshake.remote_ephemeral_ = *responder_ephemeral;
    handshake.remote_index_ = message.sender.get();
    return true;
}

std::optional<SessionKeys> derive_session(Handshake& handshake) {
    bool initiator = false;
    if (handshake.state_ == Handshake::State::consumed_response) {
        initiator = true;
    } else if (handshake.state_ != Handshake::State::created_response) {
        return std::nullopt;
    }
    const noise::SplitKeys keys =
        noise::SymmetricState::resume(handshake.chaining_key_, handshake.hash_).split();
    SessionKeys session;
    session.sending = initiator ? keys.initiator_to_responder : keys.responder_to_initiator;
    session.receiving = initiator ? keys.responder_to_initiator : keys.initiator_to_responder;
    session.local_index = handshake.local_index_;
    session.remote_index = handshake.remote_index_;
    session.initiator = initiator;
    handshake.clear();
    return session;
}

void Handshake::clear() {
    state_ = State::zeroed;
    wipe(hash_);
    chaining_key_.wipe();
    ephemeral_private_.wipe();
    remote_ephemeral_.fill(0);
    local_index_ = 0;
    remote_index_ = 0;
}

}  // namespace tulle::core

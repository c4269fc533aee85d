// The Noise handshake as WireGuard uses it (whitepaper section 5.4, Noise specification revision
// 34, sections 5 and 9).
//
// Three layers, each built on the one before:
//   noise::CipherState / noise::SymmetricState   the generic Noise objects (ChaChaPoly, BLAKE2s);
//   noise::ikpsk2::*                               the two messages of Noise_IKpsk2, parameterised
//   by
//                                                  protocol name, prologue and payloads;
//   create_initiation() ... derive_session()       WireGuard's handshake on its wire structs.
// The WireGuard layer calls the IKpsk2 layer, so the published Noise test vectors exercise the same
// code that builds WireGuard messages.
//
// Everything here is pure: no I/O, no clock, no randomness. Callers pass the ephemeral private
// keys, the session indices and the timestamp. Every step that can fail leaves its inputs as they
// were and wipes what it derived.
#pragma once

#include <array>
#include <chrono>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>

#include "daemon/core/crypto.hpp"
#include "daemon/core/messages.hpp"

namespace tulle::core {

namespace noise {

// A Noise CipherState: an optional key and a 64-bit nonce counter, ChaCha20-Poly1305 with
// WireGuard's (and Noise's ChaChaPoly) nonce encoding.
class CipherState {
  public:
    CipherState() = default;
    explicit CipherState(const SymmetricKey& key) : key_(key), has_key_(true) {}

    [[nodiscard]] bool has_key() const { return has_key_; }
    [[nodiscard]] std::uint64_t nonce() const { return nonce_; }
    // Length of the ciphertext for a plaintext of plaintext_size bytes (no tag without a key).
    [[nodiscard]] std::size_t ciphertext_size(std::size_t plaintext_size) const {
        return has_key_ ? plaintext_size + kTagSize : plaintext_size;
    }

    // EncryptWithAd: out.size() must equal ciphertext_size(plaintext.size()); out may be the same
    // memory as plaintext. False when the nonce space is used up (n = 2^64 - 1 is reserved).
    [[nodiscard]] bool encrypt_with_ad(std::span<const std::uint8_t> ad,
                                       std::span<const std::uint8_t> plaintext,
                                       std::span<std::uint8_t> out);
    // DecryptWithAd: out.size() must equal the plaintext length. False, with out zeroed and the
    // nonce unchanged, when the tag does not verify or the sizes are wrong.
    [[nodiscard]] bool decrypt_with_ad(std::span<const std::uint8_t> ad,
                                       std::span<const std::uint8_t> ciphertext,
                                       std::span<std::uint8_t> out);

  private:
    SymmetricKey key_;
    bool has_key_ = false;
    std::uint64_t nonce_ = 0;
};

// The two transport keys from Split(): the first encrypts initiator-to-responder traffic.
struct SplitKeys {
    SymmetricKey initiator_to_responder;
    SymmetricKey responder_to_initiator;
};

// A Noise SymmetricState with HASH = BLAKE2s-256 and HKDF over HMAC-BLAKE2s.
class SymmetricState {
  public:
    // InitializeSymmetric: h = the name zero-padded when it fits in 32 bytes, else HASH(name);
    // ck = h; no cipher key.
    void initialize(std::string_view protocol_name);
    // Resumes between handshake messages from the (ck, h) pair that WireGuard keeps, with no
    // cipher key. That is enough for IKpsk2: each message begins with the "e" token, whose MixKey
    // replaces the key before anything is encrypted.
    [[nodiscard]] static SymmetricState resume(const Secret<kHashSize>& chaining_key,
                                               const Hash& hash);

    void mix_hash(std::span<const std::uint8_t> data);
    // (ck, k) = HKDF(ck, input, 2); the nonce restarts at 0.
    void mix_key(std::span<const std::uint8_t> input_key_material);
    // (ck, t, k) = HKDF(ck, input, 3); MixHash(t); the nonce restarts at 0 (the psk token).
    void mix_key_and_hash(std::span<const std::uint8_t> input_key_material);
    // Encrypts with ad = h, then MixHash(ciphertext). Sizes as CipherState::encrypt_with_ad.
    [[nodiscard]] bool encrypt_and_hash(std::span<const std::uint8_t> plaintext,
                                        std::span<std::uint8_t> out);
    // Decrypts with ad = h, then MixHash(ciphertext). out may be the same memory as ciphertext.
    // On failure the state is unchanged and out is zeroed.
    [[nodiscard]] bool decrypt_and_hash(std::span<const std::uint8_t> ciphertext,
                                        std::span<std::uint8_t> out);
    // (k1, k2) = HKDF(ck, empty, 2).
    [[nodiscard]] SplitKeys split() const;

    [[nodiscard]] const Hash& hash() const { return h_; }
    [[nodiscard]] const Secret<kHashSize>& chaining_key() const { return ck_; }
    [[nodiscard]] const CipherState& cipher() const { return cipher_; }
    [[nodiscard]] std::size_t ciphertext_size(std::size_t plaintext_size) const {
        return cipher_.ciphertext_size(plaintext_size);
    }

  private:
    Secret<kHashSize> ck_;
    Hash h_{};
    CipherState cipher_;
};

// Noise_IKpsk2 (Noise specification sections 7.5 and 9.4):
//   <- s
//   ...
//   -> e, es, s, ss
//   <- e, ee, se, psk
// In a psk handshake the "e" token also does MixKey(e.pub). Every function below either succeeds
// or leaves `state` unchanged, returns false/nullopt and zeroes the plaintext it was to return.
// A Diffie-Hellman result of all zeros (a low-order public key) is a failure.
namespace ikpsk2 {

inline constexpr std::size_t kEncryptedStaticSize = kKeySize + kTagSize;

// InitializeSymmetric(protocol_name), MixHash(prologue), MixHash(responder_static).
void initialize(SymmetricState& state, std::string_view protocol_name,
                std::span<const std::uint8_t> prologue, const PublicKey& responder_static);

// Initiator, message 1. static_static is DH(initiator static, responder static), precomputed by
// the caller; all zeros fails. payload_out holds payload.size() + 16 bytes.
[[nodiscard]] bool write_message1(
    SymmetricState& state, const PrivateKey& initiator_ephemeral, const PublicKey& initiator_static,
    const PublicKey& responder_static, const Secret<kKeySize>& static_static,
    std::span<const std::uint8_t> payload, std::span<std::uint8_t, kKeySize> ephemeral_out,
    std::span<std::uint8_t, kEncryptedStaticSize> static_out, std::span<std::uint8_t> payload_out);

struct Message1 {
    PublicKey initiator_ephemeral;
    PublicKey initiator_static;
};
// Maps the initiator's decrypted static key to DH(responder static, initiator static), or to
// nullptr when that initiator is not accepted.
using StaticStaticLookup = std::function<const Secret<kKeySize>*(const PublicKey&)>;

// Responder, message 1. payload_out holds encrypted_payload.size() - 16 bytes.
[[nodiscard]] std::optional<Message1> read_message1(
    SymmetricState& state, const PrivateKey& responder_static_private,
    std::span<const std::uint8_t, kKeySize> ephemeral,
    std::span<const std::uint8_t, kEncryptedStaticSize> encrypted_static,
    std::span<const std::uint8_t> encrypted_payload, const StaticStaticLookup& static_static_for,
    std::span<std::uint8_t> payload_out);

// Responder, message 2. payload_out holds payload.size() + 16 bytes.
[[nodiscard]] bool write_message2(SymmetricState& state, const PrivateKey& responder_ephemeral,
                                  const PublicKey& initiator_ephemeral,
                                  const PublicKey& initiator_static, const SymmetricKey& psk,
                                  std::span<const std::uint8_t> payload,
                                  std::span<std::uint8_t, kKeySize> ephemeral_out,
                                  std::span<std::uint8_t> payload_out);

// Initiator, message 2. Returns the responder's ephemeral public key.
[[nodiscard]] std::optional<PublicKey> read_message2(
    SymmetricState& state, const PrivateKey& initiator_ephemeral,
    const PrivateKey& initiator_static_private, const SymmetricKey& psk,
    std::span<const std::uint8_t, kKeySize> ephemeral,
    std::span<const std::uint8_t> encrypted_payload, std::span<std::uint8_t> payload_out);

}  // namespace ikpsk2
}  // namespace noise

// WireGuard's parameters (whitepaper 5.4).
inline constexpr std::string_view kNoiseConstruction = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
inline constexpr std::string_view kNoiseIdentifier = "WireGuard v1 zx2c4 Jason@zx2c4.com";

// A TAI64N label: 8 bytes of seconds (2^62 + 10 + Unix seconds) then 4 bytes of nanoseconds, both
// big endian, so byte-wise order is time order.
struct Tai64n {
    std::array<std::uint8_t, kTimestampLen> bytes{};
    friend std::strong_ordering operator<=>(const Tai64n& a, const Tai64n& b) {
        return a.bytes <=> b.bytes;
    }
    friend bool operator==(const Tai64n& a, const Tai64n& b) = default;
};

// The timestamp an initiation carries for wall-clock time t. Like wireguard-go and the Linux
// module, the nanoseconds are rounded down to a multiple of 2^24 ns (about 16.8 ms), the largest
// power of two below the 20 ms minimum gap between initiations: the label does not reveal the
// sender's clock more precisely than needed, yet two initiations that gap apart still get strictly
// increasing labels.
[[nodiscard]] Tai64n tai64n(std::chrono::system_clock::time_point t);

struct LocalIdentity {
    PrivateKey private_key;
    PublicKey public_key{};
};
// The identity for private_key (its public key computed). An all-zero private key means "no
// identity": handshakes then fail.
[[nodiscard]] LocalIdentity make_local_identity(const PrivateKey& private_key);

struct PeerSecrets {
    PublicKey remote_static{};
    SymmetricKey preshared_key;  // all zeros when none is configured
    // DH(local private, remote static), computed once per peer; all zeros (a low-order remote key)
    // makes every handshake with this peer fail.
    Secret<kKeySize> static_static;
};
[[nodiscard]] PeerSecrets make_peer_secrets(const LocalIdentity& local, const PublicKey& remote,
                                            const SymmetricKey& preshared_key);

class Handshake;

// What a responder learns from a valid initiation, before it decides to accept it.
struct ConsumedInitiation {
    PublicKey remote_static{};
    PublicKey remote_ephemeral{};
    std::uint32_t remote_index = 0;
    Tai64n timestamp;
    Secret<kHashSize> chaining_key;
    Hash hash{};
};

struct SessionKeys {
    SymmetricKey sending;
    SymmetricKey receiving;
    std::uint32_t local_index = 0;
    std::uint32_t remote_index = 0;
    bool initiator = false;
};

// Maps a decrypted initiator static key to that peer's secrets; nullptr for an unknown peer.
using PeerLookup = std::function<const PeerSecrets*(const PublicKey&)>;

// Initiator: fills type, sender, ephemeral, encrypted_static and encrypted_timestamp; mac1 and
// mac2 stay zero for the cookie module. Replaces whatever the handshake held (state ->
// created_initiation). nullopt, with the handshake unchanged, when the local identity is empty or
// the peer's static-static DH is zero.
[[nodiscard]] std::optional<MessageInitiation> create_initiation(
    Handshake& handshake, const LocalIdentity& local, const PeerSecrets& peer,
    const PrivateKey& ephemeral, std::uint32_t local_index, const Tai64n& now);

// Responder, step 1: authenticates the initiation and decrypts the initiator's static key and
// timestamp. Touches no handshake state. nullopt for a wrong type, a failed tag, a zero DH or an
// unknown peer.
[[nodiscard]] std::optional<ConsumedInitiation> consume_initiation(const MessageInitiation& message,
                                                                   const LocalIdentity& local,
                                                                   const PeerLookup& lookup);

// Responder, step 2, on the Handshake of the peer named by initiation.remote_static. Refuses
// (false, handshake unchanged) a timestamp not strictly newer than the newest this handshake has
// accepted: a replayed initiation. Otherwise stores it (state -> consumed_initiation), replacing
// any handshake in progress. Either way the secrets in `initiation` are wiped. The engine still
// applies its own flood limit (impl::kHandshakeInitiationRate) since that needs a clock.
[[nodiscard]] bool accept_initiation(Handshake& handshake, ConsumedInitiation&& initiation);

// Responder, step 3: requires consumed_initiation (state -> created_response). mac1/mac2 zero.
[[nodiscard]] std::optional<MessageResponse> create_response(Handshake& handshake,
                                                             const PeerSecrets& peer,
                                                             const PrivateKey& ephemeral,
                                                             std::uint32_t local_index);

// Initiator: requires created_initiation and message.receiver == the handshake's local index
// (state -> consumed_response). On failure the handshake is unchanged.
[[nodiscard]] bool consume_response(Handshake& handshake, const MessageResponse& message,
                                    const LocalIdentity& local, const PeerSecrets& peer);

// The transport keys (whitepaper 5.4.5), from consumed_response (initiator) or created_response
// (responder); clears the handshake. nullopt, handshake unchanged, in any other state.
[[nodiscard]] std::optional<SessionKeys> derive_session(Handshake& handshake);

// One peer's handshake in progress, like the kernel's noise_handshake.
class Handshake {
  public:
    enum class State {
        zeroed,
        created_initiation,
        consumed_initiation,
        created_response,
        consumed_response,
    };

    [[nodiscard]] State state() const { return state_; }
    [[nodiscard]] std::uint32_t local_index() const { return local_index_; }
    [[nodiscard]] std::uint32_t remote_index() const { return remote_index_; }
    [[nodiscard]] const Hash& hash() const { return hash_; }
    [[nodiscard]] const PublicKey& remote_ephemeral() const { return remote_ephemeral_; }
    // The newest initiation timestamp accepted from this peer.
    [[nodiscard]] const Tai64n& latest_timestamp() const { return latest_timestamp_; }

    // Forgets the handshake in progress: wipes the keys, hash and ephemeral, zeroes the indices and
    // returns to zeroed. Keeps latest_timestamp, which must outlive handshakes to stop replays.
    void clear();

  private:
    friend std::optional<MessageInitiation> create_initiation(Handshake&, const LocalIdentity&,
                                                              const PeerSecrets&, const PrivateKey&,
                                                              std::uint32_t, const Tai64n&);
    friend bool accept_initiation(Handshake&, ConsumedInitiation&&);
    friend std::optional<MessageResponse> create_response(Handshake&, const PeerSecrets&,
                                                          const PrivateKey&, std::uint32_t);
    friend bool consume_response(Handshake&, const MessageResponse&, const LocalIdentity&,
                                 const PeerSecrets&);
    friend std::optional<SessionKeys> derive_session(Handshake&);

    State state_ = State::zeroed;
    Hash hash_{};
    Secret<kHashSize> chaining_key_;
    PrivateKey ephemeral_private_;
    PublicKey remote_ephemeral_{};
    std::uint32_t local_index_ = 0;
    std::uint32_t remote_index_ = 0;
    Tai64n latest_timestamp_;
};

}  // namespace tulle::core

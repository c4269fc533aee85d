// The engine's own state: construction, configuration (keys, peers, endpoints, allowed IPs),
// sessions and the timers' tick. Sending is in send.cpp, receiving in receive.cpp.
#include "daemon/core/engine.hpp"

#include <cstring>
#include <string>

namespace tulle::core {
namespace {

std::array<std::uint8_t, kRatelimiterSeedSize> random_seed(Environment& env) {
    std::array<std::uint8_t, kRatelimiterSeedSize> seed{};
    env.random_bytes(seed);
    return seed;
}

}  // namespace

std::size_t Engine::KeyHash::operator()(const PublicKey& key) const noexcept {
    // Public keys are uniformly random to anyone who did not choose them, and peers are chosen
    // by the administrator: their first bytes hash well enough.
    std::size_t h = 0;
    std::memcpy(&h, key.data(), sizeof(h));
    return h;
}

Engine::Engine(Environment& environment, EngineConfig config)
    : env_(environment),
      config_(config),
      cookie_checker_(
          PublicKey{},
          [&environment](std::span<std::uint8_t> out) { environment.random_bytes(out); }),
      ratelimiter_(random_seed(environment)),
      scratch_(impl::kMaxMessageSize + kTransportOverhead) {}

Engine::~Engine() {
    remove_all_peers();
}

// ---------------------------------------------------------------------------------------------
// Configuration

void Engine::set_private_key(const std::optional<PrivateKey>& private_key) {
    if (private_key) {
        identity_ = make_local_identity(*private_key);
        has_identity_ = true;
        // A peer with our own public key would be talking to itself.
        remove_peer(identity_.public_key);
    } else {
        identity_ = LocalIdentity{};
        has_identity_ = false;
    }
    cookie_checker_.set_public_key(identity_.public_key);
    for (auto& [key, peer] : peers_) {
        const SymmetricKey psk = peer->secrets_.preshared_key;
        peer->secrets_ = make_peer_secrets(identity_, key, psk);
        clear_handshake(*peer);
        // A handshake sent under the old identity is void: the next one may go at once.
        peer->last_sent_handshake_.reset();
        // Sessions made with the old key must not carry new data; keep the old ones for
        // decrypting what is in flight.
        if (const auto& current = peer->keypairs_.current()) {
            current->sending_valid = false;
        }
        if (const auto& next = peer->keypairs_.next()) {
            next->sending_valid = false;
        }
    }
}

std::optional<PublicKey> Engine::public_key() const {
    if (!has_identity_) {
        return std::nullopt;
    }
    return identity_.public_key;
}

std::optional<PrivateKey> Engine::private_key() const {
    if (!has_identity_) {
        return std::nullopt;
    }
    return identity_.private_key;
}

value::Result<Peer*> Engine::add_peer(const PublicKey& public_key) {
    if (Peer* existing = find_peer(public_key)) {
        return existing;
    }
    if (peers_.size() >= config_.max_peers) {
        return value::fail("too many peers: an interface holds at most " +
                           std::to_string(config_.max_peers));
    }
    auto peer = std::make_unique<Peer>(identity_, public_key);
    Peer* added = peer.get();
    peers_.emplace(public_key, std::move(peer));
    return added;
}

bool Engine::remove_peer(const PublicKey& public_key) {
    auto it = peers_.find(public_key);
    if (it == peers_.end()) {
        return false;
    }
    Peer& peer = *it->second;
    peer.timers_.stop();
    allowed_ips_.remove_by_peer(&peer);
    clear_handshake(peer);
    clear_keypairs(peer);
    peers_.erase(it);
    return true;
}

void Engine::remove_all_peers() {
    while (!peers_.empty()) {
        remove_peer(peers_.begin()->first);
    }
}

Peer* Engine::find_peer(const PublicKey& public_key) {
    auto it = peers_.find(public_key);
    return it == peers_.end() ? nullptr : it->second.get();
}

const Peer* Engine::find_peer(const PublicKey& public_key) const {
    auto it = peers_.find(public_key);
    return it == peers_.end() ? nullptr : it->second.get();
}

void Engine::for_each_peer(const std::function<void(const Peer&)>& visit) const {
    for (const auto& [key, peer] : peers_) {
        visit(*peer);
    }
}

void Engine::set_preshared_key(Peer& peer, const SymmetricKey& preshared_key) {
    peer.secrets_.preshared_key = preshared_key;
}

void Engine::set_endpoint(Peer& peer, const std::optional<value::SocketAddress>& endpoint) {
    peer.endpoint_ = endpoint;
}

void Engine::set_persistent_keepalive(Peer& peer, std::chrono::seconds interval, TimePoint now,
                                      PacketSink& sink) {
    const bool was_off = peer.timers_.persistent_keepalive().count() == 0;
    peer.timers_.set_persistent_keepalive(interval);
    if (was_off && interval.count() > 0) {
        send_keepalive(peer, now, sink);
    }
}

void Engine::add_allowed_ip(Peer& peer, const value::IpPrefix& prefix) {
    allowed_ips_.insert(prefix.address().bytes(), static_cast<std::uint8_t>(prefix.length()),
                        &peer);
}

bool Engine::remove_allowed_ip(Peer& peer, const value::IpPrefix& prefix) {
    return allowed_ips_.remove(prefix.address().bytes(), static_cast<std::uint8_t>(prefix.length()),
                               &peer);
}

void Engine::clear_allowed_ips(Peer& peer) {
    allowed_ips_.remove_by_peer(&peer);
}

std::vector<value::IpPrefix> Engine::allowed_ips(const Peer& peer) const {
    return allowed_ips_.list(&peer);
}

Peer* Engine::route(std::span<const std::uint8_t> address) const {
    return allowed_ips_.lookup(address);
}

// ---------------------------------------------------------------------------------------------
// Sessions

void Engine::begin_session(Peer& peer, TimePoint now) {
    auto keys = derive_session(peer.handshake_);
    if (!keys) {
        return;
    }
    auto keypair = std::make_shared<Keypair>();
    keypair->sending = keys->sending;
    keypair->receiving = keys->receiving;
    keypair->local_index = keys->local_index;
    keypair->remote_index = keys->remote_index;
    keypair->initiator = keys->initiator;
    keypair->created = now;
    keypair->peer = &peer;
    indices_.promote(keypair->local_index, keypair.get());
    auto dropped = peer.keypairs_.install(std::move(keypair));
    forget_keypair(dropped.first);
    forget_keypair(dropped.second);
    peer.timers_.session_derived(now);
    ++counters_.sessions_established;
}

// ---------------------------------------------------------------------------------------------
// Timers and housekeeping

void Engine::tick(TimePoint now, PacketSink& sink) {
    for (auto& [key, peer_ptr] : peers_) {
        Peer& peer = *peer_ptr;
        const Timers::Due due = peer.timers_.expire(now);
        if (!due.any()) {
            continue;
        }
        if (due.retransmit_handshake) {
            send_initiation(peer, /*is_retry=*/true, now, sink);
        }
        if (due.give_up_handshake) {
            counters_.staged_dropped += peer.staged_.size();
            peer.staged_.clear();
        }
        if (due.send_keepalive || due.persistent_keepalive) {
            send_keepalive(peer, now, sink);
        }
        if (due.keepalive_again) {
            peer.timers_.keepalive_again(now);
        }
        if (due.new_handshake) {
            send_initiation(peer, /*is_retry=*/false, now, sink);
        }
        if (due.zero_key_material) {
            clear_handshake(peer);
            clear_keypairs(peer);
        }
    }
}

EngineSizes Engine::sizes() const {
    EngineSizes sizes;
    sizes.peers = peers_.size();
    sizes.allowed_ips = allowed_ips_.size();
    sizes.indices = indices_.size();
    sizes.ratelimiter_sources = ratelimiter_.size();
    for (const auto& [key, peer] : peers_) {
        const KeypairSlots& slots = peer->keypairs_;
        sizes.keypairs +=
            (slots.previous() ? 1U : 0U) + (slots.current() ? 1U : 0U) + (slots.next() ? 1U : 0U);
        sizes.handshakes += peer->handshake_.state() != Handshake::State::zeroed ? 1U : 0U;
        sizes.staged_packets += peer->staged_.size();
        sizes.timers_armed += peer->timers_.next_deadline() ? 1U : 0U;
    }
    sizes.scratch_bytes = scratch_.capacity() + open_jobs_.capacity() * sizeof(OpenJob);
    return sizes;
}

std::optional<TimePoint> Engine::next_deadline() const {
    std::optional<TimePoint> next;
    for (const auto& [key, peer] : peers_) {
        const auto deadline = peer->timers_.next_deadline();
        if (deadline && (!next || *deadline < *next)) {
            next = deadline;
        }
    }
    return next;
}

void Engine::clear_handshake(Peer& peer) {
    if (peer.handshake_.state() != Handshake::State::zeroed) {
        indices_.remove_handshake(peer.handshake_.local_index());
    }
    peer.handshake_.clear();
}

void Engine::clear_keypairs(Peer& peer) {
    for (const auto& keypair : peer.keypairs_.clear()) {
        forget_keypair(keypair);
    }
}

void Engine::forget_keypair(const KeypairPtr& keypair) {
    if (keypair) {
        indices_.remove(keypair->local_index);
        keypair->sending_valid = false;
        keypair->receiving_valid = false;
        keypair->peer = nullptr;
    }
}

Duration Engine::jitter() {
    std::array<std::uint8_t, 4> bytes{};
    env_.random_bytes(bytes);
    std::uint32_t value = 0;
    std::memcpy(&value, bytes.data(), bytes.size());
    const auto range =
        std::chrono::duration_cast<std::chrono::microseconds>(spec::kRekeyTimeoutJitterMax).count();
    return std::chrono::microseconds{value % static_cast<std::uint32_t>(range)};
}

std::uint32_t Engine::random_index() {
    std::array<std::uint8_t, 4> bytes{};
    env_.random_bytes(bytes);
    std::uint32_t value = 0;
    std::memcpy(&value, bytes.data(), bytes.size());
    return value;
}

PrivateKey Engine::new_ephemeral() {
    PrivateKey key;
    env_.random_bytes(key.bytes());
    crypto::clamp(key);
    return key;
}

}  // namespace tulle::core

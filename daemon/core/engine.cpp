#include "daemon/core/engine.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "daemon/core/messages.hpp"

namespace tulle::core {
namespace {

constexpr std::size_t kIpv4HeaderLen = 20;
constexpr std::size_t kIpv6HeaderLen = 40;

std::array<std::uint8_t, kRatelimiterSeedSize> random_seed(Environment& env) {
    std::array<std::uint8_t, kRatelimiterSeedSize> seed{};
    env.random_bytes(seed);
    return seed;
}

// The IP version of a packet whose header fits, or 0.
unsigned ip_version(std::span<const std::uint8_t> packet) {
    if (packet.empty()) {
        return 0;
    }
    const unsigned version = packet[0] >> 4U;
    if (version == 4 && packet.size() >= kIpv4HeaderLen) {
        return 4;
    }
    if (version == 6 && packet.size() >= kIpv6HeaderLen) {
        return 6;
    }
    return 0;
}

std::span<const std::uint8_t> destination_of(std::span<const std::uint8_t> packet) {
    switch (ip_version(packet)) {
        case 4:
            return packet.subspan(16, 4);
        case 6:
            return packet.subspan(24, 16);
        default:
            return {};
    }
}

std::span<const std::uint8_t> source_of(std::span<const std::uint8_t> packet) {
    switch (ip_version(packet)) {
        case 4:
            return packet.subspan(12, 4);
        case 6:
            return packet.subspan(8, 16);
        default:
            return {};
    }
}

// The length the IP header claims, when it is consistent with what arrived; else 0. Whatever
// follows it is padding.
std::size_t claimed_length(std::span<const std::uint8_t> packet) {
    std::size_t length = 0;
    switch (ip_version(packet)) {
        case 4:
            length = (std::size_t{packet[2]} << 8U) | packet[3];
            return length >= kIpv4HeaderLen && length <= packet.size() ? length : 0;
        case 6:
            length = kIpv6HeaderLen + ((std::size_t{packet[4]} << 8U) | packet[5]);
            return length <= packet.size() ? length : 0;
        default:
            return 0;
    }
}

template <typename T>
std::span<std::uint8_t> writable_bytes(T& message) {
    return {reinterpret_cast<std::uint8_t*>(&message), sizeof(T)};
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
// Sending

void Engine::send_packet(std::span<const std::uint8_t> packet, TimePoint now, PacketSink& sink) {
    const auto destination = destination_of(packet);
    if (destination.empty()) {
        ++counters_.invalid_packet;
        return;
    }
    Peer* peer = allowed_ips_.lookup(destination);
    if (peer == nullptr) {
        ++counters_.no_route;
        return;
    }
    // The common case: a session exists and nothing waits before this packet.
    const auto& current = peer->keypairs_.current();
    if (peer->staged_.empty() && current && current->can_send(now)) {
        encrypt_and_send(*peer, *current, packet, now, sink);
        keep_key_fresh_after_send(*peer, now, sink);
        return;
    }
    stage(*peer, packet);
    send_staged(*peer, now, sink);
}

void Engine::stage(Peer& peer, std::span<const std::uint8_t> packet) {
    if (peer.staged_.size() >= impl::kMaxStagedPackets) {
        peer.staged_.pop_front();
        ++counters_.staged_dropped;
    }
    peer.staged_.emplace_back(packet.begin(), packet.end());
}

void Engine::send_staged(Peer& peer, TimePoint now, PacketSink& sink) {
    if (peer.staged_.empty()) {
        return;
    }
    const KeypairPtr keypair = peer.keypairs_.current();
    while (!peer.staged_.empty()) {
        if (!keypair || !keypair->can_send(now)) {
            // No usable session: the packets wait, and a handshake gets one.
            send_initiation(peer, /*is_retry=*/false, now, sink);
            return;
        }
        encrypt_and_send(peer, *keypair, peer.staged_.front(), now, sink);
        peer.staged_.pop_front();
    }
    keep_key_fresh_after_send(peer, now, sink);
}

void Engine::send_keepalive(Peer& peer, TimePoint now, PacketSink& sink) {
    if (peer.staged_.empty()) {
        peer.staged_.emplace_back();  // an empty packet is a keepalive
    }
    send_staged(peer, now, sink);
}

void Engine::encrypt_and_send(Peer& peer, Keypair& keypair, std::span<const std::uint8_t> packet,
                              TimePoint now, PacketSink& sink) {
    if (!peer.endpoint_) {
        // Dropped before it takes a counter or starts a timer, as wireguard-go drops it ("no
        // known endpoint for peer").
        ++counters_.no_endpoint;
        return;
    }
    const std::size_t padded = padded_length(packet.size(), config_.mtu);
    const std::size_t total = sizeof(MessageTransportHeader) + padded + kAeadTagLen;
    if (total > scratch_.size()) {
        ++counters_.invalid_packet;
        return;
    }
    MessageTransportHeader header{};
    header.type.set(static_cast<std::uint32_t>(MessageType::transport));
    header.receiver.set(keypair.remote_index);
    header.counter.set(keypair.send_counter++);
    std::memcpy(scratch_.data(), &header, sizeof(header));
    std::uint8_t* body = scratch_.data() + sizeof(header);
    if (!packet.empty()) {
        std::memcpy(body, packet.data(), packet.size());
    }
    std::fill_n(body + packet.size(), padded - packet.size(), std::uint8_t{0});
    const std::span<std::uint8_t> datagram(scratch_.data(), total);
    if (sink.defers_sealing()) {
        sink.send_unsealed(*peer.endpoint_, keypair.shared_from_this(), datagram);
    } else {
        seal_transport(datagram, keypair);
        sink.send_datagram(*peer.endpoint_, datagram);
    }
    peer.stats_.tx_bytes += total;

    peer.timers_.any_authenticated_packet_traversal(now);
    peer.timers_.any_authenticated_packet_sent();
    if (packet.empty()) {
        ++counters_.keepalives_sent;
    } else {
        peer.timers_.data_sent(now, [this] { return jitter(); });
    }
}

void Engine::send_to_peer(Peer& peer, std::span<const std::uint8_t> datagram, PacketSink& sink) {
    if (!peer.endpoint_) {
        ++counters_.no_endpoint;
        return;
    }
    sink.send_datagram(*peer.endpoint_, datagram);
    peer.stats_.tx_bytes += datagram.size();
}

void Engine::keep_key_fresh_after_send(Peer& peer, TimePoint now, PacketSink& sink) {
    const auto& keypair = peer.keypairs_.current();
    if (keypair && keypair->sending_valid &&
        (keypair->send_counter > spec::kRekeyAfterMessages ||
         (keypair->initiator && keypair->older_than(spec::kRekeyAfterTime, now)))) {
        send_initiation(peer, /*is_retry=*/false, now, sink);
    }
}

void Engine::keep_key_fresh_after_receive(Peer& peer, TimePoint now, PacketSink& sink) {
    if (peer.sent_lastminute_handshake_) {
        return;
    }
    const auto& keypair = peer.keypairs_.current();
    if (keypair && keypair->sending_valid && keypair->initiator &&
        keypair->older_than(spec::kRekeyAfterTimeReceiving, now)) {
        peer.sent_lastminute_handshake_ = true;
        send_initiation(peer, /*is_retry=*/false, now, sink);
    }
}

void Engine::send_initiation(Peer& peer, bool is_retry, TimePoint now, PacketSink& sink) {
    if (!is_retry) {
        peer.timers_.handshake_started_afresh();
    }
    // At most one initiation per REKEY_TIMEOUT to a peer. Packets that wait for a session must
    // not wait for the next packet to come along, so a retry is then scheduled for when the
    // limit allows one (the kernel leaves them waiting).
    if (peer.last_sent_handshake_ && now - *peer.last_sent_handshake_ < spec::kRekeyTimeout) {
        if (!peer.staged_.empty() && !peer.timers_.retransmit_pending()) {
            peer.timers_.handshake_initiated(*peer.last_sent_handshake_, jitter());
        }
        return;
    }
    if (!has_identity_) {
        ++counters_.handshake_failed;
        return;
    }
    clear_handshake(peer);
    const std::uint32_t index = indices_.add_handshake(&peer, [this] { return random_index(); });
    const PrivateKey ephemeral = new_ephemeral();
    auto message = create_initiation(peer.handshake_, identity_, peer.secrets_, ephemeral, index,
                                     tai64n(env_.wall_now()));
    if (!message) {
        indices_.remove(index);
        ++counters_.handshake_failed;
        return;
    }
    peer.cookie_.add_macs(writable_bytes(*message), kInitiationMac1Offset, now);
    peer.timers_.any_authenticated_packet_traversal(now);
    peer.timers_.any_authenticated_packet_sent();
    peer.last_sent_handshake_ = now;
    send_to_peer(peer, bytes_of(*message), sink);
    ++counters_.handshake_initiations_sent;
    peer.timers_.handshake_initiated(now, jitter());
}

void Engine::send_response(Peer& peer, TimePoint now, PacketSink& sink) {
    const std::uint32_t index = indices_.add_handshake(&peer, [this] { return random_index(); });
    const PrivateKey ephemeral = new_ephemeral();
    auto message = create_response(peer.handshake_, peer.secrets_, ephemeral, index);
    if (!message) {
        indices_.remove(index);
        ++counters_.handshake_failed;
        return;
    }
    peer.cookie_.add_macs(writable_bytes(*message), kResponseMac1Offset, now);
    peer.timers_.any_authenticated_packet_traversal(now);
    peer.timers_.any_authenticated_packet_sent();
    begin_session(peer, now);
    send_to_peer(peer, bytes_of(*message), sink);
    ++counters_.handshake_responses_sent;
}

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
// Receiving

void seal_transport(std::span<std::uint8_t> datagram, const Keypair& keypair) {
    MessageTransportHeader header{};
    std::memcpy(&header, datagram.data(), sizeof(header));
    const auto body = datagram.subspan(sizeof(header));
    crypto::aead_seal(body, keypair.sending, header.counter.get(),
                      body.first(body.size() - kAeadTagLen), {});
}

void Engine::receive_datagram(const value::SocketAddress& from, std::span<std::uint8_t> datagram,
                              TimePoint now, PacketSink& sink) {
    const IncomingDatagram one{from, datagram};
    receive_batch({&one, 1}, now, sink, serial_);
}

void Engine::receive_batch(std::span<const IncomingDatagram> batch, TimePoint now, PacketSink& sink,
                           Parallel& parallel) {
    // The same result as taking the datagrams one by one, with decryption in parallel: transport
    // data is checked in order up to the point of decryption, and a handshake message first
    // finishes the data before it (a handshake may retire the keypair that data was sealed with,
    // or create the one the data after it needs). Handshakes are rare, so runs stay long.
    open_jobs_.clear();
    for (std::size_t i = 0; i < batch.size(); ++i) {
        const auto datagram = batch[i].bytes;
        const auto type = classify(datagram);
        if (!type) {
            ++counters_.invalid_message;
            continue;
        }
        if (*type != MessageType::transport) {
            open_and_finish(batch, now, sink, parallel);
            receive_handshake(*type, batch[i].from, datagram, now, sink);
            continue;
        }
        OpenJob job;
        job.index = i;
        if (prepare_transport(datagram, now, job)) {
            open_jobs_.push_back(std::move(job));
        }
    }
    open_and_finish(batch, now, sink, parallel);
}

void Engine::open_and_finish(std::span<const IncomingDatagram> batch, TimePoint now,
                             PacketSink& sink, Parallel& parallel) {
    if (open_jobs_.empty()) {
        return;
    }
    // The expensive part, in parallel: each job touches its own datagram and a keypair's keys.
    parallel.run(open_jobs_.size(), [this, batch](std::size_t j) {
        OpenJob& job = open_jobs_[j];
        job.opened = open_transport(batch[job.index].bytes, job);
    });
    // In order again: replay window, sessions, timers, delivery.
    for (auto& job : open_jobs_) {
        finish_transport(batch[job.index].from, batch[job.index].bytes, job, now, sink);
    }
    open_jobs_.clear();
}

void Engine::receive_handshake(MessageType type, const value::SocketAddress& from,
                               std::span<const std::uint8_t> datagram, TimePoint now,
                               PacketSink& sink) {
    switch (type) {
        case MessageType::initiation:
            receive_initiation(from, datagram, now, sink);
            break;
        case MessageType::response:
            receive_response(from, datagram, now, sink);
            break;
        case MessageType::cookie_reply:
            receive_cookie_reply(datagram, now);
            break;
        case MessageType::transport:
            break;
    }
}

void Engine::note_handshake(TimePoint now) {
    if (now - load_window_start_ >= std::chrono::seconds{1}) {
        load_window_start_ = now;
        load_window_count_ = 0;
    }
    if (++load_window_count_ >= config_.under_load_handshakes_per_second) {
        last_under_load_ = now;
    }
}

void Engine::report_handshake_backlog(std::size_t queued, TimePoint now) {
    if (queued >= config_.under_load_handshakes_per_second / 8) {
        last_under_load_ = now;
    }
}

bool Engine::under_load(TimePoint now) const {
    return last_under_load_ && now - *last_under_load_ < impl::kUnderLoadAfterTime;
}

bool Engine::admit_handshake(const value::SocketAddress& from,
                             std::span<const std::uint8_t> datagram, std::size_t mac1_offset,
                             std::uint32_t sender_index, TimePoint now, PacketSink& sink) {
    note_handshake(now);
    const bool load = under_load(now);
    std::array<std::uint8_t, 18> source_buffer{};
    const auto source = cookie_source(from, source_buffer);
    const MacState state = cookie_checker_.validate(datagram, mac1_offset, source, now, load);
    if (state == MacState::invalid) {
        ++counters_.invalid_mac;
        return false;
    }
    if (!load) {
        return true;
    }
    if (state != MacState::valid_mac1_and_mac2) {
        // Under load, only senders that proved their address get work done: send a cookie.
        std::array<std::uint8_t, kCookieNonceLen> nonce{};
        env_.random_bytes(nonce);
        const auto reply =
            cookie_checker_.make_reply(datagram, mac1_offset, sender_index, source, now, nonce);
        sink.send_datagram(from, bytes_of(reply));
        ++counters_.cookie_replies_sent;
        return false;
    }
    if (!ratelimiter_.allow(from.address.bytes(), now)) {
        ++counters_.ratelimited;
        return false;
    }
    return true;
}

void Engine::receive_initiation(const value::SocketAddress& from,
                                std::span<const std::uint8_t> datagram, TimePoint now,
                                PacketSink& sink) {
    const auto message = load_message<MessageInitiation>(datagram);
    if (!admit_handshake(from, datagram, kInitiationMac1Offset, message.sender.get(), now, sink)) {
        return;
    }
    if (!has_identity_) {
        ++counters_.handshake_failed;
        return;
    }
    auto consumed = consume_initiation(message, identity_, [this](const PublicKey& key) {
        const Peer* peer = find_peer(key);
        return peer == nullptr ? nullptr : &peer->secrets_;
    });
    if (!consumed) {
        ++counters_.handshake_failed;
        return;
    }
    Peer* peer = find_peer(consumed->remote_static);
    if (peer == nullptr) {
        ++counters_.handshake_failed;
        return;
    }
    // A peer's initiations are taken at most every kHandshakeInitiationRate (flood guard).
    if (peer->last_initiation_consumption_ &&
        now - *peer->last_initiation_consumption_ < impl::kHandshakeInitiationRate) {
        ++counters_.handshake_replayed;
        return;
    }
    const std::uint32_t abandoned = peer->handshake_.local_index();
    const bool had_own_initiation =
        peer->handshake_.state() == Handshake::State::created_initiation;
    if (!accept_initiation(peer->handshake_, std::move(*consumed))) {
        ++counters_.handshake_replayed;
        return;
    }
    if (had_own_initiation) {
        indices_.remove_handshake(abandoned);
    }
    peer->last_initiation_consumption_ = now;
    peer->endpoint_ = from;
    send_response(*peer, now, sink);
    peer->stats_.rx_bytes += datagram.size();
    peer->timers_.any_authenticated_packet_received();
    peer->timers_.any_authenticated_packet_traversal(now);
}

void Engine::receive_response(const value::SocketAddress& from,
                              std::span<const std::uint8_t> datagram, TimePoint now,
                              PacketSink& sink) {
    const auto message = load_message<MessageResponse>(datagram);
    if (!admit_handshake(from, datagram, kResponseMac1Offset, message.sender.get(), now, sink)) {
        return;
    }
    const IndexTable::Entry* entry = indices_.find(message.receiver.get());
    if (entry == nullptr || entry->keypair != nullptr) {
        ++counters_.unknown_receiver;
        return;
    }
    Peer& peer = *entry->peer;
    if (!has_identity_ || !consume_response(peer.handshake_, message, identity_, peer.secrets_)) {
        ++counters_.handshake_failed;
        return;
    }
    peer.endpoint_ = from;
    begin_session(peer, now);
    peer.timers_.handshake_complete();
    peer.sent_lastminute_handshake_ = false;
    peer.stats_.last_handshake = env_.wall_now();
    peer.stats_.rx_bytes += datagram.size();
    peer.timers_.any_authenticated_packet_received();
    peer.timers_.any_authenticated_packet_traversal(now);
    // Confirm the session to the responder at once: queued data, or a keepalive.
    send_keepalive(peer, now, sink);
}

void Engine::receive_cookie_reply(std::span<const std::uint8_t> datagram, TimePoint now) {
    const auto message = load_message<MessageCookieReply>(datagram);
    const IndexTable::Entry* entry = indices_.find(message.receiver.get());
    if (entry == nullptr) {
        ++counters_.unknown_receiver;
        return;
    }
    if (entry->peer->cookie_.consume_reply(message, now)) {
        ++counters_.cookie_replies_taken;
    } else {
        ++counters_.invalid_mac;
    }
}

bool Engine::prepare_transport(std::span<const std::uint8_t> datagram, TimePoint now,
                               OpenJob& job) {
    MessageTransportHeader header{};
    std::memcpy(&header, datagram.data(), sizeof(header));
    const IndexTable::Entry* entry = indices_.find(header.receiver.get());
    if (entry == nullptr || entry->keypair == nullptr) {
        ++counters_.unknown_receiver;
        return false;
    }
    if (!entry->keypair->can_receive(now)) {
        ++counters_.keypair_expired;
        return false;
    }
    job.counter = header.counter.get();
    if (job.counter >= spec::kRejectAfterMessages) {
        ++counters_.decrypt_failed;
        return false;
    }
    job.keypair = entry->keypair->shared_from_this();
    return true;
}

bool Engine::open_transport(std::span<std::uint8_t> datagram, const OpenJob& job) {
    const auto sealed = datagram.subspan(sizeof(MessageTransportHeader));
    const auto plaintext = sealed.first(sealed.size() - kAeadTagLen);
    return crypto::aead_open(plaintext, job.keypair->receiving, job.counter, sealed, {});
}

void Engine::finish_transport(const value::SocketAddress& from, std::span<std::uint8_t> datagram,
                              OpenJob& job, TimePoint now, PacketSink& sink) {
    Keypair& keypair = *job.keypair;
    if (!job.opened) {
        ++counters_.decrypt_failed;
        return;
    }
    // An earlier packet of the run may have retired this keypair (or removed its peer) meanwhile:
    // confirming a newer keypair drops the one before it.
    if (!keypair.receiving_valid || keypair.peer == nullptr) {
        ++counters_.keypair_expired;
        return;
    }
    if (!keypair.replay.check_and_update(job.counter)) {
        ++counters_.replayed;
        return;
    }
    Peer& peer = *keypair.peer;
    const auto plaintext =
        datagram.subspan(sizeof(MessageTransportHeader), datagram.size() - kTransportOverhead);
    // Authenticated: from here on the packet counts as the peer's.
    KeypairPtr dropped;
    if (peer.keypairs_.confirm(&keypair, dropped)) {
        forget_keypair(dropped);
        peer.timers_.handshake_complete();
        peer.sent_lastminute_handshake_ = false;
        peer.stats_.last_handshake = env_.wall_now();
        send_staged(peer, now, sink);
    }
    peer.endpoint_ = from;  // roaming: the peer is wherever its authenticated packets come from
    peer.stats_.rx_bytes += datagram.size();
    keep_key_fresh_after_receive(peer, now, sink);
    peer.timers_.any_authenticated_packet_received();
    peer.timers_.any_authenticated_packet_traversal(now);
    if (plaintext.empty()) {
        return;  // a keepalive
    }
    peer.timers_.data_received(now);
    const std::size_t length = claimed_length(plaintext);
    if (length == 0) {
        ++counters_.invalid_packet;
        return;
    }
    const auto packet = plaintext.first(length);
    if (allowed_ips_.lookup(source_of(packet)) != &peer) {
        ++counters_.source_not_allowed;
        return;
    }
    sink.deliver_packet(peer, packet);
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

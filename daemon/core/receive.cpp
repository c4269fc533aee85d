// The receiving half of the engine: datagrams from the UDP socket, in batches whose decryption
// runs in parallel; handshake admission under load (MACs, cookies, rate limits); transport data
// checked, replay-protected and delivered to the TUN device.
#include <cstring>

#include "daemon/core/engine.hpp"
#include "daemon/core/ip_header.hpp"
#include "daemon/core/messages.hpp"

namespace tulle::core {

void Engine::receive_datagram(const value::SocketAddress& from, std::span<std::uint8_t> datagram,
                              TimePoint now, PacketSink& sink) {
    const IncomingDatagram one{from, datagram};
    receive_batch({&one, 1}, now, sink, serial_);
    queue_drained();
}

void Engine::receive_batch(std::span<const IncomingDatagram> batch, TimePoint now, PacketSink& sink,
                           Parallel& parallel) {
    // The same result as taking the datagrams one by one, with decryption in parallel: transport
    // data is checked in order up to the point of decryption, and a handshake message first
    // finishes the data before it (a handshake may retire the keypair that data was sealed with,
    // or create the one the data after it needs). Handshakes are rare, so runs stay long.
    count_backlog(batch, now);
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

void Engine::count_backlog(std::span<const IncomingDatagram> batch, TimePoint now) {
    for (const auto& datagram : batch) {
        const auto type = classify(datagram.bytes);
        const bool counts = (type == MessageType::initiation &&
                             cookie_checker_.mac1_valid(datagram.bytes, kInitiationMac1Offset)) ||
                            (type == MessageType::response &&
                             cookie_checker_.mac1_valid(datagram.bytes, kResponseMac1Offset));
        handshake_backlog_ += counts ? 1 : 0;
    }
    if (handshake_backlog_ >= config_.under_load_backlog) {
        last_under_load_ = now;
    }
}

bool Engine::under_load(TimePoint now) const {
    return last_under_load_ && now - *last_under_load_ < impl::kUnderLoadAfterTime;
}

bool Engine::admit_handshake(const value::SocketAddress& from,
                             std::span<const std::uint8_t> datagram, std::size_t mac1_offset,
                             std::uint32_t sender_index, TimePoint now, PacketSink& sink) {
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
    const std::size_t length = ip_header::claimed_length(plaintext);
    if (length == 0) {
        ++counters_.invalid_packet;
        return;
    }
    const auto packet = plaintext.first(length);
    if (allowed_ips_.lookup(ip_header::source_of(packet)) != &peer) {
        ++counters_.source_not_allowed;
        return;
    }
    sink.deliver_packet(peer, packet);
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

}  // namespace tulle::core

// The sending half of the engine: packets from the TUN device to their peer, staged while no
// session exists; handshake initiations and responses; keepalives.
#include <algorithm>
#include <cstring>

#include "daemon/core/engine.hpp"
#include "daemon/core/ip_header.hpp"
#include "daemon/core/messages.hpp"

namespace tulle::core {
namespace {

template <typename T>
std::span<std::uint8_t> writable_bytes(T& message) {
    return {reinterpret_cast<std::uint8_t*>(&message), sizeof(T)};
}

}  // namespace

void seal_transport(std::span<std::uint8_t> datagram, const Keypair& keypair) {
    MessageTransportHeader header{};
    std::memcpy(&header, datagram.data(), sizeof(header));
    const auto body = datagram.subspan(sizeof(header));
    crypto::aead_seal(body, keypair.sending, header.counter.get(),
                      body.first(body.size() - kAeadTagLen), {});
}

void Engine::send_packet(std::span<const std::uint8_t> packet, TimePoint now, PacketSink& sink) {
    const auto destination = ip_header::destination_of(packet);
    if (destination.empty()) {
        ++counters_.invalid_packet;
        return;
    }
    Peer* peer = allowed_ips_.lookup(destination);
    if (peer == nullptr) {
        ++counters_.no_route;
        sink.no_route(packet);
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

// The steps both handshake messages share: a fresh index for the peer's handshake, a fresh
// ephemeral key, the message `create` makes of them, its MACs, and the timers told a packet goes
// out. None when the message cannot be made: the index is given back and the failure counted.
template <typename Create>
auto Engine::make_handshake_message(Peer& peer, TimePoint now, std::size_t mac1_offset,
                                    const Create& create) {
    const std::uint32_t index = indices_.add_handshake(&peer, [this] { return random_index(); });
    const PrivateKey ephemeral = new_ephemeral();
    auto message = create(ephemeral, index);
    if (!message) {
        indices_.remove(index);
        ++counters_.handshake_failed;
        return message;
    }
    peer.cookie_.add_macs(writable_bytes(*message), mac1_offset, now);
    peer.timers_.any_authenticated_packet_traversal(now);
    peer.timers_.any_authenticated_packet_sent();
    return message;
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
    const auto message = make_handshake_message(
        peer, now, kInitiationMac1Offset, [&](const PrivateKey& ephemeral, std::uint32_t index) {
            return create_initiation(peer.handshake_, identity_, peer.secrets_, ephemeral, index,
                                     tai64n(env_.wall_now()));
        });
    if (!message) {
        return;
    }
    peer.last_sent_handshake_ = now;
    send_to_peer(peer, bytes_of(*message), sink);
    ++counters_.handshake_initiations_sent;
    peer.timers_.handshake_initiated(now, jitter());
}

void Engine::send_response(Peer& peer, TimePoint now, PacketSink& sink) {
    const auto message = make_handshake_message(
        peer, now, kResponseMac1Offset, [&](const PrivateKey& ephemeral, std::uint32_t index) {
            return create_response(peer.handshake_, peer.secrets_, ephemeral, index);
        });
    if (!message) {
        return;
    }
    begin_session(peer, now);
    send_to_peer(peer, bytes_of(*message), sink);
    ++counters_.handshake_responses_sent;
}

}  // namespace tulle::core

// A member's paths to the other members: disco pings on the WireGuard socket to find a direct
// (or LAN) path, the lighthouse's relay while there is none, and the switch between them. A
// switch changes only the endpoint the engine sends to, so the WireGuard session carries on.
#include <algorithm>
#include <array>

#include <boost/asio/post.hpp>

#include "daemon/mesh_network.hpp"
#include "mesh/disco.hpp"

namespace tulle::daemon {
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// When a punch round pings every candidate, from its start (as MESH.md suggests).
constexpr std::array<std::chrono::milliseconds, 6> kPunchSchedule{0ms,   100ms,  300ms,
                                                                  700ms, 1500ms, 3100ms};
constexpr auto kHeartbeat = 2s;        // a ping on the path in use, while a session lives
constexpr auto kDoubtAfter = 1s;       // a heartbeat unanswered this long: send on both paths
constexpr auto kDoubtPing = 500ms;     // while in doubt, a ping this often: a pong ends it
constexpr auto kHeardFor = 1s;         // traffic that came on the path this recently keeps it
constexpr auto kDirectDeadAfter = 4s;  // heartbeats unanswered this long: the relay takes over
constexpr auto kQuietProbe = 1s;       // traffic leaves and none comes back: a heartbeat at once
constexpr auto kOverlap = 1s;          // after a switch from the relay, it gets copies this long
constexpr auto kTick = 250ms;          // the paths' timer while one is direct, none punching
constexpr auto kRetryDirect = 10s;     // on the relay: another punch round this often
constexpr auto kPingForgottenAfter = 5s;
constexpr auto kSessionLive = 180s;      // a handshake this recent: heartbeats are worth it
constexpr std::size_t kMaxPings = 64;    // outstanding per peer
constexpr std::size_t kMaxDisco = 256;   // datagrams waiting to be handled
constexpr std::size_t kSeenPings = 256;  // transaction ids kept per peer against replays

}  // namespace

void MeshNetwork::disco(const value::SocketAddress& from, std::span<const std::uint8_t> datagram) {
    if (is_lighthouse() || datagram.size() > mesh::kMaxDiscoDatagram ||
        disco_in_.size() >= kMaxDisco) {
        count_dropped_disco();
        return;
    }
    disco_in_.push_back(Outer{from, std::vector<std::uint8_t>(datagram.begin(), datagram.end())});
    if (disco_posted_) {
        return;
    }
    disco_posted_ = true;
    asio::post(host_.io, [this, alive = std::weak_ptr<int>(alive_)] {
        if (alive.expired()) {
            return;
        }
        disco_posted_ = false;
        std::deque<Outer> batch;
        batch.swap(disco_in_);
        for (const auto& datagram : batch) {
            handle_disco(datagram);
        }
    });
}

void MeshNetwork::count_dropped_disco() {
    if (Tunnel* running = tunnel()) {
        running->device().count_disco_dropped();
    }
}

MeshNetwork::Path* MeshNetwork::path_of_key(const value::Key& key) {
    const auto found = paths_.find(key);
    return found == paths_.end() ? nullptr : &found->second;
}

void MeshNetwork::handle_disco(const Outer& in) {
    const auto sender = mesh::disco_sender(in.datagram);
    Path* path = sender ? path_of_key(*sender) : nullptr;
    const auto message = path != nullptr && path->box ? path->box->open(in.datagram) : std::nullopt;
    if (!message) {
        // Not a member this node knows, or not sealed by it: nobody else can make a path.
        count_dropped_disco();
        return;
    }
    const auto now = Clock::now();
    if (message->type == mesh::DiscoType::ping) {
        // A ping seen before is a replay (disco keeps no other state): it would make this node
        // answer and ping wherever the copy claims to come from.
        if (std::find(path->seen.begin(), path->seen.end(), message->txid) != path->seen.end()) {
            count_dropped_disco();
            return;
        }
        path->seen.push_back(message->txid);
        if (path->seen.size() > kSeenPings) {
            path->seen.pop_front();
        }
        send_disco(*path, in.from,
                   mesh::DiscoMessage{mesh::DiscoType::pong, message->txid, in.from});
        // Ping back on the address the ping came from, so that both NATs open for the pair.
        // On a direct path, one ping back is enough to find out whether this one is better (a
        // LAN path); a whole punch round for each such ping would only add chatter.
        if (!on_direct(*path) || path->current.endpoint != in.from) {
            add_candidate(*path, in.from);
            send_ping(*path, in.from, now);
            if (!path->punching && !on_direct(*path)) {
                start_punch(*path, now);
            }
        }
        return;
    }
    const auto pinged = path->pings.find(message->txid);
    if (pinged == path->pings.end() || pinged->second.to != in.from) {
        count_dropped_disco();  // a pong for no ping of ours, or from elsewhere
        return;
    }
    path->pings.erase(pinged);
    confirm(*path, in.from, now);
}

bool MeshNetwork::direct_dead(const Path& path, Clock::time_point now) {
    return path.unanswered_since && now - *path.unanswered_since > kDirectDeadAfter;
}

bool MeshNetwork::in_doubt(const Path& path, Clock::time_point now) {
    return path.unanswered_since && now - *path.unanswered_since > kDoubtAfter;
}

void MeshNetwork::heard(Path& path, Clock::time_point now) {
    path.unanswered_since.reset();
    path.last_heard = now;
}

bool MeshNetwork::on_direct(const Path& path) {
    return path.current.kind == ipc::PathKind::direct || path.current.kind == ipc::PathKind::lan;
}

void MeshNetwork::add_candidate(Path& path, const value::SocketAddress& address) {
    if (std::find(path.candidates.begin(), path.candidates.end(), address) ==
            path.candidates.end() &&
        path.candidates.size() < 2 * mesh::kMaxCandidates) {
        path.candidates.push_back(address);
    }
}

void MeshNetwork::confirm(Path& path, const value::SocketAddress& address, Clock::time_point now) {
    const bool lan = std::find(path.lan.begin(), path.lan.end(), address) != path.lan.end() &&
                     path.observed != address;
    const ipc::PathKind kind = lan ? ipc::PathKind::lan : ipc::PathKind::direct;
    if (on_direct(path) && path.current.endpoint == address) {
        heard(path, now);
        return;
    }
    // Better than what is in use: any direct path over the relay, the LAN over the internet.
    // Between two direct paths of the same kind the one in use stays (hysteresis).
    const bool better = !on_direct(path) || (lan && path.current.kind == ipc::PathKind::direct) ||
                        in_doubt(path, now);
    if (!better) {
        return;
    }
    if (path.current.kind == ipc::PathKind::relay) {
        // The other side may not have this path yet: for a moment, copies still go the old way.
        path.overlap_until = now + kOverlap;
    }
    heard(path, now);
    path.next_heartbeat = now + kHeartbeat;
    ipc::PeerPath to;
    to.kind = kind;
    to.endpoint = address;
    switch_path(path, to,
                lan ? "a pong came back on the local network" : "a pong came back directly");
}

void MeshNetwork::switch_path(Path& path, const ipc::PeerPath& to, const std::string& reason) {
    Tunnel* running = tunnel();
    if (running == nullptr || to == path.current) {
        return;
    }
    const auto key = path.key.bytes();
    if (to.kind == ipc::PathKind::relay) {
        if (!path.relay) {
            return;
        }
        (void)running->device().set_peer_endpoint(key, relay_endpoint(path.relay->channel));
    } else if (to.endpoint) {
        (void)running->device().set_peer_endpoint(key, *to.endpoint);
    }
    const ipc::PeerPath from = path.current;
    path.current = to;
    update_shadow(path, Clock::now());
    log_->info("network {}: peer {} path {} -> {} ({})", state_.name, path.name, describe(from),
               describe(to), reason);
    if (host_.path_changed) {
        host_.path_changed(ipc::PathChanged{state_.name, path.key, path.name, from, to,
                                            reason.substr(0, ipc::kMaxPathReasonBytes)});
    }
}

std::string MeshNetwork::describe(const ipc::PeerPath& path) {
    std::string text(ipc::to_string(path.kind));
    if (path.kind == ipc::PathKind::relay) {
        return text + " via " + path.via;
    }
    if (path.endpoint) {
        text += " " + path.endpoint->to_string();
    }
    return text;
}

void MeshNetwork::send_disco(Path& path, const value::SocketAddress& to,
                             const mesh::DiscoMessage& message) {
    Tunnel* running = tunnel();
    if (running == nullptr || !state_.certificate || !path.box) {
        return;
    }
    const auto datagram = path.box->seal(state_.certificate->public_key, message);
    if (!datagram.empty()) {
        running->device().send_outer(to, datagram);
    }
}

void MeshNetwork::send_ping(Path& path, const value::SocketAddress& to, Clock::time_point now) {
    std::erase_if(path.pings, [now](const auto& entry) {
        return entry.second.sent + kPingForgottenAfter < now;
    });
    if (path.pings.size() >= kMaxPings) {
        return;
    }
    const mesh::TxId txid = mesh::new_txid();
    path.pings[txid] = Ping{to, now};
    send_disco(path, to, mesh::DiscoMessage{mesh::DiscoType::ping, txid, std::nullopt});
}

void MeshNetwork::start_punch(Path& path, Clock::time_point now) {
    path.punching = true;
    path.punch_started = now;
    path.punch_step = 0;
    arm_paths(now);
}

void MeshNetwork::track_path(const mesh::Certificate& certificate,
                             const std::optional<value::SocketAddress>& observed,
                             const std::vector<value::SocketAddress>& candidates) {
    if (is_lighthouse() || certificate.public_key == lighthouse_key()) {
        return;
    }
    Path& path = paths_.try_emplace(certificate.public_key).first->second;
    path.key = certificate.public_key;
    path.name = certificate.name;
    if (!path.box) {
        path.box = std::make_unique<mesh::DiscoBox>(state_.private_key, certificate.public_key);
    }
    path.observed = observed;
    path.lan = candidates;
    path.candidates.clear();
    if (observed) {
        add_candidate(path, *observed);
    }
    for (const auto& candidate : candidates) {
        add_candidate(path, candidate);
    }
    if (const auto offer = relay_offers_.find(certificate.public_key);
        offer != relay_offers_.end()) {
        use_relay(path, offer->second);
    }
    start_punch(path, Clock::now());
}

void MeshNetwork::use_relay(Path& path, const mesh::RelayOffer& offer) {
    Tunnel* running = tunnel();
    const auto lighthouse = endpoint_of(lighthouse_key());
    if (running == nullptr || !lighthouse) {
        return;
    }
    if (path.relay && path.relay->channel != offer.channel) {
        retire_relay_route(path.relay->channel);  // frames on their way still arrive
    }
    path.relay = offer;
    running->device().set_relay_route(RelayRoute{*lighthouse, offer.channel, offer.token});
    if (path.shadowed) {
        running->device().set_shadow(*path.shadowed, relay_endpoint(offer.channel));
    }
    if (path.current.kind == ipc::PathKind::relay) {
        // A new channel (the lighthouse restarted): the engine sends to its endpoint from now on.
        (void)running->device().set_peer_endpoint(path.key.bytes(), relay_endpoint(offer.channel));
    } else if (path.current.kind == ipc::PathKind::none) {
        switch_path(path, relay_path(), "the first packets go through the relay while punching");
    }
}

void MeshNetwork::on_relay_offer(const mesh::RelayOffer& offer) {
    if (offer.expires <= host_.now()) {
        ++ignored_;  // over already (a clock far off, or an old datagram)
        return;
    }
    renew_asked_.erase(offer.peer);
    retired_routes_.erase(offer.channel);  // offered again: its route stays
    if (offer.peer == lighthouse_key() || relay_offers_.size() >= kMaxHeld * 16) {
        return;
    }
    relay_offers_[offer.peer] = offer;
    if (Path* path = path_of_key(offer.peer)) {
        use_relay(*path, offer);
    }
}

void MeshNetwork::arm_paths(Clock::time_point now) {
    const bool punching = std::any_of(paths_.begin(), paths_.end(),
                                      [](const auto& entry) { return entry.second.punching; });
    const bool watching = std::any_of(paths_.begin(), paths_.end(),
                                      [](const auto& entry) { return on_direct(entry.second); });
    const auto at = now + (punching   ? Clock::duration(std::chrono::milliseconds(50))
                           : watching ? Clock::duration(kTick)
                                      : Clock::duration(std::chrono::milliseconds(500)));
    if (paths_armed_ && paths_at_ <= at) {
        return;
    }
    paths_armed_ = true;
    paths_at_ = at;
    path_timer_.expires_at(at);
    path_timer_.async_wait([this, alive = std::weak_ptr<int>(alive_)](const auto& error) {
        if (error || alive.expired()) {
            return;
        }
        paths_armed_ = false;
        if (running_) {
            paths_tick(Clock::now());
        }
    });
}

void MeshNetwork::paths_tick(Clock::time_point now) {
    Tunnel* running = tunnel();
    if (running == nullptr || paths_.empty()) {
        return;
    }
    for (auto& [key, path] : paths_) {
        if (path.punching) {
            while (path.punch_step < kPunchSchedule.size() &&
                   now >= path.punch_started + kPunchSchedule.at(path.punch_step)) {
                for (const auto& candidate : path.candidates) {
                    send_ping(path, candidate, now);
                }
                ++path.punch_step;
            }
            path.punching = path.punch_step < kPunchSchedule.size();
        }
        const core::Peer* peer = running->device().engine().find_peer(key.bytes());
        if (on_direct(path)) {
            check_direct(path, peer, now);  // before keep_endpoint: it reads where traffic came
        } else if (path.current.kind == ipc::PathKind::none && path.relay) {
            switch_path(path, relay_path(), "no direct path yet");
        } else if (!path.punching && now >= path.next_retry) {
            path.next_retry = now + kRetryDirect;
            start_punch(path, now);
        }
        keep_endpoint(path, peer != nullptr ? peer->endpoint() : std::nullopt);
        update_shadow(path, now);
    }
    arm_paths(now);
}

void MeshNetwork::check_direct(Path& path, const core::Peer* peer, Clock::time_point now) {
    const core::PeerStats stats = peer != nullptr ? peer->stats() : core::PeerStats{};
    const bool live = stats.last_handshake &&
                      std::chrono::system_clock::now() - *stats.last_handshake < kSessionLive;
    if (!live) {
        // No session to watch: no heartbeats, so no doubt either (it would outlive the session
        // and condemn the path at once when the next one starts).
        path.unanswered_since.reset();
        return;
    }
    // Authenticated traffic that came on the path in use proves it works from the peer to here
    // (the engine's endpoint is where the newest packet came from; keep_endpoint puts it back each
    // tick). It keeps the path from being judged dead, but only a pong ends a doubt: the way from
    // here to the peer may be the one that broke.
    if (stats.rx_bytes != path.rx_seen && peer->endpoint() == path.current.endpoint) {
        path.last_heard = now;
    }
    const bool sending = stats.tx_bytes != path.tx_seen;
    path.rx_seen = stats.rx_bytes;
    path.tx_seen = stats.tx_bytes;
    if (sending && !path.unanswered_since && now - path.last_heard > kQuietProbe) {
        // Traffic leaves and nothing has come back for a while: ask now rather than at the next
        // heartbeat, so that a dead path is known as soon as it matters.
        path.next_heartbeat = now;
    }
    if (in_doubt(path, now) && path.next_heartbeat > now + kDoubtPing) {
        path.next_heartbeat = now;  // the doubt starts: ask again at once
    }
    if (in_doubt(path, now) && !path.shadowed && path.relay) {
        log_->info("network {}: peer {}: no answer on {} for 1 s; sending on the relay too",
                   state_.name, path.name, describe(path.current));
    }
    if (now >= path.next_heartbeat && path.current.endpoint) {
        send_ping(path, *path.current.endpoint, now);
        if (!path.unanswered_since) {
            path.unanswered_since = now;  // answered: reset by the pong
        }
        // In doubt, ask again soon: one lost pong must not keep the copies going for long.
        path.next_heartbeat =
            now + (in_doubt(path, now) ? Clock::duration(kDoubtPing) : Clock::duration(kHeartbeat));
    }
    if (direct_dead(path, now) && now - path.last_heard > kHeardFor) {
        path.unanswered_since.reset();
        path.next_retry = now + kRetryDirect;
        if (path.relay) {
            switch_path(path, relay_path(), "no answer on the direct path for 4 s");
        } else {
            switch_path(path, ipc::PeerPath{}, "no answer on the direct path for 4 s");
            start_punch(path, now);
        }
    }
}

void MeshNetwork::update_shadow(Path& path, Clock::time_point now) {
    Tunnel* running = tunnel();
    if (running == nullptr) {
        return;
    }
    // While the path in use is unconfirmed (a heartbeat unanswered, or just taken over from the
    // relay), every WireGuard message to it goes on the relay too: the receiver's replay window
    // drops the second copy, and nothing is lost while the doubt lasts.
    std::optional<value::SocketAddress> want;
    if (on_direct(path) && path.relay && path.current.endpoint &&
        (in_doubt(path, now) || now < path.overlap_until)) {
        want = path.current.endpoint;
    }
    if (want == path.shadowed) {
        return;
    }
    if (path.shadowed) {
        running->device().clear_shadow(*path.shadowed);
    }
    if (want) {
        running->device().set_shadow(*want, relay_endpoint(path.relay->channel));
    }
    path.shadowed = want;
}

void MeshNetwork::keep_endpoint(Path& path, const std::optional<value::SocketAddress>& now_at) {
    // WireGuard's roaming moves the endpoint to wherever the last authenticated packet came
    // from; the path this node chose (from its own pings) is where it sends.
    std::optional<value::SocketAddress> chosen;
    if (path.current.kind == ipc::PathKind::relay && path.relay) {
        chosen = relay_endpoint(path.relay->channel);
    } else if (on_direct(path)) {
        chosen = path.current.endpoint;
    }
    Tunnel* running = tunnel();
    if (chosen && chosen != now_at && running != nullptr) {
        (void)running->device().set_peer_endpoint(path.key.bytes(), *chosen);
    }
}

void MeshNetwork::ask_about_member(const mesh::KnownPeer& known) {
    if (!known.certificate.addresses.empty()) {
        send_to_lighthouse(mesh::Query{known.certificate.addresses.front().address()});
    }
}

void MeshNetwork::requery_paths() {
    for (const auto& known : state_.peers) {
        ask_about_member(known);
    }
}

void MeshNetwork::network_changed() {
    // A new address or route here: the paths in use may be gone, and better ones may exist.
    const auto now = Clock::now();
    for (auto& [key, path] : paths_) {
        start_punch(path, now);
    }
}

std::optional<ipc::PeerPath> MeshNetwork::path_for(const value::Key& key) const {
    const auto found = paths_.find(key);
    if (found == paths_.end() || found->second.current.kind == ipc::PathKind::none) {
        return std::nullopt;
    }
    return found->second.current;
}

ipc::PeerPath MeshNetwork::relay_path() const {
    ipc::PeerPath relay;
    relay.kind = ipc::PathKind::relay;
    relay.via = lighthouse_name();
    relay.endpoint = endpoint_of(lighthouse_key());  // where the frames go
    return relay;
}

std::string MeshNetwork::lighthouse_name() const {
    if (state_.lighthouse) {
        return state_.lighthouse->name;
    }
    return "lighthouse";
}

}  // namespace tulle::daemon

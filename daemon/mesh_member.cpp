// MeshNetwork's member half: redeeming the invite, registering, installing peers for other
// members on demand, the member list and revocations.
#include <algorithm>

#include "daemon/mesh_network.hpp"
#include "daemon/tunnel_config.hpp"
#include "daemon/uapi.hpp"

namespace tulle::daemon {

std::optional<value::SocketAddress> MeshNetwork::lighthouse_control() const {
    if (state_.lighthouse && !state_.lighthouse->addresses.empty()) {
        return value::SocketAddress{state_.lighthouse->addresses.front().address(),
                                    mesh::kControlPort};
    }
    if (state_.joining) {
        return value::SocketAddress{state_.joining->lighthouse_address, mesh::kControlPort};
    }
    return std::nullopt;
}

value::Key MeshNetwork::lighthouse_key() const {
    if (state_.lighthouse) {
        return state_.lighthouse->public_key;
    }
    return state_.joining ? state_.joining->lighthouse_key : value::Key{};
}

void MeshNetwork::send_to_lighthouse(const mesh::ControlMessage& message) {
    if (auto to = lighthouse_control()) {
        send(*to, message);
    }
}

void MeshNetwork::member_receive(const Inbound& in, const mesh::ControlMessage& message) {
    // Only the lighthouse tells a member anything (a member describes only itself, to it).
    if (in.peer != lighthouse_key()) {
        ++ignored_;
        return;
    }
    if (const auto* redeemed = std::get_if<mesh::Redeemed>(&message)) {
        on_redeemed(*redeemed);
    } else if (const auto* error = std::get_if<mesh::ControlError>(&message)) {
        if (state_.joining) {
            redeem_until_ = 0;
            set_state(ipc::NetworkState::failed, error->message);
            stop();
        } else {
            log_->warn("network {}: the lighthouse says: {}", state_.name, error->message);
        }
    } else if (!state_.joining) {
        member_message(message);
    } else {
        ++ignored_;  // nothing else counts before the certificate
    }
}

void MeshNetwork::member_message(const mesh::ControlMessage& message) {
    if (const auto* ack = std::get_if<mesh::RegisterAck>(&message)) {
        on_register_ack(*ack);
    } else if (const auto* info = std::get_if<mesh::PeerInfo>(&message)) {
        on_peer_info(*info);
    } else if (const auto* missing = std::get_if<mesh::NotFound>(&message)) {
        std::erase_if(held_, [&](const Held& held) { return held.to == missing->address; });
    } else if (const auto* page = std::get_if<mesh::Members>(&message)) {
        on_members(*page);
    } else if (const auto* revocations = std::get_if<mesh::Revocations>(&message)) {
        on_revocations(*revocations);
    } else if (const auto* revoked = std::get_if<mesh::Revoked>(&message)) {
        apply_revocation(revoked->revocation);
    } else if (const auto* offer = std::get_if<mesh::RelayOffer>(&message)) {
        on_relay_offer(*offer);
    } else {
        ++ignored_;  // a request: members answer none
    }
}

void MeshNetwork::on_redeemed(const mesh::Redeemed& redeemed) {
    if (!state_.joining) {
        return;  // a repeated answer
    }
    const std::int64_t now = host_.now();
    const auto own = value::public_key_of(state_.private_key);
    std::optional<std::string> problem =
        mesh::check_certificate(redeemed.member, state_.id, state_.network_key, now);
    if (!problem) {
        problem = mesh::check_certificate(redeemed.lighthouse, state_.id, state_.network_key, now);
    }
    if (!problem && (!own.ok() || redeemed.member.public_key != *own)) {
        problem = "the certificate is for another key";
    }
    if (!problem && (!redeemed.lighthouse.is_lighthouse() ||
                     redeemed.lighthouse.public_key != state_.joining->lighthouse_key)) {
        problem = "the lighthouse's certificate does not match the invite";
    }
    if (problem) {
        log_->warn("network {}: the lighthouse's answer is refused: {}", state_.name, *problem);
        return;  // keep asking until the deadline
    }
    state_.certificate = redeemed.member;
    state_.lighthouse = redeemed.lighthouse;
    state_.joining.reset();
    save();
    // From now on this node is itself: the enrollment key goes, the member's key comes.
    if (Tunnel* running = tunnel(); running != nullptr) {
        UapiSet set;
        set.private_key = std::optional<core::PrivateKey>(to_core(state_.private_key));
        (void)running->device().apply(set);
        if (state_.listen_port == 0) {
            state_.listen_port = running->status().listen_port;
            save();
        }
    }
    log_->info("network {}: joined as {} ({})", state_.name, redeemed.member.name,
               redeemed.member.addresses.front().address().to_string());
    next_register_ = now;
    send_register();
}

void MeshNetwork::send_register() {
    mesh::Register request;
    request.seq = ++register_seq_;
    request.candidates = candidates();
    send_to_lighthouse(request);
    next_register_ = host_.now() + kRegisterEvery;
}

void MeshNetwork::on_register_ack(const mesh::RegisterAck& ack) {
    log_->debug("network {}: registration acknowledged (seq {}, list version {})", state_.name,
                ack.seq, ack.members_version);
    last_ack_ = host_.now();
    if (ack.seq != 0) {  // seq 0: the lighthouse's notice of a new member list
        observed_ = ack.observed;
    }
    set_state(ipc::NetworkState::online, "");
    // A restarted lighthouse starts its versions from its clock (seconds << 20) and has lost its
    // relay channels: ask about every member again, for new offers.
    const std::uint64_t epoch = ack.members_version >> 20U;
    if (lighthouse_epoch_ != 0 && epoch != lighthouse_epoch_) {
        log_->info("network {}: the lighthouse restarted; asking for relays again", state_.name);
        requery_paths();
    }
    lighthouse_epoch_ = epoch;
    if (ack.members_version != members_version_ && !members_fetch_.active) {
        members_fetch_ = Fetch{ack.members_version, 0, true};
        members_fetched_.clear();
        send_to_lighthouse(mesh::MembersRequest{0});
    }
    if (ack.revocations_version != revocations_version_ && !revocations_fetch_.active) {
        revocations_fetch_ = Fetch{ack.revocations_version, 0, true};
        send_to_lighthouse(mesh::RevocationsRequest{0});
    }
}

void MeshNetwork::on_members(const mesh::Members& page) {
    if (!members_fetch_.active || page.page != members_fetch_.next) {
        return;
    }
    const std::int64_t now = host_.now();
    for (const auto& entry : page.entries) {
        // Members' certificates are checked as any other: only the network's own count.
        if (!mesh::check_certificate(entry.certificate, state_.id, state_.network_key, now)) {
            members_fetched_.push_back(entry);
        }
    }
    if (page.page + 1 < page.pages) {
        members_fetch_.next = page.page + 1;
        send_to_lighthouse(mesh::MembersRequest{members_fetch_.next});
        return;
    }
    members_fetch_.active = false;
    log_->debug("network {}: member list version {}: {} members", state_.name, page.version,
                members_fetched_.size());
    members_version_ = page.version;
    member_cache_ = std::move(members_fetched_);
    members_fetched_.clear();
    announce();
}

void MeshNetwork::on_revocations(const mesh::Revocations& page) {
    if (!revocations_fetch_.active || page.page != revocations_fetch_.next) {
        return;
    }
    for (const auto& revocation : page.entries) {
        apply_revocation(revocation);
    }
    if (page.page + 1 < page.pages) {
        revocations_fetch_.next = page.page + 1;
        send_to_lighthouse(mesh::RevocationsRequest{revocations_fetch_.next});
        return;
    }
    revocations_fetch_.active = false;
    revocations_version_ = page.version;
}

void MeshNetwork::apply_revocation(const mesh::Revocation& revocation) {
    if (auto problem = mesh::check_revocation(revocation, state_.id, state_.network_key)) {
        log_->warn("network {}: a revocation is refused: {}", state_.name, *problem);
        return;
    }
    const auto& applied = state_.revocations;
    if (std::find(applied.begin(), applied.end(), revocation) != applied.end()) {
        return;
    }
    state_.revocations.push_back(revocation);
    std::erase_if(state_.peers, [&](const mesh::KnownPeer& known) {
        return known.certificate.public_key == revocation.public_key;
    });
    std::erase_if(member_cache_, [&](const mesh::MemberEntry& entry) {
        return entry.certificate.public_key == revocation.public_key;
    });
    save();
    const bool self = state_.certificate && state_.certificate->public_key == revocation.public_key;
    if (self) {
        set_state(ipc::NetworkState::failed, "this node was removed from the network");
        stop();
        return;
    }
    if (Tunnel* running = tunnel(); running != nullptr) {
        if (const Path* path = path_of_key(revocation.public_key); path != nullptr) {
            if (path->relay) {
                running->device().remove_relay_route(path->relay->channel);
            }
            if (path->shadowed) {
                running->device().clear_shadow(*path->shadowed);
            }
        }
        (void)running->remove_peer(revocation.public_key);
    }
    paths_.erase(revocation.public_key);
    relay_offers_.erase(revocation.public_key);
    log_->info("network {}: member {} was removed", state_.name, revocation.public_key.to_base64());
    announce();
}

void MeshNetwork::on_peer_info(const mesh::PeerInfo& info) {
    const auto& certificate = info.certificate;
    if (auto problem =
            mesh::check_certificate(certificate, state_.id, state_.network_key, host_.now())) {
        log_->warn("network {}: peer information refused: {}", state_.name, *problem);
        return;
    }
    const auto& revoked = state_.revocations;
    if (std::any_of(revoked.begin(), revoked.end(), [&](const mesh::Revocation& revocation) {
            return revocation.public_key == certificate.public_key;
        })) {
        return;
    }
    if (state_.certificate && certificate.public_key == state_.certificate->public_key) {
        return;
    }
    if (certificate.public_key == lighthouse_key()) {
        (void)release_held(certificate);  // reached through the lighthouse's peer already
        return;
    }
    std::optional<value::SocketAddress> endpoint = info.observed;
    if (!endpoint && !info.candidates.empty()) {
        endpoint = info.candidates.front();
    }
    install_peer(certificate, endpoint);
    track_path(certificate, info.observed, info.candidates);
    if (!release_held(certificate)) {
        // Told of a member that asked for this one. The asker's first handshake can arrive before
        // this notice and go unanswered (WireGuard answers known peers only), and its own retry
        // comes 5 s later: dial it in a second unless a session exists by then. (Not at once:
        // two initiations that cross leave both sides waiting as responders.)
        to_dial_[certificate.public_key] = host_.now() + 1;
    }
}

void MeshNetwork::dial_due(std::int64_t now) {
    Tunnel* running = tunnel();
    for (auto it = to_dial_.begin(); it != to_dial_.end();) {
        if (it->second > now) {
            ++it;
            continue;
        }
        if (running != nullptr) {
            const auto key = it->first.bytes();
            const auto peer = running->device().snapshot_of(key);
            if (peer && !peer->last_handshake) {
                (void)running->device().send_keepalive(key);
            }
        }
        it = to_dial_.erase(it);
    }
}

void MeshNetwork::install_peer(const mesh::Certificate& certificate,
                               const std::optional<value::SocketAddress>& endpoint) {
    if (!put_peer(certificate, endpoint)) {
        return;
    }
    auto found = std::find_if(state_.peers.begin(), state_.peers.end(), [&](const auto& peer) {
        return peer.certificate.public_key == certificate.public_key;
    });
    if (found == state_.peers.end()) {
        state_.peers.push_back(mesh::KnownPeer{certificate, endpoint});
        log_->info("network {}: peer {} installed ({})", state_.name, certificate.name,
                   endpoint ? endpoint->to_string() : std::string("no endpoint yet"));
    } else {
        found->certificate = certificate;
        found->endpoint = endpoint;
    }
    save();
}

bool MeshNetwork::release_held(const mesh::Certificate& certificate) {
    Tunnel* running = tunnel();
    std::vector<Held> ready;
    std::erase_if(held_, [&](Held& held) {
        const bool for_it =
            std::any_of(certificate.addresses.begin(), certificate.addresses.end(),
                        [&](const value::IpPrefix& prefix) { return prefix.contains(held.to); });
        if (for_it) {
            ready.push_back(std::move(held));
        }
        return for_it;
    });
    for (const auto& held : ready) {
        queried_.erase(held.to);
        if (running != nullptr) {
            running->device().send_inner(held.packet);
        }
    }
    return !ready.empty();
}

void MeshNetwork::member_tick(std::int64_t now) {
    if (state_.joining) {
        if (now >= redeem_until_) {
            set_state(ipc::NetworkState::failed, "the lighthouse did not answer within " +
                                                     std::to_string(kRedeemFor) +
                                                     " s (is its endpoint reachable over UDP?)");
            stop();
            return;
        }
        mesh::Redeem redeem;
        redeem.invite = state_.joining->invite;
        redeem.member_key = *value::public_key_of(state_.private_key);
        redeem.name = state_.joining->name;
        send_to_lighthouse(redeem);
        return;
    }
    const bool watched = host_.network_watched && host_.network_watched();
    if (!watched || now >= next_address_poll_) {
        next_address_poll_ = now + kAddressPollWatched;
        // A new address or a lost one (a network change): register and look for paths at once.
        if (read_local_addresses()) {
            log_->info("network {}: this host's addresses changed", state_.name);
            next_register_ = now;
            network_changed();
        }
    }
    if (now >= next_register_) {
        send_register();
        // A page request lost on the way starts again with the next acknowledgement.
        members_fetch_.active = false;
        revocations_fetch_.active = false;
    }
    if (last_ack_ != 0 && now - last_ack_ > kLighthouseSilentAfter) {
        set_state(ipc::NetworkState::offline,
                  "no answer from the lighthouse for " + std::to_string(now - last_ack_) + " s");
    }
    std::erase_if(queried_, [now](const auto& entry) { return entry.second + kHoldFor < now; });
    dial_due(now);
    renew_relays(now);
}

void MeshNetwork::retire_relay_route(std::uint32_t channel) {
    retired_routes_[channel] = host_.now() + kRelayOverlap;
}

void MeshNetwork::renew_relays(std::int64_t now) {
    Tunnel* running = tunnel();
    if (running == nullptr) {
        return;
    }
    Device& device = running->device();
    std::erase_if(retired_routes_, [&](const auto& entry) {
        if (now < entry.second) {
            return false;
        }
        device.remove_relay_route(entry.first);
        return true;
    });
    const auto ask_about = [&](const value::Key& key) {
        const auto known = std::find_if(
            state_.peers.begin(), state_.peers.end(),
            [&](const mesh::KnownPeer& peer) { return peer.certificate.public_key == key; });
        if (known != state_.peers.end()) {
            ask_about_member(*known);
        }
    };
    for (auto it = relay_offers_.begin(); it != relay_offers_.end();) {
        const mesh::RelayOffer& offer = it->second;
        Path* path = path_of_key(offer.peer);
        if (now >= offer.expires) {
            // No fresh channel came in time: the lighthouse has forgotten this one too. The path
            // falls to none; punching, and the answer to the query, find another.
            device.remove_relay_route(offer.channel);
            if (path != nullptr && path->relay && path->relay->channel == offer.channel) {
                path->relay.reset();
                log_->info("network {}: the relay channel to {} expired", state_.name, path->name);
                if (path->current.kind == ipc::PathKind::relay) {
                    switch_path(*path, ipc::PeerPath{}, "its relay channel expired");
                }
                start_punch(*path, Clock::now());
                ask_about(offer.peer);
            }
            it = relay_offers_.erase(it);
            continue;
        }
        // Only for members this node has a path to: the others' channels just lapse.
        if (path != nullptr && now >= offer.expires - kRelayRenewBefore) {
            auto& asked = renew_asked_[offer.peer];
            if (asked == 0 || now - asked >= kRelayRenewEvery) {
                asked = now;
                ask_about(offer.peer);
            }
        }
        ++it;
    }
    std::erase_if(renew_asked_,
                  [&](const auto& entry) { return !relay_offers_.contains(entry.first); });
}

bool MeshNetwork::read_local_addresses() {
    if (!host_.local_addresses) {
        return false;
    }
    auto seen = host_.local_addresses(state_.name);
    std::sort(seen.begin(), seen.end());
    if (local_seen_valid_ && seen == local_seen_) {
        return false;
    }
    const bool first = !local_seen_valid_;
    local_seen_valid_ = true;
    local_seen_ = std::move(seen);
    return !first;
}

void MeshNetwork::host_network_changed() {
    if (!running_ || is_lighthouse() || state_.joining || tunnel() == nullptr) {
        return;
    }
    const bool addresses = read_local_addresses();
    log_->info("network {}: this host's {} changed", state_.name,
               addresses ? "addresses" : "network (a route or an interface)");
    next_address_poll_ = host_.now() + kAddressPollWatched;
    // The lighthouse learns the new candidates (and sees where this host now comes from), and
    // every path is tried again, the one in use included.
    send_register();
    network_changed();
}

std::vector<value::SocketAddress> MeshNetwork::candidates() const {
    std::vector<value::SocketAddress> out;
    const Tunnel* running = tunnel();
    if (running == nullptr || !host_.local_addresses) {
        return out;
    }
    const std::uint16_t port = running->status().listen_port;
    for (const auto& address : host_.local_addresses(state_.name)) {
        if (out.size() < mesh::kMaxCandidates && !state_.range.contains(address)) {
            out.push_back(value::SocketAddress{address, port});
        }
    }
    return out;
}

}  // namespace tulle::daemon

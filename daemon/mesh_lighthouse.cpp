// MeshNetwork's lighthouse half: invites, redeeming them, registrations, queries, member lists
// and removals.
#include <algorithm>

#include <sodium.h>

#include "daemon/mesh_network.hpp"

namespace tulle::daemon {

using ipc::ErrorCode;
using ipc::refuse;

namespace {

core::PublicKey core_key(const value::Key& key) {
    return key.bytes();
}

}  // namespace

value::SocketAddress MeshNetwork::control_of(const mesh::Certificate& certificate) {
    return {certificate.addresses.front().address(), mesh::kControlPort};
}

std::optional<value::SocketAddress> MeshNetwork::endpoint_of(const value::Key& peer) const {
    const Tunnel* running = tunnel();
    if (running == nullptr) {
        return std::nullopt;
    }
    auto state = running->device().snapshot_of(core_key(peer));
    return state ? state->endpoint : std::nullopt;
}

bool MeshNetwork::put_peer(const mesh::Certificate& certificate,
                           const std::optional<value::SocketAddress>& endpoint) {
    Tunnel* running = tunnel();
    if (running == nullptr) {
        return false;
    }
    ipc::PeerChange change;
    change.public_key = certificate.public_key;
    change.name = certificate.name;
    change.allowed_ips = certificate.addresses;
    const bool known = running->has_peer(certificate.public_key);
    // A peer with a session keeps the endpoint it roamed to; a new one starts where the
    // lighthouse saw it.
    if (endpoint &&
        !(known && running->peer(certificate.public_key)->path.kind != ipc::PathKind::none)) {
        change.endpoint = std::optional<value::Endpoint>(endpoint->endpoint());
    }
    if (auto done = running->change_peer(change, !known); !done.ok()) {
        log_->warn("network {}: could not install member {}: {}", state_.name, certificate.name,
                   done.error().message);
        return false;
    }
    return true;
}

ipc::Outcome<value::IpAddress> MeshNetwork::invite_address(
    const ipc::NetworkInvite& request) const {
    const auto& registry = *state_.registry;
    if (!request.address) {
        auto free = registry.allocate_address();
        if (!free.ok()) {
            return refuse(ErrorCode::busy, "network '" + state_.name + "': " + free.error());
        }
        return *free;
    }
    if (!state_.range.contains(*request.address)) {
        return refuse(ErrorCode::invalid_params, "params.address: " + request.address->to_string() +
                                                     " is outside the network's range " +
                                                     state_.range.canonical().to_string());
    }
    if (registry.address_taken(*request.address)) {
        return refuse(ErrorCode::already_exists,
                      "params.address: " + request.address->to_string() +
                          " belongs to a member or a pending invite already");
    }
    return *request.address;
}

mesh::InviteId MeshNetwork::unused_invite_id() const {
    // Enrollment addresses are derived from the ids: two pending invites must not share one.
    const auto& pending = state_.registry->invites();
    for (;;) {
        const auto id = mesh::new_invite_id();
        const auto enrolls_from = enrollment_address(state_.range, mesh::invite_hash(id));
        if (std::none_of(pending.begin(), pending.end(), [&](const mesh::PendingInvite& other) {
                return enrollment_address(state_.range, other.hash) == enrolls_from;
            })) {
            return id;
        }
    }
}

ipc::Outcome<ipc::InviteIssued> MeshNetwork::invite(const ipc::NetworkInvite& request) {
    if (!is_lighthouse() || !state_.signing_key) {
        return refuse(ErrorCode::invalid_params,
                      "this node is a member of network '" + state_.name +
                          "', not its lighthouse: invites are made on the lighthouse");
    }
    auto& registry = *state_.registry;
    if (!request.name.empty() && registry.find_name(request.name) != nullptr) {
        return refuse(ErrorCode::already_exists, "params.name: network '" + state_.name +
                                                     "' has a member named '" + request.name +
                                                     "' already");
    }
    auto address = invite_address(request);
    if (!address.ok()) {
        return refuse(address.error());
    }
    const std::int64_t now = host_.now();
    mesh::Invite invite;
    invite.id = unused_invite_id();
    invite.network = state_.id;
    invite.network_name = state_.name;
    invite.network_key = state_.network_key;
    invite.range = state_.range.canonical();
    invite.lighthouse_key = state_.certificate->public_key;
    invite.lighthouse_address = state_.certificate->addresses.front().address();
    invite.endpoints = state_.endpoints;
    invite.enrollment_key = value::generate_private_key();
    invite.name = request.name;
    invite.address = *address;
    invite.expires = now + request.expires_in;
    auto enrollment_public = value::public_key_of(invite.enrollment_key);
    if (!enrollment_public.ok()) {
        return refuse(ErrorCode::internal_error, "could not make an enrollment key");
    }
    mesh::PendingInvite pending;
    pending.hash = mesh::invite_hash(invite.id);
    pending.enrollment_key = *enrollment_public;
    pending.name = request.name;
    pending.address = *address;
    pending.expires = invite.expires;
    std::string text = mesh::encode_invite(std::move(invite), *state_.signing_key);
    registry.add_invite(pending);
    save();
    if (Tunnel* running = tunnel(); running != nullptr) {
        ipc::PeerChange change;
        change.public_key = pending.enrollment_key;
        change.name = enrollment_peer_name(pending);
        change.allowed_ips = std::vector<value::IpPrefix>{
            value::IpPrefix(enrollment_address(state_.range, pending.hash))};
        (void)running->change_peer(change, true);
    }
    log_->info("network {}: invite for {} ({}) until {}", state_.name,
               request.name.empty() ? "a member who names itself" : request.name,
               address->to_string(), pending.expires);
    ipc::InviteIssued issued;
    issued.network = state_.name;
    issued.invite = std::move(text);
    issued.name = request.name;
    issued.address = *address;
    issued.expires = pending.expires;
    return issued;
}

void MeshNetwork::serve(const Inbound& in, const mesh::ControlMessage& message) {
    if (const auto* redeem = std::get_if<mesh::Redeem>(&message)) {
        on_redeem(in, *redeem);
        return;
    }
    // Everything else comes from members only (never from a plain WireGuard peer or an
    // enrollment key): the sender is the peer the datagram came through.
    const auto* record = state_.registry->find(in.peer);
    if (record == nullptr || record->certificate.public_key == state_.certificate->public_key) {
        ++ignored_;
        return;
    }
    const std::int64_t now = host_.now();
    if (const auto* request = std::get_if<mesh::Register>(&message)) {
        on_register(in, *request);
    } else if (const auto* query = std::get_if<mesh::Query>(&message)) {
        on_query(in, *query);
    } else if (const auto* page = std::get_if<mesh::MembersRequest>(&message)) {
        send(in.from, state_.registry->members_page(page->page, now));
    } else if (const auto* revoked = std::get_if<mesh::RevocationsRequest>(&message)) {
        send(in.from, state_.registry->revocations_page(revoked->page));
    } else {
        ++ignored_;
    }
}

void MeshNetwork::refuse_control(const Inbound& in, mesh::ControlErrorCode code,
                                 std::string message) {
    log_->info("network {}: refused a join: {}", state_.name, message);
    send(in.from, mesh::ControlError{code, std::move(message)});
}

void MeshNetwork::on_redeem(const Inbound& in, const mesh::Redeem& redeem) {
    auto& registry = *state_.registry;
    const std::int64_t now = host_.now();
    mesh::PendingInvite* pending = registry.find_invite(mesh::invite_hash(redeem.invite));
    if (pending == nullptr || pending->enrollment_key != in.peer) {
        refuse_control(in, mesh::ControlErrorCode::invite_unknown,
                       "this invite is not one of network '" + state_.name + "'s");
        return;
    }
    if (pending->expires <= now) {
        refuse_control(in, mesh::ControlErrorCode::invite_expired, "this invite has expired");
        return;
    }
    if (pending->redeemed_by) {
        const auto* record = registry.find(*pending->redeemed_by);
        if (*pending->redeemed_by == redeem.member_key && record != nullptr) {
            // Our answer was lost: the same joiner asks again.
            send(in.from, mesh::Redeemed{record->certificate, *state_.certificate});
            return;
        }
        refuse_control(in, mesh::ControlErrorCode::invite_used,
                       "this invite has been used already; ask for a new one");
        return;
    }
    const std::string name = pending->name.empty() ? redeem.name : pending->name;
    if (auto problem = mesh::member_name_error(name)) {
        refuse_control(in, mesh::ControlErrorCode::malformed, "member name: " + *problem);
        return;
    }
    if (registry.find_name(name) != nullptr) {
        refuse_control(in, mesh::ControlErrorCode::name_taken,
                       "network '" + state_.name + "' has a member named '" + name +
                           "' already; join with another --name");
        return;
    }
    if (registry.find(redeem.member_key) != nullptr || registry.is_revoked(redeem.member_key)) {
        refuse_control(in, mesh::ControlErrorCode::key_taken,
                       "this key is (or was) a member already");
        return;
    }
    mesh::Certificate certificate;
    certificate.network = state_.id;
    certificate.public_key = redeem.member_key;
    certificate.addresses.emplace_back(pending->address);
    certificate.name = name;
    certificate.not_after = now + mesh::kCertificateLifetime;
    certificate.serial = registry.next_serial();
    certificate = mesh::sign_certificate(std::move(certificate), *state_.signing_key);
    registry.add(certificate);
    pending->redeemed_by = redeem.member_key;
    pending->redeemed_at = now;
    save();
    // The answer goes through the enrollment session (to the enrollment address); the member's
    // own peer, installed next, holds the member's address from now on.
    send(in.from, mesh::Redeemed{certificate, *state_.certificate});
    (void)put_peer(certificate, endpoint_of(in.peer));
    log_->info("network {}: {} joined as {}", state_.name, name, pending->address.to_string());
    tell_members();
    announce();
}

void MeshNetwork::on_register(const Inbound& in, const mesh::Register& request) {
    auto& registry = *state_.registry;
    const auto observed = endpoint_of(in.peer);
    std::vector<value::SocketAddress> candidates = request.candidates;
    if (candidates.size() > mesh::kMaxCandidates) {
        candidates.resize(mesh::kMaxCandidates);
    }
    const auto* record = registry.find(in.peer);
    const bool first = record != nullptr && record->last_seen == 0;
    if (registry.seen(in.peer, observed, candidates, host_.now())) {
        announce();  // came online
    }
    mesh::RegisterAck ack;
    ack.seq = request.seq;
    ack.observed = observed;
    ack.ttl = static_cast<std::uint32_t>(mesh::kOnlineSeconds);
    ack.members_version = registry.version();
    ack.revocations_version = registry.revocations_version();
    send(in.from, ack);
    if (first) {
        tell_members();  // a new member is online: the others' lists say so at once
    }
}

void MeshNetwork::on_query(const Inbound& in, const mesh::Query& query) {
    auto& registry = *state_.registry;
    const std::int64_t now = host_.now();
    const auto* target = registry.find(query.address);
    if (target == nullptr) {
        send(in.from, mesh::NotFound{query.address});
        return;
    }
    // The member asked about learns of the asker first, so that the asker's handshake most
    // likely finds it ready (WireGuard answers only peers it knows); it dials the asker too.
    const auto* asker = registry.find(in.peer);
    if (asker != nullptr && target->certificate.public_key != state_.certificate->public_key &&
        target->certificate.public_key != asker->certificate.public_key) {
        offer_relay(asker->certificate, target->certificate);
        send(control_of(target->certificate), registry.peer_info(*asker, now));
    }
    send(in.from, registry.peer_info(*target, now));
}

void MeshNetwork::offer_relay(const mesh::Certificate& asker, const mesh::Certificate& target) {
    Tunnel* running = tunnel();
    if (running == nullptr) {
        return;
    }
    const std::int64_t now = host_.now();
    const bool asker_first = asker.public_key < target.public_key;
    const auto pair = asker_first ? std::make_pair(asker.public_key, target.public_key)
                                  : std::make_pair(target.public_key, asker.public_key);
    Device& device = running->device();
    Channel& entry = channels_[pair];
    const auto live = device.relay_channels().find(entry.id);
    // A channel in its last quarter is replaced: a new id and new tokens for both sides, the old
    // one kept for the frames on their way. (A member asks again from then on.)
    if (entry.id == 0 || live == device.relay_channels().end() ||
        now >= entry.expires - kRelayRenewBefore) {
        if (entry.retired != 0) {
            device.remove_relay_channel(entry.retired);
        }
        entry.retired = live == device.relay_channels().end() ? 0 : entry.id;
        entry.retired_until = now + kRelayOverlap;
        std::uint32_t id = 0;
        do {
            id = randombytes_random();
        } while (id == 0 || device.relay_channels().contains(id));
        RelayChannel sides;
        sides.a = pair.first.bytes();
        sides.token_a = mesh::new_relay_token();
        sides.b = pair.second.bytes();
        sides.token_b = mesh::new_relay_token();
        device.set_relay_channel(id, sides);
        sodium_memzero(sides.token_a.data(), sides.token_a.size());
        sodium_memzero(sides.token_b.data(), sides.token_b.size());
        entry.id = id;
        entry.expires = now + kRelayOfferFor;
        log_->debug("network {}: relay channel {} between {} and {} (until {})", state_.name, id,
                    asker.name, target.name, entry.expires);
    }
    const RelayChannel& channel = device.relay_channels().at(entry.id);
    mesh::RelayOffer to_target{asker.public_key, entry.id,
                               asker_first ? channel.token_b : channel.token_a, entry.expires};
    mesh::RelayOffer to_asker{target.public_key, entry.id,
                              asker_first ? channel.token_a : channel.token_b, entry.expires};
    send(control_of(target), to_target);
    send(control_of(asker), to_asker);
    sodium_memzero(to_target.token.data(), to_target.token.size());
    sodium_memzero(to_asker.token.data(), to_asker.token.size());
}

void MeshNetwork::expire_channels(std::int64_t now) {
    Tunnel* running = tunnel();
    if (running == nullptr) {
        return;
    }
    Device& device = running->device();
    for (auto it = channels_.begin(); it != channels_.end();) {
        Channel& entry = it->second;
        if (entry.retired != 0 && now >= entry.retired_until) {
            device.remove_relay_channel(entry.retired);
            entry.retired = 0;
        }
        if (now < entry.expires) {
            ++it;
            continue;
        }
        log_->debug("network {}: relay channel {} expired", state_.name, entry.id);
        device.remove_relay_channel(entry.id);
        if (entry.retired != 0) {
            device.remove_relay_channel(entry.retired);
        }
        it = channels_.erase(it);
    }
}

ipc::Outcome<void> MeshNetwork::remove(const std::string& member) {
    if (!is_lighthouse() || !state_.signing_key) {
        return refuse(ErrorCode::invalid_params,
                      "members are removed on network '" + state_.name + "'s lighthouse");
    }
    auto& registry = *state_.registry;
    const mesh::MemberRecord* record = registry.find_name(member);
    if (record == nullptr) {
        if (auto key = value::Key::from_base64(member); key.ok()) {
            record = registry.find(*key);
        }
    }
    if (record == nullptr) {
        return refuse(ErrorCode::not_found, "params.member: network '" + state_.name +
                                                "' has no member '" + member +
                                                "' (a name or a public key)");
    }
    if (record->certificate.public_key == state_.certificate->public_key) {
        return refuse(ErrorCode::invalid_params,
                      "params.member: the lighthouse cannot remove itself; use network.leave to "
                      "end the network");
    }
    mesh::Revocation revocation;
    revocation.network = state_.id;
    revocation.public_key = record->certificate.public_key;
    revocation.serial = record->certificate.serial;
    revocation.revoked_at = host_.now();
    revocation = mesh::sign_revocation(revocation, *state_.signing_key);
    const std::string name = record->certificate.name;
    registry.revoke(revocation);
    save();
    if (Tunnel* running = tunnel(); running != nullptr) {
        (void)running->remove_peer(revocation.public_key);
        std::erase_if(channels_, [&](const auto& entry) {
            const bool with_it = entry.first.first == revocation.public_key ||
                                 entry.first.second == revocation.public_key;
            if (with_it) {
                running->device().remove_relay_channel(entry.second.id);
                if (entry.second.retired != 0) {
                    running->device().remove_relay_channel(entry.second.retired);
                }
            }
            return with_it;
        });
    }
    const std::int64_t now = host_.now();
    for (const auto* other : registry.members()) {
        if (other->certificate.public_key != state_.certificate->public_key &&
            registry.online(*other, now)) {
            send(control_of(other->certificate), mesh::Revoked{revocation});
        }
    }
    tell_members();
    log_->info("network {}: removed member {}", state_.name, name);
    announce();
    return {};
}

void MeshNetwork::tell_members() {
    // An acknowledgement nobody asked for (seq 0): the members online fetch the new list now
    // rather than at their next registration. Only for joins and removals: presence changes
    // wait for the registrations, so a thousand members coming and going cost no storm.
    auto& registry = *state_.registry;
    const std::int64_t now = host_.now();
    mesh::RegisterAck notice;
    notice.ttl = static_cast<std::uint32_t>(mesh::kOnlineSeconds);
    notice.members_version = registry.version();
    notice.revocations_version = registry.revocations_version();
    for (const auto* member : registry.members()) {
        if (member->certificate.public_key != state_.certificate->public_key &&
            registry.online(*member, now)) {
            send(control_of(member->certificate), notice);
        }
    }
}

void MeshNetwork::lighthouse_tick(std::int64_t now) {
    auto& registry = *state_.registry;
    // The lighthouse is always online to itself.
    (void)registry.seen(state_.certificate->public_key, std::nullopt, {}, now);
    const auto before = registry.version();
    registry.sweep(now);
    expire_channels(now);
    if (registry.version() != before) {
        announce();
    }
    const auto expired = registry.expire_invites(now);
    if (!expired.empty()) {
        if (Tunnel* running = tunnel(); running != nullptr) {
            for (const auto& key : expired) {
                (void)running->remove_peer(key);
            }
        }
        save();
    }
}

}  // namespace tulle::daemon

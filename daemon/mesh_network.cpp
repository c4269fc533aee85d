#include "daemon/mesh_network.hpp"

#include <algorithm>
#include <utility>

#include <boost/asio/post.hpp>

#include "daemon/core/ip_header.hpp"

namespace tulle::daemon {

namespace asio = boost::asio;

MeshNetwork::MeshNetwork(MeshHost host, mesh::NetworkState state, std::string file,
                         std::shared_ptr<spdlog::logger> log)
    : host_(std::move(host)),
      state_(std::move(state)),
      file_(std::move(file)),
      log_(std::move(log)),
      timer_(host_.io),
      path_timer_(host_.io) {}

MeshNetwork::~MeshNetwork() {
    if (Tunnel* running = tunnel(); running != nullptr) {
        running->device().set_inner(nullptr);
        running->path_source = nullptr;
    }
}

namespace {

// 169.254.0.0/16 or fe80::/10: where enrollment addresses are.
bool is_link_local(std::span<const std::uint8_t> address) {
    if (address.size() == 4) {
        return address[0] == 169 && address[1] == 254;
    }
    return address.size() == 16 && address[0] == 0xfe && (address[1] & 0xc0U) == 0x80;
}

}  // namespace

value::IpAddress MeshNetwork::enrollment_address(const value::IpPrefix& range,
                                                 const mesh::InviteHash& id) {
    if (range.family() == value::IpFamily::v4) {
        // 169.254.1.1 .. 169.254.254.254
        return value::IpAddress::v4({169, 254, static_cast<std::uint8_t>(1 + id[0] % 254),
                                     static_cast<std::uint8_t>(1 + id[1] % 254)});
    }
    std::array<std::uint8_t, 16> bytes{0xfe, 0x80};
    std::copy_n(id.begin(), 8, bytes.begin() + 8);
    return value::IpAddress::v6(bytes);
}

std::string MeshNetwork::enrollment_peer_name(const mesh::PendingInvite& invite) {
    return "invite for " + (invite.name.empty() ? invite.address.to_string() : invite.name);
}

ipc::TunnelConfig MeshNetwork::tunnel_config() const {
    ipc::TunnelConfig config;
    const bool joining = state_.joining.has_value();
    config.iface.private_key = joining ? state_.joining->enrollment_key : state_.private_key;
    if (state_.listen_port != 0) {
        config.iface.listen_port = state_.listen_port;
    }
    if (auto own = own_address()) {
        config.iface.addresses.push_back(*value::IpPrefix::make(*own, state_.range.length()));
    }
    // Room for a relay frame's header: a full packet relayed still fits the path's MTU.
    config.iface.mtu = static_cast<std::uint16_t>(kDefaultMtu - mesh::kRelayHeader);
    if (is_lighthouse()) {
        // Members are installed with their addresses; endpoints come with their first packets.
        for (const auto* record : state_.registry->members()) {
            if (record->certificate.public_key == state_.certificate->public_key) {
                continue;
            }
            ipc::PeerConfig peer;
            peer.name = record->certificate.name;
            peer.public_key = record->certificate.public_key;
            peer.allowed_ips = record->certificate.addresses;
            if (record->observed) {
                peer.endpoint = record->observed->endpoint();
            }
            config.peers.push_back(std::move(peer));
        }
        for (const auto& invite : state_.registry->invites()) {
            ipc::PeerConfig peer;
            peer.name = enrollment_peer_name(invite);
            peer.public_key = invite.enrollment_key;
            peer.allowed_ips.emplace_back(enrollment_address(state_.range, invite.hash));
            config.peers.push_back(std::move(peer));
        }
        return config;
    }
    ipc::PeerConfig lighthouse;
    lighthouse.public_key = lighthouse_key();
    lighthouse.name = state_.lighthouse ? state_.lighthouse->name : std::string("lighthouse");
    if (auto address = lighthouse_control()) {
        lighthouse.allowed_ips.emplace_back(address->address);
    }
    if (!state_.endpoints.empty()) {
        lighthouse.endpoint = state_.endpoints.front();
    }
    lighthouse.persistent_keepalive = kRegisterEvery;
    config.peers.push_back(std::move(lighthouse));
    for (const auto& known : state_.peers) {
        ipc::PeerConfig peer;
        peer.name = known.certificate.name;
        peer.public_key = known.certificate.public_key;
        peer.allowed_ips = known.certificate.addresses;
        if (known.endpoint) {
            peer.endpoint = known.endpoint->endpoint();
        }
        config.peers.push_back(std::move(peer));
    }
    return config;
}

ipc::Outcome<void> MeshNetwork::start() {
    if (running_ && tunnel() != nullptr) {
        return {};
    }
    running_ = false;  // its tunnel was taken down from outside (tullectl down)
    // What the paths knew belonged to the old device (its relay routes and copies went with it):
    // they are found again below, and the lighthouse is asked for new relay offers.
    paths_.clear();
    relay_offers_.clear();
    disco_in_.clear();
    auto up = host_.bring_up(state_.name, tunnel_config());
    if (!up.ok()) {
        set_state(ipc::NetworkState::offline, up.error().message);
        return ipc::refuse(up.error());
    }
    running_ = true;
    Tunnel* running = tunnel();
    running->device().set_inner(this);
    running->path_source = [this](const value::Key& key) { return path_for(key); };
    if (!is_lighthouse() && state_.listen_port == 0 && !state_.joining) {
        // Keep the port the system chose, so members that know this node find it after a restart.
        state_.listen_port = up->listen_port;
        save();
    }
    const std::int64_t now = host_.now();
    if (is_lighthouse()) {
        // 2^20 list versions a second at most between two starts: never one a member holds.
        state_.registry->start_versions_at(static_cast<std::uint64_t>(now) << 20U);
        set_state(ipc::NetworkState::online, "");
    } else if (state_.joining) {
        redeem_until_ = now + kRedeemFor;
        set_state(ipc::NetworkState::joining, "");
    } else {
        next_register_ = now;  // at once
        set_state(ipc::NetworkState::offline, "waiting for the lighthouse");
        // The members known from the file: find the way to each again, and ask the lighthouse
        // about each so that its relay is offered again.
        for (const auto& known : state_.peers) {
            track_path(known.certificate, known.endpoint, {});
        }
        asio::post(host_.io, [this, alive = std::weak_ptr<int>(alive_)] {
            if (!alive.expired() && running_) {
                requery_paths();
            }
        });
    }
    tick();
    return {};
}

void MeshNetwork::stop() {
    if (!running_) {
        return;
    }
    running_ = false;
    timer_.cancel();
    if (Tunnel* running = tunnel(); running != nullptr) {
        running->device().set_inner(nullptr);
        running->path_source = nullptr;
        host_.take_down(state_.name);
    }
    held_.clear();
    to_dial_.clear();
    inbound_.clear();
    path_timer_.cancel();
    paths_armed_ = false;
    paths_.clear();
    relay_offers_.clear();
    renew_asked_.clear();
    retired_routes_.clear();
    disco_in_.clear();
    channels_.clear();
}

void MeshNetwork::schedule() {
    timer_.expires_after(std::chrono::seconds(1));
    timer_.async_wait([this, alive = std::weak_ptr<int>(alive_)](const auto& error) {
        if (!error && !alive.expired() && running_) {
            tick();
        }
    });
}

void MeshNetwork::tick() {
    const std::int64_t now = host_.now();
    if (tunnel() == nullptr) {
        // Taken down from outside (tullectl down, the interface deleted).
        running_ = false;
        set_state(ipc::NetworkState::offline, "its tunnel is down");
        return;
    }
    if (is_lighthouse()) {
        lighthouse_tick(now);
    } else {
        member_tick(now);
    }
    std::erase_if(held_, [now](const Held& held) { return held.until <= now; });
    schedule();
}

void MeshNetwork::save() {
    if (auto problem = mesh::save_network(state_, file_)) {
        // What is in memory goes on working; the next save tries again.
        log_->error("network {}: could not save {}: {}", state_.name, file_, *problem);
    }
}

void MeshNetwork::set_state(ipc::NetworkState state, std::string problem) {
    if (state == status_ && problem == problem_) {
        return;
    }
    if (state != status_) {
        log_->info("network {}: {}{}{}", state_.name, ipc::to_string(state),
                   problem.empty() ? "" : ": ", problem);
    }
    status_ = state;
    problem_ = std::move(problem);
    announce();
}

void MeshNetwork::announce() {
    if (host_.changed) {
        host_.changed(ipc::NetworkChanged{state_.name, status_, problem_, false});
    }
}

std::optional<value::IpAddress> MeshNetwork::own_address() const {
    if (state_.certificate && !state_.certificate->addresses.empty()) {
        return state_.certificate->addresses.front().address();
    }
    if (state_.joining) {
        return state_.joining->address;
    }
    return std::nullopt;
}

std::optional<value::IpAddress> MeshNetwork::control_source() const {
    if (state_.joining) {
        return enrollment_address(state_.range, mesh::invite_hash(state_.joining->invite));
    }
    return own_address();
}

bool MeshNetwork::is_own_control(const value::IpAddress& address) const {
    const auto own = control_source();
    return own && *own == address;
}

bool MeshNetwork::take(const core::PublicKey& peer, std::span<const std::uint8_t> packet) {
    // An enrollment key reaches the lighthouse's control port and nothing else. Its one allowed
    // IP is link-local, so only packets from such a source need the lookup.
    const bool enrolling = is_lighthouse() && is_link_local(core::ip_header::source_of(packet)) &&
                           state_.registry->find_invite_by_enrollment(to_ipc(peer)) != nullptr;
    const auto udp = mesh::is_control_packet(packet) ? mesh::read_udp_packet(packet)
                                                     : std::optional<mesh::UdpView>();
    if (!udp || !is_own_control(udp->to.address)) {
        // Not for tulled: the user's traffic, for the TUN device (unless an enrollment key sent
        // it).
        ignored_ += enrolling ? 1 : 0;
        return enrolling;
    }
    if (udp->payload.size() > mesh::kMaxControlMessage || inbound_.size() >= kMaxInbound) {
        ++ignored_;
        return true;
    }
    inbound_.push_back(
        Inbound{to_ipc(peer), udp->from,
                std::vector<std::uint8_t>(udp->payload.begin(), udp->payload.end())});
    if (!drain_posted_) {
        drain_posted_ = true;
        asio::post(host_.io, [this, alive = std::weak_ptr<int>(alive_)] {
            if (!alive.expired()) {
                drain_inbound();
            }
        });
    }
    return true;
}

void MeshNetwork::drain_inbound() {
    drain_posted_ = false;
    std::deque<Inbound> batch;
    batch.swap(inbound_);
    for (const auto& in : batch) {
        if (!running_) {
            return;
        }
        handle(in);
    }
}

void MeshNetwork::handle(const Inbound& in) {
    auto message = mesh::decode_control(in.payload);
    if (!message.ok()) {
        ++ignored_;
        log_->debug("network {}: a control datagram from {} does not decode: {}", state_.name,
                    in.from.to_string(), message.error());
        return;
    }
    if (is_lighthouse()) {
        serve(in, *message);
    } else {
        member_receive(in, *message);
    }
}

void MeshNetwork::send(const value::SocketAddress& to, const mesh::ControlMessage& message) {
    Tunnel* running = tunnel();
    const auto source = control_source();
    if (running == nullptr || !source) {
        return;
    }
    const auto bytes = mesh::encode_control(message);
    const auto packet = mesh::make_udp_packet({*source, mesh::kControlPort}, to, bytes);
    running->device().send_inner(packet);
}

void MeshNetwork::unrouted(std::span<const std::uint8_t> packet) {
    if (is_lighthouse() || state_.joining) {
        return;
    }
    const auto destination = core::ip_header::destination_of(packet);
    auto address = value::IpAddress::from_bytes(destination);
    if (!address.ok() || !state_.range.contains(*address) || own_address() == *address) {
        return;
    }
    const auto waiting = std::count_if(held_.begin(), held_.end(),
                                       [&](const Held& held) { return held.to == *address; });
    if (held_.size() >= kMaxHeld || static_cast<std::size_t>(waiting) >= kMaxHeldPerAddress) {
        return;
    }
    const std::int64_t now = host_.now();
    held_.push_back(
        Held{*address, std::vector<std::uint8_t>(packet.begin(), packet.end()), now + kHoldFor});
    auto& asked = queried_[*address];
    if (asked + 1 <= now) {  // at most once a second for one address
        asked = now;
        asio::post(host_.io, [this, alive = std::weak_ptr<int>(alive_), to = *address] {
            if (!alive.expired() && running_) {
                send_to_lighthouse(mesh::Query{to});
            }
        });
    }
}

ipc::NetworkStatus MeshNetwork::status() const {
    ipc::NetworkStatus out;
    out.name = state_.name;
    out.id = mesh::to_hex(state_.id);
    out.role = is_lighthouse() ? ipc::NetworkRoleName::lighthouse : ipc::NetworkRoleName::member;
    out.state = status_;
    out.problem = problem_;
    out.range = state_.range;
    out.address = own_address();
    if (auto key = value::public_key_of(state_.private_key); key.ok()) {
        out.public_key = *key;
    }
    if (is_lighthouse()) {
        out.lighthouse = state_.certificate ? state_.certificate->name : std::string();
        out.members = state_.registry->size();
    } else {
        out.lighthouse = state_.lighthouse ? state_.lighthouse->name : std::string();
        out.members = member_cache_.size();
    }
    out.endpoints = state_.endpoints;
    out.up = tunnel() != nullptr;
    return out;
}

ipc::MemberList MeshNetwork::members() const {
    ipc::MemberList out;
    out.network = state_.name;
    const std::int64_t now = host_.now();
    std::vector<mesh::MemberEntry> entries;
    if (is_lighthouse()) {
        for (const auto* record : state_.registry->members()) {
            entries.push_back(mesh::MemberEntry{record->certificate,
                                                state_.registry->online(*record, now),
                                                record->last_seen, record->observed});
        }
    } else {
        entries = member_cache_;
    }
    const Tunnel* running = tunnel();
    const auto own = value::public_key_of(state_.private_key);
    for (const auto& entry : entries) {
        ipc::Member member;
        member.name = entry.certificate.name;
        member.public_key = entry.certificate.public_key;
        member.addresses = entry.certificate.addresses;
        member.lighthouse = entry.certificate.is_lighthouse();
        member.self = own.ok() && *own == member.public_key;
        member.online = entry.online || member.self;
        member.last_seen = member.self ? now : entry.last_seen;
        member.expires = entry.certificate.not_after;
        if (running != nullptr && !member.self) {
            if (auto peer = running->peer(member.public_key)) {
                member.path = peer->path;
            }
        }
        out.members.push_back(std::move(member));
    }
    return out;
}

}  // namespace tulle::daemon

#include "daemon/tunnel.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <system_error>

#include "daemon/tunnel_config.hpp"

namespace tulle::daemon {
namespace {

std::int64_t unix_seconds(std::chrono::system_clock::time_point time) {
    return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

}  // namespace

ipc::PeerPath path_of(const PeerState& peer, std::chrono::system_clock::time_point now) {
    ipc::PeerPath path;
    if (peer.endpoint && peer.last_handshake && now - *peer.last_handshake < kPathFreshFor) {
        path.kind = ipc::PathKind::direct;
        path.endpoint = peer.endpoint;
    }
    return path;
}

value::Key to_ipc(const core::PublicKey& key) {
    return value::Key(key);
}

core::PublicKey to_core(const value::Key& key) {
    return key.bytes();
}

Tunnel::Tunnel(TunnelDeps deps, std::string name, ipc::TunnelConfig config,
               std::shared_ptr<spdlog::logger> log)
    : deps_(std::move(deps)),
      name_(std::move(name)),
      log_(std::move(log)),
      standalone_(std::move(config), deps_.net, deps_.firewall, deps_.resolver, deps_.dns, log_) {
    for (const auto& peer : standalone_.config().peers) {
        if (!peer.name.empty()) {
            names_[peer.public_key] = peer.name;
        }
    }
}

Tunnel::~Tunnel() {
    stop();
}

void Tunnel::start() {
    if (!standalone_.before_interface(name_)) {
        throw std::runtime_error(name_ + ": PreUp failed (see the log)");
    }
    device_ = std::make_unique<Device>(deps_.io, deps_.tuns.create(name_), deps_.sockets,
                                       deps_.environment, log_, deps_.workers);
    uapi_ = std::make_unique<UapiServer>(deps_.io, deps_.uapi_directory + "/" + name_ + ".sock",
                                         *device_, log_);
    started_ = true;
    try {
        device_->start();
        uapi_->start();
        if (!standalone_.bring_up(*device_)) {
            throw std::runtime_error(name_ +
                                     ": the configuration could not be applied (see the "
                                     "log)");
        }
    } catch (...) {
        stop();
        throw;
    }
    auto gone = [this] {
        if (on_gone) {
            on_gone();
        }
    };
    device_->on_closed = gone;
    uapi_->on_removed = gone;
    uapi_->on_applied = [this](const UapiSet& set) {
        resync_routes();
        if (!on_peer_changed_by_wg) {
            return;
        }
        for (const auto& peer : set.peers) {
            on_peer_changed_by_wg(to_ipc(peer.public_key), peer.remove);
        }
    };
    log_->info("{}: up; wg(8) socket at {}", name_, uapi_->path());
}

void Tunnel::stop() {
    if (!started_) {
        return;
    }
    started_ = false;
    standalone_.take_down();
    if (uapi_) {
        uapi_->stop();
    }
    if (device_) {
        device_->on_closed = nullptr;
        device_->stop();
    }
    log_->info("{}: down", name_);
}

bool Tunnel::has_peer(const value::Key& public_key) const {
    return device_->engine().find_peer(to_core(public_key)) != nullptr;
}

ipc::Outcome<void> Tunnel::change_peer(const ipc::PeerChange& change, bool create) {
    UapiPeer peer;
    peer.public_key = to_core(change.public_key);
    peer.update_only = !create;
    if (change.preshared_key) {
        // All zeros is "no preshared key" to the UAPI.
        peer.preshared_key =
            *change.preshared_key ? to_core(**change.preshared_key) : core::SymmetricKey{};
    }
    std::optional<HostEndpoint> host;  // resolved once the change is applied
    if (change.endpoint && *change.endpoint) {
        const value::Endpoint& endpoint = **change.endpoint;
        if (endpoint.is_address()) {
            peer.endpoint = value::SocketAddress{endpoint.address(), endpoint.port()};
        } else {
            host = HostEndpoint{peer.public_key, {}, endpoint.host(), endpoint.port()};
        }
    }
    peer.persistent_keepalive = change.persistent_keepalive;
    if (change.allowed_ips) {
        peer.replace_allowed_ips = true;
        peer.allowed_ips = *change.allowed_ips;
    }
    std::optional<std::vector<value::IpPrefix>> new_routes;  // for a peer that is new
    if (!has_peer(change.public_key)) {
        new_routes = peer.allowed_ips;
    }
    UapiSet set;
    set.peers.push_back(std::move(peer));
    if (const int error = device_->apply(set); error != 0) {
        return ipc::refuse(
            error == ENOSPC || error == E2BIG ? ipc::ErrorCode::busy
                                              : ipc::ErrorCode::invalid_params,
            "params.peer: " + apply_error_message(error, device_->engine().config().max_peers,
                                                  device_->max_allowed_ips()));
    }
    if (change.endpoint && !*change.endpoint) {
        // The UAPI cannot unset an endpoint; the engine can.
        device_->forget_endpoint(to_core(change.public_key));
    }
    if (change.endpoint) {
        standalone_.forget_pending(to_core(change.public_key));  // what was given now wins
    }
    if (change.name) {
        if (change.name->empty()) {
            names_.erase(change.public_key);
        } else {
            names_[change.public_key] = *change.name;
        }
    }
    if (host) {
        const auto name = names_.find(change.public_key);
        host->who = name != names_.end() ? "'" + name->second + "'" : change.public_key.to_base64();
        standalone_.resolve_endpoint(*host);
    }
    if (new_routes && has_peer(change.public_key)) {
        // Nothing was removed: only the new peer's routes can be missing.
        standalone_.add_routes(*new_routes);
    } else {
        resync_routes();
    }
    return {};
}

ipc::Outcome<void> Tunnel::remove_peer(const value::Key& public_key) {
    UapiPeer peer;
    peer.public_key = to_core(public_key);
    peer.remove = true;
    UapiSet set;
    set.peers.push_back(peer);
    if (const int error = device_->apply(set); error != 0) {
        return ipc::refuse(ipc::ErrorCode::internal_error,
                           apply_error_message(error, device_->engine().config().max_peers,
                                               device_->max_allowed_ips()));
    }
    names_.erase(public_key);
    resync_routes();
    return {};
}

std::optional<ReloadPlan> Tunnel::reload(ipc::TunnelConfig wanted) {
    std::map<value::Key, std::string> names;
    for (const auto& peer : wanted.peers) {
        if (!peer.name.empty()) {
            names[peer.public_key] = peer.name;
        }
    }
    auto plan = standalone_.reload(std::move(wanted));
    if (plan) {
        names_ = std::move(names);
    }
    return plan;
}

void Tunnel::resync_routes() {
    std::vector<value::IpPrefix> all;
    for (const auto& p : device_->snapshot().peers) {
        all.insert(all.end(), p.allowed_ips.begin(), p.allowed_ips.end());
    }
    standalone_.sync_routes(all);
}

std::vector<ipc::PeerStatus> Tunnel::peers() const {
    return peers_of(device_->snapshot());
}

std::optional<ipc::PeerStatus> Tunnel::peer(const value::Key& public_key) const {
    auto state = device_->snapshot_of(to_core(public_key));
    if (!state) {
        return std::nullopt;
    }
    DeviceStatus one;
    one.peers.push_back(std::move(*state));
    return std::move(peers_of(one).front());
}

std::string Tunnel::peer_name(const value::Key& public_key) const {
    const auto name = names_.find(public_key);
    return name != names_.end() ? name->second : std::string();
}

std::vector<ipc::PeerStatus> Tunnel::peers_of(const DeviceStatus& snapshot) const {
    std::vector<ipc::PeerStatus> out;
    for (const auto& info : snapshot.peers) {
        ipc::PeerStatus peer;
        peer.public_key = to_ipc(info.public_key);
        peer.name = peer_name(peer.public_key);
        if (info.endpoint) {
            peer.endpoint = info.endpoint->endpoint();
        }
        peer.allowed_ips = info.allowed_ips;
        peer.last_handshake = info.last_handshake ? unix_seconds(*info.last_handshake) : 0;
        peer.rx_bytes = info.rx_bytes;
        peer.tx_bytes = info.tx_bytes;
        if (auto rates = rates_.find(peer.public_key); rates != rates_.end()) {
            peer.rx_rate = rates->second.rx;
            peer.tx_rate = rates->second.tx;
        }
        peer.persistent_keepalive = info.persistent_keepalive;
        peer.has_preshared_key = info.preshared_key && !info.preshared_key->is_zero();
        std::optional<ipc::PeerPath> known;
        if (path_source) {
            known = path_source(peer.public_key);
        }
        peer.path = known ? *known : path_of(info, std::chrono::system_clock::now());
        out.push_back(std::move(peer));
    }
    return out;
}

ipc::TunnelStatus Tunnel::status() const {
    ipc::TunnelStatus status;
    status.name = name_;
    status.up = started_;
    if (!started_) {
        return status;
    }
    const DeviceStatus snapshot = device_->snapshot();
    if (auto key = device_->engine().public_key()) {
        status.public_key = to_ipc(*key);
    }
    status.listen_port = snapshot.listen_port;
    status.kill_switch = standalone_.kill_switch_on();
    status.addresses = standalone_.config().iface.addresses;
    status.dns = standalone_.dns().entry.manager;
    status.dns_problem = standalone_.dns().problem;
    status.peers = snapshot.peers.size();
    for (const auto& peer : snapshot.peers) {
        status.rx_bytes += peer.rx_bytes;
        status.tx_bytes += peer.tx_bytes;
    }
    return status;
}

ipc::TunnelConfig Tunnel::current_config(bool with_secrets) const {
    ipc::TunnelConfig config;
    config.iface = standalone_.config().iface;
    if (!with_secrets) {
        // Hooks (only ever from root's own files) are kept when the file is written again and
        // not shown to anyone else.
        config.iface.pre_up.clear();
        config.iface.post_up.clear();
        config.iface.pre_down.clear();
        config.iface.post_down.clear();
    }
    const DeviceStatus snapshot = device_->snapshot();
    if (with_secrets && snapshot.private_key) {
        config.iface.private_key = to_ipc(*snapshot.private_key);
    } else {
        config.iface.private_key = value::SecretKey();
    }
    for (const auto& info : snapshot.peers) {
        ipc::PeerConfig peer;
        peer.public_key = to_ipc(info.public_key);
        peer.name = peer_name(peer.public_key);
        if (with_secrets && info.preshared_key && !info.preshared_key->is_zero()) {
            peer.preshared_key = to_ipc(*info.preshared_key);
        }
        // Keep a host name as the file gave it; otherwise the address the engine uses now.
        const auto& original = standalone_.config().peers;
        const auto from_file =
            std::find_if(original.begin(), original.end(),
                         [&](const ipc::PeerConfig& p) { return p.public_key == peer.public_key; });
        if (from_file != original.end() && from_file->endpoint &&
            !from_file->endpoint->is_address()) {
            peer.endpoint = from_file->endpoint;
        } else if (info.endpoint) {
            peer.endpoint = info.endpoint->endpoint();
        }
        peer.allowed_ips = info.allowed_ips;
        peer.persistent_keepalive = info.persistent_keepalive;
        config.peers.push_back(std::move(peer));
    }
    return config;
}

ipc::StatsEvent Tunnel::sample(std::int64_t now) {
    ipc::StatsEvent event;
    event.tunnel = name_;
    event.time = now;
    const DeviceStatus snapshot = device_->snapshot();
    std::vector<value::Key> present;
    for (const auto& info : snapshot.peers) {
        const value::Key key = to_ipc(info.public_key);
        present.push_back(key);
        rates_[key] = history_.record(key, now, info.rx_bytes, info.tx_bytes);
    }
    history_.retain(present);
    std::erase_if(rates_, [&](const auto& entry) {
        return std::find(present.begin(), present.end(), entry.first) == present.end();
    });
    event.peers = peers_of(snapshot);
    standalone_.follow_endpoints(snapshot);
    return event;
}

}  // namespace tulle::daemon

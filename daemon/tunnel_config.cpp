#include "daemon/tunnel_config.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <netdb.h>
#include <netinet/in.h>
#include <set>
#include <sys/socket.h>
#include <system_error>

namespace tulle::daemon {

core::SymmetricKey to_core(const value::SecretKey& key) {
    core::SymmetricKey out;
    std::copy(key.bytes().begin(), key.bytes().end(), out.bytes().begin());
    return out;
}

value::SecretKey to_ipc(const core::SymmetricKey& key) {
    std::array<std::uint8_t, value::kKeySize> bytes{};
    std::copy(key.bytes().begin(), key.bytes().end(), bytes.begin());
    value::SecretKey out(bytes);
    value::secure_zero(bytes);
    return out;
}

value::Result<value::SocketAddress> resolve_with_system(const std::string& host,
                                                        std::uint16_t port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* found = nullptr;
    const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found);
    if (rc != 0) {
        return value::fail("cannot resolve '" + host + "': " + ::gai_strerror(rc));
    }
    const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owner(found, &::freeaddrinfo);
    std::optional<value::SocketAddress> v6;
    for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
        if (a->ai_family == AF_INET) {
            sockaddr_in sin{};
            std::memcpy(&sin, a->ai_addr, sizeof(sin));
            std::array<std::uint8_t, 4> ip{};
            std::memcpy(ip.data(), &sin.sin_addr, 4);
            return value::SocketAddress{value::IpAddress::v4(ip), port};
        }
        if (a->ai_family == AF_INET6 && !v6) {
            sockaddr_in6 sin6{};
            std::memcpy(&sin6, a->ai_addr, sizeof(sin6));
            std::array<std::uint8_t, 16> ip{};
            std::memcpy(ip.data(), &sin6.sin6_addr, 16);
            v6 = value::SocketAddress{value::IpAddress::v6(ip), port};
        }
    }
    if (v6) {
        return *v6;
    }
    return value::fail("'" + host + "' has no IPv4 or IPv6 address");
}

std::string apply_error_message(int error, std::size_t max_peers, std::size_t max_allowed_ips) {
    if (error == ENOSPC) {
        return "too many peers: an interface holds at most " + std::to_string(max_peers);
    }
    if (error == E2BIG) {
        return "too many allowed IPs: an interface holds at most " +
               std::to_string(max_allowed_ips) + " (all peers together)";
    }
    return std::generic_category().message(error);
}

UapiPeer to_uapi_peer(const ipc::PeerConfig& peer) {
    UapiPeer change;
    std::copy(peer.public_key.bytes().begin(), peer.public_key.bytes().end(),
              change.public_key.begin());
    if (peer.preshared_key) {
        change.preshared_key = to_core(*peer.preshared_key);
    }
    if (peer.endpoint && peer.endpoint->is_address()) {
        change.endpoint = value::SocketAddress{peer.endpoint->address(), peer.endpoint->port()};
    }
    change.persistent_keepalive = peer.persistent_keepalive;
    change.replace_allowed_ips = true;
    change.allowed_ips = peer.allowed_ips;
    return change;
}

UapiSet to_uapi_set(const ipc::TunnelConfig& config) {
    UapiSet set;
    core::PrivateKey key;
    std::copy(config.iface.private_key.bytes().begin(), config.iface.private_key.bytes().end(),
              key.bytes().begin());
    set.private_key = std::optional<core::PrivateKey>(key);
    set.listen_port = config.iface.listen_port.value_or(0);
    set.fwmark = config.iface.fwmark;
    set.replace_peers = true;
    for (const auto& peer : config.peers) {
        set.peers.push_back(to_uapi_peer(peer));
    }
    return set;
}

std::optional<HostEndpoint> host_endpoint(const ipc::PeerConfig& peer) {
    if (!peer.endpoint || peer.endpoint->is_address()) {
        return std::nullopt;
    }
    HostEndpoint host;
    std::copy(peer.public_key.bytes().begin(), peer.public_key.bytes().end(), host.peer.begin());
    host.who = peer.name.empty() ? peer.public_key.to_base64() : "'" + peer.name + "'";
    host.host = peer.endpoint->host();
    host.port = peer.endpoint->port();
    return host;
}

std::vector<HostEndpoint> host_endpoints(const ipc::TunnelConfig& config) {
    std::vector<HostEndpoint> out;
    for (const auto& peer : config.peers) {
        if (auto host = host_endpoint(peer)) {
            out.push_back(std::move(*host));
        }
    }
    return out;
}

std::vector<platform::RoutingRule> InterfacePlan::policy_rules() const {
    std::vector<platform::RoutingRule> rules;
    for (const bool v6 : {false, true}) {
        const bool wanted =
            std::any_of(default_routes.begin(), default_routes.end(),
                        [v6](const value::IpPrefix& p) { return p.address().is_v6() == v6; });
        if (!wanted) {
            continue;
        }
        platform::RoutingRule tunnel;
        tunnel.v6 = v6;
        tunnel.table = policy_table;
        tunnel.not_fwmark = policy_table;
        rules.push_back(tunnel);
        platform::RoutingRule main_first;
        main_first.v6 = v6;
        main_first.table = platform::kMainRouteTable;
        main_first.suppress_prefix_length = 0;
        rules.push_back(main_first);
    }
    return rules;
}

InterfacePlan plan_interface(const ipc::TunnelConfig& config) {
    InterfacePlan plan;
    plan.mtu = config.iface.mtu.value_or(1420);
    plan.addresses = config.iface.addresses;
    const ipc::RouteTable& table = config.iface.table;
    bool automatic = false;
    switch (table.kind) {
        case ipc::RouteTable::Kind::off:
            return plan;
        case ipc::RouteTable::Kind::automatic:
            automatic = true;
            break;
        case ipc::RouteTable::Kind::number:
            plan.table = table.number;
            break;
        case ipc::RouteTable::Kind::name:
            if (table.name != "main") {
                plan.skipped_routes.push_back("all: Table = " + table.name +
                                              ": give the table's number instead of its name");
                return plan;
            }
            break;
    }
    // wg-quick's rule: the fwmark, if set, names the table too.
    if (config.iface.fwmark != 0) {
        plan.policy_table = config.iface.fwmark;
    }
    // Each route once, in the order of the file; a set makes that n log n (an interface may have
    // a million prefixes).
    std::set<value::IpPrefix> seen;
    for (const auto& peer : config.peers) {
        for (const auto& allowed : peer.allowed_ips) {
            const auto route = allowed.canonical();
            auto& into = automatic && route.length() == 0 ? plan.default_routes : plan.routes;
            if (seen.insert(route).second) {
                into.push_back(route);
            }
        }
    }
    return plan;
}

value::Result<void> kill_switch_allowed(const ipc::TunnelConfig& config) {
    for (const auto& peer : config.peers) {
        for (const auto& prefix : peer.allowed_ips) {
            if (prefix.length() == 0) {
                return {};
            }
        }
    }
    return value::fail(
        "a kill switch needs a default route through the tunnel (a peer with AllowedIPs "
        "0.0.0.0/0 or ::/0); without one it would block all traffic");
}

platform::KillSwitch kill_switch_for(const std::string& interface, const ipc::TunnelConfig& config,
                                     std::uint32_t fwmark,
                                     const std::vector<value::SocketAddress>& endpoints) {
    platform::KillSwitch rules;
    rules.interface = interface;
    rules.fwmark = fwmark;
    rules.allow_lan = config.iface.allow_lan;
    for (const auto& endpoint : endpoints) {
        if (std::find(rules.endpoints.begin(), rules.endpoints.end(), endpoint) ==
            rules.endpoints.end()) {
            rules.endpoints.push_back(endpoint);
        }
    }
    return rules;
}

}  // namespace tulle::daemon

// A wg-quick configuration turned into what the daemon applies: the UAPI set for the engine and
// the list of system changes (addresses, MTU, routes) for the interface.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "daemon/uapi.hpp"
#include "ipc/wg_config.hpp"
#include "platform/firewall.hpp"
#include "platform/net_config.hpp"
#include "value/ip.hpp"
#include "value/result.hpp"

namespace tulle::daemon {

// Turns an endpoint host name into an address, or says why it cannot. Blocking: the daemon runs
// it off the loop thread (ThreadResolver in endpoint_resolver.hpp).
using Resolver =
    std::function<value::Result<value::SocketAddress>(const std::string& host, std::uint16_t port)>;

// getaddrinfo(3): the system resolver, first IPv4 then IPv6 answer, as wg(8) prefers.
[[nodiscard]] value::Result<value::SocketAddress> resolve_with_system(const std::string& host,
                                                                      std::uint16_t port);

[[nodiscard]] core::SymmetricKey to_core(const value::SecretKey& key);
[[nodiscard]] value::SecretKey to_ipc(const core::SymmetricKey& key);

// Why Device::apply failed, for people: ENOSPC is the peer limit, E2BIG the allowed-IP limit, any
// other errno is described by the system.
[[nodiscard]] std::string apply_error_message(int error, std::size_t max_peers,
                                              std::size_t max_allowed_ips);

// The UAPI set that configures a fresh device as the file says (replacing all peers). An
// Endpoint that is a host name is left out: host_endpoints() lists it, to resolve later.
[[nodiscard]] UapiSet to_uapi_set(const ipc::TunnelConfig& config);
// One peer's section of it: every field set, allowed IPs replaced.
[[nodiscard]] UapiPeer to_uapi_peer(const ipc::PeerConfig& peer);

// A peer whose Endpoint is a host name.
struct HostEndpoint {
    core::PublicKey peer{};
    std::string who;  // for people: the peer's name in quotes, or its public key
    std::string host;
    std::uint16_t port = 0;

    friend bool operator==(const HostEndpoint&, const HostEndpoint&) = default;
};
[[nodiscard]] std::vector<HostEndpoint> host_endpoints(const ipc::TunnelConfig& config);
// The one peer's, if its Endpoint is a host name.
[[nodiscard]] std::optional<HostEndpoint> host_endpoint(const ipc::PeerConfig& peer);

// wg-quick's choice: the table (and fwmark) of a tunnel that takes the default route.
inline constexpr std::uint32_t kDefaultPolicyTable = 51820;

struct InterfacePlan {
    std::uint32_t mtu = 1420;
    std::vector<value::IpPrefix> addresses;
    std::uint32_t table = platform::kMainRouteTable;  // where `routes` go
    std::vector<value::IpPrefix> routes;  // every allowed IP, canonical, without duplicates
    // Default routes (/0) with Table = auto go into their own table with policy rules, as
    // wg-quick does: the tunnel's UDP packets carry fwmark `policy_table` and keep the main
    // table; everything else takes the tunnel (the main table's more specific routes still win).
    std::vector<value::IpPrefix> default_routes;
    std::uint32_t policy_table = kDefaultPolicyTable;
    std::vector<std::string> skipped_routes;  // for people: routes not added, and why

    // The rules default_routes need, one pair per family.
    [[nodiscard]] std::vector<platform::RoutingRule> policy_rules() const;
};

// What to set on the interface: Table = off adds no routes, Table = N (or main) puts every route,
// default ones too, into that table, and Table = auto (the default) as InterfacePlan says.
[[nodiscard]] InterfacePlan plan_interface(const ipc::TunnelConfig& config);

// A kill switch blocks everything that does not leave through the tunnel, so only a tunnel that
// takes the default route (a peer with 0.0.0.0/0 or ::/0 in AllowedIPs) may have one; else why
// not, for people.
[[nodiscard]] value::Result<void> kill_switch_allowed(const ipc::TunnelConfig& config);

// The kill switch of the tunnel on `interface`: the mark its own UDP carries (0: none), the
// peers' endpoints as the device knows them now (configured, resolved or roamed to), and the
// config's allow-lan.
[[nodiscard]] platform::KillSwitch kill_switch_for(
    const std::string& interface, const ipc::TunnelConfig& config, std::uint32_t fwmark,
    const std::vector<value::SocketAddress>& endpoints);

}  // namespace tulle::daemon

// A wg-quick configuration turned into what the daemon applies: the UAPI set for the engine and
// the list of system changes (addresses, MTU, routes) for the interface.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "daemon/core/endpoint.hpp"
#include "daemon/uapi.hpp"
#include "ipc/result.hpp"
#include "ipc/wg_config.hpp"
#include "platform/ip_prefix.hpp"

namespace tulle::daemon {

// Turns an endpoint host name into an address, or says why it cannot.
using Resolver =
    std::function<ipc::Result<core::Endpoint>(const std::string& host, std::uint16_t port)>;

// getaddrinfo(3): the system resolver, first IPv4 then IPv6 answer, as wg(8) prefers.
[[nodiscard]] ipc::Result<core::Endpoint> resolve_with_system(const std::string& host,
                                                              std::uint16_t port);

[[nodiscard]] core::Endpoint to_core(const ipc::IpAddress& address, std::uint16_t port);
[[nodiscard]] platform::IpPrefix to_platform(const ipc::IpPrefix& prefix);

// The UAPI set that configures a fresh device as the file says (replacing all peers). Fails
// with a message naming the peer whose endpoint does not resolve.
[[nodiscard]] ipc::Result<UapiSet> to_uapi_set(const ipc::TunnelConfig& config,
                                               const Resolver& resolve);

struct InterfacePlan {
    std::uint32_t mtu = 1420;
    std::vector<platform::IpPrefix> addresses;
    std::vector<platform::IpPrefix> routes;   // every allowed IP, canonical, without duplicates
    std::vector<std::string> skipped_routes;  // for people: routes not added, and why
};

// What to set on the interface. Default routes (/0) are skipped with a reason: they need policy
// routing (wg-quick's fwmark rules), which is not built yet; Table = off adds no routes.
[[nodiscard]] InterfacePlan plan_interface(const ipc::TunnelConfig& config);

}  // namespace tulle::daemon

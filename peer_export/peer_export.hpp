// The other side of a new peer of a running tunnel, for the WireGuard mobile apps: a key pair
// and a preshared key made here (never by tulled), a free overlay address, the peer.add params
// that add the new peer to the tunnel, and the wg-quick file for the phone. Pure: no I/O; the
// caller asks tulled (tunnel.get, then peer.add) and shows the file once.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ipc/messages.hpp"
#include "ipc/wg_config.hpp"
#include "value/ip.hpp"
#include "value/result.hpp"

namespace tulle::peer_export {

// The keepalive the phone's file asks for, so a phone behind NAT stays reachable.
inline constexpr std::uint16_t kPhoneKeepalive = 25;

struct Request {
    std::string name;  // the new peer's name in the tunnel; empty for none
    // The phone's address; none: the first free one in each of the tunnel's networks.
    std::optional<value::IpAddress> address;
    // What the phone sends through the tunnel; none: the tunnel's networks (or everything with
    // full_tunnel).
    std::optional<std::vector<value::IpPrefix>> allowed_ips;
    bool full_tunnel = false;  // 0.0.0.0/0, ::/0
    // Where the phone reaches this tunnel: HOST or HOST:PORT; the port defaults to the tunnel's.
    std::string endpoint;
};

// The new peer. Both members hold secrets (the preshared key; the phone's private key); they wipe
// themselves when they go.
struct Export {
    ipc::PeerEdit edit;       // for peer.add: the phone's public key, address, preshared key
    ipc::TunnelConfig phone;  // the phone's file, with its private key
    // The phone's file as wg-quick text, secrets included: show it once, then wipe it.
    [[nodiscard]] std::string config_text() const;
};

// "10.0.0.0/24, fd00::/64": a comma-separated list of prefixes, spaces allowed around each; an
// empty or blank list is no prefixes. The error quotes the item that is wrong.
[[nodiscard]] value::Result<std::vector<value::IpPrefix>> parse_prefix_list(std::string_view list);

// HOST or HOST:PORT (an IPv6 address with or without brackets); `port` when none is given.
[[nodiscard]] value::Result<value::Endpoint> parse_endpoint(std::string_view text,
                                                            std::uint16_t port);

// The addresses the new peer gets (one host prefix per family the tunnel has), or why none: the
// requested one is in use or outside every network the tunnel has, or a network is full.
[[nodiscard]] value::Result<std::vector<value::IpPrefix>> choose_addresses(
    const ipc::TunnelDetail& tunnel, const std::optional<value::IpAddress>& requested);

// Makes the key pair and the preshared key and fills in both sides from tunnel.get's answer.
// Errors name the option that is wrong ("--endpoint: ...") or what the tunnel lacks.
[[nodiscard]] value::Result<Export> prepare(const ipc::TunnelDetail& tunnel,
                                            const Request& request);

}  // namespace tulle::peer_export

#include "peer_export/peer_export.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <utility>

#include "value/key.hpp"
#include "value/text.hpp"

namespace tulle::peer_export {
namespace {

constexpr std::string_view kSpaces = " \t\r\n";
// How many addresses of a network are tried before it counts as full (an IPv6 /64 is never
// searched to its end).
constexpr int kMaxCandidates = 65536;

std::string_view trim(std::string_view text) {
    text.remove_prefix(std::min(text.size(), text.find_first_not_of(kSpaces)));
    return text.substr(0, text.find_last_not_of(kSpaces) + 1);
}

// The next address (wrapping at the end of the family's range).
value::IpAddress next(const value::IpAddress& address) {
    const std::span<const std::uint8_t> bytes = address.bytes();
    std::array<std::uint8_t, 16> out{};
    std::copy(bytes.begin(), bytes.end(), out.begin());
    for (std::size_t i = bytes.size(); i-- > 0;) {
        if (++out[i] != 0) {
            break;
        }
    }
    if (address.is_v4()) {
        return value::IpAddress::v4({out[0], out[1], out[2], out[3]});
    }
    return value::IpAddress::v6(out);
}

value::IpPrefix host(const value::IpAddress& address) {
    return *value::IpPrefix::make(address, address.max_prefix_length());
}

// Why `address` cannot be the new peer's: the tunnel's own, or inside a peer's allowed IPs.
std::optional<std::string> taken(const ipc::TunnelDetail& tunnel, const value::IpAddress& address) {
    for (const value::IpPrefix& own : tunnel.status.addresses) {
        if (own.address() == address) {
            return "the tunnel's own address";
        }
    }
    for (const ipc::PeerStatus& peer : tunnel.peers) {
        for (const value::IpPrefix& allowed : peer.allowed_ips) {
            if (allowed.contains(address)) {
                const std::string who = peer.name.empty() ? peer.public_key.to_base64() : peer.name;
                return "in the allowed IPs of peer " + value::quote(who) + " (" +
                       allowed.to_string() + ")";
            }
        }
    }
    return std::nullopt;
}

// The first address of `network` that no one has: not its first (the network's own) and, in IPv4,
// not its last (broadcast) when it has more than two.
value::Result<value::IpAddress> first_free(const ipc::TunnelDetail& tunnel,
                                           const value::IpPrefix& network) {
    const value::IpPrefix net = network.canonical();
    const bool reserved_ends = net.address().max_prefix_length() - net.length() >= 2;
    value::IpAddress candidate = reserved_ends ? next(net.address()) : net.address();
    for (int tried = 0; tried < kMaxCandidates && net.contains(candidate); ++tried) {
        const value::IpAddress after = next(candidate);
        const bool broadcast = net.address().is_v4() && reserved_ends && !net.contains(after);
        if (broadcast) {
            break;
        }
        if (!taken(tunnel, candidate)) {
            return candidate;
        }
        candidate = after;
    }
    return value::fail("no free address in " + net.to_string() + "; give one with --address");
}

}  // namespace

std::string Export::config_text() const {
    return ipc::write_config(phone, /*include_secrets=*/true);
}

value::Result<std::vector<value::IpPrefix>> parse_prefix_list(std::string_view list) {
    std::vector<value::IpPrefix> prefixes;
    if (trim(list).empty()) {
        return prefixes;
    }
    for (std::size_t start = 0;;) {
        const std::size_t comma = std::min(list.find(',', start), list.size());
        const std::string_view item = trim(list.substr(start, comma - start));
        auto prefix = value::IpPrefix::parse(item);
        if (!prefix.ok()) {
            return value::fail(value::quote(item) + ": " + prefix.error());
        }
        prefixes.push_back(*prefix);
        if (comma == list.size()) {
            return prefixes;
        }
        start = comma + 1;
    }
}

value::Result<value::Endpoint> parse_endpoint(std::string_view text, std::uint16_t port) {
    text = trim(text);
    if (text.empty()) {
        return value::fail(
            "required: the host name or address where the phone reaches this "
            "machine (HOST or HOST:PORT)");
    }
    if (auto endpoint = value::Endpoint::parse(text); endpoint.ok()) {
        return endpoint;
    }
    std::string_view host = text;
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    if (port == 0) {
        return value::fail(value::quote(text) + ": give the port (HOST:PORT): the tunnel has none");
    }
    auto endpoint = value::Endpoint::make(host, port);
    if (!endpoint.ok()) {
        return value::fail(value::quote(text) + ": " + endpoint.error());
    }
    return endpoint;
}

value::Result<std::vector<value::IpPrefix>> choose_addresses(
    const ipc::TunnelDetail& tunnel, const std::optional<value::IpAddress>& requested) {
    std::vector<value::IpPrefix> chosen;
    if (requested) {
        if (auto why = taken(tunnel, *requested)) {
            return value::fail("--address: " + requested->to_string() + " is " + *why);
        }
        chosen.push_back(host(*requested));
    }
    // One address per family the tunnel has, from the first network of that family.
    for (const value::IpPrefix& own : tunnel.status.addresses) {
        const bool have = std::any_of(chosen.begin(), chosen.end(), [&own](const auto& prefix) {
            return prefix.family() == own.family();
        });
        if (have) {
            continue;
        }
        auto address = first_free(tunnel, own);
        if (!address.ok()) {
            return value::fail(address.error());
        }
        chosen.push_back(host(*address));
    }
    if (chosen.empty()) {
        return value::fail("the tunnel has no Address to choose from; give one with --address");
    }
    return chosen;
}

value::Result<Export> prepare(const ipc::TunnelDetail& tunnel, const Request& request) {
    if (!tunnel.status.up || !tunnel.status.public_key) {
        return value::fail("tunnel " + value::quote(tunnel.status.name) +
                           " is down; start it first");
    }
    if (!request.name.empty()) {
        if (auto checked = value::check_peer_name(request.name); !checked.ok()) {
            return value::fail("--name: " + value::to_string(checked.error()));
        }
    }
    auto endpoint = parse_endpoint(request.endpoint, tunnel.status.listen_port);
    if (!endpoint.ok()) {
        return value::fail("--endpoint: " + endpoint.error());
    }
    auto addresses = choose_addresses(tunnel, request.address);
    if (!addresses.ok()) {
        return value::fail(addresses.error());
    }
    std::vector<value::IpPrefix> routed;
    if (request.full_tunnel) {
        routed = {*value::IpPrefix::parse("0.0.0.0/0"), *value::IpPrefix::parse("::/0")};
    } else if (request.allowed_ips) {
        routed = *request.allowed_ips;
    } else {
        for (const value::IpPrefix& own : tunnel.status.addresses) {
            routed.push_back(own.canonical());
        }
    }
    if (routed.empty()) {
        return value::fail(
            "the tunnel has no Address, so the phone's AllowedIPs cannot be "
            "guessed; give --allowed-ips or --full-tunnel");
    }

    Export out;
    value::SecretKey private_key = value::generate_private_key();
    auto public_key = value::public_key_of(private_key);
    if (!public_key.ok()) {
        return value::fail("the new key pair is unusable: " + public_key.error());
    }
    const value::SecretKey psk = value::generate_preshared_key();

    out.edit.tunnel = tunnel.status.name;
    out.edit.peer.public_key = *public_key;
    if (!request.name.empty()) {
        out.edit.peer.name = request.name;
    }
    out.edit.peer.allowed_ips = *addresses;
    out.edit.peer.preshared_key = std::optional<value::SecretKey>(psk);

    out.phone.iface.private_key = std::move(private_key);
    out.phone.iface.addresses = std::move(addresses).value();
    out.phone.iface.dns_servers = tunnel.settings.dns_servers;
    out.phone.iface.dns_search = tunnel.settings.dns_search;
    ipc::PeerConfig server;
    server.public_key = *tunnel.status.public_key;
    server.preshared_key = psk;
    server.allowed_ips = std::move(routed);
    server.endpoint = *endpoint;
    server.persistent_keepalive = kPhoneKeepalive;
    out.phone.peers.push_back(std::move(server));
    return out;
}

}  // namespace tulle::peer_export

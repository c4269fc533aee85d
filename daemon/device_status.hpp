// What a Device reports about itself and its peers (Device::snapshot()): the daemon's one status
// type for a running interface. Every reader formats or picks from it: uapi's format_get for
// `wg show`, the service's tunnel and peer status, the stats history. New peer state goes here;
// format_get keeps to what the UAPI's get reply has, so wg(8) sees the same lines as before.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "daemon/core/crypto.hpp"
#include "value/ip.hpp"

namespace tulle::daemon {

// One peer as the engine has it now.
struct PeerState {
    core::PublicKey public_key{};
    std::optional<core::SymmetricKey> preshared_key;  // unset when the peer has none
    std::optional<value::SocketAddress> endpoint;     // unset: none known
    std::uint16_t persistent_keepalive = 0;           // seconds; 0 = off
    std::optional<std::chrono::system_clock::time_point> last_handshake;  // unset: never
    std::uint64_t rx_bytes = 0;
    std::uint64_t tx_bytes = 0;
    std::vector<value::IpPrefix> allowed_ips;
};

// The interface and its peers.
struct DeviceStatus {
    std::optional<core::PrivateKey> private_key;  // unset: none
    std::uint16_t listen_port = 0;
    std::uint32_t fwmark = 0;  // 0: off
    std::vector<PeerState> peers;
};

}  // namespace tulle::daemon

// What one node keeps of one network, across restarts: a JSON file per network in the service's
// configuration folder (/etc/tulle/networks/NAME.json), root's, mode 0600, because it holds this
// node's WireGuard private key (and, on the lighthouse, the network's signing key). Written
// whole to a temporary file, synced and renamed over the old one, so a crash or a full disk
// leaves the last good file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mesh/certificate.hpp"
#include "mesh/invite.hpp"
#include "mesh/keys.hpp"
#include "mesh/registry.hpp"
#include "value/ip.hpp"
#include "value/key.hpp"
#include "value/result.hpp"

namespace tulle::mesh {

enum class NetworkRole : std::uint8_t { lighthouse, member };

// A member this node installed as a WireGuard peer (members only): reinstalled at start.
struct KnownPeer {
    Certificate certificate;
    std::optional<value::SocketAddress> endpoint;
};

// A member's invite while it is being redeemed.
struct Joining {
    InviteId invite{};
    value::SecretKey enrollment_key;
    std::string name;
    value::IpAddress address;
    std::int64_t expires = 0;
    value::Key lighthouse_key;            // from the invite: whom to redeem it with
    value::IpAddress lighthouse_address;  // its overlay address
};

struct NetworkState {
    NetworkRole role = NetworkRole::member;
    std::string name;  // the network's and its tunnel's name
    NetworkId id{};
    SigningPublicKey network_key{};
    std::optional<SigningKey> signing_key;  // the node that admits members (the lighthouse)
    value::SecretKey private_key;           // this node's WireGuard key
    std::uint16_t listen_port = 0;          // 0: any (members)
    value::IpPrefix range;
    std::vector<value::Endpoint> endpoints;  // where members reach the lighthouse
    std::optional<Certificate> certificate;  // this node's; none while joining
    std::optional<Certificate> lighthouse;   // members: the lighthouse's
    std::optional<Joining> joining;          // members, until Redeemed arrives
    std::vector<KnownPeer> peers;            // members
    std::vector<Revocation> revocations;     // members: what they applied
    std::optional<Registry> registry;        // the lighthouse
};

// Reads a file written by save_network. The error names the file and the field at fault.
[[nodiscard]] value::Result<NetworkState> load_network(const std::string& path);
// Writes `state` to `path` (see above); the error says why not, and the old file is whole.
[[nodiscard]] std::optional<std::string> save_network(const NetworkState& state,
                                                      const std::string& path);
// The network files (*.json) in `directory`, by name; none when it does not exist.
[[nodiscard]] std::vector<std::string> network_files(const std::string& directory);

}  // namespace tulle::mesh

// `tullectl export`: a new peer of a running tunnel, for a phone. The key pair is made here; tulled
// learns only the public key, the address and the preshared key (peer.add). Apart from the
// command so that tests can drive it over a socketpair.
#pragma once

#include <string>
#include <variant>

#include "ctl/client.hpp"
#include "peer_export/peer_export.hpp"

namespace tulle::ctl {

// What went wrong: the request (a message for the user; nothing was changed) or tulled's answer.
using ExportError = std::variant<std::string, ClientError>;

// tunnel.get, then the new peer's keys and file (peer_export::prepare), then peer.add. The result
// holds the phone's private key: show its file once and let it go.
[[nodiscard]] value::Result<peer_export::Export, ExportError> export_peer(
    Client& client, const std::string& tunnel, const peer_export::Request& request);

}  // namespace tulle::ctl

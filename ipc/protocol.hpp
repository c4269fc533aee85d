// The control protocol between tulled and its clients (tulle, tullectl): names, version, limits
// and error codes. One JSON-RPC 2.0 object per line over a local stream socket.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tulle::ipc {

struct ProtocolVersion {
    int major = 0;
    int minor = 0;
    friend bool operator==(const ProtocolVersion&, const ProtocolVersion&) = default;
};

// Raise minor for additions a client may ignore; raise major for anything else.
// 1.1: tunnel.get's settings; a peer's endpoint and a tunnel's public key are checked as typed.
// 1.2: stats.history in pages (limit, after, next) with samples in columns; a reply that would
//      pass kMaxMessageSize is refused with message_too_large instead of being sent.
// 1.3: tunnel.delete; a tunnel brought up with a config stays listed (and comes up again by
//      name) after tunnel.down, until it is deleted or tulled stops. The kill switch:
//      tunnel.up's kill_switch and allow_lan, and their state in TunnelStatus and TunnelSettings.
// 1.4: mesh networks: network.list/create/invite/join/members/remove/leave, the network.changed
//      event, and each peer's "path".
// 1.5: the path.changed event (topic peers): a network peer's path changed, from what to what and
//      why.
inline constexpr ProtocolVersion kProtocolVersion{1, 5};

// Why two versions cannot talk, naming the side to update; empty when they can.
[[nodiscard]] std::string version_mismatch(ProtocolVersion client, ProtocolVersion daemon);

// "tulled 0.1.0 (control protocol 1.0)": what every program prints for --version.
[[nodiscard]] std::string version_text(std::string_view program);

inline constexpr std::size_t kMaxMessageSize = 1U << 20U;  // 1 MiB, newline included
// What the items of one paged reply (or one log.tail) fill at most: half the message limit, so
// the envelope and a caller's id always fit beside them.
inline constexpr std::size_t kPageBytes = kMaxMessageSize / 2;
inline constexpr std::string_view kDefaultSocketPath = "/run/tulle/tulled.sock";

// The methods and events: ipc/methods.hpp.

// Stable error codes: the JSON-RPC 2.0 ones, then Tulle's own (-32000 and below).
enum class ErrorCode : std::int32_t {
    parse_error = -32700,
    invalid_request = -32600,
    method_not_found = -32601,
    invalid_params = -32602,
    internal_error = -32603,
    version_mismatch = -32000,
    permission_denied = -32001,
    not_found = -32002,
    already_exists = -32003,
    message_too_large = -32004,
    busy = -32005,
};

[[nodiscard]] std::string_view error_name(ErrorCode code);

}  // namespace tulle::ipc

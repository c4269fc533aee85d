// The typed messages of the control protocol: params and results of every method and the events,
// each with its one codec. Decoding checks every field and names the first bad one
// ("params.peer.allowed_ips[1]: prefix length 33 is larger than 32 for IPv4").
//
// Secrets: private keys never travel in results or events. A tunnel.up or tunnel.save call
// carries a whole wg-quick file (with its private key) from a caller who already holds it; a
// peer.add or peer.update may carry a preshared key. Replies say only whether one is set.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ipc/jsonrpc.hpp"
#include "ipc/wg_config.hpp"
#include "value/ip.hpp"
#include "value/key.hpp"
#include "value/text.hpp"

namespace tulle::ipc {

// --- params -------------------------------------------------------------------------------------

// tunnel.down, tunnel.get: {"name": "wg0"}.
struct TunnelRef {
    std::string name;
};

// tunnel.up: {"name": "office"} starts the system tunnel /etc/tulle/office.conf; with "config"
// (the text of a wg-quick file) it starts that configuration under the name.
struct TunnelUp {
    std::string name;
    std::optional<std::string> config;
};

// tunnel.save: keeps a tunnel as a system tunnel (/etc/tulle/NAME.conf, root, 0600). Without
// "config" the running tunnel of that name is saved as it is now.
struct TunnelSave {
    std::string name;
    std::optional<std::string> config;
    bool autostart = false;
};

// What peer.add sets and peer.update changes: absent fields stay as they are (peer.add: empty).
struct PeerChange {
    value::Key public_key;
    std::optional<std::string> name;
    std::optional<std::optional<value::SecretKey>> preshared_key;  // set; or "" to remove it
    std::optional<std::optional<value::Endpoint>> endpoint;        // set; or "" to forget it
    std::optional<std::vector<value::IpPrefix>> allowed_ips;       // replaces the list
    std::optional<std::uint16_t> persistent_keepalive;             // seconds, 0 off
};

// peer.add, peer.update: {"tunnel": "wg0", "peer": {...}}.
struct PeerEdit {
    std::string tunnel;
    PeerChange peer;
};

// peer.remove: {"tunnel": "wg0", "public_key": "..."}.
struct PeerRef {
    std::string tunnel;
    value::Key public_key;
};

// How far back stats.history reaches (tulled keeps this many samples per peer).
inline constexpr int kMaxHistorySeconds = 600;

// stats.history: {"tunnel": "wg0", "public_key"?: "...", "seconds"?: 600}.
struct StatsQuery {
    std::string tunnel;
    std::optional<value::Key> public_key;  // all peers when absent
    int seconds = kMaxHistorySeconds;
};

enum class LogLevel : std::uint8_t { trace, debug, info, warning, error, critical };
[[nodiscard]] std::string_view to_string(LogLevel level);
[[nodiscard]] std::optional<LogLevel> parse_log_level(std::string_view text);

// log.tail: {"lines"?: 200, "level"?: "info"} — the newest lines at or above the level.
struct LogQuery {
    int lines = 200;
    LogLevel level = LogLevel::info;
};

// subscribe / unsubscribe: {"topics": ["tunnels", "peers", "stats", "log"]}; absent: all.
enum class Topic : std::uint8_t { tunnels = 1, peers = 2, stats = 4, log = 8 };
inline constexpr unsigned kAllTopics = 15;
struct Subscription {
    unsigned topics = kAllTopics;  // bits of Topic
};

// daemon.status, tunnel.list: no params (whatever a caller sends is ignored).
struct NoParams {};

// --- results and events -------------------------------------------------------------------------

// peer.remove: an empty object.
struct Done {};

struct PeerStatus {
    value::Key public_key;
    std::string name;
    std::optional<value::Endpoint>
        endpoint;  // on the wire "192.0.2.1:51820", "[2001:db8::1]:51820";
                   // "" when unknown
    std::vector<value::IpPrefix> allowed_ips;
    std::int64_t last_handshake = 0;  // Unix seconds; 0: never
    std::uint64_t rx_bytes = 0;
    std::uint64_t tx_bytes = 0;
    double rx_rate = 0;  // bytes per second over the last second
    double tx_rate = 0;
    std::uint16_t persistent_keepalive = 0;
    bool has_preshared_key = false;
};

struct TunnelStatus {
    std::string name;
    bool up = false;
    bool system = false;  // saved in /etc/tulle
    bool autostart = false;
    std::optional<value::Key> public_key;  // none when down (on the wire "")
    std::uint16_t listen_port = 0;
    std::vector<value::IpPrefix> addresses;
    std::size_t peers = 0;
    std::uint64_t rx_bytes = 0;
    std::uint64_t tx_bytes = 0;
};

// A tunnel's [Interface] settings without its secrets and hooks (since protocol 1.1).
struct TunnelSettings {
    std::vector<value::IpPrefix> addresses;
    std::optional<std::uint16_t> listen_port;  // none: chosen at random
    std::optional<std::uint16_t> mtu;          // none: worked out when the tunnel comes up
    std::vector<value::IpAddress> dns_servers;
    std::vector<std::string> dns_search;
    RouteTable table;
    std::uint32_t fwmark = 0;
    friend bool operator==(const TunnelSettings&, const TunnelSettings&) = default;
};

// The settings of a parsed configuration (what may be shown to any caller).
[[nodiscard]] TunnelSettings settings_of(const InterfaceConfig& iface);

// tunnel.get: the status, the peers and the settings; and, for 1.0 clients, the configuration as
// a wg-quick file without secrets. An older tulled sends no settings: they are left empty.
struct TunnelDetail {
    TunnelStatus status;
    std::vector<PeerStatus> peers;
    std::string config;
    TunnelSettings settings;
};

// tunnel.list: {"tunnels": [TunnelStatus]}, running and system tunnels.
struct TunnelList {
    std::vector<TunnelStatus> tunnels;
};

struct DaemonStatus {
    std::string daemon;  // "tulled 0.1.0"
    ProtocolVersion version;
    std::int64_t uptime = 0;  // seconds
    std::size_t tunnels_up = 0;
    std::size_t clients = 0;
};

// One second of a peer's traffic: the totals at that time.
struct StatsSample {
    std::int64_t time = 0;  // Unix seconds
    std::uint64_t rx_bytes = 0;
    std::uint64_t tx_bytes = 0;
};

struct PeerHistory {
    value::Key public_key;
    std::vector<StatsSample> samples;  // oldest first, one a second
};

// stats.history: {"peers": [PeerHistory]}.
struct StatsHistory {
    std::vector<PeerHistory> peers;
};

// The `stats` event, once a second per tunnel that is up.
struct StatsEvent {
    std::string tunnel;
    std::int64_t time = 0;
    std::vector<PeerStatus> peers;
};

struct LogLine {
    std::int64_t time_ms = 0;  // Unix milliseconds
    LogLevel level = LogLevel::info;
    std::string message;
};

// log.tail: {"lines": [LogLine]}, oldest first.
struct LogTail {
    std::vector<LogLine> lines;
};

// tunnel.changed: {"tunnel": TunnelStatus, "removed"?: true}; peer.changed:
// {"tunnel": "wg0", "public_key": "...", "removed"?: true}.
struct TunnelChanged {
    TunnelStatus tunnel;
    bool removed = false;
};
struct PeerChanged {
    std::string tunnel;
    value::Key public_key;
    bool removed = false;
};

// --- codecs -------------------------------------------------------------------------------------

[[nodiscard]] Json to_json(const TunnelRef& value);
[[nodiscard]] Json to_json(const TunnelUp& value);
[[nodiscard]] Json to_json(const TunnelSave& value);
[[nodiscard]] Json to_json(const PeerChange& value);
[[nodiscard]] Json to_json(const PeerEdit& value);
[[nodiscard]] Json to_json(const PeerRef& value);
[[nodiscard]] Json to_json(const StatsQuery& value);
[[nodiscard]] Json to_json(const LogQuery& value);
[[nodiscard]] Json to_json(const Subscription& value);
[[nodiscard]] Json to_json(const PeerStatus& value);
[[nodiscard]] Json to_json(const TunnelStatus& value);
[[nodiscard]] Json to_json(const TunnelDetail& value);
[[nodiscard]] Json to_json(const TunnelSettings& value);
[[nodiscard]] Json to_json(const DaemonStatus& value);
[[nodiscard]] Json to_json(const StatsSample& value);
[[nodiscard]] Json to_json(const PeerHistory& value);
[[nodiscard]] Json to_json(const StatsEvent& value);
[[nodiscard]] Json to_json(const LogLine& value);
[[nodiscard]] Json to_json(const TunnelChanged& value);
[[nodiscard]] Json to_json(const PeerChanged& value);
[[nodiscard]] Json to_json(const NoParams& value);
[[nodiscard]] Json to_json(const Done& value);
[[nodiscard]] Json to_json(const TunnelList& value);
[[nodiscard]] Json to_json(const StatsHistory& value);
[[nodiscard]] Json to_json(const LogTail& value);

// Each reads `json` (params when prefix is "params", a result when "result").
[[nodiscard]] Outcome<TunnelRef> tunnel_ref_from_json(const Json& json);
[[nodiscard]] Outcome<TunnelUp> tunnel_up_from_json(const Json& json);
[[nodiscard]] Outcome<TunnelSave> tunnel_save_from_json(const Json& json);
// peer.add requires nothing but the key; so does peer.update (it changes what is given).
[[nodiscard]] Outcome<PeerEdit> peer_edit_from_json(const Json& json);
[[nodiscard]] Outcome<PeerRef> peer_ref_from_json(const Json& json);
[[nodiscard]] Outcome<StatsQuery> stats_query_from_json(const Json& json);
[[nodiscard]] Outcome<LogQuery> log_query_from_json(const Json& json);
[[nodiscard]] Outcome<Subscription> subscription_from_json(const Json& json);

[[nodiscard]] Outcome<PeerStatus> peer_status_from_json(const Json& json,
                                                        const std::string& prefix = "result");
[[nodiscard]] Outcome<TunnelStatus> tunnel_status_from_json(const Json& json,
                                                            const std::string& prefix = "result");
[[nodiscard]] Outcome<std::vector<TunnelStatus>> tunnel_list_from_json(const Json& json);
[[nodiscard]] Outcome<TunnelDetail> tunnel_detail_from_json(const Json& json);
[[nodiscard]] Outcome<TunnelSettings> settings_from_json(const Json& json,
                                                         const std::string& prefix = "result");
[[nodiscard]] Outcome<DaemonStatus> daemon_status_from_json(const Json& json);
[[nodiscard]] Outcome<std::vector<PeerHistory>> stats_history_from_json(const Json& json);
[[nodiscard]] Outcome<StatsEvent> stats_event_from_json(const Json& json);
[[nodiscard]] Outcome<std::vector<LogLine>> log_lines_from_json(const Json& json);
[[nodiscard]] Outcome<LogLine> log_line_from_json(const Json& json,
                                                  const std::string& prefix = "params");
[[nodiscard]] Outcome<TunnelChanged> tunnel_changed_from_json(const Json& json);
[[nodiscard]] Outcome<PeerChanged> peer_changed_from_json(const Json& json);

}  // namespace tulle::ipc

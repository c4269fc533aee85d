// The typed messages of the control protocol: params and results of every method and the events,
// each with its one codec. Decoding checks every field and names the first bad one
// ("params.peer.allowed_ips[1]: prefix length 33 is larger than 32 for IPv4").
//
// Secrets: private keys never travel in results or events. A tunnel.up or tunnel.save call
// carries a whole wg-quick file (with its private key) from a caller who already holds it; a
// peer.add or peer.update may carry a preshared key. Replies say only whether one is set.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ipc/jsonrpc.hpp"
#include "ipc/wg_config.hpp"
#include "value/dns.hpp"
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
// "kill_switch" and "allow_lan" (since 1.3) override the file's "# tulle: kill-switch" for this
// run: block what does not leave through the tunnel (a tunnel with a default route only).
struct TunnelUp {
    std::string name;
    std::optional<std::string> config;
    std::optional<bool> kill_switch;
    std::optional<bool> allow_lan;
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

// The most peers one page of stats.history holds (since protocol 1.2).
inline constexpr int kMaxHistoryPage = 1000;

// stats.history: {"tunnel": "wg0", "public_key"?: "...", "seconds"?: 600, "limit"?: 100,
// "after"?: "..."}. With `limit` (since protocol 1.2) the answer is one page: at most `limit`
// peers, those whose key sorts after `after`, and fewer when their samples would pass
// kPageBytes; its `next` is the `after` of the page that follows. Without `limit`, every peer at
// once in the 1.0 form, refused (message_too_large) when that passes kMaxMessageSize.
struct StatsQuery {
    std::string tunnel;
    std::optional<value::Key> public_key;  // all peers when absent
    int seconds = kMaxHistorySeconds;
    std::optional<int> limit;         // peers per page, 1 … kMaxHistoryPage; none: not paged
    std::optional<value::Key> after;  // the page after this peer (a `next` from the last page)
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

// How traffic reaches a peer now (since 1.4): "direct" to its endpoint (a handshake in the last
// 180 s), "lan" (direct, to an address of a local network), "relay" through a lighthouse
// (`via`: its name), or "none". On the wire {"kind", "endpoint" (absent for none), "via" (relay
// only)}.
enum class PathKind : std::uint8_t { none, direct, lan, relay };
struct PeerPath {
    PathKind kind = PathKind::none;
    std::optional<value::SocketAddress> endpoint;
    std::string via;
    friend bool operator==(const PeerPath&, const PeerPath&) = default;
};
[[nodiscard]] std::string_view to_string(PathKind kind);

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
    PeerPath path;  // since 1.4; an older tulled sends none: kind none
};

struct TunnelStatus {
    std::string name;
    bool up = false;
    bool system = false;  // saved in /etc/tulle
    bool autostart = false;
    bool kill_switch = false;              // up with its kill switch in place (since 1.3)
    std::optional<value::Key> public_key;  // none when down (on the wire "")
    std::uint16_t listen_port = 0;
    std::vector<value::IpPrefix> addresses;
    std::size_t peers = 0;
    std::uint64_t rx_bytes = 0;
    std::uint64_t tx_bytes = 0;
    // While up: the manager that took the tunnel's DNS =, or why none did (empty when it was
    // taken, or there is no DNS =). On the wire only when set: "dns", "dns_problem".
    value::DnsManager dns = value::DnsManager::none;
    std::string dns_problem;
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
    bool kill_switch = false;  // "# tulle: kill-switch" (since 1.3)
    bool allow_lan = false;    // "# tulle: kill-switch allow-lan"
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
    friend bool operator==(const StatsSample&, const StatsSample&) = default;
};

struct PeerHistory {
    value::Key public_key;
    std::vector<StatsSample> samples;  // oldest first, one a second
    friend bool operator==(const PeerHistory&, const PeerHistory&) = default;
};

// How a peer's samples travel:
// - triples (1.0): "samples": [[time, rx_bytes, tx_bytes], ...], about 40 bytes a sample;
// - columns (1.2, pages): "time", "rx", "tx": each the first value, then the difference to the
//   one before ("time": [1765000000, 1, 1, ...]), so an idle second costs 6 bytes. Samples are in
//   order of time and their totals never go down (tulled starts a peer's history afresh when
//   they do), so every difference is at least 0 (time: at least 1).
enum class SampleEncoding : std::uint8_t { triples, columns };

// stats.history: {"peers": [PeerHistory], "next"?: "..."}.
struct StatsHistory {
    std::vector<PeerHistory> peers;
    std::optional<value::Key> next;  // a page: more peers follow this one
    SampleEncoding encoding = SampleEncoding::triples;
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

// --- mesh networks (since 1.4) ------------------------------------------------------------------

// network.create: {"name": "home", "range": "10.88.0.0/16", "endpoints": ["vpn.example.net:51820"],
// "listen_port"?: 51820}. This node becomes the network's lighthouse (its first address) and
// holds the network key that admits members. The listen port defaults to the first endpoint's.
struct NetworkCreate {
    std::string name;  // the network's and its tunnel's name: an interface name
    value::IpPrefix range;
    std::vector<value::Endpoint> endpoints;  // 1..4, where members reach this node
    std::optional<std::uint16_t> listen_port;
};

// network.invite: {"network": "home", "name"?: "laptop", "address"?: "10.88.0.7",
// "expires_in"?: 86400}. Without an address the lowest free one is given.
struct NetworkInvite {
    std::string network;
    std::string name;  // "": the joiner's choice
    std::optional<value::IpAddress> address;
    std::int64_t expires_in = 24LL * 3600;  // seconds, 60 .. 7 days
};

// network.invite's result: the line to hand over (it admits one member, once).
struct InviteIssued {
    std::string network;
    std::string invite;  // "TULLE1:..."
    std::string name;
    value::IpAddress address;
    std::int64_t expires = 0;  // Unix seconds
};

// network.join: {"invite": "TULLE1:...", "name"?: "laptop"}. Answers at once with the network in
// state "joining"; a network.changed event (and network.list) tells how it ended.
struct NetworkJoin {
    std::string invite;
    std::string name;  // when the invite names none; "" : this host's name
};

// network.members, network.leave: {"network": "home"}.
struct NetworkRef {
    std::string network;
};

// network.remove: {"network": "home", "member": "laptop"} (a name or a public key).
struct MemberRef {
    std::string network;
    std::string member;
};

enum class NetworkRoleName : std::uint8_t { lighthouse, member };
// joining: redeeming the invite; online: the lighthouse answers (members) or serving (the
// lighthouse); offline: no answer from the lighthouse for a while; failed: the join was refused
// (problem says why; the network is kept until network.leave, so the user sees it).
enum class NetworkState : std::uint8_t { joining, online, offline, failed };
[[nodiscard]] std::string_view to_string(NetworkRoleName role);
[[nodiscard]] std::string_view to_string(NetworkState state);

struct NetworkStatus {
    std::string name;
    std::string id;  // hex
    NetworkRoleName role = NetworkRoleName::member;
    NetworkState state = NetworkState::joining;
    std::string problem;  // "" unless failed or offline
    value::IpPrefix range;
    std::optional<value::IpAddress> address;  // this node's overlay address
    std::optional<value::Key> public_key;     // this node's WireGuard key
    std::string lighthouse;                   // the lighthouse member's name
    std::vector<value::Endpoint> endpoints;   // the lighthouse's
    std::size_t members = 0;                  // as last known here
    bool up = false;                          // its tunnel is up
};

// network.list: {"networks": [NetworkStatus]}.
struct NetworkList {
    std::vector<NetworkStatus> networks;
};

struct Member {
    std::string name;
    value::Key public_key;
    std::vector<value::IpPrefix> addresses;
    bool lighthouse = false;
    bool self = false;  // this node
    bool online = false;
    std::int64_t last_seen = 0;  // Unix seconds of its last registration; 0: never
    std::int64_t expires = 0;    // its certificate's end
    PeerPath path;               // from this node
};

// network.members: the members as this node knows them (a member asks its lighthouse).
struct MemberList {
    std::string network;
    std::vector<Member> members;
};

// Event network.changed (topic tunnels): a network was created, joined, changed state, had a
// member added or removed, or was left ("removed": true).
struct NetworkChanged {
    std::string network;
    NetworkState state = NetworkState::online;
    std::string problem;
    bool removed = false;
};

// Event path.changed (topic peers, since 1.5): how traffic reaches a peer of a network changed,
// and why. {"tunnel": "home", "peer": KEY, "name"?: "laptop", "from": PeerPath, "to": PeerPath,
// "reason": "no pong from 198.51.100.7:40123 for 5 s"}. The reason is a short English sentence
// of at most kMaxPathReasonBytes; a longer one is refused.
struct PathChanged {
    std::string tunnel;
    value::Key peer;
    std::string name;  // the member's name; "" when unknown
    PeerPath from;
    PeerPath to;
    std::string reason;
};
inline constexpr std::size_t kMaxPathReasonBytes = 200;

// What the mesh codecs check (ipc does not depend on mesh/, so its rules are restated here):
// - a network's name is a tunnel name (value::check_tunnel_name): its tunnel is named after it;
// - a member's name: 1 to 63 of letters, digits, '-', '_' and '.' (mesh/certificate.hpp's rule);
//   "" where a name is optional (network.invite, network.join, InviteIssued);
// - network.remove's member: a member's name or its public key (base64);
// - an invite: "TULLE1:" (any case) and base32 (A-Z, a-z, 2-7), at most 2,000 characters in all,
//   surrounding white space allowed (decoded as it is sent). Refusals never quote it: it holds
//   the enrollment key;
// - endpoints: 1 to 4 in network.create, at most 4 in a NetworkStatus;
// - expires_in: 60 s to 7 days;
// - a range: canonical (no bits set past its length), IPv4 /8 to /30, IPv6 /48 to /126;
// - a network's id: 32 lower-case hex digits ("" while unknown); a member: 1 to 4 addresses;
// - a path: "endpoint" for every kind but none (and none without it), "via" for relay only.
inline constexpr std::size_t kMaxMemberNameBytes = 63;
inline constexpr std::size_t kMaxInviteText = 2000;
inline constexpr std::size_t kMaxNetworkEndpoints = 4;
inline constexpr std::size_t kMaxMemberAddresses = 4;
inline constexpr std::int64_t kMinInviteSeconds = 60;
inline constexpr std::int64_t kMaxInviteSeconds = 7LL * 24 * 3600;
inline constexpr int kMinRangeLengthV4 = 8;
inline constexpr int kMaxRangeLengthV4 = 30;
inline constexpr int kMinRangeLengthV6 = 48;
inline constexpr int kMaxRangeLengthV6 = 126;
inline constexpr std::size_t kNetworkIdHexDigits = 32;
// Why each is not valid (a sentence without the field's name), or nothing. invite_text_error
// never quotes the text.
[[nodiscard]] std::optional<std::string> member_name_error(std::string_view name);
[[nodiscard]] std::optional<std::string> network_range_error(const value::IpPrefix& range);
[[nodiscard]] std::optional<std::string> invite_text_error(std::string_view text);

[[nodiscard]] Json to_json(const PeerPath& value);
[[nodiscard]] Json to_json(const NetworkCreate& value);
[[nodiscard]] Json to_json(const NetworkInvite& value);
[[nodiscard]] Json to_json(const InviteIssued& value);
[[nodiscard]] Json to_json(const NetworkJoin& value);
[[nodiscard]] Json to_json(const NetworkRef& value);
[[nodiscard]] Json to_json(const MemberRef& value);
[[nodiscard]] Json to_json(const NetworkStatus& value);
[[nodiscard]] Json to_json(const NetworkList& value);
[[nodiscard]] Json to_json(const Member& value);
[[nodiscard]] Json to_json(const MemberList& value);
[[nodiscard]] Json to_json(const NetworkChanged& value);
[[nodiscard]] Json to_json(const PathChanged& value);
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
[[nodiscard]] Json to_json(const PeerHistory& value,
                           SampleEncoding encoding = SampleEncoding::triples);
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
// Reads either encoding (per peer); `encoding` says which the first peer used.
[[nodiscard]] Outcome<StatsHistory> stats_history_from_json(const Json& json);
// The answer to stats.history over the peers `keys` (sorted, no repeats) whose samples of the
// last `query.seconds` `samples_of` gives: every peer (or the one asked for) at once, or, with a
// `limit`, one page in columns of the peers after `after` that stops before its peers pass
// kPageBytes (ten minutes of one peer take at most about 38 KB, so a page holds at least one).
// tulled answers with it, and so do the fakes of the tests.
[[nodiscard]] StatsHistory answer_history(
    const std::vector<value::Key>& keys, const StatsQuery& query,
    const std::function<std::vector<StatsSample>(const value::Key&)>& samples_of);
// Paging through stats.history (tullectl and the app): adds `page`, the answer to `asked`, to
// `gathered` and returns the query of the page that follows, or none when `page` was the last.
// A `next` that does not move on (which would page forever) is refused, naming it.
[[nodiscard]] Outcome<std::optional<StatsQuery>> gather_page(const StatsQuery& asked,
                                                             StatsHistory page,
                                                             StatsHistory& gathered);
// log.tail's answer: the newest of `lines` (oldest first) whose encoding fits in `bytes`.
[[nodiscard]] LogTail newest_within(std::vector<LogLine> lines, std::size_t bytes);
// The bytes `peer` takes in a stats.history reply (how tulled fills a page).
[[nodiscard]] std::size_t encoded_size(const PeerHistory& peer, SampleEncoding encoding);
[[nodiscard]] Outcome<StatsEvent> stats_event_from_json(const Json& json);
[[nodiscard]] Outcome<std::vector<LogLine>> log_lines_from_json(const Json& json);
[[nodiscard]] Outcome<LogLine> log_line_from_json(const Json& json,
                                                  const std::string& prefix = "params");
[[nodiscard]] Outcome<TunnelChanged> tunnel_changed_from_json(const Json& json);
[[nodiscard]] Outcome<PeerChanged> peer_changed_from_json(const Json& json);

}  // namespace tulle::ipc

// How tullectl shows things to people: sizes, rates, ages, durations, tables. Pure functions of
// their arguments (the current time is passed in), so they are tested without a daemon or a clock.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ipc/messages.hpp"

namespace tulle::ctl {

// Bytes in IEC units with one decimal: "512 B", "1.5 KiB", "12.0 MiB", "3.2 GiB".
[[nodiscard]] std::string human_bytes(std::uint64_t bytes);

// Bytes per second the same way: "0 B/s", "12.3 KiB/s". Negative or not finite: "0 B/s".
[[nodiscard]] std::string human_rate(double bytes_per_second);

// How long ago `then` was, both in Unix seconds: "12 s ago", "3 min ago", "5 h ago", "2 d ago";
// "never" when `then` is 0 (the protocol's "no handshake yet"). A time in the future (clocks
// disagree) reads "0 s ago".
[[nodiscard]] std::string human_age(std::int64_t then, std::int64_t now);

// A duration in its two largest units: "45 s", "12 min 5 s", "3 h 5 min", "2 d 3 h".
[[nodiscard]] std::string human_duration(std::int64_t seconds);

// "1 peer", "3 peers": a count with the noun in singular or plural (plural adds "s").
[[nodiscard]] std::string count_of(std::size_t count, std::string_view noun);

// Text from the daemon made safe for a terminal: control characters (below 0x20, and 0x7f)
// become \xNN, so a peer name or a log line cannot move the cursor or change colours.
[[nodiscard]] std::string printable(std::string_view text);

// The local time of a Unix time: "14:03:07" (clock) or "2024-05-01 14:03:07.123" (log stamp).
[[nodiscard]] std::string clock_time(std::int64_t unix_seconds);
[[nodiscard]] std::string log_time(std::int64_t unix_ms);

// A table in columns two spaces apart, left-aligned, with no trailing spaces. Widths count UTF-8
// code points, not bytes. Rows shorter than the header are padded with empty cells.
struct Table {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
};
[[nodiscard]] std::string render(const Table& table);

// The one-line description of each: "up", "up, system, autostart"; "10.0.0.2/24, fd00::2/64"
// ("-" when empty); the peer's name, or its public key when it has none.
[[nodiscard]] std::string tunnel_state(const ipc::TunnelStatus& tunnel);
[[nodiscard]] std::string prefix_list(const std::vector<value::IpPrefix>& prefixes);
[[nodiscard]] std::string peer_label(const ipc::PeerStatus& peer);

// After up, down or save: "office: up, system; public key K; port 51820; 10.0.0.2/24; 3 peers".
[[nodiscard]] std::string tunnel_summary(const ipc::TunnelStatus& tunnel);

// After peer add or set: "laptop (K): endpoint 192.0.2.1:51820; allowed ips 10.0.0.2/32;
// keepalive 25 s; preshared key". Says only whether a preshared key is set, never the key.
[[nodiscard]] std::string peer_summary(const ipc::PeerStatus& peer);

// `tullectl status`: the daemon line, then a table of the tunnels (or "no tunnels").
[[nodiscard]] std::string status_report(const ipc::DaemonStatus& daemon,
                                        const std::vector<ipc::TunnelStatus>& tunnels);

// `tullectl peers`: a table of the tunnel's peers; `now` in Unix seconds, for handshake ages.
[[nodiscard]] std::string peers_report(const ipc::TunnelDetail& detail, std::int64_t now);

// How traffic reaches a peer: "direct 198.51.100.7:40123", "lan 192.168.1.2:51820", "relay via
// server" (with its endpoint when known: "relay via server 192.0.2.1:51820"), or "-".
[[nodiscard]] std::string path_text(const ipc::PeerPath& path);

// Overlay addresses as people write them: a host prefix (/32, /128) as its address alone.
[[nodiscard]] std::string address_list(const std::vector<value::IpPrefix>& prefixes);

// After network create or join: "home: lighthouse, online; address 10.88.0.1; range
// 10.88.0.0/16; endpoints vpn.example.net:51820; id 0011...; 3 members" (and the problem).
[[nodiscard]] std::string network_summary(const ipc::NetworkStatus& network);

// `tullectl network list`: a table of the networks (or "no networks"), then each one's problem.
[[nodiscard]] std::string networks_report(const std::vector<ipc::NetworkStatus>& networks);

// `tullectl network members`: name, address, online or offline, path, last seen, and the role
// ("lighthouse", "member"; ", this node" for this one); `now` in Unix seconds.
[[nodiscard]] std::string members_report(const ipc::MemberList& members, std::int64_t now);

// A peer's traffic over a stretch of its history: what went through and the average and peak
// rates between samples. A total that shrinks (the peer was removed and added again) restarts
// counting from zero instead of counting backwards.
struct TrafficSummary {
    std::int64_t seconds = 0;  // from the first sample to the last
    std::uint64_t rx_bytes = 0;
    std::uint64_t tx_bytes = 0;
    double rx_average = 0;  // bytes per second
    double tx_average = 0;
    double rx_peak = 0;
    double tx_peak = 0;
};
[[nodiscard]] TrafficSummary summarise(const std::vector<ipc::StatsSample>& samples);

// `tullectl stats`: one row per peer of the history; names from the tunnel's peers where known.
[[nodiscard]] std::string stats_report(const std::vector<ipc::PeerHistory>& history,
                                       const std::vector<ipc::PeerStatus>& peers);

// `tullectl stats --follow`: one line per peer of a stats event, "14:03:07  laptop  rx 12.3 KiB/s
// tx 1.0 KiB/s", names padded to the longest of the event.
[[nodiscard]] std::string stats_lines(const ipc::StatsEvent& event);

// `tullectl logs`: "2024-05-01 14:03:07.123 warning  message".
[[nodiscard]] std::string log_line(const ipc::LogLine& line);

}  // namespace tulle::ctl

#include "daemon/metrics.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <stdexcept>

#include "daemon/tunnel.hpp"

namespace tulle::daemon {
namespace {

// Why the engine or the device dropped something: one sample each of tulle_dropped_total.
struct DropReason {
    std::string_view reason;
    std::uint64_t (*count)(const TunnelMetrics&);
};

constexpr std::array kDropReasons{
    DropReason{"invalid_message", [](const TunnelMetrics& t) { return t.engine.invalid_message; }},
    DropReason{"invalid_mac", [](const TunnelMetrics& t) { return t.engine.invalid_mac; }},
    DropReason{"ratelimited", [](const TunnelMetrics& t) { return t.engine.ratelimited; }},
    DropReason{"handshake_failed",
               [](const TunnelMetrics& t) { return t.engine.handshake_failed; }},
    DropReason{"handshake_replayed",
               [](const TunnelMetrics& t) { return t.engine.handshake_replayed; }},
    DropReason{"unknown_receiver",
               [](const TunnelMetrics& t) { return t.engine.unknown_receiver; }},
    DropReason{"keypair_expired", [](const TunnelMetrics& t) { return t.engine.keypair_expired; }},
    DropReason{"decrypt_failed", [](const TunnelMetrics& t) { return t.engine.decrypt_failed; }},
    DropReason{"replayed", [](const TunnelMetrics& t) { return t.engine.replayed; }},
    DropReason{"invalid_packet", [](const TunnelMetrics& t) { return t.engine.invalid_packet; }},
    DropReason{"source_not_allowed",
               [](const TunnelMetrics& t) { return t.engine.source_not_allowed; }},
    DropReason{"no_route", [](const TunnelMetrics& t) { return t.engine.no_route; }},
    DropReason{"no_endpoint", [](const TunnelMetrics& t) { return t.engine.no_endpoint; }},
    DropReason{"staged_dropped", [](const TunnelMetrics& t) { return t.engine.staged_dropped; }},
    DropReason{"tun_write", [](const TunnelMetrics& t) { return t.device.tun_write_dropped; }},
    DropReason{"udp_send", [](const TunnelMetrics& t) { return t.device.udp_send_dropped; }},
    DropReason{"relay_frame", [](const TunnelMetrics& t) { return t.device.relay_dropped; }},
    DropReason{"disco", [](const TunnelMetrics& t) { return t.device.disco_dropped; }},
};

// A per-tunnel counter of something that happened (not a drop).
struct TunnelCounter {
    std::string_view name;
    std::string_view help;
    std::uint64_t (*count)(const TunnelMetrics&);
};

constexpr std::array kTunnelCounters{
    TunnelCounter{"tulle_cookie_replies_sent_total",
                  "Cookie replies sent: handshakes answered under load without a valid mac2.",
                  [](const TunnelMetrics& t) { return t.engine.cookie_replies_sent; }},
    TunnelCounter{"tulle_cookie_replies_received_total",
                  "Cookie replies received that decrypted (a peer is under load).",
                  [](const TunnelMetrics& t) { return t.engine.cookie_replies_taken; }},
    TunnelCounter{"tulle_relay_frames_forwarded_total",
                  "Relay frames a lighthouse passed from one member to another.",
                  [](const TunnelMetrics& t) { return t.device.relay_forwarded; }},
    TunnelCounter{"tulle_path_copies_total",
                  "WireGuard messages also sent on the relay while a direct path was in doubt.",
                  [](const TunnelMetrics& t) { return t.device.shadow_sent; }},
    TunnelCounter{"tulle_handshake_initiations_sent_total", "Handshake initiations sent.",
                  [](const TunnelMetrics& t) { return t.engine.handshake_initiations_sent; }},
    TunnelCounter{"tulle_handshake_responses_sent_total", "Handshake responses sent.",
                  [](const TunnelMetrics& t) { return t.engine.handshake_responses_sent; }},
    TunnelCounter{"tulle_sessions_established_total", "Sessions established with peers.",
                  [](const TunnelMetrics& t) { return t.engine.sessions_established; }},
    TunnelCounter{"tulle_keepalives_sent_total", "Keepalive messages sent.",
                  [](const TunnelMetrics& t) { return t.engine.keepalives_sent; }},
    TunnelCounter{"tulle_tun_read_errors_total", "Errors reading from the TUN device.",
                  [](const TunnelMetrics& t) { return t.device.tun_read_errors; }},
};

bool ends_with(std::string_view text, std::string_view end) {
    return text.size() >= end.size() && text.substr(text.size() - end.size()) == end;
}

// Backslash and line feed escaped, and the double quote too when `quote` (label values).
std::string escaped(std::string_view text, bool quote) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        if (c == '\\' || (quote && c == '"')) {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace

TunnelMetrics metrics_of(const std::string& tunnel, const Device& device,
                         const std::function<std::string(const value::Key&)>& peer_name) {
    TunnelMetrics out;
    out.name = tunnel;
    out.engine = device.engine().counters();
    out.device = device.counters();
    const DeviceStatus snapshot = device.snapshot();
    out.listen_port = snapshot.listen_port;
    for (const auto& state : snapshot.peers) {
        PeerMetrics peer;
        peer.public_key = to_ipc(state.public_key);
        if (peer_name) {
            peer.name = peer_name(peer.public_key);
        }
        peer.endpoint_known = state.endpoint.has_value();
        if (state.last_handshake) {
            peer.last_handshake = std::chrono::duration_cast<std::chrono::seconds>(
                                      state.last_handshake->time_since_epoch())
                                      .count();
        }
        peer.rx_bytes = state.rx_bytes;
        peer.tx_bytes = state.tx_bytes;
        out.peers.push_back(std::move(peer));
    }
    return out;
}

std::string escape_label_value(std::string_view value) {
    return escaped(value, true);
}

std::string escape_help(std::string_view text) {
    return escaped(text, false);
}

void MetricsText::family(std::string_view name, Type type, std::string_view help) {
    if ((type == Type::counter) != ends_with(name, "_total")) {
        throw std::logic_error("metric " + std::string(name) +
                               ": counters and only counters end in _total");
    }
    family_ = name;
    // In format 0.0.4 the HELP and TYPE lines name the samples, _total included (OpenMetrics
    // would drop it; Prometheus's parser for 0.0.4 then finds no help for the counter).
    text_ += "# HELP ";
    text_ += name;
    text_ += ' ';
    text_ += escape_help(help);
    text_ += "\n# TYPE ";
    text_ += name;
    text_ += type == Type::counter ? " counter\n" : " gauge\n";
}

void MetricsText::sample(const Labels& labels, std::uint64_t value) {
    sample_line(labels, std::to_string(value));
}

void MetricsText::sample_line(const Labels& labels, const std::string& value) {
    if (family_.empty()) {
        throw std::logic_error("a metric sample before its family");
    }
    text_ += family_;
    if (!labels.empty()) {
        text_ += '{';
        bool first = true;
        for (const auto& [name, label_value] : labels) {
            if (!first) {
                text_ += ',';
            }
            first = false;
            text_ += name;
            text_ += "=\"";
            text_ += escape_label_value(label_value);
            text_ += '"';
        }
        text_ += '}';
    }
    text_ += ' ';
    text_ += value;
    text_ += '\n';
}

std::string encode_metrics(const DaemonMetrics& metrics) {
    using Type = MetricsText::Type;
    MetricsText out;
    out.family("tulle_build_info", Type::gauge, "tulled's version; always 1.");
    out.sample({{"version", metrics.version}}, std::uint64_t{1});
    out.family("tulle_tunnels", Type::gauge, "Tunnels that are up.");
    out.sample({}, static_cast<std::uint64_t>(metrics.tunnels.size()));
    if (metrics.control_clients) {
        out.family("tulle_control_clients", Type::gauge,
                   "Clients connected to the control socket.");
        out.sample({}, static_cast<std::uint64_t>(*metrics.control_clients));
    }
    if (metrics.tunnels.empty()) {
        return out.take();
    }

    out.family("tulle_tunnel_listen_port", Type::gauge, "The UDP port the tunnel listens on.");
    for (const auto& tunnel : metrics.tunnels) {
        out.sample({{"tunnel", tunnel.name}}, std::uint64_t{tunnel.listen_port});
    }
    out.family("tulle_tunnel_peers", Type::gauge, "Peers configured on the tunnel.");
    for (const auto& tunnel : metrics.tunnels) {
        out.sample({{"tunnel", tunnel.name}}, static_cast<std::uint64_t>(tunnel.peers.size()));
    }
    out.family("tulle_dropped_total", Type::counter,
               "Datagrams and packets the tunnel dropped, by reason.");
    for (const auto& tunnel : metrics.tunnels) {
        for (const auto& drop : kDropReasons) {
            out.sample({{"tunnel", tunnel.name}, {"reason", drop.reason}}, drop.count(tunnel));
        }
    }
    for (const auto& counter : kTunnelCounters) {
        out.family(counter.name, Type::counter, counter.help);
        for (const auto& tunnel : metrics.tunnels) {
            out.sample({{"tunnel", tunnel.name}}, counter.count(tunnel));
        }
    }

    // Per peer: every configured peer, with an endpoint or not.
    struct PeerFamily {
        std::string_view name;
        Type type;
        std::string_view help;
        std::uint64_t (*value)(const PeerMetrics&);
    };
    static constexpr std::array kPeerFamilies{
        PeerFamily{"tulle_peer_receive_bytes_total", Type::counter,
                   "Bytes received from the peer (whole authenticated datagrams).",
                   [](const PeerMetrics& p) { return p.rx_bytes; }},
        PeerFamily{"tulle_peer_transmit_bytes_total", Type::counter,
                   "Bytes sent to the peer (whole datagrams).",
                   [](const PeerMetrics& p) { return p.tx_bytes; }},
        PeerFamily{"tulle_peer_last_handshake_seconds", Type::gauge,
                   "Unix time of the peer's last completed handshake; 0: never.",
                   [](const PeerMetrics& p) {
                       return static_cast<std::uint64_t>(
                           std::max<std::int64_t>(p.last_handshake, 0));
                   }},
        PeerFamily{"tulle_peer_endpoint_known", Type::gauge,
                   "1 when tulled knows where to reach the peer, 0 when it does not.",
                   [](const PeerMetrics& p) { return std::uint64_t{p.endpoint_known ? 1U : 0U}; }},
    };
    for (const auto& family : kPeerFamilies) {
        out.family(family.name, family.type, family.help);
        for (const auto& tunnel : metrics.tunnels) {
            for (const auto& peer : tunnel.peers) {
                const std::string key = peer.public_key.to_base64();
                MetricsText::Labels labels{{"tunnel", tunnel.name}, {"public_key", key}};
                if (!peer.name.empty()) {
                    labels.emplace_back("name", peer.name);
                }
                out.sample(labels, family.value(peer));
            }
        }
    }
    return out.take();
}

}  // namespace tulle::daemon

#include "ctl/format.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>
#include <iomanip>
#include <map>
#include <sstream>

namespace tulle::ctl {
namespace {

constexpr double kUnitStep = 1024;
constexpr std::array<std::string_view, 7> kUnits{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
constexpr std::int64_t kMinute = 60;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;
constexpr std::size_t kRateWidth = 12;  // "1023.9 KiB/s"

std::string one_decimal(double value) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(1) << value;
    return out.str();
}

// Whole bytes below 1 KiB; above, one decimal in the largest unit that keeps the number (as
// printed, after rounding) below 1024, so 1023.96 KiB reads "1.0 MiB", not "1024.0 KiB".
std::string iec(double value) {
    if (std::round(value) < kUnitStep) {
        return std::to_string(static_cast<int>(std::round(value))) + " B";
    }
    std::size_t unit = 1;
    value /= kUnitStep;
    while (unit + 1 < kUnits.size() && std::round(value * 10) / 10 >= kUnitStep) {
        value /= kUnitStep;
        ++unit;
    }
    return one_decimal(value) + " " + std::string(kUnits.at(unit));
}

std::size_t display_width(std::string_view text) {
    // UTF-8 continuation bytes (10xxxxxx) do not start a character.
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
    }));
}

std::string pad(std::string_view text, std::size_t width) {
    std::string out(text);
    out.append(width - std::min(width, display_width(text)), ' ');
    return out;
}

std::string pad_left(std::string_view text, std::size_t width) {
    return std::string(width - std::min(width, display_width(text)), ' ') + std::string(text);
}

// A value that may be absent: its text, or "" (or_dash makes that "-").
template <typename T>
std::string text_of(const std::optional<T>& value) {
    return value ? value->to_string() : std::string();
}
std::string text_of(const std::optional<value::Key>& key) {
    return key ? key->to_base64() : std::string();
}

std::string or_dash(const std::string& text) {
    return text.empty() ? "-" : text;
}

std::string strftime_local(std::int64_t unix_seconds, const char* format) {
    const auto time = static_cast<std::time_t>(unix_seconds);
    std::tm local{};
    if (localtime_r(&time, &local) == nullptr) {
        return std::to_string(unix_seconds);
    }
    std::array<char, 64> text{};
    const std::size_t size = std::strftime(text.data(), text.size(), format, &local);
    return {text.data(), size};
}

std::uint64_t growth(std::uint64_t now, std::uint64_t before) {
    return now >= before ? now - before : now;
}

}  // namespace

std::string human_bytes(std::uint64_t bytes) {
    return iec(static_cast<double>(bytes));
}

std::string human_rate(double bytes_per_second) {
    if (!std::isfinite(bytes_per_second) || bytes_per_second < 0) {
        bytes_per_second = 0;
    }
    return iec(bytes_per_second) + "/s";
}

std::string human_age(std::int64_t then, std::int64_t now) {
    if (then == 0) {
        return "never";
    }
    const std::int64_t age = std::max<std::int64_t>(0, now - then);
    if (age < kMinute) {
        return std::to_string(age) + " s ago";
    }
    if (age < kHour) {
        return std::to_string(age / kMinute) + " min ago";
    }
    if (age < kDay) {
        return std::to_string(age / kHour) + " h ago";
    }
    return std::to_string(age / kDay) + " d ago";
}

std::string human_duration(std::int64_t seconds) {
    seconds = std::max<std::int64_t>(0, seconds);
    const auto two_units = [](std::int64_t big, std::string_view big_name, std::int64_t small,
                              std::string_view small_name) {
        std::string out = std::to_string(big) + " " + std::string(big_name);
        if (small != 0) {
            out += " " + std::to_string(small) + " " + std::string(small_name);
        }
        return out;
    };
    if (seconds < kMinute) {
        return std::to_string(seconds) + " s";
    }
    if (seconds < kHour) {
        return two_units(seconds / kMinute, "min", seconds % kMinute, "s");
    }
    if (seconds < kDay) {
        return two_units(seconds / kHour, "h", seconds % kHour / kMinute, "min");
    }
    return two_units(seconds / kDay, "d", seconds % kDay / kHour, "h");
}

std::string count_of(std::size_t count, std::string_view noun) {
    return std::to_string(count) + " " + std::string(noun) + (count == 1 ? "" : "s");
}

std::string printable(std::string_view text) {
    static constexpr std::string_view kHex = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20U || byte == 0x7fU) {
            out += "\\x";
            out += kHex.at(byte >> 4U);
            out += kHex.at(byte & 0xfU);
        } else {
            out += c;
        }
    }
    return out;
}

std::string clock_time(std::int64_t unix_seconds) {
    return strftime_local(unix_seconds, "%H:%M:%S");
}

std::string log_time(std::int64_t unix_ms) {
    constexpr std::int64_t kMsPerSecond = 1000;
    const std::int64_t ms = ((unix_ms % kMsPerSecond) + kMsPerSecond) % kMsPerSecond;
    const std::int64_t seconds = (unix_ms - ms) / kMsPerSecond;
    std::ostringstream out;
    out << strftime_local(seconds, "%Y-%m-%d %H:%M:%S") << '.' << std::setw(3) << std::setfill('0')
        << ms;
    return out.str();
}

std::string render(const Table& table) {
    std::size_t columns = table.header.size();
    for (const auto& row : table.rows) {
        columns = std::max(columns, row.size());
    }
    std::vector<std::size_t> widths(columns, 0);
    const auto measure = [&widths](const std::vector<std::string>& row) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            widths[i] = std::max(widths[i], display_width(row[i]));
        }
    };
    measure(table.header);
    for (const auto& row : table.rows) {
        measure(row);
    }
    std::string out;
    const auto line = [&out, &widths, columns](const std::vector<std::string>& row) {
        std::string text;
        for (std::size_t i = 0; i < columns; ++i) {
            const std::string_view cell = i < row.size() ? std::string_view(row[i]) : "";
            text += i + 1 < columns ? pad(cell, widths[i]) + "  " : std::string(cell);
        }
        text.erase(text.find_last_not_of(' ') + 1);
        out += text + "\n";
    };
    if (!table.header.empty()) {
        line(table.header);
    }
    for (const auto& row : table.rows) {
        line(row);
    }
    return out;
}

std::string tunnel_state(const ipc::TunnelStatus& tunnel) {
    std::string out = tunnel.up ? "up" : "down";
    if (tunnel.system) {
        out += ", system";
    }
    if (tunnel.autostart) {
        out += ", autostart";
    }
    if (tunnel.kill_switch) {
        out += ", kill switch";
    }
    return out;
}

std::string prefix_list(const std::vector<value::IpPrefix>& prefixes) {
    std::string out;
    for (const auto& prefix : prefixes) {
        out += (out.empty() ? "" : ", ") + prefix.to_string();
    }
    return or_dash(out);
}

std::string peer_label(const ipc::PeerStatus& peer) {
    return peer.name.empty() ? peer.public_key.to_base64() : printable(peer.name);
}

std::string tunnel_summary(const ipc::TunnelStatus& tunnel) {
    std::string out = tunnel.name + ": " + tunnel_state(tunnel);
    if (tunnel.public_key) {
        out += "; public key " + tunnel.public_key->to_base64();
    }
    if (tunnel.listen_port != 0) {
        out += "; port " + std::to_string(tunnel.listen_port);
    }
    if (!tunnel.addresses.empty()) {
        out += "; " + prefix_list(tunnel.addresses);
    }
    out += "; " + count_of(tunnel.peers, "peer");
    if (tunnel.dns != value::DnsManager::none) {
        out += "; DNS through " + std::string(value::to_string(tunnel.dns));
    }
    if (!tunnel.dns_problem.empty()) {
        out += "\n" + tunnel.name + ": " + printable(tunnel.dns_problem);
    }
    return out;
}

std::string peer_summary(const ipc::PeerStatus& peer) {
    std::string out = peer.public_key.to_base64();
    if (!peer.name.empty()) {
        out = printable(peer.name) + " (" + out + ")";
    }
    out += ": endpoint " + or_dash(text_of(peer.endpoint)) + "; allowed ips " +
           prefix_list(peer.allowed_ips) + "; keepalive " +
           (peer.persistent_keepalive == 0 ? std::string("off")
                                           : std::to_string(peer.persistent_keepalive) + " s");
    if (peer.has_preshared_key) {
        out += "; preshared key";
    }
    return out;
}

std::string status_report(const ipc::DaemonStatus& daemon,
                          const std::vector<ipc::TunnelStatus>& tunnels) {
    std::string out = printable(daemon.daemon) + ", control protocol " +
                      std::to_string(daemon.version.major) + "." +
                      std::to_string(daemon.version.minor) + ", up " +
                      human_duration(daemon.uptime) + ", " + count_of(daemon.tunnels_up, "tunnel") +
                      " up, " + count_of(daemon.clients, "client") + "\n";
    if (tunnels.empty()) {
        return out + "no tunnels\n";
    }
    Table table{{"TUNNEL", "STATE", "PUBLIC KEY", "PORT", "ADDRESSES", "PEERS", "RX", "TX"}, {}};
    for (const auto& tunnel : tunnels) {
        table.rows.push_back({tunnel.name, tunnel_state(tunnel),
                              or_dash(text_of(tunnel.public_key)),
                              tunnel.listen_port == 0 ? "-" : std::to_string(tunnel.listen_port),
                              prefix_list(tunnel.addresses), std::to_string(tunnel.peers),
                              human_bytes(tunnel.rx_bytes), human_bytes(tunnel.tx_bytes)});
    }
    out += render(table);
    for (const auto& tunnel : tunnels) {  // what a tunnel that is up lacks, under the table
        if (!tunnel.dns_problem.empty()) {
            out += tunnel.name + ": " + printable(tunnel.dns_problem) + "\n";
        }
    }
    return out;
}

std::string peers_report(const ipc::TunnelDetail& detail, std::int64_t now) {
    if (detail.peers.empty()) {
        return detail.status.name + " has no peers\n";
    }
    Table table{{"NAME", "PUBLIC KEY", "ENDPOINT", "PATH", "ALLOWED IPS", "HANDSHAKE", "RX", "TX",
                 "RX RATE", "TX RATE"},
                {}};
    for (const auto& peer : detail.peers) {
        table.rows.push_back({or_dash(printable(peer.name)), peer.public_key.to_base64(),
                              or_dash(text_of(peer.endpoint)), path_text(peer.path),
                              prefix_list(peer.allowed_ips), human_age(peer.last_handshake, now),
                              human_bytes(peer.rx_bytes), human_bytes(peer.tx_bytes),
                              human_rate(peer.rx_rate), human_rate(peer.tx_rate)});
    }
    return render(table);
}

std::string path_text(const ipc::PeerPath& path) {
    const std::string endpoint = text_of(path.endpoint);
    switch (path.kind) {
        case ipc::PathKind::none:
            return "-";
        case ipc::PathKind::relay:
            return "relay via " + printable(path.via) + (endpoint.empty() ? "" : " " + endpoint);
        case ipc::PathKind::direct:
        case ipc::PathKind::lan:
            break;
    }
    return std::string(ipc::to_string(path.kind)) + " " + or_dash(endpoint);
}

std::string address_list(const std::vector<value::IpPrefix>& prefixes) {
    std::string out;
    for (const auto& prefix : prefixes) {
        const bool host = prefix.length() == prefix.address().max_prefix_length();
        out +=
            (out.empty() ? "" : ", ") + (host ? prefix.address().to_string() : prefix.to_string());
    }
    return or_dash(out);
}

std::string network_summary(const ipc::NetworkStatus& network) {
    std::string endpoints;
    for (const auto& endpoint : network.endpoints) {
        endpoints += (endpoints.empty() ? "" : ", ") + endpoint.to_string();
    }
    std::string out = network.name + ": " + std::string(ipc::to_string(network.role)) + ", " +
                      std::string(ipc::to_string(network.state)) + "; address " +
                      or_dash(text_of(network.address)) + "; range " + network.range.to_string();
    if (network.role == ipc::NetworkRoleName::member && !network.lighthouse.empty()) {
        out += "; lighthouse " + printable(network.lighthouse);
    }
    out += "; endpoints " + or_dash(endpoints) + "; id " + or_dash(network.id) + "; " +
           count_of(network.members, "member");
    if (!network.problem.empty()) {
        out += "; " + printable(network.problem);
    }
    return out;
}

std::string networks_report(const std::vector<ipc::NetworkStatus>& networks) {
    if (networks.empty()) {
        return "no networks\n";
    }
    Table table{{"NAME", "ROLE", "STATE", "ADDRESS", "RANGE", "MEMBERS", "LIGHTHOUSE", "TUNNEL"},
                {}};
    std::string problems;
    for (const auto& network : networks) {
        table.rows.push_back({network.name, std::string(ipc::to_string(network.role)),
                              std::string(ipc::to_string(network.state)),
                              or_dash(text_of(network.address)), network.range.to_string(),
                              std::to_string(network.members),
                              or_dash(printable(network.lighthouse)), network.up ? "up" : "down"});
        if (!network.problem.empty()) {
            problems += network.name + ": " + printable(network.problem) + "\n";
        }
    }
    return render(table) + problems;
}

std::string members_report(const ipc::MemberList& members, std::int64_t now) {
    if (members.members.empty()) {
        return members.network + " has no members\n";
    }
    Table table{{"NAME", "ADDRESS", "STATE", "PATH", "LAST SEEN", "ROLE"}, {}};
    for (const auto& member : members.members) {
        std::string role = member.lighthouse ? "lighthouse" : "member";
        if (member.self) {
            role += ", this node";
        }
        table.rows.push_back({printable(member.name), address_list(member.addresses),
                              member.online ? "online" : "offline",
                              member.self ? "-" : path_text(member.path),
                              member.self ? "-" : human_age(member.last_seen, now), role});
    }
    return render(table);
}

TrafficSummary summarise(const std::vector<ipc::StatsSample>& samples) {
    TrafficSummary out;
    for (std::size_t i = 1; i < samples.size(); ++i) {
        const auto& before = samples[i - 1];
        const auto& now = samples[i];
        const std::uint64_t rx = growth(now.rx_bytes, before.rx_bytes);
        const std::uint64_t tx = growth(now.tx_bytes, before.tx_bytes);
        out.rx_bytes += rx;
        out.tx_bytes += tx;
        if (const std::int64_t step = now.time - before.time; step > 0) {
            out.rx_peak =
                std::max(out.rx_peak, static_cast<double>(rx) / static_cast<double>(step));
            out.tx_peak =
                std::max(out.tx_peak, static_cast<double>(tx) / static_cast<double>(step));
        }
    }
    if (samples.size() >= 2) {
        out.seconds = std::max<std::int64_t>(0, samples.back().time - samples.front().time);
    }
    if (out.seconds > 0) {
        out.rx_average = static_cast<double>(out.rx_bytes) / static_cast<double>(out.seconds);
        out.tx_average = static_cast<double>(out.tx_bytes) / static_cast<double>(out.seconds);
    }
    return out;
}

std::string stats_report(const std::vector<ipc::PeerHistory>& history,
                         const std::vector<ipc::PeerStatus>& peers) {
    if (history.empty()) {
        return "no peers\n";
    }
    std::map<value::Key, std::string> labels;
    for (const auto& peer : peers) {
        labels.emplace(peer.public_key, peer_label(peer));
    }
    Table table{{"PEER", "SECONDS", "RX", "TX", "AVG RX", "AVG TX", "PEAK RX", "PEAK TX"}, {}};
    for (const auto& peer : history) {
        const auto label = labels.find(peer.public_key);
        std::vector<std::string> row{label != labels.end() ? label->second
                                                           : peer.public_key.to_base64()};
        const TrafficSummary summary = summarise(peer.samples);
        if (summary.seconds == 0) {
            row.insert(row.end(), {"0", "-", "-", "-", "-", "-", "-"});
        } else {
            row.insert(row.end(), {std::to_string(summary.seconds), human_bytes(summary.rx_bytes),
                                   human_bytes(summary.tx_bytes), human_rate(summary.rx_average),
                                   human_rate(summary.tx_average), human_rate(summary.rx_peak),
                                   human_rate(summary.tx_peak)});
        }
        table.rows.push_back(std::move(row));
    }
    return render(table);
}

std::string stats_lines(const ipc::StatsEvent& event) {
    std::size_t width = 0;
    for (const auto& peer : event.peers) {
        width = std::max(width, display_width(peer_label(peer)));
    }
    const std::string time = clock_time(event.time);
    std::string out;
    for (const auto& peer : event.peers) {
        out += time + "  " + pad(peer_label(peer), width) + "  rx " +
               pad_left(human_rate(peer.rx_rate), kRateWidth) + "  tx " +
               pad_left(human_rate(peer.tx_rate), kRateWidth) + "\n";
    }
    return out;
}

std::string log_line(const ipc::LogLine& line) {
    constexpr std::size_t kLevelWidth = 8;  // "critical"
    return log_time(line.time_ms) + " " + pad(ipc::to_string(line.level), kLevelWidth) + " " +
           printable(line.message);
}

}  // namespace tulle::ctl

#include "platform/firewall.hpp"

#include <algorithm>
#include <set>

namespace tulle::platform {
namespace {

constexpr std::string_view kTablePrefix = "tulle_";

// The endpoints of one family as nftables set elements ("192.0.2.1 . 51820"), sorted, once each.
std::string elements(const std::vector<value::SocketAddress>& endpoints, bool v4) {
    std::set<std::string> seen;
    for (const auto& endpoint : endpoints) {
        if (endpoint.address.is_v4() == v4) {
            seen.insert(endpoint.address.to_string() + " . " + std::to_string(endpoint.port));
        }
    }
    std::string out;
    for (const auto& element : seen) {
        out += (out.empty() ? "" : ", ") + element;
    }
    return out;
}

std::string endpoint_set(const std::string& name, const std::string& type,
                         const std::string& members) {
    std::string out = "    set " + name + " {\n        type " + type + " . inet_service\n";
    if (!members.empty()) {
        out += "        elements = { " + members + " }\n";
    }
    return out + "    }\n";
}

// An interface name in double quotes; names never hold '"', '\\' or white space (checked by
// value::check_interface_name before any tunnel exists), but the quoting does not rely on it.
std::string quoted(std::string_view name) {
    std::string out = "\"";
    for (const char c : name) {
        if (c != '"' && c != '\\') {
            out += c;
        }
    }
    return out + "\"";
}

}  // namespace

std::string kill_switch_table(std::string_view interface) {
    std::string out(kTablePrefix);
    for (const char c : interface) {
        switch (c) {
            case '_':
                out += "__";
                break;
            case '=':
                out += "_3d";
                break;
            case '+':
                out += "_2b";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string kill_switch_interface(std::string_view table) {
    if (!table.starts_with(kTablePrefix) || table.size() == kTablePrefix.size()) {
        return {};
    }
    std::string out;
    for (std::size_t at = kTablePrefix.size(); at < table.size(); ++at) {
        if (table[at] != '_') {
            out += table[at];
        } else if (table.substr(at, 2) == "__") {
            out += '_';
            at += 1;
        } else if (table.substr(at, 3) == "_3d") {
            out += '=';
            at += 2;
        } else if (table.substr(at, 3) == "_2b") {
            out += '+';
            at += 2;
        } else {
            return {};  // not a name kill_switch_table() makes
        }
    }
    return out;
}

std::string kill_switch_script(const KillSwitch& rules) {
    const std::string table = "inet " + kill_switch_table(rules.interface);
    // "add" then "delete" then the table: one transaction that replaces whatever was there.
    std::string out =
        "add table " + table + "\ndelete table " + table + "\ntable " + table + " {\n";
    out += endpoint_set("endpoints4", "ipv4_addr", elements(rules.endpoints, true));
    out += endpoint_set("endpoints6", "ipv6_addr", elements(rules.endpoints, false));
    out += "    chain output {\n";
    out += "        type filter hook output priority filter; policy drop;\n";
    out += "        oifname \"lo\" accept\n";
    out += "        oifname " + quoted(rules.interface) + " accept\n";
    if (rules.fwmark != 0) {
        // The tunnel's own encrypted UDP, wherever its peers roam to.
        out += "        meta mark " + std::to_string(rules.fwmark) + " meta l4proto udp accept\n";
    }
    out += "        ip daddr . udp dport @endpoints4 accept\n";
    out += "        ip6 daddr . udp dport @endpoints6 accept\n";
    out += "        meta nfproto ipv4 udp sport 68 udp dport 67 accept\n";
    out += "        meta nfproto ipv6 udp sport 546 udp dport 547 accept\n";
    out +=
        "        icmpv6 type { nd-router-solicit, nd-router-advert, nd-neighbor-solicit, "
        "nd-neighbor-advert, nd-redirect } accept\n";
    if (rules.allow_lan) {
        out +=
            "        ip daddr { 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 169.254.0.0/16, "
            "224.0.0.0/4, 255.255.255.255 } accept\n";
        out += "        ip6 daddr { fc00::/7, fe80::/10, ff00::/8 } accept\n";
    }
    out += "        counter comment \"blocked by the kill switch\"\n";
    out += "    }\n}\n";
    return out;
}

}  // namespace tulle::platform

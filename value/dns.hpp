// Which of the system's resolver managers a tunnel's `DNS =` went to. One type for the platform
// layer that applies it, the daemon that records it and the clients that show it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tulle::value {

enum class DnsManager : std::uint8_t {
    none,        // not applied (no DNS =, or no manager to take it)
    resolved,    // systemd-resolved, over D-Bus
    resolvconf,  // resolvconf(8), as wg-quick uses it
};

// "systemd-resolved", "resolvconf", "none": the names on the control socket and for people.
[[nodiscard]] constexpr std::string_view to_string(DnsManager manager) {
    switch (manager) {
        case DnsManager::resolved:
            return "systemd-resolved";
        case DnsManager::resolvconf:
            return "resolvconf";
        case DnsManager::none:
            break;
    }
    return "none";
}

[[nodiscard]] constexpr std::optional<DnsManager> parse_dns_manager(std::string_view text) {
    for (const auto manager : {DnsManager::none, DnsManager::resolved, DnsManager::resolvconf}) {
        if (text == to_string(manager)) {
            return manager;
        }
    }
    return std::nullopt;
}

}  // namespace tulle::value

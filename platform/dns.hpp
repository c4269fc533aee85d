// A tunnel's DNS settings (`DNS =` of a wg-quick file) handed to the system's resolver manager
// for as long as the tunnel is up: on Linux systemd-resolved over D-Bus when it runs, else
// resolvconf(8) when it is installed, else nothing (this layer never writes /etc/resolv.conf
// behind a manager's back).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "value/dns.hpp"
#include "value/ip.hpp"

namespace tulle::platform {

struct DnsSettings {
    std::vector<value::IpAddress> servers;
    std::vector<std::string> search;  // search domains
    // The tunnel takes the default route (an AllowedIPs of /0): every name is looked up through
    // its servers, not only those under the search domains.
    bool full_tunnel = false;
};

// What apply() set, enough to undo it later, also from another process after a crash.
struct DnsEntry {
    value::DnsManager manager = value::DnsManager::none;
    std::string ifname;
    std::uint32_t ifindex = 0;  // the interface's index when it was set
    // The network namespace the interface is in (Linux: the inode number of /proc/self/ns/net),
    // since interface names and indexes are per namespace: a tulled in another namespace can
    // tell nothing of this interface and must leave the entry alone.
    std::uint64_t network = 0;
    friend bool operator==(const DnsEntry&, const DnsEntry&) = default;
};

// Not thread-safe: one instance from one thread at a time. Calls wait for the manager (a bounded
// time).
class Dns {
  public:
    virtual ~Dns() = default;
    Dns(const Dns&) = delete;
    Dns& operator=(const Dns&) = delete;

    // Hands the settings for the interface to the first manager present. The entry's manager is
    // none when there is none (nothing was done). Throws std::runtime_error naming the manager
    // and what it said when it refused; what it had taken by then is undone first.
    [[nodiscard]] virtual DnsEntry apply(std::string_view ifname, const DnsSettings& settings) = 0;
    // Undoes what apply() set. An interface that is gone (its tulled was killed) gets only what
    // outlived it undone; an interface that took over the index since is left alone. Throws
    // std::runtime_error when the manager refused.
    virtual void revert(const DnsEntry& entry) = 0;
    // Whether the entry's interface is still there (same name, same index), or may be (it is in
    // another network namespace): an entry whose interface is gone was left by a tulled that
    // could not undo it.
    [[nodiscard]] virtual bool interface_lives(const DnsEntry& entry) = 0;

  protected:
    Dns() = default;
};

}  // namespace tulle::platform

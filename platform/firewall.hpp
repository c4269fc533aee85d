// The kill switch ("block untunneled traffic"): while a tunnel that takes the default route is up,
// the system sends nothing that does not leave through the tunnel, but for the tunnel's own
// encrypted UDP (its fwmark, and its peers' endpoints), loopback, DHCP, IPv6 neighbour discovery
// and, when asked, the local network. Behind an interface so the daemon's unit tests can use a
// fake; on Linux an nftables table of Tulle's own per tunnel (platform/linux/firewall_nft.cpp).
//
// Errors: every operation throws std::system_error when the OS refuses it; the message names the
// operation and the tunnel and carries the firewall's own explanation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "value/ip.hpp"

namespace tulle::platform {

// What one tunnel's kill switch lets out besides the tunnel itself.
struct KillSwitch {
    std::string interface;     // the tunnel's interface: everything routed into it passes
    std::uint32_t fwmark = 0;  // the tunnel's own UDP socket's mark (0: none): its packets pass
    std::vector<value::SocketAddress> endpoints;  // UDP to these passes (the peers' endpoints)
    bool allow_lan = false;  // private, link-local and multicast destinations pass too

    friend bool operator==(const KillSwitch&, const KillSwitch&) = default;
};

// Not thread-safe: one instance used from one thread at a time.
class Firewall {
  public:
    virtual ~Firewall() = default;
    // Puts the kill switch of `rules.interface` in place, or replaces it, in one step: there is no
    // moment with neither the old nor the new rules.
    virtual void set_kill_switch(const KillSwitch& rules) = 0;
    // Removes the kill switch of that interface; nothing happens when there is none.
    virtual void remove_kill_switch(std::string_view interface) = 0;
    // The interfaces that have a kill switch in place (Tulle's own, whoever set them: a run that
    // was killed leaves its kill switch behind).
    [[nodiscard]] virtual std::vector<std::string> kill_switches() = 0;
};

// The name of the nftables table (family inet) that holds an interface's kill switch:
// "tulle_" and the interface name with '_' written "__", '=' "_3d" and '+' "_2b" (nftables
// names take letters, digits, '_', '.' and '-'), so no two interfaces share a table.
[[nodiscard]] std::string kill_switch_table(std::string_view interface);
// The interface whose kill switch a table of that name holds; empty for any other table.
[[nodiscard]] std::string kill_switch_interface(std::string_view table);

// The nftables script that sets (or replaces, in one transaction) a kill switch.
[[nodiscard]] std::string kill_switch_script(const KillSwitch& rules);

}  // namespace tulle::platform

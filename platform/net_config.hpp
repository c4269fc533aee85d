// Interface configuration as the daemon needs it: addresses, MTU, up/down, routes through an
// interface, and removal of links. Behind an interface so daemon unit tests can use a fake.
//
// Errors: every operation throws std::system_error when the OS refuses or fails it. The code
// is the OS error (errno on Linux; e.g. ENODEV for a missing interface, EEXIST for an address or
// route that is already there, EINVAL for an invalid interface name) and the message
// names the operation and the interface, e.g.
// "add route 10.78.0.0/16 via nosuch0: No such device". Where the kernel explains itself
// (netlink extended ACK) the explanation is included in parentheses.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "value/ip.hpp"

namespace tulle::platform {

// The main routing table (RT_TABLE_MAIN on Linux).
inline constexpr std::uint32_t kMainRouteTable = 254;

// The origin tag put on every route NetConfig adds (rtm_protocol on Linux, where it shows as
// "proto 116" in `ip route`), so that routes left behind by a crashed daemon can be told from
// everybody else's and removed. 116 = 0x74, 't'; no well-known protocol uses it.
inline constexpr std::uint8_t kTulleRouteProtocol = 0x74;

// A route through one interface, as listed by NetConfig::list_routes().
struct Route {
    value::IpPrefix destination;  // host bits clear
    std::uint32_t table = kMainRouteTable;
    std::uint8_t protocol = 0;  // origin tag; kTulleRouteProtocol for routes NetConfig added
    std::uint32_t metric = 0;   // route priority; lower wins

    friend bool operator==(const Route&, const Route&) = default;
};

// A policy-routing rule (`ip rule`) of the two kinds a tunnel that takes the default route needs,
// as wg-quick sets them up:
//   not fwmark M lookup T              (everything the tunnel itself did not send: table T)
//   lookup main suppress_prefixlength 0 (but more specific routes of the main table win)
struct RoutingRule {
    bool v6 = false;
    std::uint32_t table = kMainRouteTable;
    std::optional<std::uint32_t> not_fwmark;             // "not fwmark M" (mask all ones)
    std::optional<std::uint8_t> suppress_prefix_length;  // "suppress_prefixlength N"
    std::uint8_t protocol = 0;  // origin tag; kTulleRouteProtocol for rules NetConfig added

    friend bool operator==(const RoutingRule&, const RoutingRule&) = default;
};

// Not thread-safe: use one instance from one thread at a time. All interface names must be
// valid (1 to 15 bytes, no '/', ':' or whitespace, not "." or "..") or EINVAL is thrown.
class NetConfig {
  public:
    virtual ~NetConfig() = default;
    NetConfig(const NetConfig&) = delete;
    NetConfig& operator=(const NetConfig&) = delete;

    // Adds `address` (e.g. 10.77.0.1/24) to the interface; the OS then routes address's subnet
    // through it as usual. EEXIST when the interface already has it.
    virtual void add_address(std::string_view ifname, const value::IpPrefix& address) = 0;
    // Removes an address added with the same prefix length. EADDRNOTAVAIL when it is not there.
    virtual void remove_address(std::string_view ifname, const value::IpPrefix& address) = 0;

    virtual void set_mtu(std::string_view ifname, std::uint32_t mtu) = 0;
    virtual void set_up(std::string_view ifname, bool up) = 0;

    // Adds a route to `destination` straight through the interface (no gateway), tagged with
    // kTulleRouteProtocol. Host bits of destination are cleared first. EEXIST when the same
    // route is already there. On Linux an IPv4 route needs the interface up (else ENETDOWN).
    virtual void add_route(std::string_view ifname, const value::IpPrefix& destination,
                           std::uint32_t table = kMainRouteTable) = 0;
    // Removes the route to `destination` through the interface in `table`, whoever added it.
    // ESRCH when there is none.
    virtual void remove_route(std::string_view ifname, const value::IpPrefix& destination,
                              std::uint32_t table = kMainRouteTable) = 0;

    // Adds a policy-routing rule tagged with kTulleRouteProtocol (the rule's `protocol` is
    // ignored); the kernel picks its priority, above the main table's.
    virtual void add_rule(const RoutingRule& rule) = 0;
    // Removes one rule tagged kTulleRouteProtocol that matches family, table, fwmark and
    // suppress_prefixlength (the rule's `protocol` is ignored): a rule of the same shape that
    // someone else added (wg-quick's suppress rule, say) is never removed. ENOENT when there is
    // none.
    virtual void remove_rule(const RoutingRule& rule) = 0;
    // Every rule of both families that has one of the two shapes above (others are left out).
    [[nodiscard]] virtual std::vector<RoutingRule> list_rules() = 0;

    // Whether any route (of either family, any interface) is in routing table `table`.
    [[nodiscard]] virtual bool table_in_use(std::uint32_t table) = 0;

    // Makes the IPv4 reverse-path filter take packet marks into account (Linux:
    // net.ipv4.conf.all.src_valid_mark = 1), so that a strict filter does not drop the answers
    // to a marked tunnel's UDP packets. wg-quick does the same.
    virtual void mark_aware_reverse_path() = 0;

    // Every address on the interface, both families, including ones the OS made itself (e.g.
    // an IPv6 link-local address).
    [[nodiscard]] virtual std::vector<value::IpPrefix> list_addresses(std::string_view ifname) = 0;
    // Every unicast route whose output interface is `ifname`, in any table, including ones the
    // OS made itself (e.g. the subnet route of an address). Routes with several next hops are
    // not listed.
    [[nodiscard]] virtual std::vector<Route> list_routes(std::string_view ifname) = 0;

    // Deletes the interface. ENODEV when there is none.
    virtual void delete_link(std::string_view ifname) = 0;
    // Whether an interface of that name exists.
    [[nodiscard]] virtual bool link_exists(std::string_view ifname) = 0;

  protected:
    NetConfig() = default;
};

}  // namespace tulle::platform

// rtnetlink (rtnetlink(7)) messages for links, addresses and routes: builders for the requests
// NetConfigLinux sends and parsers for the kernel's RTM_NEWLINK / RTM_NEWADDR / RTM_NEWROUTE
// answers. Pure functions over bytes; the socket side is NetlinkSocket.
//
// The builders set the message type and the NLM_F_CREATE / NLM_F_EXCL flags that belong to
// the operation; NetlinkSocket adds NLM_F_REQUEST, NLM_F_ACK or NLM_F_DUMP and the sequence.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "platform/linux/netlink.hpp"
#include "platform/net_config.hpp"
#include "value/ip.hpp"

namespace tulle::platform::linux_impl {

// RTM_GETLINK for one interface by name (IFLA_IFNAME); the kernel answers with one RTM_NEWLINK
// or ENODEV.
[[nodiscard]] NetlinkMessage build_get_link(std::string_view ifname);

// RTM_NEWLINK changing an existing interface (ifi_index): IFF_UP when `up` is given (ifi_change
// limits the change to that flag) and IFLA_MTU when `mtu` is given.
[[nodiscard]] NetlinkMessage build_set_link(int ifindex, std::optional<bool> up,
                                            std::optional<std::uint32_t> mtu);

// RTM_DELLINK for an interface.
[[nodiscard]] NetlinkMessage build_delete_link(int ifindex);

// RTM_NEWADDR (with NLM_F_CREATE | NLM_F_EXCL) or RTM_DELADDR for `address` on an interface:
// ifaddrmsg with the family and prefix length, IFA_LOCAL and IFA_ADDRESS both the address
// (no peer), universe scope.
[[nodiscard]] NetlinkMessage build_new_address(int ifindex, const value::IpPrefix& address);
[[nodiscard]] NetlinkMessage build_delete_address(int ifindex, const value::IpPrefix& address);

// RTM_NEWROUTE (with NLM_F_CREATE | NLM_F_EXCL): a unicast, link-scope route to `destination`
// (host bits cleared) out of the interface (RTA_OIF), no gateway, with rtm_protocol =
// `protocol` and RTA_TABLE = `table` (rtm_table too when it fits in 8 bits).
[[nodiscard]] NetlinkMessage build_new_route(int ifindex, const value::IpPrefix& destination,
                                             std::uint32_t table, std::uint8_t protocol);
// RTM_DELROUTE matching destination, interface and table, with any protocol, scope, type and
// metric (all left as wildcards), as `ip route del` does.
[[nodiscard]] NetlinkMessage build_delete_route(int ifindex, const value::IpPrefix& destination,
                                                std::uint32_t table);

// RTM_NEWRULE (with NLM_F_CREATE, so that two tunnels may each add the same suppress rule) or
// RTM_DELRULE: a fib_rule_hdr of the rule's family with action FR_ACT_TO_TBL, FRA_TABLE, and
// FRA_FWMARK + FRA_FWMASK (all ones) with FIB_RULE_INVERT for "not fwmark", or
// FRA_SUPPRESS_PREFIXLEN; FRA_PROTOCOL = `protocol` (on a delete, the kernel then removes only a
// rule with that tag).
[[nodiscard]] NetlinkMessage build_new_rule(const RoutingRule& rule, std::uint8_t protocol);
[[nodiscard]] NetlinkMessage build_delete_rule(const RoutingRule& rule, std::uint8_t protocol);
[[nodiscard]] NetlinkMessage build_dump_rules();

// RTM_GETADDR or RTM_GETROUTE dump request for every family (AF_UNSPEC).
[[nodiscard]] NetlinkMessage build_dump_addresses();
[[nodiscard]] NetlinkMessage build_dump_routes();

struct LinkInfo {
    int ifindex = 0;
    std::string name;
    std::uint32_t flags = 0;  // IFF_UP, ...
    std::optional<std::uint32_t> mtu;
};

struct AddressInfo {
    int ifindex = 0;
    value::IpPrefix address;  // IFA_LOCAL when present (IPv4), else IFA_ADDRESS (IPv6)
    std::uint8_t scope = 0;
};

struct RouteInfo {
    value::IpPrefix destination;  // the default route is 0.0.0.0/0 or ::/0
    int output_ifindex = 0;       // RTA_OIF; 0 when absent (e.g. multipath)
    std::uint32_t table = 0;      // RTA_TABLE when present, else rtm_table
    std::uint8_t protocol = 0;
    std::uint8_t scope = 0;
    std::uint8_t type = 0;       // RTN_UNICAST, RTN_LOCAL, ...
    std::uint32_t priority = 0;  // RTA_PRIORITY, the metric
    bool has_gateway = false;
};

// Each returns nullopt when the message is of another type, of a family other than AF_INET and
// AF_INET6 (addresses and routes), or malformed.
[[nodiscard]] std::optional<LinkInfo> parse_link(const NetlinkMessageView& message);
[[nodiscard]] std::optional<AddressInfo> parse_address(const NetlinkMessageView& message);
[[nodiscard]] std::optional<RouteInfo> parse_route(const NetlinkMessageView& message);
// An RTM_NEWRULE of one of RoutingRule's two shapes; nullopt for any other rule.
[[nodiscard]] std::optional<RoutingRule> parse_rule(const NetlinkMessageView& message);

}  // namespace tulle::platform::linux_impl

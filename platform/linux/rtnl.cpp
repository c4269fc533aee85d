#include "platform/linux/rtnl.hpp"

#include <algorithm>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <span>
#include <sys/socket.h>
#include <utility>
#include <vector>

namespace tulle::platform::linux_impl {
namespace {

std::span<const std::uint8_t> address_bytes(const value::IpPrefix& prefix) {
    return prefix.address().bytes();
}

std::uint8_t family_of(const value::IpPrefix& prefix) {
    return prefix.address().is_v6() ? AF_INET6 : AF_INET;
}

NetlinkMessage build_address(std::uint16_t type, std::uint16_t flags, int ifindex,
                             const value::IpPrefix& address) {
    NetlinkMessage message(type, flags);
    ifaddrmsg header{};
    header.ifa_family = family_of(address);
    header.ifa_prefixlen = static_cast<std::uint8_t>(address.length());
    header.ifa_scope = RT_SCOPE_UNIVERSE;
    header.ifa_index = static_cast<std::uint32_t>(ifindex);
    message.append_struct(header);
    message.add_attr(IFA_LOCAL, address_bytes(address));
    message.add_attr(IFA_ADDRESS, address_bytes(address));
    return message;
}

NetlinkMessage build_route(std::uint16_t type, std::uint16_t flags, int ifindex,
                           const value::IpPrefix& destination, std::uint32_t table,
                           std::uint8_t protocol, std::uint8_t scope, std::uint8_t route_type) {
    const value::IpPrefix network = destination.canonical();
    NetlinkMessage message(type, flags);
    rtmsg header{};
    header.rtm_family = family_of(network);
    header.rtm_dst_len = static_cast<std::uint8_t>(network.length());
    header.rtm_table = static_cast<std::uint8_t>(table < 256 ? table : RT_TABLE_UNSPEC);
    header.rtm_protocol = protocol;
    header.rtm_scope = scope;
    header.rtm_type = route_type;
    message.append_struct(header);
    message.add_attr(RTA_DST, address_bytes(network));
    message.add_attr_u32(RTA_OIF, static_cast<std::uint32_t>(ifindex));
    message.add_attr_u32(RTA_TABLE, table);
    return message;
}

// The prefix of an address attribute (or of no attribute: all zeros) and a length; nothing when
// the attribute's size does not fit the family or the length is too long for it.
std::optional<value::IpPrefix> read_prefix(const NetlinkAttribute* attribute, bool v6,
                                           std::uint8_t length) {
    std::array<std::uint8_t, 16> bytes{};
    const std::size_t size = v6 ? 16 : 4;
    if (attribute != nullptr) {
        if (attribute->payload.size() != size) {
            return std::nullopt;
        }
        std::copy(attribute->payload.begin(), attribute->payload.end(), bytes.begin());
    }
    auto address = value::IpAddress::from_bytes(std::span<const std::uint8_t>(bytes.data(), size));
    auto prefix = value::IpPrefix::make(address.value(), length);
    if (!prefix) {
        return std::nullopt;
    }
    return prefix.value();
}

// A message of one type, read: its fixed header and its attributes.
template <typename Header>
struct ReadMessage {
    Header header{};
    std::vector<NetlinkAttribute> attributes;
};

// Reads a message of `type`; none for a message of another type, too short for its header or
// with malformed attributes.
template <typename Header>
std::optional<ReadMessage<Header>> read_message(const NetlinkMessageView& message,
                                                std::uint16_t type) {
    if (message.header.type != type) {
        return std::nullopt;
    }
    const auto header = read_struct<Header>(message.payload);
    auto attributes = parse_message_attributes(message.payload, sizeof(Header));
    if (!header || !attributes) {
        return std::nullopt;
    }
    return ReadMessage<Header>{*header, std::move(*attributes)};
}

}  // namespace

namespace {

// The fixed header of a request about one link (or, with index 0, about a link named in an
// attribute).
ifinfomsg link_header(int ifindex) {
    ifinfomsg header{};
    header.ifi_family = AF_UNSPEC;
    header.ifi_index = ifindex;
    return header;
}

// A request to dump every object of one kind in all families: its fixed header all zeros, which
// leaves the family AF_UNSPEC.
template <typename Header>
NetlinkMessage build_dump(std::uint16_t type) {
    static_assert(AF_UNSPEC == 0);
    NetlinkMessage message(type, 0);
    message.append_struct(Header{});
    return message;
}

}  // namespace

NetlinkMessage build_get_link(std::string_view ifname) {
    NetlinkMessage message(RTM_GETLINK, 0);
    message.append_struct(link_header(0));
    message.add_attr_string(IFLA_IFNAME, ifname);
    // Spare the kernel from sending per-VF details we never read.
    message.add_attr_u32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    return message;
}

NetlinkMessage build_set_link(int ifindex, std::optional<bool> up,
                              std::optional<std::uint32_t> mtu) {
    NetlinkMessage message(RTM_NEWLINK, 0);
    ifinfomsg header = link_header(ifindex);
    if (up) {
        header.ifi_flags = *up ? IFF_UP : 0;
        header.ifi_change = IFF_UP;
    }
    message.append_struct(header);
    if (mtu) {
        message.add_attr_u32(IFLA_MTU, *mtu);
    }
    return message;
}

NetlinkMessage build_delete_link(int ifindex) {
    NetlinkMessage message(RTM_DELLINK, 0);
    message.append_struct(link_header(ifindex));
    return message;
}

NetlinkMessage build_new_address(int ifindex, const value::IpPrefix& address) {
    return build_address(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, ifindex, address);
}

NetlinkMessage build_delete_address(int ifindex, const value::IpPrefix& address) {
    return build_address(RTM_DELADDR, 0, ifindex, address);
}

NetlinkMessage build_new_route(int ifindex, const value::IpPrefix& destination, std::uint32_t table,
                               std::uint8_t protocol) {
    return build_route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, ifindex, destination, table,
                       protocol, RT_SCOPE_LINK, RTN_UNICAST);
}

NetlinkMessage build_delete_route(int ifindex, const value::IpPrefix& destination,
                                  std::uint32_t table) {
    return build_route(RTM_DELROUTE, 0, ifindex, destination, table, RTPROT_UNSPEC,
                       RT_SCOPE_NOWHERE, RTN_UNSPEC);
}

namespace {

NetlinkMessage build_rule(std::uint16_t type, std::uint16_t flags, const RoutingRule& rule) {
    NetlinkMessage message(type, flags);
    fib_rule_hdr header{};
    header.family = rule.v6 ? AF_INET6 : AF_INET;
    header.action = FR_ACT_TO_TBL;
    header.table = rule.table < 256 ? static_cast<std::uint8_t>(rule.table)
                                    : static_cast<std::uint8_t>(RT_TABLE_UNSPEC);
    if (rule.not_fwmark) {
        header.flags |= FIB_RULE_INVERT;
    }
    message.append_struct(header);
    message.add_attr_u32(FRA_TABLE, rule.table);
    if (rule.not_fwmark) {
        message.add_attr_u32(FRA_FWMARK, *rule.not_fwmark);
        message.add_attr_u32(FRA_FWMASK, 0xffffffffU);
    }
    if (rule.suppress_prefix_length) {
        message.add_attr_u32(FRA_SUPPRESS_PREFIXLEN, *rule.suppress_prefix_length);
    }
    return message;
}

}  // namespace

NetlinkMessage build_new_rule(const RoutingRule& rule, std::uint8_t protocol) {
    NetlinkMessage message = build_rule(RTM_NEWRULE, NLM_F_CREATE, rule);
    message.add_attr_u8(FRA_PROTOCOL, protocol);
    return message;
}

NetlinkMessage build_delete_rule(const RoutingRule& rule, std::uint8_t protocol) {
    NetlinkMessage message = build_rule(RTM_DELRULE, 0, rule);
    // The kernel then deletes only a rule with this origin tag: never someone else's rule of
    // the same shape (wg-quick's suppress rule looks exactly like ours).
    message.add_attr_u8(FRA_PROTOCOL, protocol);
    return message;
}

NetlinkMessage build_dump_rules() {
    return build_dump<fib_rule_hdr>(RTM_GETRULE);
}

NetlinkMessage build_dump_addresses() {
    return build_dump<ifaddrmsg>(RTM_GETADDR);
}

NetlinkMessage build_dump_routes() {
    return build_dump<rtmsg>(RTM_GETROUTE);
}

std::optional<LinkInfo> parse_link(const NetlinkMessageView& message) {
    const auto parsed = read_message<ifinfomsg>(message, RTM_NEWLINK);
    if (!parsed) {
        return std::nullopt;
    }
    LinkInfo link;
    link.ifindex = parsed->header.ifi_index;
    link.flags = parsed->header.ifi_flags;
    for (const auto& attribute : parsed->attributes) {
        if (attribute.type == IFLA_IFNAME) {
            link.name = attribute_string(attribute);
        } else if (attribute.type == IFLA_MTU) {
            link.mtu = attribute_u32(attribute);
        }
    }
    return link;
}

std::optional<AddressInfo> parse_address(const NetlinkMessageView& message) {
    const auto parsed = read_message<ifaddrmsg>(message, RTM_NEWADDR);
    if (!parsed ||
        (parsed->header.ifa_family != AF_INET && parsed->header.ifa_family != AF_INET6)) {
        return std::nullopt;
    }
    AddressInfo info;
    info.ifindex = static_cast<int>(parsed->header.ifa_index);
    info.scope = parsed->header.ifa_scope;
    const NetlinkAttribute* local = nullptr;
    const NetlinkAttribute* address = nullptr;
    for (const auto& attribute : parsed->attributes) {
        if (attribute.type == IFA_LOCAL) {
            local = &attribute;
        } else if (attribute.type == IFA_ADDRESS) {
            address = &attribute;
        }
    }
    const NetlinkAttribute* chosen = local != nullptr ? local : address;
    if (chosen == nullptr) {
        return std::nullopt;
    }
    const auto prefix =
        read_prefix(chosen, parsed->header.ifa_family == AF_INET6, parsed->header.ifa_prefixlen);
    if (!prefix) {
        return std::nullopt;
    }
    info.address = *prefix;
    return info;
}

std::optional<RouteInfo> parse_route(const NetlinkMessageView& message) {
    const auto parsed = read_message<rtmsg>(message, RTM_NEWROUTE);
    if (!parsed ||
        (parsed->header.rtm_family != AF_INET && parsed->header.rtm_family != AF_INET6)) {
        return std::nullopt;
    }
    RouteInfo route;
    route.table = parsed->header.rtm_table;
    route.protocol = parsed->header.rtm_protocol;
    route.scope = parsed->header.rtm_scope;
    route.type = parsed->header.rtm_type;
    const NetlinkAttribute* destination = nullptr;
    for (const auto& attribute : parsed->attributes) {
        switch (attribute.type) {
            case RTA_DST:
                destination = &attribute;
                break;
            case RTA_OIF:
                route.output_ifindex = static_cast<int>(attribute_u32(attribute).value_or(0));
                break;
            case RTA_TABLE:
                route.table = attribute_u32(attribute).value_or(route.table);
                break;
            case RTA_PRIORITY:
                route.priority = attribute_u32(attribute).value_or(0);
                break;
            case RTA_GATEWAY:
            case RTA_VIA:
                route.has_gateway = true;
                break;
            default:
                break;
        }
    }
    const auto prefix =
        read_prefix(destination, parsed->header.rtm_family == AF_INET6, parsed->header.rtm_dst_len);
    if (!prefix) {
        return std::nullopt;
    }
    route.destination = *prefix;
    return route;
}

}  // namespace tulle::platform::linux_impl

namespace tulle::platform::linux_impl {

std::optional<RoutingRule> parse_rule(const NetlinkMessageView& message) {
    const auto parsed = read_message<fib_rule_hdr>(message, RTM_NEWRULE);
    if (!parsed || (parsed->header.family != AF_INET && parsed->header.family != AF_INET6) ||
        parsed->header.action != FR_ACT_TO_TBL || parsed->header.src_len != 0 ||
        parsed->header.dst_len != 0) {
        return std::nullopt;
    }
    RoutingRule rule;
    rule.v6 = parsed->header.family == AF_INET6;
    rule.table = parsed->header.table;
    std::optional<std::uint32_t> mark;
    std::optional<std::uint32_t> mask;
    std::optional<std::uint32_t> suppress;
    for (const auto& attribute : parsed->attributes) {
        switch (attribute.type) {
            case FRA_TABLE:
                rule.table = attribute_u32(attribute).value_or(rule.table);
                break;
            case FRA_FWMARK:
                mark = attribute_u32(attribute);
                break;
            case FRA_FWMASK:
                mask = attribute_u32(attribute);
                break;
            case FRA_SUPPRESS_PREFIXLEN:
                suppress = attribute_u32(attribute);
                break;
            case FRA_PROTOCOL:
                if (attribute.payload.size() == 1) {
                    rule.protocol = attribute.payload[0];
                }
                break;
            case FRA_IIFNAME:
            case FRA_OIFNAME:
            case FRA_UID_RANGE:
            case FRA_IP_PROTO:
            case FRA_SPORT_RANGE:
            case FRA_DPORT_RANGE:
                return std::nullopt;  // a narrower rule than either shape
            default:
                break;
        }
    }
    // The kernel reports "no suppress_prefixlength" as 0xffffffff (-1).
    if (suppress && *suppress <= 128) {
        rule.suppress_prefix_length = static_cast<std::uint8_t>(*suppress);
    }
    const bool inverted = (parsed->header.flags & FIB_RULE_INVERT) != 0;
    if (inverted && mark && mask.value_or(0xffffffffU) == 0xffffffffU &&
        !rule.suppress_prefix_length) {
        rule.not_fwmark = *mark;
        return rule;
    }
    if (!inverted && !mark && rule.suppress_prefix_length) {
        return rule;
    }
    return std::nullopt;
}

}  // namespace tulle::platform::linux_impl

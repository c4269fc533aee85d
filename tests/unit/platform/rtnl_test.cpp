// rtnetlink requests and replies, checked on bytes alone (no socket, no privileges).
#include "platform/linux/rtnl.hpp"

#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <optional>
#include <sys/socket.h>
#include <vector>

#include <gtest/gtest.h>

#include "platform/net_config.hpp"

namespace tulle::platform::linux_impl {
namespace {

value::IpPrefix prefix(std::string_view text) {
    const auto parsed = value::IpPrefix::parse(text);
    if (!parsed.ok()) {
        throw std::invalid_argument("bad prefix in test: " + std::string(text));
    }
    return *parsed;
}

std::vector<std::uint8_t> address_bytes(const value::IpPrefix& p) {
    const auto bytes = p.address().bytes();
    return {bytes.begin(), bytes.end()};
}

std::vector<std::uint8_t> payload_of(const NetlinkAttribute& attribute) {
    return {attribute.payload.begin(), attribute.payload.end()};
}

// The single message in `message`'s bytes, as the kernel would see it. The view points into
// `message`, which must outlive it.
NetlinkMessageView view_of(const NetlinkMessage&& message) = delete;
NetlinkMessageView view_of(const NetlinkMessage& message) {
    const auto messages = split_messages(message.bytes());
    if (!messages || messages->size() != 1) {
        throw std::runtime_error("not one message");
    }
    return (*messages)[0];
}

// The message's type and flags, checked, and its fixed header, read.
template <typename Header>
std::optional<Header> checked_header(const NetlinkMessageView& view, std::uint16_t type,
                                     std::uint16_t flags) {
    EXPECT_EQ(view.header.type, type);
    EXPECT_EQ(view.header.flags, flags);
    return read_struct<Header>(view.payload);
}

const NetlinkAttribute* find(const std::vector<NetlinkAttribute>& attributes, std::uint16_t type) {
    for (const auto& attribute : attributes) {
        if (attribute.type == type) {
            return &attribute;
        }
    }
    return nullptr;
}

TEST(Rtnl, NewAddressIpv4) {
    const auto address = prefix("10.77.0.1/24");
    const auto message = build_new_address(7, address);
    const auto view = view_of(message);
    const auto header = checked_header<ifaddrmsg>(view, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);

    ASSERT_TRUE(header);
    EXPECT_EQ(header->ifa_family, AF_INET);
    EXPECT_EQ(header->ifa_prefixlen, 24);
    EXPECT_EQ(header->ifa_index, 7U);
    EXPECT_EQ(header->ifa_scope, RT_SCOPE_UNIVERSE);

    const auto attributes = parse_message_attributes(view.payload, sizeof(ifaddrmsg));
    ASSERT_TRUE(attributes);
    ASSERT_EQ(attributes->size(), 2U);
    ASSERT_TRUE(find(*attributes, IFA_LOCAL));
    ASSERT_TRUE(find(*attributes, IFA_ADDRESS));
    EXPECT_EQ(payload_of(*find(*attributes, IFA_LOCAL)), (std::vector<std::uint8_t>{10, 77, 0, 1}));
    EXPECT_EQ(payload_of(*find(*attributes, IFA_ADDRESS)), address_bytes(address));
}

TEST(Rtnl, DeleteAddressIpv6) {
    const auto address = prefix("fd77::1/64");
    const auto request = build_delete_address(3, address);
    const auto view = view_of(request);
    const auto header = checked_header<ifaddrmsg>(view, RTM_DELADDR, 0);
    EXPECT_EQ(header->ifa_family, AF_INET6);
    EXPECT_EQ(header->ifa_prefixlen, 64);
    const auto attributes = parse_message_attributes(view.payload, sizeof(ifaddrmsg));
    ASSERT_TRUE(attributes);
    ASSERT_TRUE(find(*attributes, IFA_LOCAL));
    EXPECT_EQ(payload_of(*find(*attributes, IFA_LOCAL)), address_bytes(address));
}

TEST(Rtnl, NewRouteCarriesTableOifAndTulleProtocol) {
    // Host bits are cleared on the way.
    const auto request =
        build_new_route(4, prefix("10.78.9.9/16"), kMainRouteTable, kTulleRouteProtocol);
    const auto view = view_of(request);
    const auto header = checked_header<rtmsg>(view, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
    ASSERT_TRUE(header);
    EXPECT_EQ(header->rtm_family, AF_INET);
    EXPECT_EQ(header->rtm_dst_len, 16);
    EXPECT_EQ(header->rtm_src_len, 0);
    EXPECT_EQ(header->rtm_table, RT_TABLE_MAIN);
    EXPECT_EQ(header->rtm_protocol, 0x74);
    EXPECT_EQ(header->rtm_scope, RT_SCOPE_LINK);
    EXPECT_EQ(header->rtm_type, RTN_UNICAST);

    const auto attributes = parse_message_attributes(view.payload, sizeof(rtmsg));
    ASSERT_TRUE(attributes);
    ASSERT_TRUE(find(*attributes, RTA_DST));
    EXPECT_EQ(payload_of(*find(*attributes, RTA_DST)), (std::vector<std::uint8_t>{10, 78, 0, 0}));
    ASSERT_TRUE(find(*attributes, RTA_OIF));
    EXPECT_EQ(attribute_u32(*find(*attributes, RTA_OIF)), 4U);
    ASSERT_TRUE(find(*attributes, RTA_TABLE));
    EXPECT_EQ(attribute_u32(*find(*attributes, RTA_TABLE)), 254U);
    EXPECT_FALSE(find(*attributes, RTA_GATEWAY));
}

TEST(Rtnl, NotFwmarkRuleIsInvertedWithAFullMask) {
    RoutingRule rule;
    rule.table = 51820;
    rule.not_fwmark = 51820;
    const auto request = build_new_rule(rule, kTulleRouteProtocol);
    const auto view = view_of(request);
    const auto header = checked_header<fib_rule_hdr>(view, RTM_NEWRULE, NLM_F_CREATE);
    ASSERT_TRUE(header);
    EXPECT_EQ(header->family, AF_INET);
    EXPECT_EQ(header->action, FR_ACT_TO_TBL);
    EXPECT_EQ(header->flags & FIB_RULE_INVERT, FIB_RULE_INVERT);
    EXPECT_EQ(header->table, RT_TABLE_UNSPEC);  // 51820 does not fit; FRA_TABLE carries it
    const auto attributes = parse_message_attributes(view.payload, sizeof(fib_rule_hdr));
    ASSERT_TRUE(attributes);
    EXPECT_EQ(attribute_u32(*find(*attributes, FRA_TABLE)), 51820U);
    EXPECT_EQ(attribute_u32(*find(*attributes, FRA_FWMARK)), 51820U);
    EXPECT_EQ(attribute_u32(*find(*attributes, FRA_FWMASK)), 0xffffffffU);
    EXPECT_FALSE(find(*attributes, FRA_SUPPRESS_PREFIXLEN));
    // What the kernel echoes in a dump reads back as the same rule, now tagged.
    const auto parsed = parse_rule(view);
    ASSERT_TRUE(parsed);
    RoutingRule tagged = rule;
    tagged.protocol = kTulleRouteProtocol;
    EXPECT_EQ(*parsed, tagged);
}

TEST(Rtnl, SuppressRuleRoundTripsAndOtherRulesAreLeftOut) {
    RoutingRule rule;
    rule.v6 = true;
    rule.suppress_prefix_length = 0;
    const auto request = build_delete_rule(rule, kTulleRouteProtocol);
    const auto view = view_of(request);
    EXPECT_EQ(view.header.type, RTM_DELRULE);
    const auto header = read_struct<fib_rule_hdr>(view.payload);
    ASSERT_TRUE(header);
    EXPECT_EQ(header->family, AF_INET6);
    EXPECT_EQ(header->table, RT_TABLE_MAIN);
    EXPECT_EQ(header->flags & FIB_RULE_INVERT, 0U);
    // The delete names our tag, so the kernel never takes wg-quick's rule of the same shape.
    const auto attributes = parse_message_attributes(view.payload, sizeof(fib_rule_hdr));
    ASSERT_TRUE(attributes);
    ASSERT_TRUE(find(*attributes, FRA_PROTOCOL));
    ASSERT_EQ(find(*attributes, FRA_PROTOCOL)->payload.size(), 1U);
    EXPECT_EQ(find(*attributes, FRA_PROTOCOL)->payload[0], kTulleRouteProtocol);

    auto as_new = build_new_rule(rule, 0);
    const auto parsed = parse_rule(view_of(as_new));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, rule);

    // The kernel's own "from all lookup main": suppress_prefixlength -1, no mark. Not ours.
    NetlinkMessage plain(RTM_NEWRULE, 0);
    fib_rule_hdr plain_header{};
    plain_header.family = AF_INET;
    plain_header.action = FR_ACT_TO_TBL;
    plain_header.table = RT_TABLE_MAIN;
    plain.append_struct(plain_header);
    plain.add_attr_u32(FRA_SUPPRESS_PREFIXLEN, 0xffffffffU);
    EXPECT_FALSE(parse_rule(view_of(plain)));
    // A rule narrowed to one input interface is not one of the two shapes either.
    auto narrowed = build_new_rule(rule, 0);
    narrowed.add_attr_string(FRA_IIFNAME, "eth0");
    EXPECT_FALSE(parse_rule(view_of(narrowed)));
}

TEST(Rtnl, RouteInALargeTableUsesTheAttributeOnly) {
    const auto request = build_new_route(4, prefix("fd78::/48"), 51820, kTulleRouteProtocol);
    const auto view = view_of(request);
    const auto header = read_struct<rtmsg>(view.payload);
    EXPECT_EQ(header->rtm_family, AF_INET6);
    EXPECT_EQ(header->rtm_table, RT_TABLE_UNSPEC);
    const auto attributes = parse_message_attributes(view.payload, sizeof(rtmsg));
    EXPECT_EQ(attribute_u32(*find(*attributes, RTA_TABLE)), 51820U);
}

TEST(Rtnl, DeleteRouteLeavesProtocolScopeAndTypeOpen) {
    const auto request = build_delete_route(4, prefix("10.78.0.0/16"), kMainRouteTable);
    const auto view = view_of(request);
    const auto header = checked_header<rtmsg>(view, RTM_DELROUTE, 0);
    EXPECT_EQ(header->rtm_protocol, RTPROT_UNSPEC);
    EXPECT_EQ(header->rtm_scope, RT_SCOPE_NOWHERE);
    EXPECT_EQ(header->rtm_type, RTN_UNSPEC);
}

TEST(Rtnl, LinkRequests) {
    {
        const auto request = build_get_link("tltest0");
        const auto view = view_of(request);
        EXPECT_EQ(view.header.type, RTM_GETLINK);
        const auto attributes = parse_message_attributes(view.payload, sizeof(ifinfomsg));
        ASSERT_TRUE(attributes);
        ASSERT_TRUE(find(*attributes, IFLA_IFNAME));
        EXPECT_EQ(attribute_string(*find(*attributes, IFLA_IFNAME)), "tltest0");
        // NUL-terminated, as the kernel's policy wants.
        EXPECT_EQ(find(*attributes, IFLA_IFNAME)->payload.size(), 8U);
    }
    {
        const auto request = build_set_link(9, true, 1380U);
        const auto view = view_of(request);
        // no NLM_F_CREATE: only an existing link is changed
        const auto header = checked_header<ifinfomsg>(view, RTM_NEWLINK, 0);
        EXPECT_EQ(header->ifi_index, 9);
        EXPECT_EQ(header->ifi_flags, static_cast<unsigned>(IFF_UP));
        EXPECT_EQ(header->ifi_change, static_cast<unsigned>(IFF_UP));
        const auto attributes = parse_message_attributes(view.payload, sizeof(ifinfomsg));
        EXPECT_EQ(attribute_u32(*find(*attributes, IFLA_MTU)), 1380U);
    }
    {
        const auto request = build_set_link(9, false, std::nullopt);
        const auto view = view_of(request);
        const auto header = read_struct<ifinfomsg>(view.payload);
        EXPECT_EQ(header->ifi_flags, 0U);
        EXPECT_EQ(header->ifi_change, static_cast<unsigned>(IFF_UP));
        EXPECT_TRUE(parse_message_attributes(view.payload, sizeof(ifinfomsg))->empty());
    }
    {
        // MTU only: ifi_change 0 leaves the flags alone.
        const auto mtu_only = build_set_link(9, std::nullopt, 1280U);
        const auto header = read_struct<ifinfomsg>(view_of(mtu_only).payload);
        EXPECT_EQ(header->ifi_change, 0U);
    }
    {
        const auto request = build_delete_link(12);
        const auto view = view_of(request);
        EXPECT_EQ(view.header.type, RTM_DELLINK);
        EXPECT_EQ(read_struct<ifinfomsg>(view.payload)->ifi_index, 12);
    }
}

TEST(Rtnl, DumpRequests) {
    const auto addresses_message = build_dump_addresses();
    const auto addresses = view_of(addresses_message);
    EXPECT_EQ(addresses.header.type, RTM_GETADDR);
    EXPECT_EQ(read_struct<ifaddrmsg>(addresses.payload)->ifa_family, AF_UNSPEC);
    const auto routes_message = build_dump_routes();
    const auto routes = view_of(routes_message);
    EXPECT_EQ(routes.header.type, RTM_GETROUTE);
    EXPECT_EQ(read_struct<rtmsg>(routes.payload)->rtm_family, AF_UNSPEC);
}

// The kernel's answers are built here with NetlinkMessage as the kernel would lay them out.

TEST(Rtnl, ParsesLink) {
    NetlinkMessage message(RTM_NEWLINK, 0);
    ifinfomsg header{};
    header.ifi_index = 6;
    header.ifi_flags = IFF_UP | IFF_POINTOPOINT;
    message.append_struct(header);
    message.add_attr_string(IFLA_IFNAME, "tltest0");
    message.add_attr_u32(IFLA_MTU, 1380);
    const auto link = parse_link(view_of(message));
    ASSERT_TRUE(link);
    EXPECT_EQ(link->ifindex, 6);
    EXPECT_EQ(link->name, "tltest0");
    EXPECT_EQ(link->mtu, 1380U);
    EXPECT_TRUE(link->flags & IFF_UP);
}

TEST(Rtnl, ParsesAddressesPreferringLocal) {
    // A point-to-point IPv4 address: IFA_LOCAL is ours, IFA_ADDRESS the peer.
    NetlinkMessage message(RTM_NEWADDR, NLM_F_MULTI);
    ifaddrmsg header{};
    header.ifa_family = AF_INET;
    header.ifa_prefixlen = 24;
    header.ifa_index = 6;
    message.append_struct(header);
    const std::uint8_t peer[4] = {10, 77, 0, 2};
    const std::uint8_t local[4] = {10, 77, 0, 1};
    message.add_attr(IFA_ADDRESS, peer);
    message.add_attr(IFA_LOCAL, local);
    message.add_attr_string(IFA_LABEL, "tltest0");
    const auto address = parse_address(view_of(message));
    ASSERT_TRUE(address);
    EXPECT_EQ(address->ifindex, 6);
    EXPECT_EQ(address->address, prefix("10.77.0.1/24"));

    // IPv6 has IFA_ADDRESS only.
    NetlinkMessage v6(RTM_NEWADDR, NLM_F_MULTI);
    header.ifa_family = AF_INET6;
    header.ifa_prefixlen = 64;
    v6.append_struct(header);
    const auto expected = prefix("fd77::1/64");
    v6.add_attr(IFA_ADDRESS, expected.address().bytes());
    const auto address6 = parse_address(view_of(v6));
    ASSERT_TRUE(address6);
    EXPECT_EQ(address6->address, expected);
}

TEST(Rtnl, RejectsBadAddressMessages) {
    ifaddrmsg header{};
    header.ifa_family = AF_INET;
    header.ifa_prefixlen = 24;
    {
        NetlinkMessage message(RTM_NEWADDR, 0);  // an address of the wrong size
        message.append_struct(header);
        const std::uint8_t three[3] = {10, 77, 0};
        message.add_attr(IFA_LOCAL, three);
        EXPECT_FALSE(parse_address(view_of(message)));
    }
    {
        NetlinkMessage message(RTM_NEWADDR, 0);  // no address at all
        message.append_struct(header);
        EXPECT_FALSE(parse_address(view_of(message)));
    }
    {
        NetlinkMessage message(RTM_NEWADDR, 0);  // a prefix too long for IPv4
        header.ifa_prefixlen = 40;
        message.append_struct(header);
        const std::uint8_t four[4] = {10, 77, 0, 1};
        message.add_attr(IFA_LOCAL, four);
        EXPECT_FALSE(parse_address(view_of(message)));
    }
    {
        NetlinkMessage message(RTM_NEWADDR, 0);  // another family
        header.ifa_family = AF_PACKET;
        message.append_struct(header);
        EXPECT_FALSE(parse_address(view_of(message)));
    }
    const NetlinkMessage headerless(RTM_NEWADDR, 0);
    EXPECT_FALSE(parse_address(view_of(headerless)));
    const NetlinkMessage link(RTM_NEWLINK, 0);
    EXPECT_FALSE(parse_address(view_of(link)));
}

TEST(Rtnl, ParsesRoutes) {
    NetlinkMessage message(RTM_NEWROUTE, NLM_F_MULTI);
    rtmsg header{};
    header.rtm_family = AF_INET6;
    header.rtm_dst_len = 48;
    header.rtm_table = RT_TABLE_MAIN;
    header.rtm_protocol = kTulleRouteProtocol;
    header.rtm_scope = RT_SCOPE_UNIVERSE;
    header.rtm_type = RTN_UNICAST;
    message.append_struct(header);
    message.add_attr_u32(RTA_TABLE, RT_TABLE_MAIN);
    const auto destination = prefix("fd78::/48");
    message.add_attr(RTA_DST, destination.address().bytes());
    message.add_attr_u32(RTA_PRIORITY, 1024);
    message.add_attr_u32(RTA_OIF, 6);
    const auto route = parse_route(view_of(message));
    ASSERT_TRUE(route);
    EXPECT_EQ(route->destination, destination);
    EXPECT_EQ(route->output_ifindex, 6);
    EXPECT_EQ(route->table, 254U);
    EXPECT_EQ(route->protocol, kTulleRouteProtocol);
    EXPECT_EQ(route->priority, 1024U);
    EXPECT_EQ(route->type, RTN_UNICAST);
    EXPECT_FALSE(route->has_gateway);
}

TEST(Rtnl, ParsesDefaultRouteWithGatewayAndLargeTable) {
    NetlinkMessage message(RTM_NEWROUTE, NLM_F_MULTI);
    rtmsg header{};
    header.rtm_family = AF_INET;
    header.rtm_table = RT_TABLE_UNSPEC;
    header.rtm_type = RTN_UNICAST;
    message.append_struct(header);
    message.add_attr_u32(RTA_TABLE, 51820);
    const std::uint8_t gateway[4] = {192, 0, 2, 1};
    message.add_attr(RTA_GATEWAY, gateway);
    const auto route = parse_route(view_of(message));
    ASSERT_TRUE(route);
    EXPECT_EQ(route->destination, prefix("0.0.0.0/0"));
    EXPECT_EQ(route->table, 51820U);
    EXPECT_EQ(route->output_ifindex, 0);
    EXPECT_TRUE(route->has_gateway);

    NetlinkMessage bad(RTM_NEWROUTE, 0);  // destination of the wrong size for the family
    header.rtm_dst_len = 8;
    bad.append_struct(header);
    const auto v6 = prefix("fd78::/48");
    bad.add_attr(RTA_DST, v6.address().bytes());
    EXPECT_FALSE(parse_route(view_of(bad)));
}

}  // namespace
}  // namespace tulle::platform::linux_impl

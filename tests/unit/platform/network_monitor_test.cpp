// The network monitor's reading of rtnetlink notifications, on bytes alone (no socket, no
// privileges): which interfaces a datagram names, and that no bytes at all can make it misread
// or crash. The kernel side is in tests/integration/platform_linux_test.cpp.
#include <cstdint>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "platform/linux/netlink.hpp"
#include "platform/linux/network_monitor_linux.hpp"
#include "platform/linux/rtnl.hpp"
#include "value/ip.hpp"

namespace tulle::platform::linux_impl {
namespace {

value::IpPrefix prefix(std::string_view text) {
    return value::IpPrefix::parse(text).value();
}

std::vector<std::uint8_t> bytes_of(const NetlinkMessage& message) {
    return {message.bytes().begin(), message.bytes().end()};
}

NetworkEvents read(const std::vector<std::uint8_t>& datagram) {
    NetworkEvents events;
    note_notifications(datagram, events);
    return events;
}

NetlinkMessage link_message(std::uint16_t type, int index) {
    NetlinkMessage message(type, 0);
    ifinfomsg link{};
    link.ifi_index = index;
    message.append_struct(link);
    message.add_attr_string(IFLA_IFNAME, "eth0");
    return message;
}

// A route with several next hops names no one interface.
NetlinkMessage multipath_route() {
    NetlinkMessage message(RTM_NEWROUTE, 0);
    rtmsg route{};
    route.rtm_family = AF_INET;
    route.rtm_dst_len = 0;
    message.append_struct(route);
    const std::vector<std::uint8_t> hops(16, 0);
    message.add_attr(RTA_MULTIPATH, hops);
    return message;
}

TEST(NetworkMonitor, NotificationsNameTheirInterface) {
    EXPECT_EQ(read(bytes_of(build_new_address(3, prefix("192.0.2.1/24")))).interfaces,
              std::set<unsigned>{3});
    EXPECT_EQ(read(bytes_of(build_delete_address(4, prefix("2001:db8::1/64")))).interfaces,
              std::set<unsigned>{4});
    EXPECT_EQ(read(bytes_of(build_new_route(5, prefix("198.51.100.0/24"), 254, 4))).interfaces,
              std::set<unsigned>{5});
    EXPECT_EQ(read(bytes_of(build_delete_route(6, prefix("2001:db8::/32"), 254))).interfaces,
              std::set<unsigned>{6});
    EXPECT_EQ(read(bytes_of(link_message(RTM_NEWLINK, 7))).interfaces, std::set<unsigned>{7});
    EXPECT_EQ(read(bytes_of(link_message(RTM_DELLINK, 8))).interfaces, std::set<unsigned>{8});
    for (const auto& datagram : {bytes_of(build_new_address(3, prefix("192.0.2.1/24"))),
                                 bytes_of(link_message(RTM_NEWLINK, 7))}) {
        EXPECT_FALSE(read(datagram).other);
    }

    // Several messages in one datagram.
    auto both = bytes_of(build_new_address(3, prefix("192.0.2.1/24")));
    const auto route = bytes_of(build_new_route(9, prefix("203.0.113.0/24"), 254, 4));
    both.insert(both.end(), route.begin(), route.end());
    const auto events = read(both);
    EXPECT_EQ(events.interfaces, (std::set<unsigned>{3, 9}));
    EXPECT_FALSE(events.other);
}

TEST(NetworkMonitor, WhatNamesNoInterfaceCountsAsAChangeOfUnknownScope) {
    EXPECT_TRUE(read(bytes_of(multipath_route())).other);
    EXPECT_TRUE(read(bytes_of(link_message(RTM_NEWLINK, 0))).other);
    EXPECT_TRUE(read(bytes_of(link_message(RTM_NEWLINK, -1))).other);
    EXPECT_TRUE(read(bytes_of(NetlinkMessage(NLMSG_OVERRUN, 0))).other);
    EXPECT_TRUE(read(bytes_of(NetlinkMessage(NLMSG_ERROR, 0))).other);
    EXPECT_TRUE(read(bytes_of(NetlinkMessage(RTM_NEWNEIGH, 0))).other);
    // A header alone, without the family header it announces.
    EXPECT_TRUE(read(bytes_of(NetlinkMessage(RTM_NEWADDR, 0))).other);
    EXPECT_TRUE(read(bytes_of(NetlinkMessage(RTM_NEWROUTE, 0))).other);
    // Nothing at all happened.
    EXPECT_TRUE(read(bytes_of(NetlinkMessage(NLMSG_NOOP, 0))).empty());
    EXPECT_TRUE(read({}).empty());
}

TEST(NetworkMonitor, ManyInterfacesAreKeptBounded) {
    NetworkEvents events;
    for (int index = 1; index <= 1000; ++index) {
        note_notifications(bytes_of(link_message(RTM_NEWLINK, index)), events);
    }
    EXPECT_EQ(events.interfaces.size(), NetworkEvents::kMaxInterfaces);
    EXPECT_TRUE(events.other);
}

// Every cut of a datagram and random bytes over it are read without reading past the end
// (AddressSanitizer would say), and a cut message is a change of unknown scope.
TEST(NetworkMonitor, AnyBytesAreTaken) {
    auto datagram = bytes_of(build_new_address(3, prefix("192.0.2.1/24")));
    const auto route = bytes_of(build_new_route(9, prefix("203.0.113.0/24"), 254, 4));
    datagram.insert(datagram.end(), route.begin(), route.end());
    for (std::size_t size = 1; size < datagram.size(); ++size) {
        const std::vector<std::uint8_t> cut(datagram.begin(),
                                            datagram.begin() + static_cast<std::ptrdiff_t>(size));
        const auto events = read(cut);
        EXPECT_FALSE(events.empty()) << size;
    }
    std::mt19937 random(17);
    std::uniform_int_distribution<int> byte(0, 255);
    for (int round = 0; round < 20000; ++round) {
        auto mangled = datagram;
        for (int flips = 0; flips < 1 + round % 8; ++flips) {
            mangled[static_cast<std::size_t>(random()) % mangled.size()] =
                static_cast<std::uint8_t>(byte(random));
        }
        NetworkEvents events;
        note_notifications(mangled, events);
        EXPECT_LE(events.interfaces.size(), NetworkEvents::kMaxInterfaces);
    }
}

}  // namespace
}  // namespace tulle::platform::linux_impl

#include "platform/ip_prefix.hpp"

#include <gtest/gtest.h>

namespace tulle::platform {
namespace {

TEST(IpPrefix, ParsesIpv4WithLength) {
    const auto prefix = parse_ip_prefix("10.0.0.1/24");
    ASSERT_TRUE(prefix);
    EXPECT_FALSE(prefix->v6);
    EXPECT_EQ(prefix->len, 24);
    EXPECT_EQ(prefix->addr[0], 10);
    EXPECT_EQ(prefix->addr[3], 1);
    EXPECT_EQ(prefix->addr[4], 0);
    EXPECT_EQ(prefix->addr_size(), 4U);
    EXPECT_TRUE(prefix->valid());
    EXPECT_EQ(to_string(*prefix), "10.0.0.1/24");
}

TEST(IpPrefix, ParsesIpv6WithLength) {
    const auto prefix = parse_ip_prefix("fd77::1/64");
    ASSERT_TRUE(prefix);
    EXPECT_TRUE(prefix->v6);
    EXPECT_EQ(prefix->len, 64);
    EXPECT_EQ(prefix->addr[0], 0xfd);
    EXPECT_EQ(prefix->addr[1], 0x77);
    EXPECT_EQ(prefix->addr[15], 1);
    EXPECT_EQ(to_string(*prefix), "fd77::1/64");
}

TEST(IpPrefix, WithoutLengthIsHostPrefix) {
    EXPECT_EQ(parse_ip_prefix("192.0.2.7")->len, 32);
    EXPECT_EQ(parse_ip_prefix("2001:db8::7")->len, 128);
    EXPECT_EQ(parse_ip_prefix("0.0.0.0/0")->len, 0);
    EXPECT_EQ(parse_ip_prefix("::/0")->len, 0);
}

TEST(IpPrefix, RejectsMalformedText) {
    for (const char* text :
         {"", "/24", "10.0.0.1/", "10.0.0.1/33", "fd77::1/129", "10.0.0.1/-1", "10.0.0.1/+8",
          "10.0.0.1/ 8", " 10.0.0.1/8", "10.0.0.1/8 ", "10.0.0/8", "10.0.0.256/8", "010.0.0.1/8",
          "10.0.0.1/0024", "fe80::1%eth0/64", "fd77:::1/64", "10.0.0.1/24/1", "host/8"}) {
        EXPECT_FALSE(parse_ip_prefix(text)) << text;
    }
    EXPECT_FALSE(parse_ip_prefix(std::string_view("10.0.0.1\0/8", 11)));
}

TEST(IpPrefix, NetworkOfClearsHostBits) {
    EXPECT_EQ(to_string(network_of(*parse_ip_prefix("10.78.200.9/16"))), "10.78.0.0/16");
    EXPECT_EQ(to_string(network_of(*parse_ip_prefix("10.77.0.255/25"))), "10.77.0.128/25");
    EXPECT_EQ(to_string(network_of(*parse_ip_prefix("10.77.0.255/0"))), "0.0.0.0/0");
    EXPECT_EQ(to_string(network_of(*parse_ip_prefix("10.77.0.255/32"))), "10.77.0.255/32");
    EXPECT_EQ(to_string(network_of(*parse_ip_prefix("fd78:1:2:3::1/48"))), "fd78:1:2::/48");
    EXPECT_EQ(to_string(network_of(*parse_ip_prefix("fd78:ffff::1/17"))), "fd78:8000::/17");
}

TEST(IpPrefix, ValidChecksLengthAndUnusedBytes) {
    IpPrefix prefix = *parse_ip_prefix("10.0.0.1/24");
    prefix.len = 33;
    EXPECT_FALSE(prefix.valid());
    prefix.len = 24;
    prefix.addr[10] = 1;
    EXPECT_FALSE(prefix.valid());
    EXPECT_FALSE((IpPrefix{.addr = {}, .len = 129, .v6 = true}.valid()));
}

TEST(IpPrefix, EqualityComparesFamilyLengthAndAddress) {
    EXPECT_EQ(*parse_ip_prefix("10.0.0.1/24"), *parse_ip_prefix("10.0.0.1/24"));
    EXPECT_NE(*parse_ip_prefix("10.0.0.1/24"), *parse_ip_prefix("10.0.0.1/25"));
    EXPECT_NE(*parse_ip_prefix("0.0.0.0/0"), *parse_ip_prefix("::/0"));
}

}  // namespace
}  // namespace tulle::platform

#include "value/ip.hpp"

#include <array>
#include <cstdint>
#include <new>
#include <ostream>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "tests/unit/value/cases.hpp"

namespace tulle::value {
namespace {

using cases::BadText;
using cases::error_of;
using cases::GoodText;

// --- Result ---

TEST(Result, HoldsAValueOrAnError) {
    const Result<int> value = 7;
    ASSERT_TRUE(value.ok());
    EXPECT_EQ(*value, 7);
    EXPECT_THROW((void)value.error(), std::logic_error);

    const Result<int> error = fail("broken");
    ASSERT_FALSE(error);
    EXPECT_EQ(error.error(), "broken");
    EXPECT_THROW((void)error.value(), std::logic_error);
}

TEST(Result, TellsAStringValueFromAnError) {
    const Result<std::string> value = std::string("fine");
    const Result<std::string> error = fail("fine");
    EXPECT_TRUE(value.ok());
    EXPECT_EQ(*value, "fine");
    EXPECT_FALSE(error.ok());
    EXPECT_EQ(error.error(), "fine");
}

// --- IpAddress ---

class IpAddressGood : public ::testing::TestWithParam<GoodText> {};

TEST_P(IpAddressGood, ParsesAndPrintsCanonically) {
    const auto parsed = IpAddress::parse(GetParam().input);
    ASSERT_TRUE(parsed) << parsed.error();
    EXPECT_EQ(parsed->to_string(), GetParam().expected);
    const auto again = IpAddress::parse(parsed->to_string());
    ASSERT_TRUE(again) << again.error();
    EXPECT_EQ(*again, *parsed);
}

INSTANTIATE_TEST_SUITE_P(
    Table, IpAddressGood,
    ::testing::Values(
        GoodText{"0.0.0.0", "0.0.0.0"}, GoodText{"192.0.2.1", "192.0.2.1"},
        GoodText{"255.255.255.255", "255.255.255.255"}, GoodText{"::", "::"},
        GoodText{"0:0:0:0:0:0:0:0", "::"}, GoodText{"::1", "::1"}, GoodText{"1::", "1::"},
        GoodText{"fe80::1", "fe80::1"}, GoodText{"FE80::0001", "fe80::1"},
        GoodText{"2001:db8:0:0:0:0:0:1", "2001:db8::1"},
        GoodText{"2001:0db8:0000:0000:0000:ff00:0042:8329", "2001:db8::ff00:42:8329"},
        // One zero group is not shortened; the longest run is; the first on a tie.
        GoodText{"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},
        GoodText{"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},
        GoodText{"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
        GoodText{"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"},
        GoodText{"::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"}, GoodText{"1:0:0:4:5:6:7:8", "1::4:5:6:7:8"},
        // IPv4-mapped and IPv4-translated addresses keep the dotted quad.
        GoodText{"::ffff:1.2.3.4", "::ffff:1.2.3.4"},
        GoodText{"::FFFF:0102:0304", "::ffff:1.2.3.4"},
        GoodText{"::ffff:0:1.2.3.4", "::ffff:0:1.2.3.4"},
        // Other embedded IPv4 forms are printed in hex.
        GoodText{"::1.2.3.4", "::102:304"}, GoodText{"64:ff9b::192.0.2.33", "64:ff9b::c000:221"},
        GoodText{"1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"}));

class IpAddressBad : public ::testing::TestWithParam<BadText> {};

TEST_P(IpAddressBad, IsRefusedWithAMessage) {
    const std::string message = error_of(IpAddress::parse(GetParam().input), GetParam().input);
    EXPECT_NE(message.find(GetParam().message_contains), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(
    Table, IpAddressBad,
    ::testing::Values(BadText{"", "empty address"},
                      BadText{"1.2.3", "an IPv4 address has 4 parts separated by '.', not 3"},
                      BadText{"1.2.3.4.5", "not 5"},
                      BadText{"256.1.1.1", "IPv4 part 256 is larger than 255"},
                      BadText{"1.2.3.1000", "IPv4 part 1000 is larger than 255"},
                      BadText{"01.2.3.4", "IPv4 part '01' has a leading zero"},
                      BadText{"1..2.3", "an IPv4 address has an empty part"},
                      BadText{"1.2.3.4 ", "not an IPv4 or IPv6 address"},
                      BadText{"localhost", "not an IPv4 or IPv6 address"},
                      BadText{"1.2.3.-4", "not an IPv4 or IPv6 address"},
                      BadText{"1:2:3:4:5:6:7", "an IPv6 address without '::' has 8 groups, not 7"},
                      BadText{"1:2:3:4:5:6:7:8:9", "has 8 groups, not 9"},
                      BadText{"1:2:3:4:5:6:7::8",
                              "an IPv6 address with '::' has at most 7 other groups, not 8"},
                      BadText{"1::2::3", "'::' may appear only once"}, BadText{":::", "only once"},
                      BadText{":1::2", "cannot start with a single ':'"},
                      BadText{"1::2:", "cannot end with a single ':'"},
                      BadText{"12345::", "IPv6 group '12345' has more than 4 hex digits"},
                      BadText{"g::1", "'g' in IPv6 group 'g' is not a hex digit"},
                      BadText{"fe80::1%eth0", "zone indices"},
                      BadText{"::1.2.3.4:5", "an IPv4 part may only end an IPv6 address"},
                      BadText{"1.2.3.4::", "an IPv4 part may only end an IPv6 address"},
                      BadText{"::ffff:1.2.3.256", "IPv4 part 256 is larger than 255"},
                      BadText{"1:2:3:4:5:6:7:1.2.3.4", "has 8 groups, not 9"}));

TEST(IpAddress, BytesAreInNetworkOrder) {
    const auto v4 = IpAddress::parse("192.0.2.1");
    ASSERT_TRUE(v4);
    EXPECT_TRUE(v4->is_v4());
    EXPECT_EQ(v4->max_prefix_length(), 32);
    EXPECT_EQ(std::vector<std::uint8_t>(v4->bytes().begin(), v4->bytes().end()),
              (std::vector<std::uint8_t>{192, 0, 2, 1}));

    const auto v6 = IpAddress::parse("2001:db8::ff00:1");
    ASSERT_TRUE(v6);
    EXPECT_TRUE(v6->is_v6());
    EXPECT_EQ(v6->max_prefix_length(), 128);
    EXPECT_EQ(
        std::vector<std::uint8_t>(v6->bytes().begin(), v6->bytes().end()),
        (std::vector<std::uint8_t>{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0, 0, 1}));
}

TEST(IpAddress, FromBytesTakesFourOrSixteen) {
    const std::array<std::uint8_t, 4> four{10, 0, 0, 1};
    const auto v4 = IpAddress::from_bytes(four);
    ASSERT_TRUE(v4);
    EXPECT_EQ(v4->to_string(), "10.0.0.1");
    EXPECT_EQ(*v4, IpAddress::v4(four));

    std::array<std::uint8_t, 16> sixteen{};
    sixteen[15] = 1;
    const auto v6 = IpAddress::from_bytes(sixteen);
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->to_string(), "::1");

    const std::array<std::uint8_t, 5> five{};
    EXPECT_EQ(error_of(IpAddress::from_bytes(five), "5 bytes"),
              "an IP address has 4 or 16 bytes, not 5");
}

TEST(IpAddress, V4AndV6AreDifferentAndOrdered) {
    const auto v4 = IpAddress::parse("0.0.0.1");
    const auto v6 = IpAddress::parse("::1");
    const auto mapped = IpAddress::parse("::ffff:0.0.0.1");
    ASSERT_TRUE(v4 && v6 && mapped);
    EXPECT_NE(*v4, *v6);
    EXPECT_NE(*v4, *mapped);
    EXPECT_LT(*v4, *v6);
    EXPECT_LT(*IpAddress::parse("10.0.0.1"), *IpAddress::parse("10.0.0.2"));
    EXPECT_EQ(IpAddress().to_string(), "0.0.0.0");

    std::ostringstream os;
    os << *v6;
    EXPECT_EQ(os.str(), "::1");
}

// --- IpPrefix ---

struct GoodPrefix {
    std::string input;
    std::string text;       // to_string(): the address as given
    std::string canonical;  // canonical().to_string()
    int length;
};

void PrintTo(const GoodPrefix& good, std::ostream* os) {
    *os << good.input;
}

class IpPrefixGood : public ::testing::TestWithParam<GoodPrefix> {};

TEST_P(IpPrefixGood, ParsesKeepsHostBitsAndCanonicalizes) {
    const auto& p = GetParam();
    const auto parsed = IpPrefix::parse(p.input);
    ASSERT_TRUE(parsed) << parsed.error();
    EXPECT_EQ(parsed->to_string(), p.text);
    EXPECT_EQ(parsed->length(), p.length);
    EXPECT_EQ(parsed->canonical().to_string(), p.canonical);
    EXPECT_EQ(parsed->is_canonical(), p.text == p.canonical);
    EXPECT_TRUE(parsed->canonical().is_canonical());
    EXPECT_TRUE(parsed->contains(parsed->address()));
    const auto again = IpPrefix::parse(parsed->to_string());
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *parsed);
}

INSTANTIATE_TEST_SUITE_P(
    Table, IpPrefixGood,
    ::testing::Values(GoodPrefix{"10.0.0.0/24", "10.0.0.0/24", "10.0.0.0/24", 24},
                      GoodPrefix{"10.1.2.3/8", "10.1.2.3/8", "10.0.0.0/8", 8},
                      GoodPrefix{"192.168.1.77/27", "192.168.1.77/27", "192.168.1.64/27", 27},
                      GoodPrefix{"0.0.0.0/0", "0.0.0.0/0", "0.0.0.0/0", 0},
                      GoodPrefix{"255.255.255.255/0", "255.255.255.255/0", "0.0.0.0/0", 0},
                      GoodPrefix{"1.2.3.4", "1.2.3.4/32", "1.2.3.4/32", 32},
                      GoodPrefix{"fd00::/64", "fd00::/64", "fd00::/64", 64},
                      GoodPrefix{"fd00::1234:5678/64", "fd00::1234:5678/64", "fd00::/64", 64},
                      GoodPrefix{"2001:db8:abcd:12ff::1/52", "2001:db8:abcd:12ff::1/52",
                                 "2001:db8:abcd:1000::/52", 52},
                      GoodPrefix{"::/0", "::/0", "::/0", 0},
                      GoodPrefix{"::1", "::1/128", "::1/128", 128},
                      GoodPrefix{"FD00:0::1/127", "fd00::1/127", "fd00::/127", 127}));

class IpPrefixBad : public ::testing::TestWithParam<BadText> {};

TEST_P(IpPrefixBad, IsRefusedWithAMessage) {
    const std::string message = error_of(IpPrefix::parse(GetParam().input), GetParam().input);
    EXPECT_NE(message.find(GetParam().message_contains), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(
    Table, IpPrefixBad,
    ::testing::Values(BadText{"10.0.0.0/33", "prefix length 33 is larger than 32 for IPv4"},
                      BadText{"fd00::/129", "prefix length 129 is larger than 128 for IPv6"},
                      BadText{"10.0.0.0/99999", "prefix length 99999 is larger than 32 for IPv4"},
                      BadText{"10.0.0.0/", "missing prefix length after '/'"},
                      BadText{"10.0.0.0/x", "prefix length 'x' is not a decimal number"},
                      BadText{"10.0.0.0/-1", "prefix length '-1' is not a decimal number"},
                      BadText{"10.0.0.0/08", "prefix length '08' has a leading zero"},
                      BadText{"10.0.0.0/24/1", "more than one '/'"},
                      BadText{"10.0.0.256/24", "IPv4 part 256 is larger than 255"},
                      BadText{"/24", "empty address"}, BadText{"", "empty address"}));

TEST(IpPrefix, MessageForTooLongIpv4PrefixIsExact) {
    EXPECT_EQ(error_of(IpPrefix::parse("10.0.0.0/33"), "10.0.0.0/33"),
              "prefix length 33 is larger than 32 for IPv4");
}

TEST(IpPrefix, MakeChecksTheLength) {
    const auto address = *IpAddress::parse("10.1.2.3");
    const auto made = IpPrefix::make(address, 16);
    ASSERT_TRUE(made);
    EXPECT_EQ(made->to_string(), "10.1.2.3/16");
    EXPECT_EQ(error_of(IpPrefix::make(address, 33), "/33"),
              "prefix length 33 is larger than 32 for IPv4");
    EXPECT_EQ(error_of(IpPrefix::make(address, -1), "/-1"), "prefix length -1 is negative");
    EXPECT_TRUE(IpPrefix::make(*IpAddress::parse("::"), 128));
    EXPECT_EQ(IpPrefix(address).to_string(), "10.1.2.3/32");
    EXPECT_EQ(IpPrefix().to_string(), "0.0.0.0/0");
}

TEST(IpPrefix, ContainsAddressesOfItsFamilyOnly) {
    const auto net = *IpPrefix::parse("10.1.2.3/16");
    EXPECT_TRUE(net.contains(*IpAddress::parse("10.1.0.0")));
    EXPECT_TRUE(net.contains(*IpAddress::parse("10.1.255.255")));
    EXPECT_FALSE(net.contains(*IpAddress::parse("10.2.0.0")));
    EXPECT_FALSE(net.contains(*IpAddress::parse("::ffff:10.1.0.1")));

    const auto any6 = *IpPrefix::parse("::/0");
    EXPECT_TRUE(any6.contains(*IpAddress::parse("2001:db8::1")));
    EXPECT_FALSE(any6.contains(*IpAddress::parse("1.2.3.4")));

    const auto odd = *IpPrefix::parse("fd00::8000/113");
    EXPECT_TRUE(odd.contains(*IpAddress::parse("fd00::ffff")));
    EXPECT_FALSE(odd.contains(*IpAddress::parse("fd00::7fff")));
}

// --- Endpoint ---

struct GoodEndpoint {
    std::string input;
    std::string text;
    std::string host;
    std::uint16_t port;
    bool is_address;
};

void PrintTo(const GoodEndpoint& good, std::ostream* os) {
    *os << good.input;
}

class EndpointGood : public ::testing::TestWithParam<GoodEndpoint> {};

TEST_P(EndpointGood, ParsesAndPrints) {
    const auto& e = GetParam();
    const auto parsed = Endpoint::parse(e.input);
    ASSERT_TRUE(parsed) << parsed.error();
    EXPECT_EQ(parsed->to_string(), e.text);
    EXPECT_EQ(parsed->host(), e.host);
    EXPECT_EQ(parsed->port(), e.port);
    EXPECT_EQ(parsed->is_address(), e.is_address);
    const auto again = Endpoint::parse(parsed->to_string());
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *parsed);
}

INSTANTIATE_TEST_SUITE_P(
    Table, EndpointGood,
    ::testing::Values(
        GoodEndpoint{"192.0.2.1:51820", "192.0.2.1:51820", "192.0.2.1", 51820, true},
        GoodEndpoint{"[fd00::1]:51820", "[fd00::1]:51820", "fd00::1", 51820, true},
        GoodEndpoint{"[FD00:0::1]:1", "[fd00::1]:1", "fd00::1", 1, true},
        GoodEndpoint{"[::ffff:1.2.3.4]:80", "[::ffff:1.2.3.4]:80", "::ffff:1.2.3.4", 80, true},
        GoodEndpoint{"vpn.example.com:51820", "vpn.example.com:51820", "vpn.example.com", 51820,
                     false},
        GoodEndpoint{"vpn.example.com.:65535", "vpn.example.com.:65535", "vpn.example.com.", 65535,
                     false},
        GoodEndpoint{"my_host-1:123", "my_host-1:123", "my_host-1", 123, false},
        GoodEndpoint{"localhost:051820", "localhost:51820", "localhost", 51820, false}));

class EndpointBad : public ::testing::TestWithParam<BadText> {};

TEST_P(EndpointBad, IsRefusedWithAMessage) {
    const std::string message = error_of(Endpoint::parse(GetParam().input), GetParam().input);
    EXPECT_NE(message.find(GetParam().message_contains), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(
    Table, EndpointBad,
    ::testing::Values(
        BadText{"", "empty endpoint"}, BadText{"192.0.2.1", "missing ':PORT'"},
        BadText{"fd00::1:51820", "an IPv6 address must be in brackets, as in [2001:db8::1]:51820"},
        BadText{"fd00::1", "must be in brackets"},
        BadText{"[fd00::1]", "missing ':PORT' after ']'"},
        BadText{"[fd00::1:51820", "missing ']' after the IPv6 address"},
        BadText{"[fd00::1]x51820", "expected ':PORT' after ']', not 'x51820'"},
        BadText{"[192.0.2.1]:51820", "brackets are only for IPv6 addresses"},
        BadText{"[vpn.example.com]:51820", "brackets are only for IPv6 addresses"},
        BadText{"[fe80::1%eth0]:51820", "zone indices"},
        BadText{"[fd00::g]:51820", "not a hex digit"},
        BadText{"192.0.2.1:0", "port 0 is out of range 1..65535"},
        BadText{"192.0.2.1:65536", "port 65536 is out of range 1..65535"},
        BadText{"192.0.2.1:9999999", "port 9999999 is out of range 1..65535"},
        BadText{"192.0.2.1:", "missing port after ':'"},
        BadText{"192.0.2.1:http", "port 'http' is not a decimal number"},
        BadText{"192.0.2.1:-1", "port '-1' is not a decimal number"},
        BadText{"192.0.2:51820", "an IPv4 address has 4 parts"},
        BadText{"192.0.2.300:51820", "IPv4 part 300 is larger than 255"},
        BadText{":51820", "empty host"}, BadText{"vpn..example.com:1", "empty label"},
        BadText{".example.com:1", "empty label"},
        BadText{"exa mple.com:1", "' ' is not allowed in a host name"},
        BadText{"vpn\x1b.com:1", "'\\x1b' is not allowed in a host name"},
        BadText{"-vpn.example.com:1", "host name label '-vpn' starts or ends with '-'"},
        BadText{std::string(64, 'a') + ".com:1", "at most 63 characters, not 64"},
        BadText{std::string(127, 'a') + "." + std::string(126, 'b') + ":1",
                "at most 253 characters, not 254"}));

TEST(Endpoint, MakeTakesANameOrAnUnbracketedAddress) {
    const auto v6 = Endpoint::make("fd00::1", 51820);
    ASSERT_TRUE(v6) << v6.error();
    EXPECT_TRUE(v6->is_address());
    EXPECT_EQ(v6->address(), *IpAddress::parse("fd00::1"));
    EXPECT_EQ(v6->to_string(), "[fd00::1]:51820");

    const auto name = Endpoint::make("vpn.example.com", 1);
    ASSERT_TRUE(name);
    EXPECT_FALSE(name->is_address());
    EXPECT_THROW((void)name->address(), std::bad_variant_access);

    EXPECT_EQ(error_of(Endpoint::make("vpn.example.com", 0), "port 0"),
              "port 0 is out of range 1..65535");
    EXPECT_EQ(error_of(Endpoint::make("", 1), "empty"), "empty host");

    const Endpoint direct(*IpAddress::parse("192.0.2.1"), 443);
    EXPECT_EQ(direct.to_string(), "192.0.2.1:443");
    EXPECT_EQ(direct, *Endpoint::parse("192.0.2.1:443"));
    EXPECT_NE(direct, *Endpoint::parse("192.0.2.1:444"));
}

TEST(HostName, IsCheckedLikeADnsName) {
    EXPECT_FALSE(host_name_error("vpn.example.com"));
    EXPECT_FALSE(host_name_error("a"));
    EXPECT_FALSE(host_name_error("xn--bcher-kva.example"));
    EXPECT_TRUE(host_name_error(""));
    EXPECT_TRUE(host_name_error("."));
    EXPECT_TRUE(host_name_error("a-.example"));
    EXPECT_TRUE(host_name_error("caf\xc3\xa9.example"));
}

}  // namespace
}  // namespace tulle::value

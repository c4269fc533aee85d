#include "ctl/network.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace tulle::ctl {
namespace {

// Keys made for these tests, nobody's real ones.
constexpr std::string_view kKey1 = "Q2TYThaGV2DI6vUTlcfba5E41BhU4t7pVWMPbTho7QA=";

// Not a real invite: tullectl checks only its form (tulled checks the rest).
const std::string kInvite = "TULLE1:" + std::string(100, 'A') + "234567";

template <typename T>
std::string error_of(const value::Result<T>& result) {
    return result.ok() ? std::string("accepted") : result.error();
}

TEST(ParseExpiry, UnitsAndPlainSeconds) {
    EXPECT_EQ(parse_expiry("24h").value(), 24 * 3600);
    EXPECT_EQ(parse_expiry("90m").value(), 90 * 60);
    EXPECT_EQ(parse_expiry("7d").value(), 7 * 24 * 3600);
    EXPECT_EQ(parse_expiry("60s").value(), 60);
    EXPECT_EQ(parse_expiry("3600").value(), 3600);
}

TEST(ParseExpiry, BadValuesAreNamed) {
    EXPECT_EQ(error_of(parse_expiry("8d")), "'8d': an invite lasts from 60 s to 7 days (604800 s)");
    EXPECT_EQ(error_of(parse_expiry("59")), "'59': an invite lasts from 60 s to 7 days (604800 s)");
    for (const char* bad : {"", "h", "1w", "-5m", "1.5h", "24 h", "99999999999999999999"}) {
        EXPECT_EQ(error_of(parse_expiry(bad)).rfind("'" + std::string(bad) + "': expected", 0), 0U)
            << bad << ": " << error_of(parse_expiry(bad));
    }
}

TEST(CreateParams, FromTheOptions) {
    const auto params = create_params(
        {"home", "10.88.0.0/16", {"vpn.example.net:51820", "[2001:db8::1]:51820"}, 51820});
    ASSERT_TRUE(params.ok()) << params.error();
    EXPECT_EQ(params->range.to_string(), "10.88.0.0/16");
    EXPECT_EQ(params->endpoints.size(), 2U);
    EXPECT_EQ(params->listen_port, 51820);
    EXPECT_EQ(create_params({"home", "10.88.0.0/16", {"a.example:1"}, std::nullopt})->listen_port,
              std::nullopt);
}

TEST(CreateParams, EachBadValueNamesItsOption) {
    const std::vector<std::string> one{"vpn.example.net:51820"};
    EXPECT_EQ(error_of(create_params({"home/x", "10.88.0.0/16", one, std::nullopt}))
                  .rfind("NAME: a tunnel name may hold only", 0),
              0U);
    EXPECT_EQ(error_of(create_params({"home", "10.88.1.0/16", one, std::nullopt})),
              "--address: 10.88.1.0/16 has bits set past its length (did you mean 10.88.0.0/16?)");
    EXPECT_EQ(error_of(create_params({"home", "10.88.0.0/31", one, std::nullopt})),
              "--address: 10.88.0.0/31: a network's range is from /8 to /30 for IPv4");
    EXPECT_EQ(
        error_of(create_params({"home", "ten", one, std::nullopt})).rfind("--address: 'ten'", 0),
        0U);
    EXPECT_EQ(error_of(create_params({"home", "10.88.0.0/16", {"vpn.example.net"}, std::nullopt}))
                  .rfind("--endpoint: 'vpn.example.net': ", 0),
              0U);
    EXPECT_EQ(error_of(create_params(
                  {"home",
                   "10.88.0.0/16",
                   {"a.example:1", "b.example:1", "c.example:1", "d.example:1", "e.example:1"},
                   std::nullopt})),
              "--endpoint: expected 1 to 4 endpoints, not 5");
    EXPECT_EQ(error_of(create_params({"home", "10.88.0.0/16", one, 0})),
              "--port: 0: expected a port from 1 to 65535");
    EXPECT_EQ(error_of(create_params({"home", "10.88.0.0/16", one, 65536})),
              "--port: 65536: expected a port from 1 to 65535");
}

TEST(InviteParams, DefaultsAndBadValues) {
    const auto plain = invite_params({"home", "", "", "24h", false});
    ASSERT_TRUE(plain.ok()) << plain.error();
    EXPECT_EQ(plain->expires_in, 24 * 3600);
    EXPECT_EQ(plain->address, std::nullopt);
    const auto full = invite_params({"home", "laptop", "10.88.0.7", "90m", true});
    ASSERT_TRUE(full.ok()) << full.error();
    EXPECT_EQ(full->name, "laptop");
    EXPECT_EQ(full->address->to_string(), "10.88.0.7");
    EXPECT_EQ(full->expires_in, 90 * 60);
    EXPECT_EQ(error_of(invite_params({"home", "my laptop", "", "24h", false})),
              "--name: 'my laptop': a member's name may hold only letters, digits, '-', '_' and "
              "'.'");
    EXPECT_EQ(error_of(invite_params({"home", "", "10.88.0.7/32", "24h", false}))
                  .rfind("--address: '10.88.0.7/32': ", 0),
              0U);
    EXPECT_EQ(error_of(invite_params({"home", "", "", "30s", false})),
              "--expires: '30s': an invite lasts from 60 s to 7 days (604800 s)");
    EXPECT_EQ(error_of(invite_params({"", "", "", "24h", false})).rfind("NAME: ", 0), 0U);
}

TEST(RemoveParams, ANameOrAKey) {
    EXPECT_TRUE(remove_params("home", "laptop").ok());
    EXPECT_TRUE(remove_params("home", std::string(kKey1)).ok());
    EXPECT_EQ(
        error_of(remove_params("home", "my laptop")).rfind("MEMBER: 'my laptop' is neither", 0),
        0U);
}

TEST(ReadInvite, TheArgumentStdinOrAFile) {
    std::istringstream none;
    EXPECT_EQ(read_invite("  " + kInvite + "\n", none).value(), kInvite);
    std::istringstream in(kInvite + "\r\nmore\n");
    EXPECT_EQ(read_invite("-", in).value(), kInvite);
    const auto path = std::filesystem::temp_directory_path() /
                      ("tulle_invite_test_" + std::to_string(::getpid()));
    {
        std::ofstream file(path);
        file << kInvite << '\n';
    }
    EXPECT_EQ(read_invite("@" + path.string(), none).value(), kInvite);
    std::filesystem::remove(path);
    EXPECT_EQ(error_of(read_invite("@" + path.string(), none)), path.string() + ": cannot be read");
}

TEST(ReadInvite, RefusalsNeverQuoteIt) {
    std::istringstream none;
    const std::string damaged = kInvite.substr(0, 40) + "1" + kInvite.substr(41);
    const std::string error = error_of(read_invite(damaged, none));
    EXPECT_EQ(error.rfind("INVITE: character 41 of the invite", 0), 0U) << error;
    EXPECT_EQ(error.find(kInvite.substr(7, 20)), std::string::npos) << error;
    EXPECT_EQ(error_of(read_invite("[Interface]", none)),
              "INVITE: not an invite: an invite is one line that starts with TULLE1:");
    std::istringstream empty;
    EXPECT_EQ(error_of(read_invite("-", empty)),
              "stdin: not an invite: an invite is one line that starts with TULLE1:");
    std::istringstream long_line("TULLE1:" + std::string(3000, 'A') + "\n");
    EXPECT_EQ(error_of(read_invite("-", long_line)),
              "stdin: an invite is one line of at most 2000 characters");
}

}  // namespace
}  // namespace tulle::ctl

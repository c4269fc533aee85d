#include "value/text.hpp"

#include <array>
#include <cstdint>
#include <new>
#include <ostream>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>

#include <gtest/gtest.h>

#include "tests/unit/value/cases.hpp"

namespace tulle::value {
namespace {

using cases::error_of;

TEST(Quote, EscapesControlCharacters) {
    EXPECT_EQ(quote("plain"), "'plain'");
    EXPECT_EQ(quote("a\x1b[31mb"), "'a\\x1b[31mb'");
    EXPECT_EQ(quote(std::string_view("\0\x7f", 2)), "'\\x00\\x7f'");
    EXPECT_EQ(quote("caf\xc3\xa9"), "'caf\xc3\xa9'");
}

TEST(ForLog, EscapesAndShortens) {
    EXPECT_EQ(for_log("a\nb"), "a\\x0ab");
    EXPECT_EQ(for_log(std::string(400, 'x'), 10), std::string(10, 'x') + "...");
}

TEST(InterfaceName, FollowsTheKernelsRule) {
    for (const std::string_view good : {"wg0", "a", "tulle-home", "123456789012345", "x.y"}) {
        EXPECT_TRUE(check_interface_name(good).ok()) << good;
    }
    for (const std::string_view bad :
         {"", "1234567890123456", ".", "..", "a/b", "a:b", "a b", "a\tb", "\x7f"}) {
        EXPECT_FALSE(check_interface_name(bad).ok()) << bad;
    }
    EXPECT_FALSE(check_interface_name(std::string_view("a\0b", 3)).ok());
}

TEST(TunnelName, IsAStrictInterfaceName) {
    for (const std::string_view good :
         {"wg0", "home_vpn", "a=b+c", "x.y", "v-1", "123456789012345"}) {
        EXPECT_TRUE(check_tunnel_name(good).ok()) << good;
    }
    EXPECT_EQ(error_of(check_tunnel_name(""), "empty"), "a tunnel name may not be empty");
    EXPECT_EQ(error_of(check_tunnel_name("1234567890123456"), "16"),
              "a tunnel name has at most 15 characters");
    EXPECT_EQ(error_of(check_tunnel_name("a b"), "space"),
              "a tunnel name may hold only letters, digits and _ = + . -");
    EXPECT_EQ(error_of(check_tunnel_name("-x"), "-x"),
              "a tunnel name may not start with '-' or '.'");
    EXPECT_EQ(error_of(check_tunnel_name(".x"), ".x"),
              "a tunnel name may not start with '-' or '.'");
    EXPECT_FALSE(check_tunnel_name("..").ok());
    EXPECT_FALSE(check_tunnel_name("caf\xc3\xa9").ok());
}

TEST(PeerName, CountsCharactersNotBytes) {
    EXPECT_TRUE(check_peer_name("").ok());
    EXPECT_TRUE(check_peer_name("laptop").ok());
    // 30 Chinese characters are 90 bytes of UTF-8, and a valid name.
    std::string chinese;
    for (int i = 0; i < 30; ++i) {
        chinese += "\xe5\x8a\x9e";  // U+529E
    }
    EXPECT_TRUE(check_peer_name(chinese).ok());
    EXPECT_TRUE(check_peer_name(std::string(64, 'x')).ok());
    EXPECT_EQ(check_peer_name(std::string(65, 'x')).error(), PeerNameProblem::too_long);
    EXPECT_EQ(to_string(PeerNameProblem::too_long), "a name has at most 64 characters");
    std::string emoji;
    for (int i = 0; i < 65; ++i) {
        emoji += "\xf0\x9f\x90\x88";  // U+1F408, 4 bytes
    }
    EXPECT_FALSE(check_peer_name(emoji).ok());
}

TEST(PeerName, RefusesControlCharactersAndBrokenUtf8) {
    EXPECT_EQ(check_peer_name("a\nb").error(), PeerNameProblem::control_character);
    EXPECT_FALSE(check_peer_name("a\x7f").ok());
    EXPECT_FALSE(check_peer_name("a\xc2\x85").ok());  // U+0085, a C1 control
    EXPECT_EQ(check_peer_name("\xff").error(), PeerNameProblem::not_utf8);
    EXPECT_FALSE(check_peer_name("\xc0\xaf").ok());      // overlong '/'
    EXPECT_FALSE(check_peer_name("\xed\xa0\x80").ok());  // a surrogate
    EXPECT_FALSE(check_peer_name("\xe5\x8a").ok());      // cut short
}

}  // namespace
}  // namespace tulle::value

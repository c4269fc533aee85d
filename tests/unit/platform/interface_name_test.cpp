#include "platform/linux/interface_name.hpp"

#include <string>

#include <gtest/gtest.h>

#include "platform/linux/tun_linux.hpp"

namespace tulle::platform::linux_impl {
namespace {

TEST(InterfaceName, AcceptsOrdinaryNames) {
    for (const char* name : {"tl0", "tltest0", "a", "wg-home_1", "tl%d", "abcdefghijklmno"}) {
        EXPECT_TRUE(is_valid_interface_name(name)) << name;
    }
}

TEST(InterfaceName, RejectsWhatTheKernelWouldRefuseOrMangle) {
    for (const char* name :
         {"", ".", "..", "abcdefghijklmnop", "tl/0", "tl:0", "tl 0", "tl\t0", "tl\n0", "tl\x7f"}) {
        EXPECT_FALSE(is_valid_interface_name(name)) << name;
    }
    EXPECT_FALSE(is_valid_interface_name(std::string_view("tl\0x", 4)));
}

TEST(InterfaceName, ErrorNamesTheOperationAndTheName) {
    try {
        check_interface_name("bad/name", "open TUN");
        FAIL() << "expected an error";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::invalid_argument);
        const std::string what = error.what();
        EXPECT_NE(what.find("open TUN: invalid interface name \"bad/name\""), std::string::npos)
            << what;
    }
    EXPECT_EQ(quote_interface_name("a\nb\"c"), "\"a\\x0ab\\x22c\"");
}

// The name is checked before /dev/net/tun is touched, so this needs no privileges.
TEST(TunLinux, RefusesABadNameWithAClearMessage) {
    for (const char* name : {"bad/name", "much-too-long-name", ""}) {
        try {
            TunLinux tun(name);
            FAIL() << "expected an error for " << name;
        } catch (const std::system_error& error) {
            EXPECT_EQ(error.code(), std::errc::invalid_argument);
            const std::string what = error.what();
            EXPECT_NE(what.find("open TUN \"" + std::string(name) + "\""), std::string::npos)
                << what;
            EXPECT_NE(what.find("invalid interface name"), std::string::npos) << what;
        }
    }
}

}  // namespace
}  // namespace tulle::platform::linux_impl

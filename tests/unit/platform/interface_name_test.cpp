#include "platform/linux/interface_name.hpp"

#include <string>

#include <gtest/gtest.h>

#include "platform/linux/tun_linux.hpp"

namespace tulle::platform::linux_impl {
namespace {

TEST(InterfaceName, ErrorNamesTheOperationAndTheName) {
    try {
        check_interface_name("bad/name", "open TUN");
        FAIL() << "expected an error";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::invalid_argument);
        const std::string what = error.what();
        EXPECT_NE(what.find("open TUN: invalid interface name 'bad/name'"), std::string::npos)
            << what;
    }
}

// The name is checked before /dev/net/tun is touched, so this needs no privileges.
TEST(TunLinux, RefusesABadNameWithAClearMessage) {
    for (const char* name : {"bad/name", "much-too-long-name", ""}) {
        try {
            TunLinux tun(name, false);
            FAIL() << "expected an error for " << name;
        } catch (const std::system_error& error) {
            EXPECT_EQ(error.code(), std::errc::invalid_argument);
            const std::string what = error.what();
            EXPECT_NE(what.find("open TUN '" + std::string(name) + "'"), std::string::npos) << what;
            EXPECT_NE(what.find("invalid interface name"), std::string::npos) << what;
        }
    }
}

}  // namespace
}  // namespace tulle::platform::linux_impl

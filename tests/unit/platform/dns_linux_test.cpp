// DnsLinux against a test double of systemd-resolved on a private bus (resolve1_double.cpp) and
// a fake resolvconf: the exact calls a tunnel's DNS = makes, up and down. The interface is "lo"
// (index 1), which every network namespace has.
#include "platform/linux/dns_linux.hpp"

#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <vector>

#include <gtest/gtest.h>

#include "tests/unit/platform/private_bus.hpp"

namespace tulle::platform::linux_impl {
namespace {

using testing::PrivateBus;
using Calls = std::vector<std::string>;

std::uint64_t own_network() {
    struct stat info {};
    EXPECT_EQ(::stat("/proc/self/ns/net", &info), 0);
    return info.st_ino;
}

DnsSettings settings(bool full_tunnel, std::vector<std::string> search = {"example.com"}) {
    DnsSettings out;
    out.servers = {value::IpAddress::parse("10.0.0.53").value(),
                   value::IpAddress::parse("fd00::53").value()};
    out.search = std::move(search);
    out.full_tunnel = full_tunnel;
    return out;
}

DnsLinux::Options options(const PrivateBus& bus,
                          std::string resolvconf = "/nonexistent/resolvconf") {
    DnsLinux::Options out;
    out.bus_address = bus.address();
    out.resolvconf = std::move(resolvconf);
    return out;
}

TEST(DnsLinux, AFullTunnelTakesEveryNameThroughResolved) {
    PrivateBus bus(true);
    ASSERT_TRUE(bus.ready());
    DnsLinux dns(options(bus));
    const DnsEntry entry = dns.apply("lo", settings(true));
    EXPECT_EQ(entry, (DnsEntry{value::DnsManager::resolved, "lo", 1, own_network()}));
    EXPECT_EQ(bus.calls(), (Calls{"SetLinkDNS 1 10.0.0.53 fd00::53",
                                  "SetLinkDomains 1 example.com:search ~.:route",
                                  "SetLinkDefaultRoute 1 true"}));
    EXPECT_TRUE(dns.interface_lives(entry));
    dns.revert(entry);
    EXPECT_EQ(bus.calls().back(), "RevertLink 1");
    EXPECT_EQ(bus.calls().size(), 4U);
}

TEST(DnsLinux, ASplitTunnelWithDomainsTakesOnlyThoseNames) {
    PrivateBus bus(true);
    ASSERT_TRUE(bus.ready());
    DnsLinux dns(options(bus));
    (void)dns.apply("lo", settings(false, {"corp.example", "lab"}));
    EXPECT_EQ(bus.calls(), (Calls{"SetLinkDNS 1 10.0.0.53 fd00::53",
                                  "SetLinkDomains 1 corp.example:search lab:search",
                                  "SetLinkDefaultRoute 1 false"}));
}

TEST(DnsLinux, ServersWithoutDomainsTakeNamesOnASplitTunnel) {
    PrivateBus bus(true);
    ASSERT_TRUE(bus.ready());
    DnsLinux dns(options(bus));
    (void)dns.apply("lo", settings(false, {}));
    EXPECT_EQ(bus.calls(), (Calls{"SetLinkDNS 1 10.0.0.53 fd00::53", "SetLinkDomains 1",
                                  "SetLinkDefaultRoute 1 true"}));
}

TEST(DnsLinux, ARefusalIsUndoneAndNamesTheMethodAndTheReason) {
    PrivateBus bus(true, "SetLinkDomains");
    ASSERT_TRUE(bus.ready());
    DnsLinux dns(options(bus));
    try {
        (void)dns.apply("lo", settings(true));
        FAIL() << "expected a refusal";
    } catch (const std::runtime_error& error) {
        EXPECT_STREQ(error.what(),
                     "systemd-resolved refused SetLinkDomains for lo: refused SetLinkDomains as "
                     "told");
    }
    EXPECT_EQ(bus.calls(), (Calls{"SetLinkDNS 1 10.0.0.53 fd00::53",
                                  "SetLinkDomains 1 example.com:search ~.:route", "RevertLink 1"}));
}

TEST(DnsLinux, AnInterfaceThatIsGoneGetsRevertLinkAndOneThatTookItsIndexIsLeftAlone) {
    PrivateBus bus(true);
    ASSERT_TRUE(bus.ready());
    DnsLinux dns(options(bus));
    const DnsEntry gone{value::DnsManager::resolved, "tulle-gone0", 424242, own_network()};
    EXPECT_FALSE(dns.interface_lives(gone));
    dns.revert(gone);
    // Index 1 is lo's now: not the interface the entry was made for.
    const DnsEntry reused{value::DnsManager::resolved, "tulle-gone1", 1, own_network()};
    EXPECT_FALSE(dns.interface_lives(reused));
    dns.revert(reused);
    EXPECT_EQ(bus.calls(), (Calls{"RevertLink 424242"}));
}

// Names and indexes are per network namespace: a tulled in another one cannot tell whether the
// interface lives, so it must never undo the entry (a test tulled in a namespace would otherwise
// undo the DNS of the machine's own tunnels).
TEST(DnsLinux, AnEntryOfAnotherNetworkNamespaceLives) {
    DnsLinux dns(DnsLinux::Options{});
    EXPECT_TRUE(dns.interface_lives(
        DnsEntry{value::DnsManager::resolved, "tulle-gone0", 424242, own_network() + 1}));
    EXPECT_FALSE(dns.interface_lives(
        DnsEntry{value::DnsManager::resolved, "tulle-gone0", 424242, own_network()}));
}

TEST(DnsLinux, WithoutResolvedOnTheBusResolvconfTakesItAsWgQuickHandsItOver) {
    PrivateBus bus(false);
    ASSERT_TRUE(bus.ready());
    const std::string resolvconf = testing::write_fake_resolvconf(bus.dir());
    DnsLinux dns(options(bus, resolvconf));
    const DnsEntry entry = dns.apply("lo", settings(true, {"example.com", "lab"}));
    EXPECT_EQ(entry, (DnsEntry{value::DnsManager::resolvconf, "lo", 1, own_network()}));
    dns.revert(entry);
    EXPECT_EQ(testing::read_file(bus.dir() + "/resolvconf.log"),
              "args: -a tun.lo -m 0 -x\n"
              "stdin: nameserver 10.0.0.53\n"
              "stdin: nameserver fd00::53\n"
              "stdin: search example.com lab\n"
              "args: -d tun.lo -f\n");
}

TEST(DnsLinux, AResolvconfThatFailsIsToldWithWhatItSaid) {
    PrivateBus bus(false);
    ASSERT_TRUE(bus.ready());
    const std::string resolvconf = testing::write_fake_resolvconf(
        bus.dir(), 1, "resolvconf: Error: /etc/resolv.conf is not a symlink");
    DnsLinux dns(options(bus, resolvconf));
    try {
        (void)dns.apply("lo", settings(false));
        FAIL() << "expected a failure";
    } catch (const std::runtime_error& error) {
        EXPECT_STREQ(error.what(),
                     "resolvconf -a tun.lo failed: exit status 1: resolvconf: Error: "
                     "/etc/resolv.conf is not a symlink");
    }
}

TEST(DnsLinux, WithNeitherNothingIsSetAndNothingIsWritten) {
    PrivateBus bus(false);
    ASSERT_TRUE(bus.ready());
    DnsLinux dns(options(bus));
    EXPECT_EQ(dns.apply("lo", settings(true)).manager, value::DnsManager::none);
    // A bus that is not there at all is the same as resolved not running.
    DnsLinux::Options nowhere;
    nowhere.bus_address = "unix:path=" + bus.dir() + "/no-bus";
    nowhere.resolvconf = "/nonexistent/resolvconf";
    EXPECT_EQ(DnsLinux(nowhere).apply("lo", settings(true)).manager, value::DnsManager::none);
}

TEST(DnsLinux, AnInterfaceThatDoesNotExistIsAnError) {
    PrivateBus bus(true);
    ASSERT_TRUE(bus.ready());
    DnsLinux dns(options(bus));
    EXPECT_THROW((void)dns.apply("tulle-none0", settings(true)), std::runtime_error);
    EXPECT_TRUE(bus.calls().empty());
}

}  // namespace
}  // namespace tulle::platform::linux_impl

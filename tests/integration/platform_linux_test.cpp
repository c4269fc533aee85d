// The Linux TUN device and NetConfigLinux against the real kernel. Each test runs its body on a
// thread that first moves into a fresh network namespace of its own (unshare(CLONE_NEWNET)), so
// the host's interfaces, addresses and routes are never seen or touched, and everything the test
// made disappears with the thread, even when the test fails halfway. All traffic stays inside:
// packets are written into the test's TUN and the kernel's answers read back from it.
//
// Needs root (CAP_NET_ADMIN) and /dev/net/tun; skipped otherwise.
#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <functional>
#include <linux/netlink.h>
#include <optional>
#include <poll.h>
#include <sched.h>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <system_error>
#include <thread>
#include <unistd.h>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "platform/linux/net_config_linux.hpp"
#include "platform/linux/netlink.hpp"
#include "platform/linux/network_monitor_linux.hpp"
#include "platform/linux/rtnl.hpp"
#include "platform/linux/tun_linux.hpp"
#include "platform/linux/udp_socket_linux.hpp"
#include "platform/net_config.hpp"
#include "platform/network_monitor.hpp"
#include "platform/system.hpp"
#include "platform/tun.hpp"
#include "value/ip.hpp"
#include "value/unique_fd.hpp"

namespace tulle::platform::linux_impl {
namespace {

constexpr const char* kTunName = "tltest0";

value::IpPrefix prefix(std::string_view text) {
    const auto parsed = value::IpPrefix::parse(text);
    if (!parsed.ok()) {
        throw std::invalid_argument("bad prefix in test: " + std::string(text));
    }
    return *parsed;
}

// ---- Running in a private network namespace. ----

// Why these tests cannot run here, or empty when they can.
std::string unavailable_reason() {
    if (::geteuid() != 0) {
        return "needs root (CAP_NET_ADMIN) to create TUN devices and network namespaces";
    }
    if (::access("/dev/net/tun", R_OK | W_OK) != 0) {
        return "/dev/net/tun is not usable: " + std::generic_category().message(errno);
    }
    return {};
}

ino_t net_namespace_inode(const char* path) {
    struct stat info {};
    return ::stat(path, &info) == 0 ? info.st_ino : 0;
}

class PlatformLinuxNetns : public ::testing::Test {
  protected:
    void SetUp() override {
        if (const auto reason = unavailable_reason(); !reason.empty()) {
            GTEST_SKIP() << reason;
        }
    }

    // Runs `body` on a new thread inside a new, empty network namespace that only this thread
    // is in. Skips the test when no namespace can be made.
    void in_fresh_netns(const std::function<void()>& body) {
        int unshare_error = 0;
        std::thread worker([&] {
            if (::unshare(CLONE_NEWNET) != 0) {
                unshare_error = errno;
                return;
            }
            // Refuse to go on unless this thread really is somewhere else than the process.
            const ino_t mine = net_namespace_inode("/proc/thread-self/ns/net");
            const ino_t process = net_namespace_inode("/proc/self/ns/net");
            if (mine == 0 || mine == process) {
                ADD_FAILURE() << "not in a private network namespace; not touching anything";
                return;
            }
            try {
                body();
            } catch (const std::exception& error) {
                ADD_FAILURE() << "unexpected exception: " << error.what();
            }
        });
        worker.join();
        if (unshare_error != 0) {
            GTEST_SKIP() << "cannot create a network namespace: "
                         << std::generic_category().message(unshare_error);
        }
    }
};

// Expects `action` to throw std::system_error with `code` and a message containing each of
// `fragments`.
template <typename Action>
void expect_error(Action&& action, std::errc code, std::initializer_list<std::string> fragments) {
    try {
        action();
        ADD_FAILURE() << "expected an error containing \"" << *fragments.begin() << "\"";
    } catch (const std::system_error& error) {
        const std::string what = error.what();
        EXPECT_EQ(error.code(), code) << what;
        for (const auto& fragment : fragments) {
            EXPECT_NE(what.find(fragment), std::string::npos)
                << "\"" << fragment << "\" not in: " << what;
        }
    }
}

// ---- Echo packets. ----

std::uint32_t checksum_add(std::span<const std::uint8_t> data, std::uint32_t sum = 0) {
    for (std::size_t i = 0; i + 1 < data.size(); i += 2) {
        sum += static_cast<std::uint32_t>(data[i] << 8 | data[i + 1]);
    }
    if (data.size() % 2 != 0) {
        sum += static_cast<std::uint32_t>(data.back() << 8);
    }
    return sum;
}

std::uint16_t checksum_finish(std::uint32_t sum) {
    while (sum >> 16 != 0) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return static_cast<std::uint16_t>(~sum);
}

void put16(std::vector<std::uint8_t>& packet, std::size_t at, std::uint16_t value) {
    packet[at] = static_cast<std::uint8_t>(value >> 8);
    packet[at + 1] = static_cast<std::uint8_t>(value);
}

std::uint16_t get16(std::span<const std::uint8_t> packet, std::size_t at) {
    return static_cast<std::uint16_t>(packet[at] << 8 | packet[at + 1]);
}

constexpr std::uint16_t kEchoId = 0x7475;
constexpr std::uint16_t kEchoSequence = 1;
const std::string kEchoPayload = "tulle platform test";

// An ICMP echo request from `source` to `destination` (IPv4, host prefixes).
std::vector<std::uint8_t> echo_request_v4(const value::IpPrefix& source,
                                          const value::IpPrefix& destination) {
    const std::size_t icmp_size = 8 + kEchoPayload.size();
    std::vector<std::uint8_t> packet(20 + icmp_size, 0);
    packet[0] = 0x45;
    put16(packet, 2, static_cast<std::uint16_t>(packet.size()));
    packet[8] = 64;  // TTL
    packet[9] = 1;   // ICMP
    std::copy_n(source.address().bytes().begin(), 4, packet.begin() + 12);
    std::copy_n(destination.address().bytes().begin(), 4, packet.begin() + 16);
    put16(packet, 10, checksum_finish(checksum_add(std::span(packet).first(20))));
    packet[20] = 8;  // echo request
    put16(packet, 24, kEchoId);
    put16(packet, 26, kEchoSequence);
    std::copy(kEchoPayload.begin(), kEchoPayload.end(), packet.begin() + 28);
    put16(packet, 22, checksum_finish(checksum_add(std::span(packet).subspan(20))));
    return packet;
}

// The ICMPv6 checksum over the pseudo-header and the message at offset 40.
std::uint16_t icmp6_checksum(std::span<const std::uint8_t> packet) {
    const auto message = packet.subspan(40);
    std::uint32_t sum = checksum_add(packet.subspan(8, 32));  // source and destination
    sum += static_cast<std::uint32_t>(message.size());
    sum += 58;
    return checksum_finish(checksum_add(message, sum));
}

std::vector<std::uint8_t> echo_request_v6(const value::IpPrefix& source,
                                          const value::IpPrefix& destination) {
    const std::size_t icmp_size = 8 + kEchoPayload.size();
    std::vector<std::uint8_t> packet(40 + icmp_size, 0);
    packet[0] = 0x60;
    put16(packet, 4, static_cast<std::uint16_t>(icmp_size));
    packet[6] = 58;  // ICMPv6
    packet[7] = 64;  // hop limit
    std::copy_n(source.address().bytes().begin(), 16, packet.begin() + 8);
    std::copy_n(destination.address().bytes().begin(), 16, packet.begin() + 24);
    packet[40] = 128;  // echo request
    put16(packet, 44, kEchoId);
    put16(packet, 46, kEchoSequence);
    std::copy(kEchoPayload.begin(), kEchoPayload.end(), packet.begin() + 48);
    put16(packet, 42, icmp6_checksum(packet));
    return packet;
}

bool same_bytes(std::span<const std::uint8_t> a, const value::IpPrefix& b) {
    const auto bytes = b.address().bytes();
    return std::equal(a.begin(), a.end(), bytes.begin(), bytes.end());
}

bool is_echo_reply_v4(std::span<const std::uint8_t> packet, const value::IpPrefix& from,
                      const value::IpPrefix& to) {
    if (packet.size() < 28 || packet[0] >> 4 != 4 || packet[9] != 1) {
        return false;
    }
    const std::size_t header = std::size_t{packet[0] & 0x0fU} * 4;
    if (packet.size() < header + 8 || !same_bytes(packet.subspan(12, 4), from) ||
        !same_bytes(packet.subspan(16, 4), to)) {
        return false;
    }
    const auto icmp = packet.subspan(header);
    return icmp[0] == 0 && get16(icmp, 4) == kEchoId && get16(icmp, 6) == kEchoSequence &&
           std::string(icmp.begin() + 8, icmp.end()) == kEchoPayload &&
           checksum_finish(checksum_add(packet.first(header))) == 0 &&
           checksum_finish(checksum_add(icmp)) == 0;
}

bool is_echo_reply_v6(std::span<const std::uint8_t> packet, const value::IpPrefix& from,
                      const value::IpPrefix& to) {
    if (packet.size() < 48 || packet[0] >> 4 != 6 || packet[6] != 58 ||
        !same_bytes(packet.subspan(8, 16), from) || !same_bytes(packet.subspan(24, 16), to)) {
        return false;
    }
    const auto icmp = packet.subspan(40);
    return icmp[0] == 129 && get16(icmp, 4) == kEchoId && get16(icmp, 6) == kEchoSequence &&
           std::string(icmp.begin() + 8, icmp.end()) == kEchoPayload && icmp6_checksum(packet) == 0;
}

// Writes `request` into the TUN and waits for a packet the kernel sends back that `is_reply`
// accepts, ignoring others (IPv6 router solicitations, MLD reports...). The request is sent again
// a few times, since a fresh IPv6 address may need a moment before it answers. Bounded: at most
// 10 requests, about 5 seconds.
bool echo_through(Tun& tun, const std::vector<std::uint8_t>& request,
                  const std::function<bool(std::span<const std::uint8_t>)>& is_reply) {
    std::vector<std::uint8_t> buffer(65536);
    for (int attempt = 0; attempt < 10; ++attempt) {
        if (!tun.write(request)) {
            ADD_FAILURE() << "TUN write would block";
            return false;
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
        while (std::chrono::steady_clock::now() < deadline) {
            pollfd entry{tun.fd(), POLLIN, 0};
            if (::poll(&entry, 1, 100) <= 0) {
                continue;
            }
            while (const std::size_t size = tun.read(buffer)) {
                if (is_reply(std::span(buffer).first(size))) {
                    return true;
                }
            }
        }
    }
    return false;
}

// An echo request from `peer` to `local` (IPv4 or IPv6, host prefixes) written into the TUN:
// whether the kernel's echo reply comes back out of it.
bool kernel_answers_ping(Tun& tun, const value::IpPrefix& peer, const value::IpPrefix& local) {
    if (local.address().is_v6()) {
        return echo_through(tun, echo_request_v6(peer, local),
                            [&](std::span<const std::uint8_t> packet) {
                                return is_echo_reply_v6(packet, local, peer);
                            });
    }
    return echo_through(tun, echo_request_v4(peer, local),
                        [&](std::span<const std::uint8_t> packet) {
                            return is_echo_reply_v4(packet, local, peer);
                        });
}

template <typename T>
bool contains(const std::vector<T>& values, const T& value) {
    return std::find(values.begin(), values.end(), value) != values.end();
}

const Route* find_route(const std::vector<Route>& routes, const value::IpPrefix& destination) {
    const auto it = std::find_if(routes.begin(), routes.end(), [&](const Route& route) {
        return route.destination == destination;
    });
    return it == routes.end() ? nullptr : &*it;
}

// ---- Tests. ----

TEST_F(PlatformLinuxNetns, TunCarriesPacketsAndNetConfigManagesAddressesAndRoutes) {
    in_fresh_netns([] {
        const auto address4 = prefix("10.77.0.1/24");
        const auto address6 = prefix("fd77::1/64");
        const auto route4 = prefix("10.78.0.0/16");
        const auto route6 = prefix("fd78::/48");

        NetConfigLinux net;
        TunLinuxFactory factory{false};
        const auto tun = factory.create(kTunName);
        ASSERT_EQ(tun->name(), kTunName);
        EXPECT_GE(tun->fd(), 0);
        EXPECT_EQ(tun->offloads(), TunOffloads{});
        EXPECT_TRUE(net.link_exists(kTunName));
        EXPECT_FALSE(net.link_exists("tltest1"));

        // MTU through netlink and through the TUN's ioctls, each seen by the other.
        net.set_mtu(kTunName, 1380);
        EXPECT_EQ(tun->mtu(), 1380U);
        tun->set_mtu(1400);
        EXPECT_EQ(tun->mtu(), 1400U);
        tun->set_mtu(1380);

        net.add_address(kTunName, address4);
        net.add_address(kTunName, address6);
        net.set_up("lo", true);
        net.set_up(kTunName, true);
        net.add_route(kTunName, route4);
        net.add_route(kTunName, route6);

        const auto addresses = net.list_addresses(kTunName);
        EXPECT_TRUE(contains(addresses, address4));
        EXPECT_TRUE(contains(addresses, address6));
        EXPECT_TRUE(net.list_addresses("lo").empty() ||
                    !contains(net.list_addresses("lo"), address4));

        const auto routes = net.list_routes(kTunName);
        const Route* listed4 = find_route(routes, route4);
        const Route* listed6 = find_route(routes, route6);
        ASSERT_NE(listed4, nullptr);
        ASSERT_NE(listed6, nullptr);
        EXPECT_EQ(listed4->table, kMainRouteTable);
        EXPECT_EQ(listed4->protocol, kTulleRouteProtocol);
        EXPECT_EQ(listed6->table, kMainRouteTable);
        EXPECT_EQ(listed6->protocol, kTulleRouteProtocol);
        // The kernel's own subnet route is listed too, with the kernel's protocol.
        const Route* subnet = find_route(routes, prefix("10.77.0.0/24"));
        ASSERT_NE(subnet, nullptr);
        EXPECT_NE(subnet->protocol, kTulleRouteProtocol);

        // Adding the same again is refused.
        expect_error([&] { net.add_address(kTunName, address4); }, std::errc::file_exists,
                     {"add address 10.77.0.1/24 to tltest0"});
        expect_error([&] { net.add_route(kTunName, route4); }, std::errc::file_exists,
                     {"add route 10.78.0.0/16 via tltest0"});

        // The device carries packets: the kernel answers pings written into it.
        EXPECT_TRUE(kernel_answers_ping(*tun, prefix("10.77.0.2/32"), prefix("10.77.0.1/32")))
            << "no ICMP echo reply from 10.77.0.1";
        EXPECT_TRUE(kernel_answers_ping(*tun, prefix("fd77::2/128"), prefix("fd77::1/128")))
            << "no ICMPv6 echo reply from fd77::1";

        net.remove_route(kTunName, route4);
        net.remove_route(kTunName, route6);
        net.remove_address(kTunName, address4);
        net.remove_address(kTunName, address6);
        const auto routes_after = net.list_routes(kTunName);
        EXPECT_EQ(find_route(routes_after, route4), nullptr);
        EXPECT_EQ(find_route(routes_after, route6), nullptr);
        EXPECT_EQ(find_route(routes_after, prefix("10.77.0.0/24")), nullptr);
        const auto addresses_after = net.list_addresses(kTunName);
        EXPECT_FALSE(contains(addresses_after, address4));
        EXPECT_FALSE(contains(addresses_after, address6));

        // Removing what is gone is an error that says so.
        expect_error([&] { net.remove_route(kTunName, route4); }, std::errc::no_such_process,
                     {"remove route 10.78.0.0/16 via tltest0", "no such route"});
        expect_error([&] { net.remove_address(kTunName, address6); },
                     std::errc::address_not_available,
                     {"remove address fd77::1/64 from tltest0", "no such address"});

        net.set_up(kTunName, false);
    });
}

TEST_F(PlatformLinuxNetns, ErrorsNameTheOperationAndTheInterface) {
    in_fresh_netns([] {
        NetConfigLinux net;
        const auto route = prefix("10.78.0.0/16");

        expect_error([&] { net.add_route("nosuch0", route); }, std::errc::no_such_device,
                     {"add route 10.78.0.0/16 via nosuch0"});
        expect_error([&] { net.add_address("nosuch0", prefix("10.77.0.1/24")); },
                     std::errc::no_such_device, {"add address 10.77.0.1/24 to nosuch0"});
        expect_error([&] { net.set_up("nosuch0", true); }, std::errc::no_such_device,
                     {"set nosuch0 up"});
        expect_error([&] { net.delete_link("nosuch0"); }, std::errc::no_such_device,
                     {"delete link nosuch0"});
        expect_error([&] { (void)net.list_routes("nosuch0"); }, std::errc::no_such_device,
                     {"list routes of nosuch0"});

        expect_error([&] { net.add_route("bad/name", route); }, std::errc::invalid_argument,
                     {"add route 10.78.0.0/16", "invalid interface name 'bad/name'"});
        expect_error([&] { (void)net.link_exists("sixteen-chars-xx"); },
                     std::errc::invalid_argument, {"invalid interface name"});
        TunLinuxFactory factory{false};
        expect_error([&] { (void)factory.create("bad name"); }, std::errc::invalid_argument,
                     {"open TUN 'bad name'", "invalid interface name"});

        const auto tun = factory.create(kTunName);
        expect_error([&] { (void)factory.create(kTunName); }, std::errc::device_or_resource_busy,
                     {"open TUN 'tltest0'", "exists already"});
        expect_error([&] { tun->set_mtu(20); }, std::errc::invalid_argument,
                     {"set MTU 20 on tltest0"});
        expect_error([&] { net.set_mtu(kTunName, 20); }, std::errc::invalid_argument,
                     {"set MTU 20 on tltest0"});
        // IPv4 routes need the interface up.
        expect_error([&] { net.add_route(kTunName, route); }, std::errc::network_down,
                     {"add route 10.78.0.0/16 via tltest0"});
        // Writing something that is not an IP packet.
        const std::vector<std::uint8_t> garbage(20, 0);
        expect_error([&] { (void)tun->write(garbage); }, std::errc::invalid_argument,
                     {"write 20 bytes to TUN tltest0"});
    });
}

TEST_F(PlatformLinuxNetns, LinkLifetime) {
    in_fresh_netns([] {
        NetConfigLinux net;
        TunLinuxFactory factory{false};
        {
            // A pattern is resolved by the kernel.
            const auto tun = factory.create("tltest%d");
            EXPECT_EQ(tun->name(), "tltest0");
            EXPECT_TRUE(net.link_exists("tltest0"));
            std::array<std::uint8_t, 2048> buffer{};
            EXPECT_EQ(tun->read(buffer), 0U);  // non-blocking: nothing waiting
        }
        // Not persistent: gone with its Tun.
        EXPECT_FALSE(net.link_exists("tltest0"));

        const auto tun = factory.create(kTunName);
        net.delete_link(kTunName);
        EXPECT_FALSE(net.link_exists(kTunName));
        // The orphaned Tun is still safe to destroy.
    });
}

TEST_F(PlatformLinuxNetns, SystemFactoriesGiveWorkingImplementations) {
    in_fresh_netns([] {
        const auto net = make_system_net_config();
        const auto tun = make_system_tun_factory({})->create(kTunName);
        EXPECT_TRUE(net->link_exists(tun->name()));
        net->set_mtu(tun->name(), 1280);
        EXPECT_EQ(tun->mtu(), 1280U);
    });
}

TEST_F(PlatformLinuxNetns, WithOffloadsTheTunCarriesPlainPacketsBehindItsVirtioHeader) {
    in_fresh_netns([] {
        NetConfigLinux net;
        TunLinuxFactory factory{true};
        const auto tun = factory.create(kTunName);
        const auto offloads = tun->offloads();
        EXPECT_TRUE(offloads.virtio_net_header);
        EXPECT_TRUE(offloads.checksum);
        EXPECT_TRUE(offloads.tcp_segmentation) << "this kernel's TUN has had TSO since 2.6";
        EXPECT_GT(tun->batch_size(), 1U);
        net.add_address(kTunName, prefix("10.77.0.1/24"));
        net.add_address(kTunName, prefix("fd77::1/64"));
        net.set_up("lo", true);
        net.set_up(kTunName, true);
        // What the caller reads and writes is a plain IP packet: the header stays inside.
        EXPECT_TRUE(kernel_answers_ping(*tun, prefix("10.77.0.2/32"), prefix("10.77.0.1/32")));
        EXPECT_TRUE(kernel_answers_ping(*tun, prefix("fd77::2/128"), prefix("fd77::1/128")));
    });
}

// Datagrams sent through UdpSocketLinux with offloads (runs of equal datagrams in one GSO send)
// arrive as the same datagrams, in order, through a receiving socket with GRO, which may get a
// run in one message and splits it; the fallback without offloads gives the same.
void expect_udp_datagrams_intact(bool offloads) {
    UdpSocketLinux sender(0, offloads);
    UdpSocketLinux receiver(0, offloads);
    EXPECT_EQ(sender.offloads().segmentation, offloads);
    EXPECT_EQ(receiver.offloads().coalescing, offloads);
    const value::SocketAddress to4{value::IpAddress::v4({127, 0, 0, 1}), receiver.port()};
    std::array<std::uint8_t, 16> loopback6{};
    loopback6[15] = 1;
    const value::SocketAddress to6{value::IpAddress::v6(loopback6), receiver.port()};
    // 45 of 1452 bytes and a short one to IPv4, 3 to IPv6, 40 more to IPv4 (two full runs).
    std::vector<std::vector<std::uint8_t>> payloads;
    std::vector<OutgoingDatagram> datagrams;
    const auto add = [&](const value::SocketAddress& to, std::size_t size) {
        std::vector<std::uint8_t> bytes(size);
        for (std::size_t i = 0; i < size; ++i) {
            bytes[i] = static_cast<std::uint8_t>(payloads.size() * 7 + i);
        }
        payloads.push_back(std::move(bytes));
        datagrams.push_back({to, {}});
    };
    for (int i = 0; i < 45; ++i) {
        add(to4, 1452);
    }
    add(to4, 333);
    for (int i = 0; i < 3; ++i) {
        add(to6, 1452);
    }
    for (int i = 0; i < 80; ++i) {
        add(to4, 1000);
    }
    for (std::size_t i = 0; i < datagrams.size(); ++i) {
        datagrams[i].data = payloads[i];
    }
    ASSERT_EQ(sender.send(datagrams), datagrams.size());
    std::vector<std::vector<std::uint8_t>> got;
    std::array<ReceivedDatagram, 50> batch{};
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (got.size() < datagrams.size() && std::chrono::steady_clock::now() < deadline) {
        const auto received = receiver.receive(batch);
        for (std::size_t i = 0; i < received.count; ++i) {
            EXPECT_EQ(batch[i].from.port, sender.port());
            got.emplace_back(batch[i].data.begin(), batch[i].data.end());
        }
        if (received.count == 0) {
            pollfd entry{receiver.fd(), POLLIN, 0};
            (void)::poll(&entry, 1, 100);
        }
    }
    EXPECT_EQ(got, payloads);
}

TEST_F(PlatformLinuxNetns, UdpDatagramsArriveIntactWithAndWithoutSegmentationOffloads) {
    in_fresh_netns([] {
        NetConfigLinux net;
        net.set_up("lo", true);
        expect_udp_datagrams_intact(true);
        expect_udp_datagrams_intact(false);
    });
}

TEST_F(PlatformLinuxNetns, RoutesInAnotherTableAndLongDumps) {
    in_fresh_netns([] {
        NetConfigLinux net;
        TunLinuxFactory factory{false};
        const auto tun = factory.create(kTunName);
        net.set_up(kTunName, true);

        const auto destination = prefix("10.79.1.0/24");
        net.add_route(kTunName, destination, 51820);
        auto routes = net.list_routes(kTunName);
        const Route* listed = find_route(routes, destination);
        ASSERT_NE(listed, nullptr);
        EXPECT_EQ(listed->table, 51820U);
        EXPECT_EQ(listed->protocol, kTulleRouteProtocol);
        expect_error([&] { net.remove_route(kTunName, destination); }, std::errc::no_such_process,
                     {"remove route 10.79.1.0/24 via tltest0"});
        expect_error([&] { net.remove_route(kTunName, destination, 51821); },
                     std::errc::no_such_process,
                     {"remove route 10.79.1.0/24 via tltest0 in table 51821"});
        net.remove_route(kTunName, destination, 51820);
        EXPECT_EQ(find_route(net.list_routes(kTunName), destination), nullptr);

        // Enough routes that the dump cannot come back in one datagram.
        constexpr int kCount = 600;
        for (int i = 0; i < kCount; ++i) {
            net.add_route(kTunName, prefix("10." + std::to_string(80 + i / 256) + "." +
                                           std::to_string(i % 256) + ".0/24"));
            net.add_route(kTunName, prefix("fd80:0:0:" + std::to_string(i) + "::/64"));
        }
        routes = net.list_routes(kTunName);
        const auto ours = std::count_if(routes.begin(), routes.end(), [](const Route& route) {
            return route.protocol == kTulleRouteProtocol;
        });
        EXPECT_EQ(ours, 2 * kCount);
    });
}

// ---- The network monitor. ----

// Runs the loop for `duration` (it may have stopped for want of work before).
void run_for(boost::asio::io_context& io, std::chrono::milliseconds duration) {
    io.restart();
    io.run_for(duration);
}

// Runs the loop until `calls` reaches `wanted` or 5 s pass.
void run_until(boost::asio::io_context& io, const int& calls, int wanted) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (calls < wanted && std::chrono::steady_clock::now() < deadline) {
        run_for(io, std::chrono::milliseconds(50));
    }
}

NetworkWatch counting(int& calls) {
    NetworkWatch watch;
    watch.changed = [&calls] { ++calls; };
    watch.failed = [](const std::string& why) { ADD_FAILURE() << "monitor failed: " << why; };
    return watch;
}

// Loopback up, a loop, and a watch that counts the monitor's calls, in the thread's namespace.
struct MonitorBench {
    MonitorBench() { net.set_up("lo", true); }

    NetConfigLinux net;
    boost::asio::io_context io;
    int calls = 0;
    NetworkWatch watch = counting(calls);
};

// What changes the way out is reported once per burst, a change of routes alone included; when
// nothing changes, nothing is reported.
TEST_F(PlatformLinuxNetns, TheNetworkMonitorReportsABurstOfChangesOnce) {
    in_fresh_netns([] {
        boost::asio::io_context io;
        int calls = 0;
        NetlinkNetworkMonitor monitor(io, counting(calls));
        NetConfigLinux net;
        run_for(io, std::chrono::milliseconds(500));
        EXPECT_EQ(calls, 0) << "nothing changed";

        // Loopback up and twenty addresses on it: one burst.
        net.set_up("lo", true);
        for (int i = 1; i <= 20; ++i) {
            net.add_address("lo", prefix("10.90.0." + std::to_string(i) + "/32"));
        }
        net.add_address("lo", prefix("fd90::1/128"));
        run_until(io, calls, 1);
        run_for(io, std::chrono::milliseconds(500));  // a second call would come by now
        EXPECT_EQ(calls, 1);

        // A route alone, with no address changed.
        net.add_route("lo", prefix("10.91.0.0/16"));
        run_until(io, calls, 2);
        run_for(io, std::chrono::milliseconds(500));
        EXPECT_EQ(calls, 2);
        EXPECT_TRUE(monitor.watching());
        EXPECT_EQ(monitor.dropped(), 0U);
    });
}

// A route flapping without end is reported once per window, never once per change (the figure
// printed: calls for 2 s of flapping; 5 when nothing else delays the loop).
TEST_F(PlatformLinuxNetns, AFlappingRouteIsReportedAtMostOncePerWindow) {
    in_fresh_netns([] {
        MonitorBench bench;
        bench.watch.at_most = std::chrono::milliseconds(500);
        NetlinkNetworkMonitor monitor(bench.io, bench.watch);
        auto& io = bench.io;
        const int& calls = bench.calls;

        // Flaps from a second thread, which shares this thread's namespace.
        constexpr auto kFlapFor = std::chrono::seconds(2);
        int flaps = 0;
        const auto started = std::chrono::steady_clock::now();
        std::thread flapper([&] {
            NetConfigLinux flapping;
            const auto route = prefix("10.92.0.0/16");
            while (std::chrono::steady_clock::now() - started < kFlapFor) {
                flapping.add_route("lo", route);
                flapping.remove_route("lo", route);
                ++flaps;
            }
        });
        run_for(io, kFlapFor + std::chrono::milliseconds(100));
        flapper.join();
        run_for(io, std::chrono::milliseconds(800));  // the last burst ends
        std::printf("network monitor: %d route flaps in %lld ms, %d calls\n", flaps,
                    static_cast<long long>(
                        std::chrono::duration_cast<std::chrono::milliseconds>(kFlapFor).count()),
                    calls);
        EXPECT_GT(flaps, 10);
        EXPECT_GE(calls, 1);
        // Every call ends a window of at least `quiet` (0.2 s; 0.5 s while changes go on without
        // a pause, but this thread may be kept waiting): the loop ran 2.9 s, so 14 at most,
        // whatever the scheduler does, and never one per change.
        EXPECT_LE(calls, 15);
        EXPECT_LT(calls * 100, flaps);
    });
}

// Changes on the interfaces the watcher says are its own (a mesh network's tunnel) count for
// nothing; a change elsewhere does.
TEST_F(PlatformLinuxNetns, TheNetworkMonitorIgnoresTheInterfacesItIsToldTo) {
    in_fresh_netns([] {
        MonitorBench bench;
        std::vector<std::string> asked;
        bench.watch.ignore = [&asked](const std::string& interface) {
            asked.push_back(interface);
            return interface == kTunName;
        };
        NetlinkNetworkMonitor monitor(bench.io, bench.watch);
        auto& io = bench.io;
        auto& net = bench.net;
        const int& calls = bench.calls;

        TunLinuxFactory factory{false};
        const auto tun = factory.create(kTunName);
        net.add_address(kTunName, prefix("10.93.0.1/24"));
        net.add_address(kTunName, prefix("fd93::1/64"));
        net.set_up(kTunName, true);
        net.add_route(kTunName, prefix("10.94.0.0/16"));
        run_for(io, std::chrono::milliseconds(800));
        EXPECT_EQ(calls, 0);
        EXPECT_FALSE(asked.empty());
        EXPECT_EQ(std::count(asked.begin(), asked.end(), kTunName),
                  static_cast<std::ptrdiff_t>(asked.size()))
            << "only the interface changed is asked about";

        net.add_address("lo", prefix("10.95.0.1/32"));
        run_until(io, calls, 1);
        EXPECT_EQ(calls, 1);
    });
}

// Any process may send to the monitor's netlink port; only the kernel's notifications count.
TEST_F(PlatformLinuxNetns, TheNetworkMonitorHearsTheKernelOnly) {
    in_fresh_netns([] {
        boost::asio::io_context io;
        int calls = 0;
        NetlinkNetworkMonitor monitor(io, counting(calls));

        // A well-formed RTM_NEWADDR, as the kernel would send it, from another socket.
        const value::UniqueFd forger(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
        ASSERT_TRUE(forger.valid());
        sockaddr_nl to{};
        to.nl_family = AF_NETLINK;
        to.nl_pid = monitor.port_id();
        const auto forged = build_new_address(1, prefix("10.96.0.1/32"));
        ASSERT_EQ(::sendto(forger.get(), forged.bytes().data(), forged.bytes().size(), 0,
                           reinterpret_cast<const sockaddr*>(&to), sizeof to),
                  static_cast<ssize_t>(forged.bytes().size()))
            << std::generic_category().message(errno);
        run_for(io, std::chrono::milliseconds(600));
        EXPECT_EQ(monitor.dropped(), 1U);
        EXPECT_EQ(calls, 0) << "a datagram from port " << monitor.port_id() << "'s neighbour";
    });
}

// Opened through the interface, as tulled does.
TEST_F(PlatformLinuxNetns, WatchNetworkGivesAWorkingMonitor) {
    in_fresh_netns([] {
        boost::asio::io_context io;
        int calls = 0;
        const auto monitor = watch_network(io, counting(calls));
        ASSERT_NE(monitor, nullptr);
        EXPECT_TRUE(monitor->watching());
        NetConfigLinux net;
        net.set_up("lo", true);
        run_until(io, calls, 1);
        EXPECT_EQ(calls, 1);
    });
}

}  // namespace
}  // namespace tulle::platform::linux_impl

// Two whole Devices, each with a fake TUN and a socket on the in-memory UDP network, handshake and
// carry packets inside one process, as wireguard-go's device tests do.
#include "daemon/device.hpp"

#include <array>
#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unistd.h>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <spdlog/logger.h>

#include "daemon/core/constants.hpp"
#include "daemon/core/crypto.hpp"
#include "daemon/core/environment.hpp"
#include "daemon/core/messages.hpp"
#include "mesh/relay.hpp"
#include "platform/fake_tun.hpp"
#include "platform/fake_udp.hpp"
#include "tests/unit/core/engine_harness.hpp"
#include "tests/unit/daemon/run_loop.hpp"

namespace tulle::daemon {
namespace {

using namespace std::chrono_literals;
using core::testing::ipv4_packet;
using Ip4 = std::array<std::uint8_t, 4>;

constexpr std::uint16_t kPort = 51820;
constexpr Ip4 kTunnelA{10, 0, 0, 1};
constexpr Ip4 kTunnelB{10, 0, 0, 2};
constexpr Ip4 kUnderlayA{192, 0, 2, 1};
constexpr Ip4 kUnderlayB{192, 0, 2, 2};
constexpr Ip4 kUnderlayL{192, 0, 2, 9};  // a lighthouse
constexpr Ip4 kTunnelL{10, 0, 0, 9};
constexpr std::uint32_t kChannel = 0x01020304;

std::string prefix_of(const Ip4& ip) {
    return value::IpAddress::v4(ip).to_string() + "/32";
}

// One machine: a Device with its fake TUN, on its own address of the fake network.
struct Host {
    Host(boost::asio::io_context& io, platform::FakeNetwork& network, const std::string& name,
         const Ip4& underlay, WorkerPool& workers)
        : address(value::IpAddress::v4(underlay)),
          tun(std::make_shared<platform::FakeTunDevice>(name)),
          sockets(network.host(address)),
          private_key(core::crypto::generate_private_key()),
          public_key(core::crypto::public_key(private_key)) {
        device =
            std::make_unique<Device>(io, std::make_unique<platform::FakeTun>(tun), *sockets,
                                     environment, std::make_shared<spdlog::logger>(name), workers);
        device->start();
        UapiSet set;
        set.private_key = std::optional<core::PrivateKey>(private_key);
        set.listen_port = kPort;
        EXPECT_EQ(device->apply(set), 0);
    }

    // Makes `other` a peer that owns `other_ip`, reached at its underlay address.
    void add_peer(const Host& other, const Ip4& other_ip) const {
        UapiPeer peer;
        peer.public_key = other.public_key;
        const auto bytes = other.address.bytes();
        peer.endpoint = value::SocketAddress{
            value::IpAddress::v4({bytes[0], bytes[1], bytes[2], bytes[3]}), kPort};
        peer.allowed_ips.push_back(value::IpPrefix::parse(prefix_of(other_ip)).value());
        UapiSet set;
        set.peers.push_back(peer);
        EXPECT_EQ(device->apply(set), 0);
    }

    [[nodiscard]] value::SocketAddress socket_address() const {
        return value::SocketAddress{address, kPort};
    }

    value::IpAddress address;
    std::shared_ptr<platform::FakeTunDevice> tun;
    std::unique_ptr<platform::UdpSocketFactory> sockets;
    core::SystemEnvironment environment;
    core::PrivateKey private_key;
    core::PublicKey public_key;
    std::unique_ptr<Device> device;
};

class DeviceTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(core::crypto::init());
        a_ = std::make_unique<Host>(io_, network_, "tulle-a", kUnderlayA, workers_);
        b_ = std::make_unique<Host>(io_, network_, "tulle-b", kUnderlayB, workers_);
        a_->add_peer(*b_, kTunnelB);
        b_->add_peer(*a_, kTunnelA);
    }

    void TearDown() override {
        a_.reset();
        b_.reset();
    }

    // Runs the devices' loop until `done` holds; false if it does not within `limit`.
    bool run_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 5s) {
        return testing::run_until(io_, done, limit);
    }

    // Sends `packet` into from's TUN and returns what to's TUN wrote, if anything in `limit`.
    std::optional<std::vector<std::uint8_t>> carry(Host& from, Host& to,
                                                   const std::vector<std::uint8_t>& packet,
                                                   std::chrono::milliseconds limit = 5s) {
        from.tun->inject(packet);
        if (!run_until([&] { return to.tun->pending_writes() > 0; }, limit)) {
            return std::nullopt;
        }
        return to.tun->take_written();
    }

    // l becomes a and b's lighthouse (each has a session with it) and relays between them on
    // kChannel, as a lighthouse's offer sets it up; returns the channel's two sides.
    RelayChannel relay_through(Host& l) {
        l.add_peer(*a_, kTunnelA);
        l.add_peer(*b_, kTunnelB);
        a_->add_peer(l, kTunnelL);
        b_->add_peer(l, kTunnelL);
        EXPECT_TRUE(carry(*a_, l, ipv4_packet(kTunnelA, kTunnelL, 20)));
        EXPECT_TRUE(carry(*b_, l, ipv4_packet(kTunnelB, kTunnelL, 20)));
        RelayChannel sides;
        sides.a = a_->public_key;
        sides.token_a = mesh::new_relay_token();
        sides.b = b_->public_key;
        sides.token_b = mesh::new_relay_token();
        l.device->set_relay_channel(kChannel, sides);
        a_->device->set_relay_route(RelayRoute{l.socket_address(), kChannel, sides.token_a});
        b_->device->set_relay_route(RelayRoute{l.socket_address(), kChannel, sides.token_b});
        return sides;
    }

    boost::asio::io_context io_;
    platform::FakeNetwork network_;
    WorkerPool workers_{2};  // shared by every device, as in tulled
    std::unique_ptr<Host> a_;
    std::unique_ptr<Host> b_;
};

TEST_F(DeviceTest, TwoDevicesHandshakeAndPingEachOther) {
    const auto ping = ipv4_packet(kTunnelA, kTunnelB, 56, 0x11);
    EXPECT_EQ(carry(*a_, *b_, ping), ping);
    const auto pong = ipv4_packet(kTunnelB, kTunnelA, 56, 0x22);
    EXPECT_EQ(carry(*b_, *a_, pong), pong);
    EXPECT_EQ(a_->device->engine().counters().sessions_established, 1U);
    EXPECT_EQ(b_->device->engine().counters().sessions_established, 1U);
    EXPECT_FALSE(b_->device->engine().under_load(core::Clock::now()));
    // Many packets in one batch keep their order.
    std::vector<std::vector<std::uint8_t>> burst;
    for (std::uint8_t i = 0; i < 100; ++i) {
        burst.push_back(ipv4_packet(kTunnelA, kTunnelB, 200 + i, i));
        a_->tun->inject(burst.back());
    }
    ASSERT_TRUE(run_until([&] { return b_->tun->pending_writes() == burst.size(); }));
    for (const auto& packet : burst) {
        EXPECT_EQ(b_->tun->take_written(), packet);
    }
}

// A lighthouse L relays between a and b (issue #17): the members' engines send to the channel's
// synthetic endpoint, their devices wrap that into frames for L, and L forwards a frame only with
// one side's token and only from where that side's WireGuard session with L is.
TEST_F(DeviceTest, TheRelayCarriesTrafficOnlyWithItsTokensAndFromTheMembersOwnAddresses) {
    Host l(io_, network_, "tulle-l", kUnderlayL, workers_);
    const RelayChannel sides = relay_through(l);
    ASSERT_TRUE(a_->device->set_peer_endpoint(b_->public_key, relay_endpoint(kChannel)));
    ASSERT_TRUE(b_->device->set_peer_endpoint(a_->public_key, relay_endpoint(kChannel)));

    const auto ping = ipv4_packet(kTunnelA, kTunnelB, 1200, 0x11);
    EXPECT_EQ(carry(*a_, *b_, ping), ping);
    const auto pong = ipv4_packet(kTunnelB, kTunnelA, 1200, 0x22);
    EXPECT_EQ(carry(*b_, *a_, pong), pong);
    const auto forwarded = l.device->counters().relay_forwarded;
    EXPECT_GE(forwarded, 4U);  // a handshake each way and the two packets
    EXPECT_EQ(b_->device->snapshot_of(a_->public_key)->endpoint, relay_endpoint(kChannel));
    EXPECT_EQ(relay_channel_of(relay_endpoint(kChannel)), kChannel);

    // A made-up token, and a's token from an address that is not a's: dropped, counted.
    std::vector<std::uint8_t> frame(mesh::kRelayHeader + 148, 0x55);
    mesh::write_relay_header(frame, {kChannel, mesh::new_relay_token()});
    network_.inject(a_->socket_address(), l.socket_address(), frame);
    mesh::write_relay_header(frame, {kChannel, sides.token_a});
    network_.inject(value::SocketAddress{value::IpAddress::v4({192, 0, 2, 66}), kPort},
                    l.socket_address(), frame);
    EXPECT_TRUE(run_until([&] { return l.device->counters().relay_dropped == 2; }));
    EXPECT_EQ(l.device->counters().relay_forwarded, forwarded);

    // The route gone, nothing leaves for the synthetic endpoint: dropped and counted.
    a_->device->remove_relay_route(kChannel);
    const auto sent = network_.sent();
    EXPECT_FALSE(carry(*a_, *b_, ping, 300ms));
    EXPECT_EQ(network_.sent(), sent);
    EXPECT_GE(a_->device->counters().relay_dropped, 1U);
}

// A path in doubt (issue #17): every WireGuard message to it goes on the relay too, the other
// side takes each packet once, and nothing else is copied.
TEST_F(DeviceTest, APathInDoubtSendsOnTheRelayTooAndEachPacketArrivesOnce) {
    Host l(io_, network_, "tulle-l", kUnderlayL, workers_);
    (void)relay_through(l);
    ASSERT_TRUE(carry(*a_, *b_, ipv4_packet(kTunnelA, kTunnelB, 20)));  // a direct session

    // The direct path dies (nobody is where a's datagrams go): nothing arrives...
    const value::SocketAddress dead{value::IpAddress::v4({192, 0, 2, 99}), kPort};
    ASSERT_TRUE(a_->device->set_peer_endpoint(b_->public_key, dead));
    const auto ping = ipv4_packet(kTunnelA, kTunnelB, 1000, 0x33);
    EXPECT_FALSE(carry(*a_, *b_, ping, 300ms));
    // ...until the relay is its shadow: then the packet gets through.
    a_->device->set_shadow(dead, relay_endpoint(kChannel));
    EXPECT_EQ(carry(*a_, *b_, ping), ping);
    EXPECT_GE(a_->device->counters().shadow_sent, 1U);

    // Both paths alive: b gets both copies and takes the packet once.
    a_->device->clear_shadow(dead);
    ASSERT_TRUE(a_->device->set_peer_endpoint(b_->public_key, b_->socket_address()));
    a_->device->set_shadow(b_->socket_address(), relay_endpoint(kChannel));
    const auto replayed = b_->device->engine().counters().replayed;
    const auto forwarded = l.device->counters().relay_forwarded;
    EXPECT_EQ(carry(*a_, *b_, ping), ping);
    EXPECT_TRUE(
        run_until([&] { return b_->device->engine().counters().replayed == replayed + 1; }));
    EXPECT_EQ(l.device->counters().relay_forwarded, forwarded + 1);
    EXPECT_EQ(b_->tun->pending_writes(), 0U);

    // Disco is never copied, and once the shadow is cleared WireGuard messages are not either.
    const auto copies = a_->device->counters().shadow_sent;
    const std::vector<std::uint8_t> disco{'T', 'u', 'D', '1', 0, 0, 0, 0};
    a_->device->send_outer(b_->socket_address(), disco);
    EXPECT_EQ(a_->device->counters().shadow_sent, copies);
    a_->device->clear_shadow(b_->socket_address());
    EXPECT_EQ(carry(*a_, *b_, ping), ping);
    EXPECT_EQ(a_->device->counters().shadow_sent, copies);
}

// Threads of this process, from /proc/self/task.
std::size_t thread_count() {
    return static_cast<std::size_t>(
        std::distance(std::filesystem::directory_iterator("/proc/self/task"),
                      std::filesystem::directory_iterator{}));
}

TEST_F(DeviceTest, DevicesSharingOnePoolCarryTrafficBothWaysAtOnce) {
    ASSERT_TRUE(carry(*a_, *b_, ipv4_packet(kTunnelA, kTunnelB, 20)));
    // Bursts over WorkerPool::kMinParallelJobs, so both devices' batches go to the shared pool.
    std::vector<std::vector<std::uint8_t>> to_b;
    std::vector<std::vector<std::uint8_t>> to_a;
    for (std::uint8_t i = 0; i < 64; ++i) {
        to_b.push_back(ipv4_packet(kTunnelA, kTunnelB, 300 + i, i));
        to_a.push_back(ipv4_packet(kTunnelB, kTunnelA, 400 + i, i));
        a_->tun->inject(to_b.back());
        b_->tun->inject(to_a.back());
    }
    ASSERT_TRUE(run_until([&] {
        return b_->tun->pending_writes() == to_b.size() && a_->tun->pending_writes() == to_a.size();
    }));
    for (std::size_t i = 0; i < to_b.size(); ++i) {
        EXPECT_EQ(b_->tun->take_written(), to_b[i]);
        EXPECT_EQ(a_->tun->take_written(), to_a[i]);
    }
}

TEST_F(DeviceTest, MoreDevicesMakeNoMoreThreads) {
    const std::size_t before = thread_count();
    std::vector<std::unique_ptr<Host>> more;
    for (std::uint8_t i = 0; i < 4; ++i) {
        more.push_back(std::make_unique<Host>(io_, network_, "tulle-m" + std::to_string(i),
                                              Ip4{192, 0, 2, static_cast<std::uint8_t>(10 + i)},
                                              workers_));
    }
    EXPECT_EQ(thread_count(), before);
}

TEST_F(DeviceTest, APacketToAnUnknownDestinationIsDropped) {
    ASSERT_TRUE(carry(*a_, *b_, ipv4_packet(kTunnelA, kTunnelB, 20)));
    const std::size_t sent = network_.sent();
    a_->tun->inject(ipv4_packet(kTunnelA, {10, 9, 9, 9}, 20));
    ASSERT_TRUE(run_until([&] { return a_->device->engine().counters().no_route == 1; }));
    EXPECT_EQ(network_.sent(), sent);
    EXPECT_EQ(b_->tun->pending_writes(), 0U);
}

TEST_F(DeviceTest, APeerRemovedLiveGetsNoMoreTraffic) {
    ASSERT_TRUE(carry(*a_, *b_, ipv4_packet(kTunnelA, kTunnelB, 20)));
    UapiPeer remove;
    remove.public_key = b_->public_key;
    remove.remove = true;
    UapiSet set;
    set.peers.push_back(remove);
    ASSERT_EQ(a_->device->apply(set), 0);
    EXPECT_EQ(a_->device->snapshot().peers.size(), 0U);

    // A has no route to B any more: nothing goes out.
    const std::size_t sent = network_.sent();
    a_->tun->inject(ipv4_packet(kTunnelA, kTunnelB, 20));
    ASSERT_TRUE(run_until([&] { return a_->device->engine().counters().no_route == 1; }));
    EXPECT_EQ(network_.sent(), sent);
    // B still has its session, but A takes nothing from it: the session went with the peer.
    b_->tun->inject(ipv4_packet(kTunnelB, kTunnelA, 20));
    ASSERT_TRUE(run_until([&] { return a_->device->engine().counters().unknown_receiver == 1; }));
    EXPECT_EQ(a_->tun->pending_writes(), 0U);
}

TEST_F(DeviceTest, StatsCountTheBytesEachWay) {
    ASSERT_TRUE(carry(*a_, *b_, ipv4_packet(kTunnelA, kTunnelB, 100)));
    ASSERT_TRUE(carry(*b_, *a_, ipv4_packet(kTunnelB, kTunnelA, 1000)));
    const DeviceStatus a = a_->device->snapshot();
    const DeviceStatus b = b_->device->snapshot();
    ASSERT_EQ(a.peers.size(), 1U);
    ASSERT_EQ(b.peers.size(), 1U);
    // What one side sent is what the other received: nothing was lost.
    EXPECT_EQ(a.peers[0].tx_bytes, b.peers[0].rx_bytes);
    EXPECT_EQ(b.peers[0].tx_bytes, a.peers[0].rx_bytes);
    // Each packet travels padded, with a 16-byte header and a 16-byte tag.
    EXPECT_GE(b.peers[0].tx_bytes, 1000U + 32U);
    EXPECT_LT(a.peers[0].tx_bytes, b.peers[0].tx_bytes);
    EXPECT_TRUE(a.peers[0].last_handshake.has_value());
}

TEST_F(DeviceTest, NothingArrivesWhileTheNetworkDropsEverything) {
    network_.set_drop_all(true);
    EXPECT_FALSE(carry(*a_, *b_, ipv4_packet(kTunnelA, kTunnelB, 20), 300ms));
    EXPECT_GT(network_.dropped(), 0U);
    EXPECT_EQ(network_.dropped(), network_.sent());
    EXPECT_EQ(b_->device->engine().counters().sessions_established, 0U);
}

// Keeps what an engine sends: here, a handshake initiation.
struct Capture final : core::PacketSink {
    void send_datagram(const value::SocketAddress& /*to*/,
                       std::span<const std::uint8_t> datagram) override {
        sent.emplace_back(datagram.begin(), datagram.end());
    }
    void deliver_packet(const core::Peer& /*peer*/,
                        std::span<const std::uint8_t> /*packet*/) override {}
    std::vector<std::vector<std::uint8_t>> sent;
};

// A valid initiation to `to` (a correct mac1) from a stranger with a key of its own.
std::vector<std::uint8_t> initiation_to(const Host& to) {
    core::SystemEnvironment environment;
    core::Engine stranger(environment);
    stranger.set_private_key(core::crypto::generate_private_key());
    core::Peer& peer = *stranger.add_peer(to.public_key).value();
    stranger.set_endpoint(peer, value::SocketAddress{value::IpAddress::v4(kUnderlayB), kPort});
    stranger.add_allowed_ip(peer, value::IpPrefix(value::IpAddress::v4(kTunnelB)));
    Capture capture;
    stranger.send_packet(ipv4_packet({10, 0, 0, 99}, kTunnelB, 20), core::Clock::now(), capture);
    EXPECT_EQ(capture.sent.size(), 1U);
    return capture.sent.empty() ? std::vector<std::uint8_t>{} : capture.sent.front();
}

value::SocketAddress flood_source(int i) {
    return {value::IpAddress::v4({198, 51, 100, static_cast<std::uint8_t>(i % 256)}),
            static_cast<std::uint16_t>(1000 + i)};
}

TEST_F(DeviceTest, AQueueOfValidInitiationsPutsTheDeviceUnderLoad) {
    // All waiting in the socket at once: more than wireguard-go's queue threshold (128).
    constexpr int kQueued = 200;
    const auto initiation = initiation_to(*b_);
    for (int i = 0; i < kQueued; ++i) {
        network_.inject(flood_source(i), b_->socket_address(), initiation);
    }
    const auto& counters = b_->device->engine().counters();
    ASSERT_TRUE(run_until([&] { return network_.pending(b_->socket_address()) == 0; }));
    EXPECT_TRUE(b_->device->engine().under_load(core::Clock::now()));
    // Once the backlog is long, every initiation without a cookie gets a cookie reply, no work.
    EXPECT_GE(counters.cookie_replies_sent,
              std::uint64_t{kQueued - core::impl::kUnderLoadQueueLength});
    EXPECT_EQ(counters.handshake_responses_sent, 0U);
}

TEST_F(DeviceTest, AQueueOfJunkDoesNotDelayARealHandshake) {
    // Initiation-sized datagrams with a wrong mac1 from many addresses, waiting in the socket.
    std::vector<std::uint8_t> junk(sizeof(core::MessageInitiation), 0x5a);
    junk[0] = 1;
    junk[1] = junk[2] = junk[3] = 0;
    for (int i = 0; i < 500; ++i) {
        network_.inject(flood_source(i), b_->socket_address(), junk);
    }
    const auto ping = ipv4_packet(kTunnelA, kTunnelB, 56, 0x33);
    EXPECT_EQ(carry(*a_, *b_, ping), ping);
    const auto& counters = b_->device->engine().counters();
    EXPECT_EQ(counters.invalid_mac, 500U);
    EXPECT_EQ(counters.cookie_replies_sent, 0U);
    EXPECT_FALSE(b_->device->engine().under_load(core::Clock::now()));
}

// A socket and a TUN device that hold more than one wake-up's worth of datagrams or packets
// themselves (as a UDP GRO receive or a TSO super-packet does) while their descriptor says
// readable only once: the device must come back for the rest without a new wake-up.
class OneShotFd {
  public:
    OneShotFd() {
        EXPECT_EQ(::pipe2(fds_.data(), O_CLOEXEC | O_NONBLOCK), 0);
        const std::uint8_t byte = 1;
        EXPECT_EQ(::write(fds_[1], &byte, 1), 1);
    }
    ~OneShotFd() {
        ::close(fds_[0]);
        ::close(fds_[1]);
    }
    OneShotFd(const OneShotFd&) = delete;
    OneShotFd& operator=(const OneShotFd&) = delete;
    [[nodiscard]] int fd() const { return fds_[0]; }
    void consume() {
        std::uint8_t byte = 0;
        (void)::read(fds_[0], &byte, 1);
    }

  private:
    std::array<int, 2> fds_{-1, -1};
};

class HoldingSocket final : public platform::UdpSocket {
  public:
    explicit HoldingSocket(std::size_t datagrams) : left_(datagrams) {}
    [[nodiscard]] std::uint16_t port() const override { return kPort; }
    [[nodiscard]] int fd() const override { return fd_.fd(); }
    void set_mark(std::uint32_t /*mark*/) override {}
    platform::Received receive(std::span<platform::ReceivedDatagram> out) override {
        fd_.consume();
        platform::Received received;
        for (; received.count < out.size() && left_ > 0; ++received.count, --left_) {
            junk_ = {0x7f};  // no message type: dropped as invalid
            out[received.count] = {value::SocketAddress{value::IpAddress::v4(kUnderlayA), 1},
                                   junk_};
        }
        received.drained = left_ == 0;
        return received;
    }
    std::size_t send(std::span<const platform::OutgoingDatagram> datagrams) override {
        return datagrams.size();
    }

  private:
    OneShotFd fd_;
    std::size_t left_;
    std::vector<std::uint8_t> junk_;
};

class HoldingSockets final : public platform::UdpSocketFactory {
  public:
    explicit HoldingSockets(std::size_t datagrams) : datagrams_(datagrams) {}
    std::unique_ptr<platform::UdpSocket> open(std::uint16_t /*port*/) override {
        return std::make_unique<HoldingSocket>(datagrams_);
    }

  private:
    std::size_t datagrams_;
};

class HoldingTun final : public platform::Tun {
  public:
    explicit HoldingTun(std::size_t packets) : left_(packets) {}
    [[nodiscard]] const std::string& name() const override { return name_; }
    [[nodiscard]] std::uint32_t mtu() const override { return 1420; }
    void set_mtu(std::uint32_t /*mtu*/) override {}
    [[nodiscard]] int fd() const override { return fd_.fd(); }
    std::size_t read(std::span<std::uint8_t> buffer) override {
        fd_.consume();
        if (left_ == 0) {
            return 0;
        }
        --left_;
        // To an address no peer owns: counted as no_route.
        const auto packet = ipv4_packet(kTunnelA, {10, 9, 9, 9}, 20, 0x44);
        std::copy(packet.begin(), packet.end(), buffer.begin());
        return packet.size();
    }
    bool write(std::span<const std::uint8_t> /*packet*/) override { return true; }

  private:
    std::string name_ = "hold0";
    OneShotFd fd_;
    std::size_t left_;
};

TEST(DeviceBacklog, WhatTheSocketAndTheTunHoldBeyondOneWakeUpIsAllHandled) {
    ASSERT_TRUE(core::crypto::init());
    boost::asio::io_context io;
    WorkerPool workers(0);
    core::SystemEnvironment environment;
    constexpr std::size_t kHeld = 5000;  // more than 16 batches of 128
    HoldingSockets sockets(kHeld);
    Device device(io, std::make_unique<HoldingTun>(kHeld), sockets, environment,
                  std::make_shared<spdlog::logger>("hold"), workers);
    device.start();
    const auto& counters = device.engine().counters();
    EXPECT_TRUE(testing::run_until(
        io, [&] { return counters.invalid_message == kHeld && counters.no_route == kHeld; }))
        << counters.invalid_message << " datagrams and " << counters.no_route << " packets";
}

}  // namespace
}  // namespace tulle::daemon

// Handshakes under load [whitepaper 5.3, 5.4.7]: what counts as load (the backlog of handshake
// messages with a right mac1, never junk), and that a real peer gets through a flood.
#include <cstddef>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "daemon/core/engine.hpp"
#include "daemon/core/messages.hpp"
#include "tests/unit/core/engine_fixture.hpp"

namespace tulle::core {
namespace {

using namespace std::chrono_literals;
using namespace testing;  // the engine fixture's nodes, addresses and message types

// A source address per flood message: 203.0.113.0/24 and ports from 1000 up.
value::SocketAddress flood_source(std::size_t i) {
    return {value::IpAddress::v4({203, 0, 113, static_cast<std::uint8_t>(i % 256)}),
            static_cast<std::uint16_t>(1000 + i)};
}

class EngineLoadTest : public EngineTest {
  protected:
    // `count` datagrams of `bytes` from as many addresses, as one batch read from the socket.
    void receive_flood(Node& at, const std::vector<std::uint8_t>& bytes, std::size_t count) {
        copies_.assign(count, bytes);
        std::vector<IncomingDatagram> batch;
        for (std::size_t i = 0; i < count; ++i) {
            batch.push_back({flood_source(i), copies_[i]});
        }
        at.engine.receive_batch(batch, net.now(), at, serial_);
    }

    // An initiation to `to` with a right mac1 from a stranger (a key `to` does not know).
    std::vector<std::uint8_t> stranger_initiation(Node& to) {
        Node& stranger = net.add_node(
            "stranger", value::SocketAddress{value::IpAddress::v4({198, 51, 100, 9}), 4000});
        Peer& peer = *stranger.engine.add_peer(to.public_key).value();
        stranger.engine.set_endpoint(peer, to.address);
        stranger.engine.add_allowed_ip(peer, value::IpPrefix(value::IpAddress::v4(kIpB)));
        std::vector<std::uint8_t> initiation;
        net.filter = [&](Datagram& d) {
            initiation = d.bytes;
            return false;
        };
        send(stranger, {10, 0, 0, 99}, kIpB);
        net.flush();
        net.filter = nullptr;
        EXPECT_EQ(initiation.size(), sizeof(MessageInitiation));
        return initiation;
    }

    Serial serial_;
    std::vector<std::vector<std::uint8_t>> copies_;
};

// Initiation-sized junk with a wrong mac1: what anyone can send without knowing any key.
std::vector<std::uint8_t> junk_initiation() {
    std::vector<std::uint8_t> junk(sizeof(MessageInitiation), 0x5a);
    junk[0] = 1;  // type: initiation
    junk[1] = junk[2] = junk[3] = 0;
    return junk;
}

TEST_F(EngineLoadTest, JunkInitiationsNeverCountAsLoad) {
    Node& a = make_a();
    Node& b = make_b_paired_with(a);
    // A queue full of junk, and as much again one by one within the same second.
    receive_flood(b, junk_initiation(), 1000);
    auto junk = junk_initiation();
    for (int i = 0; i < 1000; ++i) {
        b.engine.receive_datagram(flood_source(static_cast<std::size_t>(i)), junk, net.now(), b);
    }
    EXPECT_EQ(b.engine.counters().invalid_mac, 2000U);
    EXPECT_FALSE(b.engine.under_load(net.now()));
    // The real peer is answered at once: no cookie, no retransmit.
    send(a, kIpA, kIpB);
    net.flush();
    EXPECT_EQ(b.engine.counters().cookie_replies_sent, 0U);
    EXPECT_EQ(count_sent(a, kInitiation), 1U);
    EXPECT_EQ(b.delivered.size(), 1U);
}

TEST_F(EngineLoadTest, ValidHandshakesThatNeverQueueUpAreNotLoad) {
    Node& a = make_a();
    Node& b = make_b_paired_with(a);
    const auto initiation = stranger_initiation(b);
    // Many right-mac1 initiations in one second, but each taken before the next came: the
    // device keeps up, so it does full work for all of them (as wireguard-go does).
    auto copy = initiation;
    for (std::size_t i = 0; i < 2 * impl::kUnderLoadQueueLength; ++i) {
        copy = initiation;
        b.engine.receive_datagram(flood_source(i), copy, net.now(), b);
    }
    EXPECT_FALSE(b.engine.under_load(net.now()));
    EXPECT_EQ(b.engine.counters().cookie_replies_sent, 0U);
    send(a, kIpA, kIpB);
    net.flush();
    EXPECT_EQ(b.delivered.size(), 1U);
}

TEST_F(EngineLoadTest, AQueueOfValidInitiationsAsksForCookiesAndARealPeerGetsThrough) {
    Node& a = make_a();
    Node& b = make_b_paired_with(a);
    const auto initiation = stranger_initiation(b);
    const std::size_t flood = 2 * impl::kUnderLoadQueueLength;
    // A backlog of right-mac1 initiations from many addresses: cookies, no Diffie-Hellman work.
    receive_flood(b, initiation, flood);
    EXPECT_TRUE(b.engine.under_load(net.now()));
    const auto cookies_before = b.engine.counters().cookie_replies_sent;
    EXPECT_GE(cookies_before, flood - impl::kUnderLoadQueueLength);
    // The flood goes on while the real peer tries: its first initiation gets a cookie, its
    // retransmit carries mac2 and is answered.
    send(a, kIpA, kIpB);
    net.flush();
    EXPECT_EQ(a.engine.counters().cookie_replies_taken, 1U);
    EXPECT_TRUE(b.delivered.empty());
    for (int second = 0; second < 6 && b.delivered.empty(); ++second) {
        receive_flood(b, initiation, flood);
        net.advance(1s, 100ms);
    }
    EXPECT_EQ(count_sent(a, kInitiation), 2U);
    EXPECT_EQ(count_sent(b, kResponse), 1U);
    EXPECT_EQ(b.delivered.size(), 1U);
    EXPECT_GT(b.engine.counters().cookie_replies_sent, cookies_before + flood);
}

TEST_F(EngineLoadTest, LoadEndsASecondAfterTheQueueDrains) {
    Node& a = make_a();
    Node& b = make_b_paired_with(a);
    receive_flood(b, stranger_initiation(b), 2 * impl::kUnderLoadQueueLength);
    b.engine.queue_drained();
    EXPECT_TRUE(b.engine.under_load(net.now()));
    net.advance(1100ms);
    EXPECT_FALSE(b.engine.under_load(net.now()));
    send(a, kIpA, kIpB);
    net.flush();
    EXPECT_EQ(a.engine.counters().cookie_replies_taken, 0U);
    EXPECT_EQ(b.delivered.size(), 1U);
}

}  // namespace
}  // namespace tulle::core

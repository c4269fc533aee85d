// Two engines joined by an in-memory network with a fake clock: handshakes, sessions, timers and
// batches. Each test names the protocol rule it checks (whitepaper section in brackets) and would
// fail if that rule broke. What the engine refuses and how peers change: engine_peers_test.cpp.
#include "daemon/core/engine.hpp"

#include <algorithm>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/unit/core/engine_fixture.hpp"

namespace tulle::core {
namespace {

using namespace std::chrono_literals;
using namespace testing;  // the engine fixture's nodes, addresses and message types

TEST_F(EngineTest, HandshakeThenDataBothWays) {  // [5.4.2-5.4.6]
    Node& a = make_a();
    Node& b = make_b_paired_with(a);

    const auto packet = testing::ipv4_packet(kIpA, kIpB, 100);
    a.engine.send_packet(packet, net.now(), a);
    ASSERT_EQ(net.in_flight.size(), 1U);
    EXPECT_EQ(net.in_flight.front().type(), kInitiation);
    EXPECT_EQ(net.in_flight.front().bytes.size(), 148U);
    net.flush();

    ASSERT_EQ(b.delivered.size(), 1U);
    EXPECT_EQ(b.delivered[0], packet);
    EXPECT_EQ(count_sent(b, kResponse), 1U);
    EXPECT_EQ(a.engine.counters().sessions_established, 1U);
    EXPECT_EQ(b.engine.counters().sessions_established, 1U);

    const auto reply = testing::ipv4_packet(kIpB, kIpA, 1200, 0x11);
    b.engine.send_packet(reply, net.now(), b);
    net.flush();
    ASSERT_EQ(a.delivered.size(), 1U);
    EXPECT_EQ(a.delivered[0], reply);
    // Exactly one handshake for both directions.
    EXPECT_EQ(count_sent(a, kInitiation) + count_sent(b, kInitiation), 1U);
    EXPECT_TRUE(peer_of(a, b).stats().last_handshake.has_value());
    EXPECT_TRUE(peer_of(b, a).stats().last_handshake.has_value());
}

TEST_F(EngineTest, TransferCountersMatchTheBytesOnTheWire) {
    Node& a = make_a();
    Node& b = make_b_paired_with(a);
    // One handshake first: with both sides initiating at once, the losing handshake's messages
    // cross on the wire but authenticate nowhere, so they would count on one side only.
    send(a, kIpA, kIpB);
    net.flush();
    for (int i = 0; i < 10; ++i) {
        send(a, kIpA, kIpB, 50 + 100 * static_cast<std::size_t>(i));
        send(b, kIpB, kIpA, 70);
        net.flush();
    }
    std::uint64_t a_to_b = 0;
    std::uint64_t b_to_a = 0;
    for (const auto& d : net.log) {
        (d.from == a.address ? a_to_b : b_to_a) += d.bytes.size();
    }
    EXPECT_EQ(peer_of(a, b).stats().tx_bytes, a_to_b);
    EXPECT_EQ(peer_of(b, a).stats().rx_bytes, a_to_b);
    EXPECT_EQ(peer_of(b, a).stats().tx_bytes, b_to_a);
    EXPECT_EQ(peer_of(a, b).stats().rx_bytes, b_to_a);
}

TEST_F(EngineTest, TransportMessagesArePaddedToSixteen) {  // [5.4.6]
    Node& a = make_a();
    Node& b = make_b_paired_with(a);
    send(a, kIpA, kIpB, 1);  // 29-byte packet
    net.flush();
    const auto& last = *std::find_if(net.log.begin(), net.log.end(), [&](const Datagram& d) {
        return d.from == a.address && d.type() == kTransport && d.bytes.size() > 32;
    });
    EXPECT_EQ(last.bytes.size(), 16U + 32U + 16U);  // 29 padded to 32
    ASSERT_EQ(b.delivered.size(), 1U);
    EXPECT_EQ(b.delivered[0].size(), 29U);  // padding trimmed by the IP length
}

TEST_F(EngineTest, ResponderSendsNothingOnNewKeysUntilTheInitiatorUsesThem) {  // [5.4.5 note]
    Node& a = make_a();
    Node& b = make_b_paired_with(a);
    // Lose the initiator's first transport message (its confirmation).
    net.filter = [&](Datagram& d) { return !(d.from == a.address && d.type() == kTransport); };
    send(a, kIpA, kIpB);
    net.flush();
    Peer& a_at_b = peer_of(b, a);
    ASSERT_NE(a_at_b.keypairs().next(), nullptr);
    EXPECT_EQ(a_at_b.keypairs().current(), nullptr);

    const std::size_t mark = net.log.size();
    send(b, kIpB, kIpA);
    // b must not encrypt with the unconfirmed keypair: it starts its own handshake instead.
    EXPECT_EQ(count_sent(b, kTransport, mark), 0U);
    EXPECT_EQ(count_sent(b, kInitiation, mark), 1U);

    net.filter = nullptr;
    net.flush();
    ASSERT_EQ(a.delivered.size(), 1U);
}

TEST_F(EngineTest, ConfirmationByTheFirstPacketPromotesTheNextKeypair) {
    Node& a = make_a();
    Node& b = make_b_connected_to(a);
    Peer& a_at_b = peer_of(b, a);
    ASSERT_NE(a_at_b.keypairs().current(), nullptr);
    EXPECT_EQ(a_at_b.keypairs().next(), nullptr);
    EXPECT_FALSE(a_at_b.keypairs().current()->initiator);
}

TEST_F(EngineTest, RekeysAfterRekeyAfterTimeWithoutLosingAPacket) {  // [6.2]
    Node& a = make_a();
    Node& b = make_b_paired_with(a);
    send(a, kIpA, kIpB);  // a is the initiator, so a owns the time-based rekeys
    net.flush();
    int sent = 1;
    std::uint32_t first_index = peer_of(a, b).keypairs().current()->local_index;
    std::size_t b_sent = 0;
    for (int second = 0; second < 400; ++second) {
        send(a, kIpA, kIpB, 64, static_cast<std::uint8_t>(second));
        send(b, kIpB, kIpA, 64, static_cast<std::uint8_t>(second));
        ++sent;
        ++b_sent;
        net.flush();
        net.advance(1s, 50ms);
    }
    EXPECT_EQ(b.delivered.size(), static_cast<std::size_t>(sent));
    EXPECT_EQ(a.delivered.size(), b_sent);
    // A handshake every REKEY_AFTER_TIME (120 s) of traffic: 4 sessions in 400 s, not more.
    const auto sessions = a.engine.counters().sessions_established;
    EXPECT_GE(sessions, 4U);
    EXPECT_LE(sessions, 5U);
    EXPECT_NE(peer_of(a, b).keypairs().current()->local_index, first_index);
    EXPECT_EQ(a.engine.counters().decrypt_failed + b.engine.counters().decrypt_failed, 0U);
}

TEST_F(EngineTest, KeysAreNotUsedPastRejectAfterTime) {  // [6.1, 6.2]
    Node& a = make_a();
    Node& b = make_b_paired_with(a);
    send(b, kIpB, kIpA);  // b initiates, so a (the responder) never rekeys on time alone
    net.flush();
    ASSERT_EQ(a.delivered.size(), 1U);
    send(a, kIpA, kIpB);
    net.flush();
    ASSERT_EQ(b.delivered.size(), 1U);

    // Hold a transport message sealed at 179 s and deliver it after 180 s.
    net.filter = [](Datagram&) { return false; };
    net.advance(179s, 1s);
    const std::size_t mark = net.log.size();
    send(a, kIpA, kIpB);
    ASSERT_EQ(count_sent(a, kTransport, mark), 1U);
    const Datagram late = net.log.back();
    net.advance(2s, 1s);

    const std::size_t after = net.log.size();
    send(a, kIpA, kIpB);  // the keys are 181 s old: a must not use them
    EXPECT_EQ(count_sent(a, kTransport, after), 0U);
    EXPECT_GE(count_sent(a, kInitiation, after), 1U);

    net.filter = nullptr;
    net.in_flight.clear();
    Datagram copy = late;
    b.engine.receive_datagram(copy.from, copy.bytes, net.now(), b);
    EXPECT_EQ(b.engine.counters().keypair_expired, 1U);
    EXPECT_EQ(b.delivered.size(), 1U);
}

TEST_F(EngineTest, PassiveKeepaliveAfterKeepaliveTimeout) {  // [6.5]
    Node& a = make_a();
    Node& b = make_b_connected_to(a);
    const std::size_t mark = net.log.size();
    net.advance(9900ms, 100ms);
    EXPECT_EQ(count_sent(b, kTransport, mark), 0U);
    net.advance(500ms, 100ms);
    ASSERT_EQ(count_sent(b, kTransport, mark), 1U);
    EXPECT_EQ(net.log.back().bytes.size(), 32U);  // an empty, padded-to-nothing keepalive
    EXPECT_EQ(b.engine.counters().keepalives_sent, 1U);
    // Nothing more while no data flows.
    net.advance(60s, 1s);
    EXPECT_EQ(count_sent(b, kTransport, mark), 1U);
}

TEST_F(EngineTest, DataDuringAPendingKeepaliveGetsASecondKeepalive) {  // [6.5]
    Node& a = make_a();
    Node& b = make_b_connected_to(a);
    net.advance(5s);
    send(a, kIpA, kIpB);  // b's keepalive timer already runs: it owes a second keepalive
    net.flush();
    const std::size_t keepalives = b.engine.counters().keepalives_sent;
    net.advance(6s, 100ms);  // t = 11 s: the first keepalive
    EXPECT_EQ(b.engine.counters().keepalives_sent, keepalives + 1);
    net.advance(10s, 100ms);  // t = 21 s: the second
    EXPECT_EQ(b.engine.counters().keepalives_sent, keepalives + 2);
    net.advance(30s, 1s);  // and then quiet
    EXPECT_EQ(b.engine.counters().keepalives_sent, keepalives + 2);
}

TEST_F(EngineTest, NoKeepaliveWhenDataWentBack) {  // [6.5]
    Node& a = make_a();
    Node& b = make_b_connected_to(a);
    net.advance(2s);
    send(b, kIpB, kIpA);
    net.flush();
    const std::size_t keepalives = b.engine.counters().keepalives_sent;
    net.advance(20s);
    EXPECT_EQ(b.engine.counters().keepalives_sent, keepalives);
}

TEST_F(EngineTest, PersistentKeepaliveBringsTheTunnelUpAndKeepsSending) {  // [6.5]
    Node& a = make_a();
    Node& b = make_b_paired_with(a);
    a.engine.set_persistent_keepalive(peer_of(a, b), 25s, net.now(), a);
    net.flush();
    EXPECT_EQ(a.engine.counters().sessions_established, 1U);
    const std::size_t mark = net.log.size();
    net.advance(100s, 500ms);
    const auto keepalives = std::count_if(
        net.log.begin() + static_cast<std::ptrdiff_t>(mark), net.log.end(),
        [&](const Datagram& d) { return d.from == a.address && d.bytes.size() == 32U; });
    EXPECT_EQ(keepalives, 4);  // at 25, 50, 75 and 100 s
}

TEST_F(EngineTest, HandshakeRetriesEveryRekeyTimeoutThenGivesUp) {  // [6.4]
    Node& a = make_a();
    Node& b = make_b_paired_with(a);
    net.filter = [&](Datagram& d) { return !(d.to == b.address); };  // b is unreachable
    send(a, kIpA, kIpB);
    EXPECT_EQ(peer_of(a, b).staged_packets(), 1U);
    net.advance(4900ms);
    EXPECT_EQ(count_sent(a, kInitiation), 1U);  // not before REKEY_TIMEOUT
    net.advance(150s);
    // The first, and one retry per REKEY_TIMEOUT while attempts <= MAX_TIMER_HANDSHAKES (18).
    EXPECT_EQ(count_sent(a, kInitiation), 20U);
    EXPECT_EQ(peer_of(a, b).staged_packets(), 0U);  // given up: queued packets dropped
    net.advance(300s, 1s);
    EXPECT_EQ(count_sent(a, kInitiation), 20U);
}

TEST_F(EngineTest, RetriesAreSpacedByRekeyTimeoutPlusJitter) {  // [6.4]
    Node& a = make_a();
    make_b_paired_with(a);
    net.filter = [](Datagram&) { return false; };
    send(a, kIpA, kIpB);
    std::vector<TimePoint> times{net.now()};
    std::size_t seen = 1;
    for (int i = 0; i < 600; ++i) {
        net.advance(50ms, 50ms);
        if (count_sent(a, kInitiation) > seen) {
            seen = count_sent(a, kInitiation);
            times.push_back(net.now());
        }
    }
    ASSERT_GE(times.size(), 5U);
    for (std::size_t i = 1; i < times.size(); ++i) {
        const auto gap = times[i] - times[i - 1];
        EXPECT_GE(gap, spec::kRekeyTimeout);
        EXPECT_LE(gap, spec::kRekeyTimeout + spec::kRekeyTimeoutJitterMax + 50ms);
    }
}

TEST_F(EngineTest, NewHandshakeWhenSentDataGetsNoAnswer) {  // [6.2]
    Node& a = make_a();
    Node& b = make_b_connected_to(a);
    // From now on b hears a but a never hears b.
    net.filter = [&](Datagram& d) { return !(d.from == b.address); };
    const std::size_t mark = net.log.size();
    send(a, kIpA, kIpB);
    net.flush();
    net.advance(14s, 100ms);
    EXPECT_EQ(count_sent(a, kInitiation, mark), 0U);
    net.advance(1500ms, 100ms);  // KEEPALIVE_TIMEOUT + REKEY_TIMEOUT (+ jitter) after sending
    EXPECT_EQ(count_sent(a, kInitiation, mark), 1U);
}

TEST_F(EngineTest, KeyMaterialIsZeroedAfterThreeRejectAfterTimes) {  // [6.3]
    Node& a = make_a();
    Node& b = make_b_connected_to(a);
    ASSERT_NE(peer_of(a, b).keypairs().current(), nullptr);
    net.advance(539s, 1s);
    EXPECT_NE(peer_of(a, b).keypairs().current(), nullptr);
    net.advance(2s, 1s);
    EXPECT_EQ(peer_of(a, b).keypairs().current(), nullptr);
    EXPECT_EQ(peer_of(a, b).keypairs().previous(), nullptr);
    EXPECT_EQ(peer_of(b, a).keypairs().current(), nullptr);
}

// Runs the jobs on two threads, the second half first, to shake out order assumptions.
class TwoThreads final : public Parallel {
  public:
    void run(std::size_t count, const std::function<void(std::size_t)>& job) override {
        std::thread other([&] {
            for (std::size_t i = count / 2; i < count; ++i) {
                job(i);
            }
        });
        for (std::size_t i = count / 2; i > 0; --i) {
            job(i - 1);
        }
        other.join();
        ++runs;
    }
    int runs = 0;
};

TEST_F(EngineTest, BatchReceiveOnThreadsDeliversInOrderAndStillRefusesReplays) {
    Node& a = make_a();
    Node& b = make_b_connected_to(a);
    std::vector<Datagram> held;
    net.filter = [&](Datagram& d) {
        held.push_back(d);
        return false;
    };
    for (int i = 0; i < 40; ++i) {
        send(a, kIpA, kIpB, 200, static_cast<std::uint8_t>(i));
    }
    net.flush();
    net.filter = nullptr;
    ASSERT_EQ(held.size(), 40U);
    held.push_back(held[7]);  // a replay inside the same batch
    std::vector<IncomingDatagram> batch;
    for (auto& d : held) {
        batch.push_back({d.from, d.bytes});
    }
    TwoThreads threads;
    b.engine.receive_batch(batch, net.now(), b, threads);
    EXPECT_EQ(threads.runs, 1);
    ASSERT_EQ(b.delivered.size(), 41U);
    for (int i = 0; i < 40; ++i) {
        EXPECT_EQ(b.delivered[static_cast<std::size_t>(i) + 1].back(),
                  static_cast<std::uint8_t>(i));
    }
    EXPECT_EQ(b.engine.counters().replayed, 1U);
}

TEST_F(EngineTest, HandshakeAndDataInOneBatchAreTakenInOrder) {
    Node& a = make_a();
    Node& b = make_b_paired_with(a);
    // b takes the initiation alone, then a replay of it together with the first data.
    std::vector<Datagram> to_b;
    hold_initiation(a, b, to_b);
    ASSERT_EQ(to_b.size(), 1U);
    std::vector<IncomingDatagram> first{{to_b[0].from, to_b[0].bytes}};
    TwoThreads threads;
    b.engine.receive_batch(first, net.now(), b, threads);  // b answers
    net.flush();                                           // a gets the response, sends data
    ASSERT_EQ(to_b.size(), 2U);
    // A second copy of the initiation (ignored as a replay) and the data in one batch.
    net.advance(std::chrono::seconds{1});
    std::vector<IncomingDatagram> second{{to_b[0].from, to_b[0].bytes},
                                         {to_b[1].from, to_b[1].bytes}};
    b.engine.receive_batch(second, net.now(), b, threads);
    EXPECT_EQ(b.engine.counters().handshake_replayed, 1U);
    EXPECT_EQ(b.delivered.size(), 1U);
}

TEST_F(EngineTest, DataBeforeANewInitiationInOneBatchIsNotLost) {
    Node& a = make_a();
    Node& b = make_b_paired_with(a);
    std::vector<Datagram> to_b;
    hold_initiation(a, b, to_b);
    ASSERT_EQ(to_b.size(), 1U);
    TwoThreads threads;
    std::vector<IncomingDatagram> first{{to_b[0].from, to_b[0].bytes}};
    b.engine.receive_batch(first, net.now(), b, threads);
    net.flush();  // a takes the response and sends the data, on keys b has not seen used yet
    ASSERT_EQ(to_b.size(), 2U);
    ASSERT_EQ(to_b[1].type(), kTransport);
    // The data gets no answer, so a starts a new handshake after KEEPALIVE + REKEY_TIMEOUT.
    net.advance(16s, 100ms);
    ASSERT_EQ(to_b.back().type(), kInitiation);
    // Data, then the new initiation, in one batch. One by one, the data confirms the keys it was
    // sealed with before the initiation replaces the unconfirmed ones; the batch must agree.
    std::vector<IncomingDatagram> batch{{to_b[1].from, to_b[1].bytes},
                                        {to_b.back().from, to_b.back().bytes}};
    b.engine.receive_batch(batch, net.now(), b, threads);
    EXPECT_EQ(b.delivered.size(), 1U);
    EXPECT_EQ(b.engine.counters().keypair_expired, 0U);
    EXPECT_EQ(b.engine.counters().handshake_responses_sent, 2U);
}

// A sink that takes messages unsealed and seals them itself, as the daemon does per batch.
class DeferringSink final : public PacketSink {
  public:
    explicit DeferringSink(Node& node) : node_(node) {}
    void send_datagram(const value::SocketAddress& to,
                       std::span<const std::uint8_t> datagram) override {
        node_.send_datagram(to, datagram);
    }
    void deliver_packet(const Peer& peer, std::span<const std::uint8_t> packet) override {
        node_.deliver_packet(peer, packet);
    }
    [[nodiscard]] bool defers_sealing() const override { return true; }
    void send_unsealed(const value::SocketAddress& to,
                       const std::shared_ptr<const Keypair>& keypair,
                       std::span<const std::uint8_t> datagram) override {
        std::vector<std::uint8_t> copy(datagram.begin(), datagram.end());
        seal_transport(copy, *keypair);
        ++sealed;
        node_.send_datagram(to, copy);
    }
    int sealed = 0;

  private:
    Node& node_;
};

TEST_F(EngineTest, DeferredSealingGivesMessagesThePeerAccepts) {
    Node& a = make_a();
    Node& b = make_b_paired_with(a);
    DeferringSink sink(a);
    a.engine.send_packet(testing::ipv4_packet(kIpA, kIpB, 300), net.now(), sink);
    net.flush();  // handshake; the staged packet goes out through `a` itself
    a.engine.send_packet(testing::ipv4_packet(kIpA, kIpB, 301), net.now(), sink);
    a.engine.send_packet(testing::ipv4_packet(kIpA, kIpB, 0), net.now(), sink);
    net.flush();
    EXPECT_EQ(sink.sealed, 2);
    ASSERT_EQ(b.delivered.size(), 3U);
    EXPECT_EQ(b.delivered[1].size(), 329U);
    EXPECT_EQ(b.engine.counters().decrypt_failed, 0U);
}

}  // namespace
}  // namespace tulle::core

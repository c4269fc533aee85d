// Two engines joined by an in-memory network with a fake clock. Each test names the protocol rule
// it checks (whitepaper section in brackets) and would fail if that rule broke.
#include "daemon/core/engine.hpp"

#include <algorithm>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/unit/core/engine_harness.hpp"

namespace tulle::core {
namespace {

using namespace std::chrono_literals;
using testing::Datagram;
using testing::Network;
using testing::Node;

constexpr std::array<std::uint8_t, 4> kIpA{10, 0, 0, 1};
constexpr std::array<std::uint8_t, 4> kIpB{10, 0, 0, 2};
constexpr unsigned kInitiation = 1;
constexpr unsigned kResponse = 2;
constexpr unsigned kCookie = 3;
constexpr unsigned kTransport = 4;

class EngineTest : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_TRUE(crypto::init()); }

    Node& make_a(EngineConfig config = {}) {
        return net.add_node("a", value::SocketAddress{value::IpAddress::v4({192, 0, 2, 1}), 51820},
                            config);
    }
    Node& make_b(EngineConfig config = {}) {
        return net.add_node("b", value::SocketAddress{value::IpAddress::v4({192, 0, 2, 2}), 51821},
                            config);
    }

    void send(Node& from, std::array<std::uint8_t, 4> src, std::array<std::uint8_t, 4> dst,
              std::size_t payload = 100, std::uint8_t fill = 0xab) {
        from.engine.send_packet(testing::ipv4_packet(src, dst, payload, fill), net.now(), from);
    }

    // Datagrams of a type sent by `node` since `since` entries of the log.
    std::size_t count_sent(const Node& node, unsigned type, std::size_t since = 0) const {
        return static_cast<std::size_t>(std::count_if(
            net.log.begin() + static_cast<std::ptrdiff_t>(since), net.log.end(),
            [&](const Datagram& d) { return d.from == node.address && d.type() == type; }));
    }

    static Peer& peer_of(Node& at, const Node& other) {
        Peer* peer = at.engine.find_peer(other.public_key);
        EXPECT_NE(peer, nullptr);
        return *peer;
    }

    // From now on b's datagrams are held in `to_b` instead of delivered; a sends data, so the
    // initiation is the first of them.
    void hold_initiation(Node& a, const Node& b, std::vector<Datagram>& to_b) {
        net.filter = [&to_b, to = b.address](Datagram& d) {
            if (d.to == to) {
                to_b.push_back(d);
                return false;
            }
            return true;
        };
        send(a, kIpA, kIpB);
        net.flush();
    }

    Network net;
};

TEST_F(EngineTest, HandshakeThenDataBothWays) {  // [5.4.2-5.4.6]
    Node& a = make_a();
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);

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
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
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
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
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
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
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
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
    send(a, kIpA, kIpB);
    net.flush();
    Peer& a_at_b = peer_of(b, a);
    ASSERT_NE(a_at_b.keypairs().current(), nullptr);
    EXPECT_EQ(a_at_b.keypairs().next(), nullptr);
    EXPECT_FALSE(a_at_b.keypairs().current()->initiator);
}

TEST_F(EngineTest, RekeysAfterRekeyAfterTimeWithoutLosingAPacket) {  // [6.2]
    Node& a = make_a();
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
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
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
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
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
    send(a, kIpA, kIpB);
    net.flush();
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
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
    send(a, kIpA, kIpB);
    net.flush();
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
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
    send(a, kIpA, kIpB);
    net.flush();
    net.advance(2s);
    send(b, kIpB, kIpA);
    net.flush();
    const std::size_t keepalives = b.engine.counters().keepalives_sent;
    net.advance(20s);
    EXPECT_EQ(b.engine.counters().keepalives_sent, keepalives);
}

TEST_F(EngineTest, PersistentKeepaliveBringsTheTunnelUpAndKeepsSending) {  // [6.5]
    Node& a = make_a();
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
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
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
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
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
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
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
    send(a, kIpA, kIpB);
    net.flush();
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
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
    send(a, kIpA, kIpB);
    net.flush();
    ASSERT_NE(peer_of(a, b).keypairs().current(), nullptr);
    net.advance(539s, 1s);
    EXPECT_NE(peer_of(a, b).keypairs().current(), nullptr);
    net.advance(2s, 1s);
    EXPECT_EQ(peer_of(a, b).keypairs().current(), nullptr);
    EXPECT_EQ(peer_of(a, b).keypairs().previous(), nullptr);
    EXPECT_EQ(peer_of(b, a).keypairs().current(), nullptr);
}

TEST_F(EngineTest, CookieRoundTripUnderLoad) {  // [5.3, 5.4.7]
    Node& a = make_a();
    EngineConfig loaded;
    loaded.under_load_handshakes_per_second = 1;  // every handshake message means load
    Node& b = make_b(loaded);
    net.pair(a, kIpA, b, kIpB);
    send(a, kIpA, kIpB);
    net.flush();
    EXPECT_EQ(b.engine.counters().cookie_replies_sent, 1U);
    EXPECT_EQ(a.engine.counters().cookie_replies_taken, 1U);
    EXPECT_EQ(count_sent(b, kCookie), 1U);
    EXPECT_EQ(count_sent(b, kResponse), 0U);
    EXPECT_TRUE(b.delivered.empty());
    // The retry carries mac2 from the cookie and is answered.
    net.advance(6s, 100ms);
    EXPECT_EQ(count_sent(b, kResponse), 1U);
    EXPECT_EQ(b.delivered.size(), 1U);
    EXPECT_EQ(b.engine.counters().cookie_replies_sent, 1U);
}

TEST_F(EngineTest, UnderLoadACookieFromAnotherAddressDoesNotCount) {  // [5.4.7]
    Node& a = make_a();
    EngineConfig loaded;
    loaded.under_load_handshakes_per_second = 1;
    Node& b = make_b(loaded);
    net.pair(a, kIpA, b, kIpB);
    send(a, kIpA, kIpB);
    net.flush();
    ASSERT_EQ(a.engine.counters().cookie_replies_taken, 1U);
    // a moves before retrying: the cookie is bound to the old address, so b asks again.
    a.address = value::SocketAddress{value::IpAddress::v4({198, 51, 100, 7}), 40000};
    net.advance(6s, 100ms);
    EXPECT_EQ(b.engine.counters().cookie_replies_sent, 2U);
    EXPECT_TRUE(b.delivered.empty());
}

TEST_F(EngineTest, ReorderedPacketsAreAcceptedAndReplaysDropped) {  // [5.4.6], RFC 6479
    Node& a = make_a();
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
    send(a, kIpA, kIpB);
    net.flush();
    ASSERT_EQ(b.delivered.size(), 1U);

    std::vector<Datagram> held;
    net.filter = [&](Datagram& d) {
        held.push_back(d);
        return false;
    };
    for (std::uint8_t i = 0; i < 5; ++i) {
        send(a, kIpA, kIpB, 40, static_cast<std::uint8_t>(0x20 + i));
    }
    net.flush();
    net.filter = nullptr;
    ASSERT_EQ(held.size(), 5U);
    for (std::size_t i : {3U, 0U, 1U, 4U, 2U}) {
        Datagram d = held[i];
        b.engine.receive_datagram(d.from, d.bytes, net.now(), b);
    }
    ASSERT_EQ(b.delivered.size(), 6U);
    for (std::size_t i : {1U, 3U}) {
        Datagram d = held[i];
        b.engine.receive_datagram(d.from, d.bytes, net.now(), b);
    }
    EXPECT_EQ(b.delivered.size(), 6U);
    EXPECT_EQ(b.engine.counters().replayed, 2U);
}

TEST_F(EngineTest, AReplayedInitiationIsRefused) {  // [5.1]
    Node& a = make_a();
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
    send(a, kIpA, kIpB);
    const Datagram initiation = net.in_flight.front();
    net.flush();
    net.advance(2s);
    const std::size_t responses = count_sent(b, kResponse);
    Datagram copy = initiation;
    b.engine.receive_datagram(copy.from, copy.bytes, net.now(), b);
    EXPECT_EQ(count_sent(b, kResponse), responses);
    EXPECT_EQ(b.engine.counters().handshake_replayed, 1U);
    // The session that exists is untouched: data still flows.
    send(a, kIpA, kIpB);
    net.flush();
    EXPECT_EQ(b.delivered.size(), 2U);
}

TEST_F(EngineTest, WrongPeerKeyMeansNoSession) {
    Node& a = make_a();
    Node& b = make_b();
    Node& stranger =
        net.add_node("c", value::SocketAddress{value::IpAddress::v4({192, 0, 2, 3}), 51822});
    // a believes b has the stranger's key: b cannot even check mac1.
    Peer& peer = *a.engine.add_peer(stranger.public_key).value();
    a.engine.add_allowed_ip(peer, value::IpPrefix(value::IpAddress::v4(kIpB)));
    a.engine.set_endpoint(peer, b.address);
    ASSERT_TRUE(b.engine.add_peer(a.public_key).ok());
    send(a, kIpA, kIpB);
    net.flush();
    EXPECT_EQ(b.engine.counters().invalid_mac, 1U);
    EXPECT_EQ(count_sent(b, kResponse), 0U);
    EXPECT_EQ(b.engine.counters().sessions_established, 0U);
}

TEST_F(EngineTest, UnknownInitiatorIsRefused) {
    Node& a = make_a();
    Node& b = make_b();
    // a knows b, b does not know a.
    Peer& peer = *a.engine.add_peer(b.public_key).value();
    a.engine.add_allowed_ip(peer, value::IpPrefix(value::IpAddress::v4(kIpB)));
    a.engine.set_endpoint(peer, b.address);
    send(a, kIpA, kIpB);
    net.flush();
    EXPECT_EQ(b.engine.counters().handshake_failed, 1U);
    EXPECT_EQ(count_sent(b, kResponse), 0U);
}

TEST_F(EngineTest, MismatchedPresharedKeysFailTheHandshake) {  // [5.4.3]
    Node& a = make_a();
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
    SymmetricKey psk_a;
    SymmetricKey psk_b;
    psk_a.bytes()[0] = 1;
    psk_b.bytes()[0] = 2;
    a.engine.set_preshared_key(peer_of(a, b), psk_a);
    b.engine.set_preshared_key(peer_of(b, a), psk_b);
    send(a, kIpA, kIpB);
    net.flush();
    EXPECT_EQ(count_sent(b, kResponse), 1U);  // b cannot tell; a can
    EXPECT_EQ(a.engine.counters().handshake_failed, 1U);
    EXPECT_TRUE(b.delivered.empty());

    b.engine.set_preshared_key(peer_of(b, a), psk_a);
    net.advance(6s);
    EXPECT_EQ(b.delivered.size(), 1U);
}

TEST_F(EngineTest, JunkTruncatedAndOversizedDatagramsAreCountedAndHarmless) {
    Node& a = make_a();
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
    send(a, kIpA, kIpB);
    net.flush();
    ASSERT_EQ(b.delivered.size(), 1U);
    const value::SocketAddress attacker =
        value::SocketAddress{value::IpAddress::v4({203, 0, 113, 9}), 9999};
    const auto junk = [&](std::vector<std::uint8_t> bytes) {
        b.engine.receive_datagram(attacker, bytes, net.now(), b);
    };
    junk({});
    junk({1});
    junk(std::vector<std::uint8_t>(147, 0));  // looks like nothing
    std::vector<std::uint8_t> initiation(147, 0);
    initiation[0] = 1;
    junk(initiation);  // one byte short
    initiation.resize(149);
    junk(initiation);  // one byte long
    std::vector<std::uint8_t> transport(31, 0);
    transport[0] = 4;
    junk(transport);  // shorter than header + tag
    transport.assign(65536, 0);
    transport[0] = 4;
    junk(transport);  // larger than any UDP payload
    EXPECT_EQ(b.engine.counters().invalid_message, 7U);

    // A well-formed initiation with a wrong mac1, and transport data for a made-up index.
    std::vector<std::uint8_t> forged(148, 0x5a);
    forged[0] = 1;
    forged[1] = forged[2] = forged[3] = 0;
    junk(forged);
    EXPECT_EQ(b.engine.counters().invalid_mac, 1U);
    std::vector<std::uint8_t> stray(64, 0x77);
    stray[0] = 4;
    stray[1] = stray[2] = stray[3] = 0;
    junk(stray);
    EXPECT_EQ(b.engine.counters().unknown_receiver, 1U);

    // A real transport message with one bit flipped.
    std::vector<Datagram> held;
    net.filter = [&](Datagram& d) {
        held.push_back(d);
        return false;
    };
    send(a, kIpA, kIpB);
    net.flush();
    net.filter = nullptr;
    ASSERT_EQ(held.size(), 1U);
    Datagram tampered = held[0];
    tampered.bytes[40] ^= 0x01U;
    b.engine.receive_datagram(tampered.from, tampered.bytes, net.now(), b);
    EXPECT_EQ(b.engine.counters().decrypt_failed, 1U);
    Datagram cut = held[0];
    cut.bytes.resize(cut.bytes.size() - 1);
    b.engine.receive_datagram(cut.from, cut.bytes, net.now(), b);
    EXPECT_EQ(b.engine.counters().decrypt_failed, 2U);
    EXPECT_EQ(b.delivered.size(), 1U);
    // Nothing moved the peer's endpoint to the attacker, and the tunnel still works.
    EXPECT_EQ(*peer_of(b, a).endpoint(), a.address);
    Datagram good = held[0];
    b.engine.receive_datagram(good.from, good.bytes, net.now(), b);
    EXPECT_EQ(b.delivered.size(), 2U);
}

TEST_F(EngineTest, RoamingFollowsAuthenticatedPackets) {  // [6.5 roaming]
    Node& a = make_a();
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
    send(a, kIpA, kIpB);
    net.flush();
    const value::SocketAddress moved = value::SocketAddress{
        value::IpAddress::v6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42}),
        60000};
    a.address = moved;
    send(a, kIpA, kIpB);
    net.flush();
    EXPECT_EQ(*peer_of(b, a).endpoint(), moved);
    send(b, kIpB, kIpA);
    net.flush();
    EXPECT_EQ(net.log.back().to, moved);
    EXPECT_EQ(a.delivered.size(), 1U);
}

// An endpoint learnt from a packet prints in RFC 5952 form, as wg(8) and the app show it (it used
// to print as [2001:db8:0:0:0:0:0:1]:51822).
TEST_F(EngineTest, ALearntIpv6EndpointPrintsCompressed) {
    Node& a = make_a();
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
    a.address = *value::SocketAddress::parse("[2001:db8::1]:51822");
    send(a, kIpA, kIpB);
    net.flush();
    ASSERT_TRUE(peer_of(b, a).endpoint());
    EXPECT_EQ(peer_of(b, a).endpoint()->to_string(), "[2001:db8::1]:51822");
}

// A peer whose endpoint is forgotten gets nothing: no datagram, no bytes counted, only the drop
// counter. (The device used to forget an endpoint by storing 0.0.0.0:0, and the engine then
// "sent" packets there and counted their bytes as sent.)
TEST_F(EngineTest, APeerWithoutAnEndpointGetsNothing) {
    Node& a = make_a();
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
    send(a, kIpA, kIpB);
    net.flush();
    ASSERT_EQ(b.delivered.size(), 1U);
    Peer& b_at_a = peer_of(a, b);
    const std::uint64_t tx_before = b_at_a.stats().tx_bytes;
    const std::size_t sent_before = net.log.size();

    a.engine.set_endpoint(b_at_a, std::nullopt);
    send(a, kIpA, kIpB);

    EXPECT_TRUE(net.in_flight.empty());
    EXPECT_EQ(net.log.size(), sent_before);
    EXPECT_EQ(b_at_a.stats().tx_bytes, tx_before);
    EXPECT_EQ(a.engine.counters().no_endpoint, 1U);
    EXPECT_FALSE(b_at_a.endpoint());
}

TEST_F(EngineTest, PeersBeyondTheLimitAreRefused) {
    EXPECT_EQ(EngineConfig{}.max_peers, impl::kMaxPeers);
    EngineConfig config;
    config.max_peers = 2;
    Node& a = make_a(config);
    PublicKey key{};
    for (std::uint8_t i = 1; i <= 2; ++i) {
        key[0] = i;
        ASSERT_TRUE(a.engine.add_peer(key).ok());
    }
    key[0] = 3;
    const auto refused = a.engine.add_peer(key);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error(), "too many peers: an interface holds at most 2");
    EXPECT_EQ(a.engine.peer_count(), 2U);
    EXPECT_EQ(a.engine.find_peer(key), nullptr);
    // A peer that exists is still found, and a place freed can be taken.
    key[0] = 1;
    EXPECT_TRUE(a.engine.add_peer(key).ok());
    EXPECT_TRUE(a.engine.remove_peer(key));
    key[0] = 3;
    EXPECT_TRUE(a.engine.add_peer(key).ok());
}

TEST_F(EngineTest, InnerSourceMustBelongToTheSendingPeer) {  // [4 cryptokey routing]
    Node& a = make_a();
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
    send(a, {10, 0, 0, 99}, kIpB);  // a claims an address b gave to nobody
    net.flush();
    EXPECT_TRUE(b.delivered.empty());
    EXPECT_EQ(b.engine.counters().source_not_allowed, 1U);
}

TEST_F(EngineTest, PacketsToNoPeerAreDroppedAndCounted) {
    Node& a = make_a();
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
    send(a, kIpA, {10, 9, 9, 9});
    EXPECT_TRUE(net.in_flight.empty());
    EXPECT_EQ(a.engine.counters().no_route, 1U);
}

TEST_F(EngineTest, Ipv6InsideTheTunnel) {
    Node& a = make_a();
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
    const std::array<std::uint8_t, 16> a6{0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    const std::array<std::uint8_t, 16> b6{0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
    a.engine.add_allowed_ip(peer_of(a, b), value::IpPrefix(value::IpAddress::v6(b6)));
    b.engine.add_allowed_ip(peer_of(b, a), value::IpPrefix(value::IpAddress::v6(a6)));
    const auto packet = testing::ipv6_packet(a6, b6, 500);
    a.engine.send_packet(packet, net.now(), a);
    net.flush();
    ASSERT_EQ(b.delivered.size(), 1U);
    EXPECT_EQ(b.delivered[0], packet);
}

TEST_F(EngineTest, BothSidesInitiatingAtOnceStillConnects) {
    Node& a = make_a();
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
    send(a, kIpA, kIpB);
    send(b, kIpB, kIpA);
    net.flush();
    net.advance(12s);
    EXPECT_EQ(a.delivered.size(), 1U);
    EXPECT_EQ(b.delivered.size(), 1U);
}

TEST_F(EngineTest, RemovingAPeerForgetsItsSessions) {
    Node& a = make_a();
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
    send(a, kIpA, kIpB);
    net.flush();
    ASSERT_TRUE(b.engine.remove_peer(a.public_key));
    EXPECT_EQ(b.engine.peer_count(), 0U);
    send(a, kIpA, kIpB);
    net.flush();
    EXPECT_EQ(b.delivered.size(), 1U);
    EXPECT_EQ(b.engine.counters().unknown_receiver, 1U);
    EXPECT_EQ(b.engine.route(kIpA), nullptr);
}

TEST_F(EngineTest, ChangingTheLocalKeyForcesANewHandshake) {
    Node& a = make_a();
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
    send(a, kIpA, kIpB);
    net.flush();
    PrivateKey fresh;
    fresh.bytes()[0] = 7;
    crypto::clamp(fresh);
    a.engine.set_private_key(fresh);
    const std::size_t mark = net.log.size();
    send(a, kIpA, kIpB);
    // The handshake made under the old key does not hold the new one back by REKEY_TIMEOUT.
    EXPECT_EQ(count_sent(a, kInitiation, mark), 1U);
    net.advance(6s);
    // Nothing goes out on the old session; the new identity's handshake is one b cannot accept.
    EXPECT_EQ(count_sent(a, kTransport, mark), 0U);
    EXPECT_GE(count_sent(a, kInitiation, mark), 1U);
    EXPECT_GE(b.engine.counters().handshake_failed, 1U);
    EXPECT_EQ(b.delivered.size(), 1U);
}

TEST_F(EngineTest, DeadlineSaysWhenToTickNext) {
    Node& a = make_a();
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
    EXPECT_FALSE(a.engine.next_deadline().has_value());
    net.filter = [](Datagram&) { return false; };
    send(a, kIpA, kIpB);
    const auto deadline = a.engine.next_deadline();
    ASSERT_TRUE(deadline.has_value());
    EXPECT_GE(*deadline - net.now(), spec::kRekeyTimeout);
    EXPECT_LE(*deadline - net.now(), spec::kRekeyTimeout + spec::kRekeyTimeoutJitterMax);
}

}  // namespace
}  // namespace tulle::core

namespace tulle::core {
namespace {

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
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
    send(a, kIpA, kIpB);
    net.flush();
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
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
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
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
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
    Node& b = make_b();
    net.pair(a, kIpA, b, kIpB);
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

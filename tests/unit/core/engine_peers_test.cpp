// Two engines joined by an in-memory network with a fake clock: what the engine refuses (cookies
// under load, replays, wrong keys, junk, foreign source addresses, too many peers) and how peers
// change (roaming, endpoints, allowed IPs, removal, a new local key). Each test names the protocol
// rule it checks (whitepaper section in brackets) where there is one.
#include <algorithm>
#include <vector>

#include <gtest/gtest.h>

#include "daemon/core/engine.hpp"
#include "tests/unit/core/engine_fixture.hpp"

namespace tulle::core {
namespace {

using namespace std::chrono_literals;
using namespace testing;  // the engine fixture's nodes, addresses and message types

TEST_F(EngineTest, CookieRoundTripUnderLoad) {  // [5.3, 5.4.7]
    Node& a = make_a();
    EngineConfig loaded;
    loaded.under_load_backlog = 1;  // every handshake message means load
    Node& b = make_b(loaded);
    connect(a, b);
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
    loaded.under_load_backlog = 1;
    Node& b = make_b(loaded);
    connect(a, b);
    ASSERT_EQ(a.engine.counters().cookie_replies_taken, 1U);
    // a moves before retrying: the cookie is bound to the old address, so b asks again.
    a.address = value::SocketAddress{value::IpAddress::v4({198, 51, 100, 7}), 40000};
    net.advance(6s, 100ms);
    EXPECT_EQ(b.engine.counters().cookie_replies_sent, 2U);
    EXPECT_TRUE(b.delivered.empty());
}

TEST_F(EngineTest, ReorderedPacketsAreAcceptedAndReplaysDropped) {  // [5.4.6], RFC 6479
    Node& a = make_a();
    Node& b = make_b_connected_to(a);
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
    Node& b = make_b_paired_with(a);
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
    Node& b = make_b_paired_with(a);
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
    Node& b = make_b_connected_to(a);
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
    Node& b = make_b_connected_to(a);
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
    Node& b = make_b_paired_with(a);
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
    Node& b = make_b_connected_to(a);
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
    Node& b = make_b_paired_with(a);
    send(a, {10, 0, 0, 99}, kIpB);  // a claims an address b gave to nobody
    net.flush();
    EXPECT_TRUE(b.delivered.empty());
    EXPECT_EQ(b.engine.counters().source_not_allowed, 1U);
}

TEST_F(EngineTest, PacketsToNoPeerAreDroppedAndCounted) {
    Node& a = make_a();
    make_b_paired_with(a);
    send(a, kIpA, {10, 9, 9, 9});
    EXPECT_TRUE(net.in_flight.empty());
    EXPECT_EQ(a.engine.counters().no_route, 1U);
}

TEST_F(EngineTest, Ipv6InsideTheTunnel) {
    Node& a = make_a();
    Node& b = make_b_paired_with(a);
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
    Node& b = make_b_paired_with(a);
    send(a, kIpA, kIpB);
    send(b, kIpB, kIpA);
    net.flush();
    net.advance(12s);
    EXPECT_EQ(a.delivered.size(), 1U);
    EXPECT_EQ(b.delivered.size(), 1U);
}

TEST_F(EngineTest, RemovingAPeerForgetsItsSessions) {
    Node& a = make_a();
    Node& b = make_b_connected_to(a);
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
    Node& b = make_b_connected_to(a);
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
    make_b_paired_with(a);
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

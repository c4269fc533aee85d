// The fixture of the engine's tests: two engines, a and b, on an in-memory network with a fake
// clock, and helpers to send, count and hold what they exchange.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "daemon/core/engine.hpp"
#include "tests/unit/core/engine_harness.hpp"

namespace tulle::core::testing {

inline constexpr std::array<std::uint8_t, 4> kIpA{10, 0, 0, 1};
inline constexpr std::array<std::uint8_t, 4> kIpB{10, 0, 0, 2};
inline constexpr unsigned kInitiation = 1;
inline constexpr unsigned kResponse = 2;
inline constexpr unsigned kCookie = 3;
inline constexpr unsigned kTransport = 4;

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
        from.engine.send_packet(ipv4_packet(src, dst, payload, fill), net.now(), from);
    }

    // Pairs a (kIpA) and b (kIpB) and has a send b a packet: a session, with a as initiator.
    void connect(Node& a, Node& b) {
        net.pair(a, kIpA, b, kIpB);
        send(a, kIpA, kIpB);
        net.flush();
    }

    // Makes b and pairs it with `a` (a at kIpA, b at kIpB); no session yet.
    Node& make_b_paired_with(Node& a) {
        Node& b = make_b();
        net.pair(a, kIpA, b, kIpB);
        return b;
    }
    // Makes b and connects `a` to it: a session, with a as initiator.
    Node& make_b_connected_to(Node& a) {
        Node& b = make_b();
        connect(a, b);
        return b;
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

}  // namespace tulle::core::testing

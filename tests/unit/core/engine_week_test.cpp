// A week of timers on the fake clock: keepalives, rekeys, sessions that expire, handshakes that
// give up and packets staged for a peer that never answers. What the engine holds (indices,
// keypairs, handshakes, staged packets, rate-limit entries, buffers) must not grow with time.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <vector>

#include <gtest/gtest.h>

#include "tests/unit/core/engine_fixture.hpp"

namespace tulle::core::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::array<std::uint8_t, 4> kIpC{10, 0, 0, 3};
constexpr std::array<std::uint8_t, 4> kIpD{10, 0, 0, 4};

// The largest value each size took over a stretch of time.
EngineSizes most(const EngineSizes& x, const EngineSizes& y) {
    EngineSizes out;
    out.peers = std::max(x.peers, y.peers);
    out.allowed_ips = std::max(x.allowed_ips, y.allowed_ips);
    out.indices = std::max(x.indices, y.indices);
    out.ratelimiter_sources = std::max(x.ratelimiter_sources, y.ratelimiter_sources);
    out.keypairs = std::max(x.keypairs, y.keypairs);
    out.handshakes = std::max(x.handshakes, y.handshakes);
    out.staged_packets = std::max(x.staged_packets, y.staged_packets);
    out.timers_armed = std::max(x.timers_armed, y.timers_armed);
    out.scratch_bytes = std::max(x.scratch_bytes, y.scratch_bytes);
    return out;
}

void expect_no_more_than(const EngineSizes& later, const EngineSizes& first, int day) {
    EXPECT_LE(later.indices, first.indices) << "day " << day;
    EXPECT_LE(later.ratelimiter_sources, first.ratelimiter_sources) << "day " << day;
    EXPECT_LE(later.keypairs, first.keypairs) << "day " << day;
    EXPECT_LE(later.handshakes, first.handshakes) << "day " << day;
    EXPECT_LE(later.staged_packets, first.staged_packets) << "day " << day;
    EXPECT_LE(later.timers_armed, first.timers_armed) << "day " << day;
    EXPECT_LE(later.scratch_bytes, first.scratch_bytes) << "day " << day;
    EXPECT_EQ(later.peers, first.peers) << "day " << day;
    EXPECT_EQ(later.allowed_ips, first.allowed_ips) << "day " << day;
}

TEST_F(EngineTest, AWeekOfTimersLeavesNothingBehind) {
    // a is the hub. b keeps its session alive with a persistent keepalive and gets a packet from
    // a every minute (rekeys every two minutes); c talks once an hour and is idle in between
    // (its keys expire and are zeroed); d never answers (its handshakes give up, its staged
    // packets are dropped).
    Node& a = make_a();
    Node& b = make_b();
    Node& c = net.add_node("c", value::SocketAddress{value::IpAddress::v4({192, 0, 2, 3}), 51822});
    Node& d = net.add_node("d", value::SocketAddress{value::IpAddress::v4({192, 0, 2, 4}), 51823});
    net.pair(a, kIpA, b, kIpB);
    net.pair(a, kIpA, c, kIpC);
    net.pair(a, kIpA, d, kIpD);
    net.filter = [&d](const Datagram& datagram) {
        return datagram.to != d.address && datagram.from != d.address;
    };
    b.engine.set_persistent_keepalive(peer_of(b, a), 25s, net.now(), b);

    const std::vector<Node*> nodes{&a, &b, &c, &d};
    std::vector<EngineSizes> first_day(nodes.size());
    std::uint64_t delivered_to_b = 0;
    constexpr int kDays = 7;
    for (int day = 0; day < kDays; ++day) {
        std::vector<EngineSizes> this_day(nodes.size());
        for (int minute = 0; minute < 24 * 60; ++minute) {
            send(a, kIpA, kIpB);
            if (minute % 60 == 0) {
                send(c, kIpC, kIpA);
            }
            if (minute % 30 == 0) {
                for (int i = 0; i < 200; ++i) {  // more than may wait: the oldest are dropped
                    send(a, kIpA, kIpD);
                }
            }
            // 100 ms steps: datagrams take up to that long, as on a real network.
            net.advance(1min, 100ms);
            for (std::size_t n = 0; n < nodes.size(); ++n) {
                this_day[n] = most(this_day[n], nodes[n]->engine.sizes());
            }
            net.log.clear();  // the harness's own record would grow
            delivered_to_b += b.delivered.size();
            b.delivered.clear();
            a.delivered.clear();
        }
        for (std::size_t n = 0; n < nodes.size(); ++n) {
            const EngineSizes& sizes = this_day[n];
            // The protocol's own bounds.
            EXPECT_LE(sizes.keypairs, 3 * sizes.peers) << nodes[n]->name;
            EXPECT_LE(sizes.indices, 4 * sizes.peers) << nodes[n]->name;
            EXPECT_LE(sizes.staged_packets, impl::kMaxStagedPackets * sizes.peers)
                << nodes[n]->name;
            if (day == 0) {
                first_day[n] = sizes;
            } else {
                expect_no_more_than(sizes, first_day[n], day);
            }
        }
    }
    // It did run: b got a packet a minute, and rekeyed all week. (A packet sent just before its
    // keys expire may arrive just after: a few a day are lost, as in any WireGuard.)
    const std::uint64_t minutes = std::uint64_t{kDays} * 24 * 60;
    EXPECT_GE(delivered_to_b, minutes - std::uint64_t{2} * kDays);
    EXPECT_GE(a.engine.counters().sessions_established + b.engine.counters().sessions_established,
              std::uint64_t{kDays} * 24 * 60 / 3);
    EXPECT_GT(a.engine.counters().staged_dropped, 0U);
    // At the end, d has nothing waiting that could not be sent for ever: no session, and its
    // staged packets are the ones from the last burst at most.
    EXPECT_LE(peer_of(a, d).staged_packets(), impl::kMaxStagedPackets);
}

}  // namespace
}  // namespace tulle::core::testing

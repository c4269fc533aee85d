#include "tests/unit/core/engine_harness.hpp"

#include <algorithm>

namespace tulle::core::testing {

Node::Node(Network& network, std::string node_name, value::SocketAddress node_address,
           std::uint64_t seed, EngineConfig config)
    : name(std::move(node_name)),
      address(node_address),
      env(seed, network.wall),
      engine(env, config),
      network_(network) {
    env.random_bytes(private_key.bytes());
    crypto::clamp(private_key);
    public_key = crypto::public_key(private_key);
    engine.set_private_key(private_key);
}

void Node::send_datagram(const value::SocketAddress& to, std::span<const std::uint8_t> datagram) {
    Datagram d{address, to, {datagram.begin(), datagram.end()}};
    network_.log.push_back(d);
    network_.in_flight.push_back(std::move(d));
}

void Node::deliver_packet(const Peer& /*peer*/, std::span<const std::uint8_t> packet) {
    delivered.emplace_back(packet.begin(), packet.end());
}

Network::Network()
    : wall(std::chrono::system_clock::time_point{std::chrono::seconds{1'700'000'000}}),
      now_(TimePoint{std::chrono::hours{1000}}) {}

Node& Network::add_node(const std::string& name, value::SocketAddress address,
                        EngineConfig config) {
    nodes_.push_back(
        std::make_unique<Node>(*this, name, address, 0x5eed0000U + nodes_.size(), config));
    return *nodes_.back();
}

void Network::pair(Node& a, std::array<std::uint8_t, 4> a_ip, Node& b,
                   std::array<std::uint8_t, 4> b_ip, bool endpoints) {
    Peer& b_at_a = *a.engine.add_peer(b.public_key).value();
    Peer& a_at_b = *b.engine.add_peer(a.public_key).value();
    a.engine.add_allowed_ip(b_at_a, value::IpPrefix(value::IpAddress::v4(b_ip)));
    b.engine.add_allowed_ip(a_at_b, value::IpPrefix(value::IpAddress::v4(a_ip)));
    if (endpoints) {
        a.engine.set_endpoint(b_at_a, b.address);
        b.engine.set_endpoint(a_at_b, a.address);
    }
}

Node* Network::node_at(const value::SocketAddress& address) {
    for (auto& node : nodes_) {
        if (node->address == address) {
            return node.get();
        }
    }
    return nullptr;
}

std::size_t Network::flush(std::size_t max) {
    std::size_t delivered = 0;
    while (!in_flight.empty() && delivered < max) {
        Datagram d = std::move(in_flight.front());
        in_flight.pop_front();
        if (filter && !filter(d)) {
            continue;
        }
        if (Node* node = node_at(d.to)) {
            node->engine.receive_datagram(d.from, d.bytes, now_, *node);
            ++delivered;
        }
    }
    return delivered;
}

void Network::tick_all() {
    for (auto& node : nodes_) {
        node->engine.tick(now_, *node);
    }
}

void Network::advance(std::chrono::milliseconds by, std::chrono::milliseconds step) {
    const TimePoint end = now_ + by;
    while (now_ < end) {
        const auto delta = std::min<Duration>(step, end - now_);
        now_ += delta;
        wall += std::chrono::duration_cast<std::chrono::system_clock::duration>(delta);
        tick_all();
        flush();
    }
}

std::vector<std::uint8_t> ipv4_packet(std::array<std::uint8_t, 4> src,
                                      std::array<std::uint8_t, 4> dst, std::size_t payload,
                                      std::uint8_t fill) {
    const std::size_t total = 28 + payload;
    std::vector<std::uint8_t> p(28, 0);
    p.insert(p.end(), payload, fill);
    p[0] = 0x45;
    p[2] = static_cast<std::uint8_t>(total >> 8U);
    p[3] = static_cast<std::uint8_t>(total & 0xffU);
    p[8] = 64;  // TTL
    p[9] = 17;  // UDP
    std::copy(src.begin(), src.end(), p.begin() + 12);
    std::copy(dst.begin(), dst.end(), p.begin() + 16);
    return p;
}

std::vector<std::uint8_t> ipv6_packet(const std::array<std::uint8_t, 16>& src,
                                      const std::array<std::uint8_t, 16>& dst,
                                      std::size_t payload) {
    std::vector<std::uint8_t> p(40, 0);
    p.insert(p.end(), payload, 0xcd);
    p[0] = 0x60;
    p[4] = static_cast<std::uint8_t>(payload >> 8U);
    p[5] = static_cast<std::uint8_t>(payload & 0xffU);
    p[6] = 17;
    p[7] = 64;
    std::copy(src.begin(), src.end(), p.begin() + 8);
    std::copy(dst.begin(), dst.end(), p.begin() + 24);
    return p;
}

}  // namespace tulle::core::testing

// Two (or more) engines in one process joined by an in-memory network, with a fake clock and
// deterministic randomness: every protocol rule can be exercised in microseconds of real time.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "daemon/core/crypto.hpp"
#include "daemon/core/engine.hpp"

namespace tulle::core::testing {

class FakeEnvironment final : public Environment {
  public:
    FakeEnvironment(std::uint64_t seed, const std::chrono::system_clock::time_point& wall)
        : rng_(seed), wall_(wall) {}
    void random_bytes(std::span<std::uint8_t> out) override {
        for (auto& b : out) {
            b = static_cast<std::uint8_t>(rng_());
        }
    }
    std::chrono::system_clock::time_point wall_now() override { return wall_; }

  private:
    std::mt19937_64 rng_;
    const std::chrono::system_clock::time_point& wall_;
};

struct Datagram {
    value::SocketAddress from;
    value::SocketAddress to;
    std::vector<std::uint8_t> bytes;
    [[nodiscard]] unsigned type() const { return bytes.empty() ? 0U : bytes[0]; }
};

class Network;

// One WireGuard interface: an engine, its UDP address and what it delivered to its "TUN".
class Node final : public PacketSink {
  public:
    Node(Network& network, std::string name, value::SocketAddress address, std::uint64_t seed,
         EngineConfig config);

    void send_datagram(const value::SocketAddress& to,
                       std::span<const std::uint8_t> datagram) override;
    void deliver_packet(const Peer& peer, std::span<const std::uint8_t> packet) override;

    std::string name;
    value::SocketAddress address;
    FakeEnvironment env;
    Engine engine;
    PrivateKey private_key;
    PublicKey public_key{};
    std::vector<std::vector<std::uint8_t>> delivered;

  private:
    Network& network_;
};

class Network {
  public:
    Network();

    Node& add_node(const std::string& name, value::SocketAddress address, EngineConfig config = {});
    // Makes a and b peers of each other, each owning `a_ip`/`b_ip` (IPv4 /32) and knowing the
    // other's endpoint unless `endpoints` is false.
    void pair(Node& a, std::array<std::uint8_t, 4> a_ip, Node& b, std::array<std::uint8_t, 4> b_ip,
              bool endpoints = true);

    // Delivers queued datagrams until none are left (or `max` were delivered). Returns how many.
    std::size_t flush(std::size_t max = 10000);
    // Advances the clock in steps, running every engine's due timers and delivering traffic.
    void advance(std::chrono::milliseconds by,
                 std::chrono::milliseconds step = std::chrono::milliseconds{100});
    void tick_all();

    [[nodiscard]] TimePoint now() const { return now_; }
    Node* node_at(const value::SocketAddress& address);

    // Each datagram in flight passes this first; returning false drops it.
    std::function<bool(Datagram&)> filter;
    std::deque<Datagram> in_flight;
    std::vector<Datagram> log;  // every datagram ever sent
    std::chrono::system_clock::time_point wall;

  private:
    friend class Node;
    TimePoint now_;
    std::vector<std::unique_ptr<Node>> nodes_;
};

// A minimal IPv4/UDP packet from src to dst carrying `payload`.
std::vector<std::uint8_t> ipv4_packet(std::array<std::uint8_t, 4> src,
                                      std::array<std::uint8_t, 4> dst, std::size_t payload,
                                      std::uint8_t fill = 0xab);
std::vector<std::uint8_t> ipv6_packet(const std::array<std::uint8_t, 16>& src,
                                      const std::array<std::uint8_t, 16>& dst, std::size_t payload);

}  // namespace tulle::core::testing

// The engine's data path against raw libsodium on the same 1420-byte packets, handshakes per
// second, in one run so the figures compare. Prints figures; asserts nothing.
#include <vector>

#include <benchmark/benchmark.h>

#include "tests/unit/core/engine_harness.hpp"

namespace tulle::core {
namespace {

constexpr std::size_t kPacket = 1420;
constexpr std::array<std::uint8_t, 4> kIpA{10, 0, 0, 1};
constexpr std::array<std::uint8_t, 4> kIpB{10, 0, 0, 2};

// Counts what the engine hands out, and keeps nothing.
class NullSink final : public PacketSink {
  public:
    void send_datagram(const value::SocketAddress& /*to*/,
                       std::span<const std::uint8_t> d) override {
        bytes += d.size();
    }
    void deliver_packet(const Peer& /*peer*/, std::span<const std::uint8_t> p) override {
        bytes += p.size();
    }
    std::size_t bytes = 0;
};

// Two nodes with an established session, a sending.
struct Pair {
    Pair()
        : a(net.add_node("a", value::SocketAddress{value::IpAddress::v4({192, 0, 2, 1}), 1})),
          b(net.add_node("b", value::SocketAddress{value::IpAddress::v4({192, 0, 2, 2}), 2})) {
        net.pair(a, kIpA, b, kIpB);
        a.engine.send_packet(testing::ipv4_packet(kIpA, kIpB, 10), net.now(), a);
        net.flush();
        net.log.clear();
    }
    testing::Network net;
    testing::Node& a;
    testing::Node& b;
};

void raw_seal(benchmark::State& state) {
    SymmetricKey key;
    crypto::random_bytes(key.bytes());
    std::vector<std::uint8_t> buffer(kPacket + kTagSize);
    std::array<unsigned char, crypto_aead_chacha20poly1305_IETF_NPUBBYTES> nonce{};
    for (auto _ : state) {
        crypto_aead_chacha20poly1305_ietf_encrypt_detached(buffer.data(), buffer.data() + kPacket,
                                                           nullptr, buffer.data(), kPacket, nullptr,
                                                           0, nullptr, nonce.data(), key.data());
        ++nonce[4];
        benchmark::DoNotOptimize(buffer.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kPacket));
}
BENCHMARK(raw_seal);

void engine_send(benchmark::State& state) {
    Pair pair;
    NullSink sink;
    const auto packet = testing::ipv4_packet(kIpA, kIpB, kPacket - 28);
    for (auto _ : state) {
        pair.a.engine.send_packet(packet, pair.net.now(), sink);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kPacket));
}
BENCHMARK(engine_send);

void raw_open(benchmark::State& state) {
    SymmetricKey key;
    crypto::random_bytes(key.bytes());
    std::vector<std::uint8_t> sealed(kPacket + kTagSize);
    crypto::aead_seal(sealed, key, 0, std::vector<std::uint8_t>(kPacket, 1), {});
    std::vector<std::uint8_t> work(sealed.size());
    const std::array<unsigned char, crypto_aead_chacha20poly1305_IETF_NPUBBYTES> nonce{};
    for (auto _ : state) {
        work = sealed;  // decryption is in place, as in the engine, which also copies the datagram
        const int rc = crypto_aead_chacha20poly1305_ietf_decrypt_detached(
            work.data(), nullptr, work.data(), kPacket, work.data() + kPacket, nullptr, 0,
            nonce.data(), key.data());
        benchmark::DoNotOptimize(rc);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kPacket));
}
BENCHMARK(raw_open);

void engine_receive(benchmark::State& state) {
    // A batch of real transport messages from a; each is decrypted once (the replay window
    // refuses repeats), so the batch is remade, untimed, when it runs out.
    constexpr std::size_t kBatch = 4096;
    std::unique_ptr<Pair> pair;
    std::vector<std::vector<std::uint8_t>> batch;
    std::size_t next = kBatch;
    std::vector<std::uint8_t> work;
    NullSink sink;
    const auto packet = testing::ipv4_packet(kIpA, kIpB, kPacket - 28);
    for (auto _ : state) {
        if (next == kBatch) {
            state.PauseTiming();
            pair = std::make_unique<Pair>();
            pair->net.filter = [](testing::Datagram&) { return false; };
            for (std::size_t i = 0; i < kBatch; ++i) {
                pair->a.engine.send_packet(packet, pair->net.now(), pair->a);
            }
            batch.clear();
            for (auto& d : pair->net.log) {
                batch.push_back(std::move(d.bytes));
            }
            next = 0;
            state.ResumeTiming();
        }
        work = batch[next++];
        pair->b.engine.receive_datagram(pair->a.address, work, pair->net.now(), sink);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kPacket));
}
BENCHMARK(engine_receive);

void handshakes(benchmark::State& state) {
    // Fresh pairs of engines handshake over and over; only the handshake is timed.
    testing::Network net;
    auto& a = net.add_node("a", value::SocketAddress{value::IpAddress::v4({192, 0, 2, 1}), 1});
    auto& b = net.add_node("b", value::SocketAddress{value::IpAddress::v4({192, 0, 2, 2}), 2});
    net.pair(a, kIpA, b, kIpB);
    Peer& b_at_a = *a.engine.find_peer(b.public_key);
    NullSink sink;
    for (auto _ : state) {
        state.PauseTiming();
        net.advance(std::chrono::seconds{6}, std::chrono::seconds{6});
        net.in_flight.clear();
        net.log.clear();
        state.ResumeTiming();
        // Expiring the session makes the next packet start a handshake.
        a.engine.set_private_key(a.private_key);
        a.engine.send_packet(testing::ipv4_packet(kIpA, kIpB, 10), net.now(), a);
        net.flush();
    }
    state.counters["handshakes/s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
    benchmark::DoNotOptimize(b_at_a);
}
BENCHMARK(handshakes)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace tulle::core

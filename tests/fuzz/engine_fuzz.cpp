// Arbitrary datagrams against an engine that has a live session, so that inputs reach every
// stage: message classification, MAC checks, noise, index lookup, decryption, replay window, IP
// checks and timers. Besides "no crash, no sanitizer report", every packet the engine delivers
// must come from the address the peer is allowed to use.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include "tests/fuzz/fuzz_input.hpp"
#include "tests/unit/core/engine_harness.hpp"

namespace {

using tulle::core::testing::Datagram;
using tulle::core::testing::Network;

constexpr std::array<std::uint8_t, 4> kIpA{10, 0, 0, 1};
constexpr std::array<std::uint8_t, 4> kIpB{10, 0, 0, 2};

using Reader = tulle::fuzz::Input;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const bool ready = tulle::core::crypto::init();
    if (!ready) {
        std::abort();
    }
    Network net;
    auto& a = net.add_node(
        "a", tulle::value::SocketAddress{tulle::value::IpAddress::v4({192, 0, 2, 1}), 51820});
    auto& b = net.add_node(
        "b", tulle::value::SocketAddress{tulle::value::IpAddress::v4({192, 0, 2, 2}), 51821});
    net.pair(a, kIpA, b, kIpB);
    a.engine.send_packet(tulle::core::testing::ipv4_packet(kIpA, kIpB, 60), net.now(), a);
    net.flush();

    // Real messages of each type, to mutate.
    std::vector<std::vector<std::uint8_t>> templates;
    for (const Datagram& d : net.log) {
        templates.push_back(d.bytes);
    }
    Reader in({data, size});
    while (!in.empty()) {
        const std::uint8_t op = in.byte();
        const std::size_t len = (std::size_t{in.byte()} << 8U) | in.byte();
        switch (op % 5) {
            case 0: {  // raw bytes
                auto chunk = in.take(len);
                std::vector<std::uint8_t> bytes(chunk.begin(), chunk.end());
                b.engine.receive_datagram(a.address, bytes, net.now(), b);
                break;
            }
            case 1: {  // a real message with bytes overwritten at an offset
                std::vector<std::uint8_t> bytes = templates[len % templates.size()];
                const std::size_t offset = in.byte() % bytes.size();
                auto patch = in.take(std::min<std::size_t>(in.byte(), bytes.size() - offset));
                std::copy(patch.begin(), patch.end(), bytes.begin() + static_cast<long>(offset));
                b.engine.receive_datagram(a.address, bytes, net.now(), b);
                break;
            }
            case 2:  // fresh traffic from a, delivered with whatever else is in flight
                a.engine.send_packet(tulle::core::testing::ipv4_packet(kIpA, kIpB, len % 1400),
                                     net.now(), a);
                net.flush();
                break;
            case 3:  // time passes
                net.advance(std::chrono::milliseconds{len * 50}, std::chrono::seconds{1});
                break;
            default: {  // a datagram from a stranger's address
                auto chunk = in.take(len);
                std::vector<std::uint8_t> bytes(chunk.begin(), chunk.end());
                b.engine.receive_datagram(
                    tulle::value::SocketAddress{tulle::value::IpAddress::v4({203, 0, 113, 5}), 1},
                    bytes, net.now(), b);
                break;
            }
        }
    }
    for (const auto& packet : b.delivered) {
        if (packet.size() < 20 || !std::equal(kIpA.begin(), kIpA.end(), packet.begin() + 12)) {
            std::abort();  // delivered something the peer may not send
        }
    }
    return 0;
}

// core::impl::kMaxPeers and kMaxAllowedIps through the daemon: a `wg set` that would pass one is
// answered with ENOSPC or E2BIG and changes nothing, and people are told why.
#include <cerrno>
#include <memory>
#include <stdexcept>
#include <string>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/null_sink.h>

#include "daemon/device.hpp"
#include "daemon/tunnel_config.hpp"
#include "daemon/uapi.hpp"
#include "platform/fake_tun.hpp"

namespace tulle::daemon {
namespace {

// A device that is not started opens no socket.
class NoSockets final : public platform::UdpSocketFactory {
  public:
    std::unique_ptr<platform::UdpSocket> open(std::uint16_t /*port*/) override {
        throw std::logic_error("this test opens no socket");
    }
};

// A set request that adds peers 01.., 02.., ... (public keys of one repeated byte).
std::string add_peers(int count) {
    std::string body;
    for (int i = 1; i <= count; ++i) {
        const std::string byte = (i < 16 ? "0" : "") + std::to_string(i);
        body += "public_key=";
        for (int j = 0; j < 32; ++j) {
            body += byte;
        }
        body += "\nallowed_ip=10.0.0." + std::to_string(i) + "/32\n";
    }
    return body + "\n";
}

TEST(PeerLimit, AWgSetPastTheLimitIsAnsweredWithEnospc) {
    ASSERT_TRUE(core::crypto::init());
    boost::asio::io_context io;
    platform::FakeTunFactory tuns;
    NoSockets sockets;
    core::SystemEnvironment environment;
    auto log =
        std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
    WorkerPool workers(0);
    Device device(io, tuns.create("tltest0"), sockets, environment, log, workers, /*max_peers=*/2);

    const auto set = parse_set(add_peers(3));
    ASSERT_TRUE(set.ok()) << set.error().message;
    const int status = device.apply(set.value());
    EXPECT_EQ(status, ENOSPC);
    EXPECT_EQ(format_status(status), "errno=-28\n\n");
    EXPECT_EQ(device.snapshot().peers.size(), 0U);
    EXPECT_EQ(
        apply_error_message(status, device.engine().config().max_peers, device.max_allowed_ips()),
        "too many peers: an interface holds at most 2");

    const auto two = parse_set(add_peers(2));
    ASSERT_TRUE(two.ok());
    EXPECT_EQ(device.apply(two.value()), 0);
    // Peers that exist can still be changed.
    EXPECT_EQ(device.apply(two.value()), 0);
    EXPECT_EQ(device.snapshot().peers.size(), 2U);
}

TEST(PeerLimit, AllowedIpsPastTheLimitAreAnsweredWithE2big) {
    ASSERT_TRUE(core::crypto::init());
    boost::asio::io_context io;
    platform::FakeTunFactory tuns;
    NoSockets sockets;
    core::SystemEnvironment environment;
    auto log =
        std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
    WorkerPool workers(0);
    Device device(io, tuns.create("tltest0"), sockets, environment, log, workers,
                  core::impl::kMaxPeers, /*max_allowed_ips=*/2);

    const auto three = parse_set(add_peers(3));
    ASSERT_TRUE(three.ok());
    EXPECT_EQ(device.apply(three.value()), E2BIG);
    EXPECT_EQ(device.snapshot().peers.size(), 0U);
    EXPECT_EQ(
        apply_error_message(E2BIG, device.engine().config().max_peers, device.max_allowed_ips()),
        "too many allowed IPs: an interface holds at most 2 (all peers together)");
    EXPECT_EQ(format_status(E2BIG), "errno=-7\n\n");
}

}  // namespace
}  // namespace tulle::daemon

// The Linux network monitor: a NETLINK_ROUTE socket in the link, IPv4/IPv6 address and IPv4/IPv6
// route multicast groups, read on tulled's loop. The parsing is a pure function over bytes, so
// tests can feed it anything.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <span>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "platform/network_monitor.hpp"

namespace tulle::platform::linux_impl {

// What the notifications of one burst touched.
struct NetworkEvents {
    static constexpr std::size_t kMaxInterfaces = 64;  // more: `other`

    std::set<unsigned> interfaces;  // by index
    // A change of no single interface: a route without one output interface (multipath,
    // blackhole), an overrun (changes were lost), a message that did not parse, a type not
    // asked for.
    bool other = false;

    [[nodiscard]] bool empty() const { return interfaces.empty() && !other; }
};

// Notes what the messages of one datagram from the kernel changed. Takes any bytes: what does
// not parse counts as `other`.
void note_notifications(std::span<const std::uint8_t> datagram, NetworkEvents& events);

class NetlinkNetworkMonitor final : public NetworkMonitor {
  public:
    // Throws std::system_error naming the step.
    NetlinkNetworkMonitor(boost::asio::io_context& io, NetworkWatch watch);
    ~NetlinkNetworkMonitor() override;
    NetlinkNetworkMonitor(const NetlinkNetworkMonitor&) = delete;
    NetlinkNetworkMonitor& operator=(const NetlinkNetworkMonitor&) = delete;

    [[nodiscard]] bool watching() const override { return watching_; }
    // The socket's netlink port (the kernel's notifications come from port 0).
    [[nodiscard]] std::uint32_t port_id() const { return port_id_; }
    // Datagrams dropped because they did not come from the kernel.
    [[nodiscard]] std::uint64_t dropped() const { return dropped_; }

  private:
    using Clock = std::chrono::steady_clock;

    void wait();
    void read();
    void arm();
    void fire();
    void fail(const std::string& why);

    NetworkWatch watch_;
    boost::asio::posix::stream_descriptor socket_;
    boost::asio::steady_timer timer_;
    std::vector<std::uint8_t> buffer_;
    std::uint32_t port_id_ = 0;
    bool watching_ = true;
    std::uint64_t dropped_ = 0;
    NetworkEvents pending_;
    bool in_burst_ = false;
    Clock::time_point burst_started_{};
    // Handlers posted to the loop hold this weakly: they do nothing once the monitor is gone.
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace tulle::platform::linux_impl

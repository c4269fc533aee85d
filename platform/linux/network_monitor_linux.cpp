#include "platform/linux/network_monitor_linux.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <system_error>
#include <utility>

#include "platform/linux/netlink.hpp"
#include "value/unique_fd.hpp"

namespace tulle::platform::linux_impl {
namespace {

// Notifications are a page or less each.
constexpr std::size_t kReceiveBuffer = std::size_t{64} * 1024;
constexpr int kSocketBuffer = 1 << 20;  // fewer overruns in a storm
constexpr int kReadsPerWake = 64;       // then other handlers get their turn

void note_interface(NetworkEvents& events, std::int64_t index) {
    if (index <= 0 || index > 0xffffffffLL) {
        events.other = true;
        return;
    }
    const auto unsigned_index = static_cast<unsigned>(index);
    if (events.interfaces.size() >= NetworkEvents::kMaxInterfaces &&
        !events.interfaces.contains(unsigned_index)) {
        events.other = true;
        return;
    }
    events.interfaces.insert(unsigned_index);
}

// The route's one output interface (RTA_OIF), or 0.
std::uint32_t route_interface(std::span<const std::uint8_t> payload) {
    const auto attributes = parse_message_attributes(payload, sizeof(rtmsg));
    if (!attributes) {
        return 0;
    }
    for (const auto& attribute : *attributes) {
        if (attribute.type == RTA_OIF) {
            return attribute_u32(attribute).value_or(0);
        }
    }
    return 0;
}

}  // namespace

void note_notifications(std::span<const std::uint8_t> datagram, NetworkEvents& events) {
    const auto messages = split_messages(datagram);
    if (!messages) {
        events.other = true;
        return;
    }
    for (const auto& message : *messages) {
        switch (message.header.type) {
            case RTM_NEWLINK:
            case RTM_DELLINK: {
                const auto link = read_struct<ifinfomsg>(message.payload);
                note_interface(events, link ? link->ifi_index : 0);
                break;
            }
            case RTM_NEWADDR:
            case RTM_DELADDR: {
                const auto address = read_struct<ifaddrmsg>(message.payload);
                note_interface(events, address ? static_cast<std::int64_t>(address->ifa_index) : 0);
                break;
            }
            case RTM_NEWROUTE:
            case RTM_DELROUTE:
                note_interface(events, route_interface(message.payload));
                break;
            case NLMSG_NOOP:
            case NLMSG_DONE:
                break;
            default:  // NLMSG_OVERRUN, NLMSG_ERROR, a type not asked for
                events.other = true;
                break;
        }
    }
}

NetlinkNetworkMonitor::NetlinkNetworkMonitor(boost::asio::io_context& io, NetworkWatch watch)
    : watch_(std::move(watch)), socket_(io), timer_(io), buffer_(kReceiveBuffer) {
    value::UniqueFd fd = open_route_socket(SOCK_NONBLOCK,
                                           RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR |
                                               RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE,
                                           port_id_);
    // Optional: a bigger buffer only makes overruns rarer (an overrun counts as a change).
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &kSocketBuffer, sizeof kSocketBuffer);
    socket_.assign(fd.release());
    wait();
}

NetlinkNetworkMonitor::~NetlinkNetworkMonitor() {
    boost::system::error_code ignored;
    timer_.cancel();
    socket_.close(ignored);
}

void NetlinkNetworkMonitor::wait() {
    socket_.async_wait(boost::asio::posix::descriptor_base::wait_read,
                       [this, alive = std::weak_ptr<int>(alive_)](const auto& error) {
                           if (alive.expired() || error == boost::asio::error::operation_aborted) {
                               return;
                           }
                           if (error) {
                               fail("wait for netlink notifications: " + error.message());
                               return;
                           }
                           read();
                       });
}

void NetlinkNetworkMonitor::read() {
    bool noted = false;
    for (int reads = 0; reads < kReadsPerWake; ++reads) {
        sockaddr_nl sender{};
        iovec io{buffer_.data(), buffer_.size()};
        msghdr header{};
        header.msg_name = &sender;
        header.msg_namelen = sizeof sender;
        header.msg_iov = &io;
        header.msg_iovlen = 1;
        const ssize_t received = ::recvmsg(socket_.native_handle(), &header, MSG_DONTWAIT);
        if (received < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                break;
            }
            if (errno == ENOBUFS) {
                // The kernel dropped notifications: something changed, what is unknown.
                pending_.other = true;
                noted = true;
                continue;
            }
            fail("read netlink notifications: " + std::generic_category().message(errno));
            return;
        }
        // Only the kernel (port 0) tells of changes: any process may send to this socket's
        // port, and what it sends is dropped unread.
        if (header.msg_namelen < sizeof sender || sender.nl_family != AF_NETLINK ||
            sender.nl_pid != 0) {
            ++dropped_;
            continue;
        }
        if ((header.msg_flags & MSG_TRUNC) != 0) {
            pending_.other = true;
        } else {
            note_notifications(
                std::span<const std::uint8_t>(buffer_.data(), static_cast<std::size_t>(received)),
                pending_);
        }
        noted = true;
    }
    if (noted) {
        arm();
    }
    wait();
}

void NetlinkNetworkMonitor::arm() {
    if (pending_.empty()) {
        return;
    }
    const auto now = Clock::now();
    if (!in_burst_) {
        in_burst_ = true;
        burst_started_ = now;
    }
    timer_.expires_at(std::min(now + watch_.quiet, burst_started_ + watch_.at_most));
    timer_.async_wait([this, alive = std::weak_ptr<int>(alive_)](const auto& error) {
        if (!error && !alive.expired()) {
            fire();
        }
    });
}

void NetlinkNetworkMonitor::fire() {
    const NetworkEvents events = std::exchange(pending_, NetworkEvents{});
    in_burst_ = false;
    const bool counts =
        events.other || !watch_.ignore ||
        std::any_of(events.interfaces.begin(), events.interfaces.end(), [this](unsigned index) {
            std::array<char, IF_NAMESIZE> name{};
            return ::if_indextoname(index, name.data()) == nullptr ||
                   !watch_.ignore(std::string(name.data()));
        });
    if (counts && !events.empty() && watch_.changed) {
        watch_.changed();  // last: it may destroy this monitor
    }
}

void NetlinkNetworkMonitor::fail(const std::string& why) {
    watching_ = false;
    timer_.cancel();
    boost::system::error_code ignored;
    socket_.close(ignored);
    if (watch_.failed) {
        watch_.failed(why);
    }
}

}  // namespace tulle::platform::linux_impl

namespace tulle::platform {

std::unique_ptr<NetworkMonitor> watch_network(boost::asio::io_context& io, NetworkWatch watch) {
    return std::make_unique<linux_impl::NetlinkNetworkMonitor>(io, std::move(watch));
}

}  // namespace tulle::platform

#include "platform/linux/udp_socket_linux.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <system_error>
#include <vector>

namespace tulle::platform::linux_impl {
namespace {

constexpr std::size_t kMaxBatch = 128;
constexpr int kSocketBuffer = 8 << 20;  // 8 MiB each way, as wireguard-go asks for

[[noreturn]] void fail(int error, const std::string& what) {
    throw std::system_error(error, std::generic_category(), what);
}

void set_buffer(int fd, int option, int force_option) {
    // As root the *FORCE variants pass the system's limit; otherwise take what is allowed.
    if (setsockopt(fd, SOL_SOCKET, force_option, &kSocketBuffer, sizeof(kSocketBuffer)) != 0) {
        (void)setsockopt(fd, SOL_SOCKET, option, &kSocketBuffer, sizeof(kSocketBuffer));
    }
}

constexpr std::array<std::uint8_t, 12> kMappedPrefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

value::SocketAddress from_sockaddr(const sockaddr_storage& storage) {
    value::SocketAddress out;
    if (storage.ss_family == AF_INET6) {
        sockaddr_in6 sin6{};
        std::memcpy(&sin6, &storage, sizeof(sin6));
        out.port = ntohs(sin6.sin6_port);
        const auto* bytes = sin6.sin6_addr.s6_addr;
        if (std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), bytes)) {
            out.address = value::IpAddress::v4({bytes[12], bytes[13], bytes[14], bytes[15]});
        } else {
            std::array<std::uint8_t, 16> v6{};
            std::copy_n(bytes, 16, v6.begin());
            out.address = value::IpAddress::v6(v6);
        }
    } else if (storage.ss_family == AF_INET) {
        sockaddr_in sin{};
        std::memcpy(&sin, &storage, sizeof(sin));
        out.port = ntohs(sin.sin_port);
        std::array<std::uint8_t, 4> v4{};
        std::memcpy(v4.data(), &sin.sin_addr, 4);
        out.address = value::IpAddress::v4(v4);
    }
    return out;
}

// The sockaddr for `to` on a socket of the given family; false when it cannot be reached from it
// (an IPv6 destination on an IPv4-only socket).
bool to_sockaddr(const value::SocketAddress& to, bool socket_v6, sockaddr_storage& storage,
                 socklen_t& length) {
    storage = {};
    if (socket_v6) {
        sockaddr_in6 sin6{};
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons(to.port);
        const auto bytes = to.address.bytes();
        if (to.address.is_v6()) {
            std::copy_n(bytes.begin(), 16, sin6.sin6_addr.s6_addr);
        } else {
            std::copy(kMappedPrefix.begin(), kMappedPrefix.end(), sin6.sin6_addr.s6_addr);
            std::copy_n(bytes.begin(), 4, sin6.sin6_addr.s6_addr + 12);
        }
        std::memcpy(&storage, &sin6, sizeof(sin6));
        length = sizeof(sin6);
        return true;
    }
    if (to.address.is_v6()) {
        return false;
    }
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(to.port);
    std::memcpy(&sin.sin_addr, to.address.bytes().data(), 4);
    std::memcpy(&storage, &sin, sizeof(sin));
    length = sizeof(sin);
    return true;
}

}  // namespace

UdpSocketLinux::UdpSocketLinux(std::uint16_t port) {
    const std::string where = "UDP port " + std::to_string(port);
    fd_.reset(::socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    v6_ = fd_.valid();
    if (v6_) {
        const int off = 0;
        if (setsockopt(fd_.get(), IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) != 0) {
            fail(errno, "make " + where + " dual-stack");
        }
        sockaddr_in6 any{};
        any.sin6_family = AF_INET6;
        any.sin6_port = htons(port);
        any.sin6_addr = in6addr_any;
        if (::bind(fd_.get(), reinterpret_cast<const sockaddr*>(&any), sizeof(any)) != 0) {
            fail(errno, "bind " + where);
        }
    } else {
        // No IPv6 on this system: IPv4 only.
        fd_.reset(::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        if (!fd_.valid()) {
            fail(errno, "open " + where);
        }
        sockaddr_in any{};
        any.sin_family = AF_INET;
        any.sin_port = htons(port);
        any.sin_addr.s_addr = htonl(INADDR_ANY);
        if (::bind(fd_.get(), reinterpret_cast<const sockaddr*>(&any), sizeof(any)) != 0) {
            fail(errno, "bind " + where);
        }
    }
    set_buffer(fd_.get(), SO_RCVBUF, SO_RCVBUFFORCE);
    set_buffer(fd_.get(), SO_SNDBUF, SO_SNDBUFFORCE);
    sockaddr_storage bound{};
    socklen_t length = sizeof(bound);
    if (getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&bound), &length) != 0) {
        fail(errno, "read the address of " + where);
    }
    port_ = from_sockaddr(bound).port;
}

void UdpSocketLinux::set_mark(std::uint32_t mark) {
    if (setsockopt(fd_.get(), SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) != 0) {
        fail(errno, "set fwmark " + std::to_string(mark) + " on UDP port " + std::to_string(port_));
    }
}

std::size_t UdpSocketLinux::receive(std::span<const std::span<std::uint8_t>> buffers,
                                    std::span<std::size_t> sizes,
                                    std::span<value::SocketAddress> senders) {
    const std::size_t n = std::min({buffers.size(), sizes.size(), senders.size(), kMaxBatch});
    std::array<mmsghdr, kMaxBatch> headers{};
    std::array<iovec, kMaxBatch> vectors{};
    std::array<sockaddr_storage, kMaxBatch> addresses{};
    for (std::size_t i = 0; i < n; ++i) {
        vectors[i] = {buffers[i].data(), buffers[i].size()};
        headers[i].msg_hdr.msg_iov = &vectors[i];
        headers[i].msg_hdr.msg_iovlen = 1;
        headers[i].msg_hdr.msg_name = &addresses[i];
        headers[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
    }
    int received = 0;
    do {
        received =
            ::recvmmsg(fd_.get(), headers.data(), static_cast<unsigned>(n), MSG_DONTWAIT, nullptr);
    } while (received < 0 && errno == EINTR);
    if (received < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNREFUSED) {
            return 0;  // nothing waits (an ICMP error for an earlier send is no failure here)
        }
        fail(errno, "receive on UDP port " + std::to_string(port_));
    }
    for (std::size_t i = 0; i < static_cast<std::size_t>(received); ++i) {
        // A datagram larger than the buffer was cut: report a size that no message has.
        sizes[i] = (headers[i].msg_hdr.msg_flags & MSG_TRUNC) != 0 ? 0 : headers[i].msg_len;
        senders[i] = from_sockaddr(addresses[i]);
    }
    return static_cast<std::size_t>(received);
}

std::size_t UdpSocketLinux::send(std::span<const OutgoingDatagram> datagrams) {
    std::size_t done = 0;
    while (done < datagrams.size()) {
        const std::size_t n = std::min(datagrams.size() - done, kMaxBatch);
        std::array<mmsghdr, kMaxBatch> headers{};
        std::array<iovec, kMaxBatch> vectors{};
        std::array<sockaddr_storage, kMaxBatch> addresses{};
        std::size_t count = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const auto& d = datagrams[done + i];
            socklen_t length = 0;
            if (!to_sockaddr(d.to, v6_, addresses[count], length)) {
                continue;  // unreachable from this socket: dropped
            }
            vectors[count] = {const_cast<std::uint8_t*>(d.data.data()), d.data.size()};
            headers[count].msg_hdr.msg_iov = &vectors[count];
            headers[count].msg_hdr.msg_iovlen = 1;
            headers[count].msg_hdr.msg_name = &addresses[count];
            headers[count].msg_hdr.msg_namelen = length;
            ++count;
        }
        std::size_t sent = 0;
        while (sent < count) {
            const int rc = ::sendmmsg(fd_.get(), headers.data() + sent,
                                      static_cast<unsigned>(count - sent), MSG_DONTWAIT);
            if (rc < 0) {
                if (errno == EINTR) {
                    continue;
                }
                if (errno == EAGAIN || errno == EWOULDBLOCK) {
                    return done + sent;
                }
                // The first message failed (no route, message too big, ...): skip it.
                ++sent;
                continue;
            }
            sent += static_cast<std::size_t>(rc);
        }
        done += n;
    }
    return done;
}

std::unique_ptr<UdpSocket> UdpSocketLinuxFactory::open(std::uint16_t port) {
    return std::make_unique<UdpSocketLinux>(port);
}

}  // namespace tulle::platform::linux_impl

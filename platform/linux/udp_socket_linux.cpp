#include "platform/linux/udp_socket_linux.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string>
#include <sys/socket.h>
#include <system_error>
#include <vector>

#include "platform/offload.hpp"

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103  // linux/udp.h, Linux 4.18
#endif
#ifndef UDP_GRO
#define UDP_GRO 104  // linux/udp.h, Linux 5.0
#endif

namespace tulle::platform::linux_impl {
namespace {

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

UdpSocketLinux::UdpSocketLinux(std::uint16_t port, bool offloads) {
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
    if (offloads) {
        // GSO needs no switch: a send with UDP_SEGMENT fails (EIO) where it cannot work, and
        // send() falls back. GRO must be asked for, and is then in every receive's control data.
        int probe = 0;
        socklen_t probe_size = sizeof(probe);
        gso_ = getsockopt(fd_.get(), SOL_UDP, UDP_SEGMENT, &probe, &probe_size) == 0;
        const int on = 1;
        gro_ = setsockopt(fd_.get(), SOL_UDP, UDP_GRO, &on, sizeof(on)) == 0;
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

Received UdpSocketLinux::receive(std::span<ReceivedDatagram> out) {
    Received result;
    // Datagrams of the last receive that did not fit the caller's list go first; a new receive
    // would overwrite the memory the spans handed out in this call point into.
    if (next_message_ < messages_.size()) {
        result.count = hand_out(out);
        return result;
    }
    const std::size_t ask = std::min({out.size(), kMessages});
    if (ask == 0) {
        return result;
    }
    if (!arena_) {
        // Not zeroed: pages are touched only when datagrams fill them.
        arena_.reset(
            new std::uint8_t[kMessages * kMessageSize]);  // NOLINT(cppcoreguidelines-owning-memory)
    }
    std::array<mmsghdr, kMessages> headers{};
    std::array<iovec, kMessages> vectors{};
    std::array<sockaddr_storage, kMessages> addresses{};
    std::array<std::array<std::uint8_t, kControlSize>, kMessages> controls{};
    for (std::size_t i = 0; i < ask; ++i) {
        vectors[i] = {arena_.get() + i * kMessageSize, kMessageSize};
        headers[i].msg_hdr.msg_iov = &vectors[i];
        headers[i].msg_hdr.msg_iovlen = 1;
        headers[i].msg_hdr.msg_name = &addresses[i];
        headers[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
        if (gro_) {
            headers[i].msg_hdr.msg_control = controls[i].data();
            headers[i].msg_hdr.msg_controllen = controls[i].size();
        }
    }
    int received = 0;
    do {
        received = ::recvmmsg(fd_.get(), headers.data(), static_cast<unsigned>(ask), MSG_DONTWAIT,
                              nullptr);
    } while (received < 0 && errno == EINTR);
    if (received < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNREFUSED) {
            result.drained =
                true;  // nothing waits (an ICMP error for an earlier send is no failure here)
            return result;
        }
        fail(errno, "receive on UDP port " + std::to_string(port_));
    }
    messages_.clear();
    next_message_ = 0;
    next_offset_ = 0;
    for (std::size_t i = 0; i < static_cast<std::size_t>(received); ++i) {
        Message message;
        message.from = from_sockaddr(addresses[i]);
        // A datagram larger than the buffer was cut: report a size that no message has.
        message.size = (headers[i].msg_hdr.msg_flags & MSG_TRUNC) != 0 ? 0 : headers[i].msg_len;
        message.segment = message.size;
        for (cmsghdr* c = CMSG_FIRSTHDR(&headers[i].msg_hdr); gro_ && c != nullptr;
             c = CMSG_NXTHDR(&headers[i].msg_hdr, c)) {
            if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
                int segment = 0;
                std::memcpy(&segment, CMSG_DATA(c), sizeof(segment));
                if (segment > 0) {
                    message.segment = static_cast<std::size_t>(segment);
                }
            }
        }
        messages_.push_back(message);
    }
    result.count = hand_out(out);
    result.drained = next_message_ == messages_.size() && static_cast<std::size_t>(received) < ask;
    return result;
}

std::size_t UdpSocketLinux::hand_out(std::span<ReceivedDatagram> out) {
    std::size_t count = 0;
    for (; next_message_ < messages_.size(); ++next_message_, next_offset_ = 0) {
        const Message& message = messages_[next_message_];
        std::uint8_t* base = arena_.get() + next_message_ * kMessageSize;
        if (message.size == 0) {
            if (count == out.size()) {
                return count;
            }
            out[count++] = ReceivedDatagram{message.from, {}};
            continue;
        }
        // A coalesced message (UDP GRO) holds datagrams of `segment` bytes; the last may be
        // shorter.
        while (next_offset_ < message.size) {
            if (count == out.size()) {
                return count;
            }
            const std::size_t size = std::min(message.segment, message.size - next_offset_);
            out[count++] = ReceivedDatagram{message.from, {base + next_offset_, size}};
            next_offset_ += size;
        }
    }
    return count;
}

namespace {

// The messages of one sendmmsg: up to kMessages, each one datagram or (GSO) a run of them.
struct SendBatch {
    static constexpr std::size_t kMessages = 64;
    std::array<mmsghdr, kMessages> headers{};
    std::array<iovec, kMessages * offload::kMaxUdpSegments> vectors{};
    std::array<sockaddr_storage, kMessages> addresses{};
    std::array<std::array<std::uint8_t, CMSG_SPACE(sizeof(std::uint16_t))>, kMessages> controls{};
    std::array<std::size_t, kMessages> runs{};  // datagrams per message
    std::size_t messages = 0;

    // Fills messages from datagrams[first] on and returns where it stopped. Datagrams this
    // socket cannot reach at the start are skipped, and `first` moves past them.
    std::size_t fill(std::span<const OutgoingDatagram> datagrams, std::size_t& first, bool gso,
                     bool v6) {
        std::size_t vector = 0;
        std::size_t next = first;
        while (next < datagrams.size() && messages < kMessages) {
            const std::size_t run = gso ? offload::udp_run_length(datagrams, next) : 1;
            const auto& lead = datagrams[next];
            socklen_t length = 0;
            if (!to_sockaddr(lead.to, v6, addresses[messages], length)) {
                if (messages > 0) {
                    break;  // send what comes before it first
                }
                // Unreachable from this socket: dropped (counted as sent, as the kernel would
                // drop a datagram without a route).
                next += run;
                first = next;
                continue;
            }
            msghdr& header = headers[messages].msg_hdr;
            header.msg_iov = &vectors[vector];
            header.msg_iovlen = run;
            header.msg_name = &addresses[messages];
            header.msg_namelen = length;
            for (std::size_t i = 0; i < run; ++i) {
                const auto data = datagrams[next + i].data;
                vectors[vector++] = {const_cast<std::uint8_t*>(data.data()), data.size()};
            }
            if (run > 1) {
                header.msg_control = controls[messages].data();
                header.msg_controllen = controls[messages].size();
                cmsghdr* c = CMSG_FIRSTHDR(&header);
                c->cmsg_level = SOL_UDP;
                c->cmsg_type = UDP_SEGMENT;
                c->cmsg_len = CMSG_LEN(sizeof(std::uint16_t));
                const auto segment = static_cast<std::uint16_t>(lead.data.size());
                std::memcpy(CMSG_DATA(c), &segment, sizeof(segment));
            }
            runs[messages++] = run;
            next += run;
        }
        return next;
    }
};

}  // namespace

std::size_t UdpSocketLinux::send(std::span<const OutgoingDatagram> datagrams) {
    std::size_t done = 0;
    while (done < datagrams.size()) {
        SendBatch batch;
        batch.fill(datagrams, done, gso_, v6_);
        std::size_t sent = 0;
        while (sent < batch.messages) {
            const int rc = ::sendmmsg(fd_.get(), batch.headers.data() + sent,
                                      static_cast<unsigned>(batch.messages - sent), MSG_DONTWAIT);
            if (rc >= 0) {
                for (int i = 0; i < rc; ++i) {
                    done += batch.runs[sent++];
                }
                continue;
            }
            const int error = errno;
            if (error == EINTR) {
                continue;
            }
            if (error == EAGAIN || error == EWOULDBLOCK) {
                return done;
            }
            const std::size_t run = batch.runs[sent++];
            if (run > 1 && (error == EIO || error == EINVAL)) {
                // The path cannot take this run in one piece: EIO when the outgoing device
                // has no checksum offload (GSO is then off for good, as in wireguard-go),
                // EINVAL for segments larger than the path's MTU. Send it one by one.
                if (error == EIO) {
                    gso_ = false;
                }
                const std::size_t each = send_each(datagrams.subspan(done, run));
                if (each < run) {
                    return done + each;
                }
            }
            // Otherwise the first message failed (no route, message too big, ...): skipped.
            done += run;
        }
    }
    return done;
}

std::size_t UdpSocketLinux::send_each(std::span<const OutgoingDatagram> datagrams) {
    const bool gso = gso_;
    gso_ = false;
    const std::size_t sent = send(datagrams);
    gso_ = gso;
    return sent;
}

std::unique_ptr<UdpSocket> UdpSocketLinuxFactory::open(std::uint16_t port) {
    return std::make_unique<UdpSocketLinux>(port, offloads_);
}

}  // namespace tulle::platform::linux_impl

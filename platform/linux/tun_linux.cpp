#include "platform/linux/tun_linux.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <system_error>
#include <unistd.h>

#include <climits>

#include "platform/linux/interface_name.hpp"
#include "value/text.hpp"

namespace tulle::platform::linux_impl {
namespace {

[[noreturn]] void throw_errno(int error, const std::string& what) {
    throw std::system_error(error, std::system_category(), what);
}

// Offload flags newer than the headers this may be built with (linux/if_tun.h, Linux 6.2).
constexpr unsigned kTunUso4 = 0x20;
constexpr unsigned kTunUso6 = 0x40;
// The largest packet a read may bring: a GSO packet of 64 KiB of IP (IPv6: plus its header).
constexpr std::size_t kMaxSuperPacket = 65536 + 64;
// Buffers worth passing to read_batch() with offloads: two super-packets of MSS-sized segments.
constexpr std::size_t kReadBatch = 128;

ifreq make_ifreq(const std::string& name) {
    ifreq request{};
    std::memcpy(request.ifr_name, name.data(), std::min(name.size(), sizeof request.ifr_name - 1));
    return request;
}

}  // namespace

TunLinux::TunLinux(std::string_view name, bool offloads) : name_(name) {
    const std::string operation = "open TUN " + value::quote(name);
    check_interface_name(name, operation);

    fd_.reset(::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC));
    if (!fd_.valid()) {
        throw_errno(errno, operation + " (/dev/net/tun)");
    }
    ifreq request = make_ifreq(name_);
    // IFF_TUN_EXCL: never attach to an interface that exists already.
    // ifr_flags is a short; IFF_TUN_EXCL (0x8000) is its top bit.
    request.ifr_flags = static_cast<short>(static_cast<unsigned short>(
        IFF_TUN | IFF_NO_PI | IFF_TUN_EXCL | (offloads ? IFF_VNET_HDR : 0)));
    if (::ioctl(fd_.get(), TUNSETIFF, &request) != 0) {
        const int error = errno;
        if (error == EBUSY) {
            throw_errno(error, operation + " (an interface of that name exists already)");
        }
        throw_errno(error, operation);
    }
    // The kernel writes back the name it chose, which matters for patterns such as "tl%d".
    name_.assign(request.ifr_name, ::strnlen(request.ifr_name, sizeof request.ifr_name));

    if (offloads) {
        negotiate_offloads();
    }

    // Made after TUNSETIFF, in the same thread, so it is in the device's network namespace.
    control_.reset(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!control_.valid()) {
        throw_errno(errno, "open control socket for TUN " + name_);
    }
}

std::uint32_t TunLinux::mtu() const {
    ifreq request = make_ifreq(name_);
    if (::ioctl(control_.get(), SIOCGIFMTU, &request) != 0) {
        throw_errno(errno, "get MTU of " + name_);
    }
    return static_cast<std::uint32_t>(request.ifr_mtu);
}

void TunLinux::set_mtu(std::uint32_t mtu) {
    const std::string operation = "set MTU " + std::to_string(mtu) + " on " + name_;
    if (mtu > static_cast<std::uint32_t>(INT_MAX)) {
        throw_errno(EINVAL, operation);
    }
    ifreq request = make_ifreq(name_);
    request.ifr_mtu = static_cast<int>(mtu);
    if (::ioctl(control_.get(), SIOCSIFMTU, &request) != 0) {
        throw_errno(errno, operation);
    }
}

void TunLinux::negotiate_offloads() {
    const int header_size = offload::VirtioNetHeader::kSize;
    if (::ioctl(fd_.get(), TUNSETVNETHDRSZ, &header_size) != 0) {
        throw_errno(errno, "set the virtio-net header size of TUN " + name_);
    }
    offloads_.virtio_net_header = true;
    read_buffer_.resize(offload::VirtioNetHeader::kSize + kMaxSuperPacket);
    // The most first; a kernel that does not know a flag refuses the whole set (EINVAL).
    constexpr unsigned kTcp = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
    for (const unsigned flags : {kTcp | kTunUso4 | kTunUso6, kTcp, unsigned{TUN_F_CSUM}, 0U}) {
        if (::ioctl(fd_.get(), TUNSETOFFLOAD, static_cast<unsigned long>(flags)) == 0) {
            offloads_.checksum = (flags & TUN_F_CSUM) != 0;
            offloads_.tcp_segmentation = (flags & TUN_F_TSO4) != 0;
            offloads_.udp_segmentation = (flags & kTunUso4) != 0;
            return;
        }
    }
}

std::size_t TunLinux::read_raw(std::span<std::uint8_t> buffer) {
    for (;;) {
        const ssize_t n = ::read(fd_.get(), buffer.data(), buffer.size());
        if (n >= 0) {
            return static_cast<std::size_t>(n);
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return 0;
        }
        throw_errno(errno, "read from TUN " + name_);
    }
}

std::size_t TunLinux::read(std::span<std::uint8_t> buffer) {
    if (!offloads_.virtio_net_header) {
        return read_raw(buffer);
    }
    const std::array<std::span<std::uint8_t>, 1> buffers{buffer};
    std::array<std::size_t, 1> sizes{};
    return read_batch(buffers, sizes) == 0 ? 0 : sizes[0];
}

std::size_t TunLinux::batch_size() const {
    return offloads_.virtio_net_header ? kReadBatch : 1;
}

std::size_t TunLinux::read_batch(std::span<const std::span<std::uint8_t>> buffers,
                                 std::span<std::size_t> sizes) {
    if (!offloads_.virtio_net_header) {
        return Tun::read_batch(buffers, sizes);
    }
    constexpr std::size_t kHeader = offload::VirtioNetHeader::kSize;
    const std::size_t limit = std::min(buffers.size(), sizes.size());
    std::size_t count = 0;
    while (count < limit) {
        if (next_segment_ < read_plan_.segments) {
            // Segments of the packet read last come first.
            const auto packet = std::span(read_buffer_).subspan(kHeader, read_size_ - kHeader);
            const std::size_t size = offload::split_segment(read_header_, read_plan_, packet,
                                                            next_segment_++, buffers[count]);
            if (size != 0) {  // 0: the caller's buffer cannot hold it, and it is lost
                sizes[count++] = size;
            }
            continue;
        }
        std::size_t size = 0;
        try {
            size = read_raw(read_buffer_);
        } catch (const std::system_error&) {
            if (count == 0) {
                throw;
            }
            break;  // for the next call to meet
        }
        if (size == 0) {
            break;
        }
        if (size <= kHeader) {
            continue;
        }
        const auto bytes = std::span(read_buffer_).first(size);
        read_header_ = offload::VirtioNetHeader::decode(bytes.first<kHeader>());
        const auto plan = offload::plan_split(read_header_, bytes.subspan(kHeader));
        if (!plan) {
            continue;  // the kernel sent what it never should: dropped
        }
        read_plan_ = *plan;
        read_size_ = size;
        next_segment_ = 0;
    }
    return count;
}

bool TunLinux::write_pieces(std::span<const iovec> pieces, std::size_t size) {
    for (;;) {
        const ssize_t n = ::writev(fd_.get(), pieces.data(), static_cast<int>(pieces.size()));
        if (n >= 0) {
            // The TUN driver takes a packet whole or not at all.
            if (static_cast<std::size_t>(n) != size) {
                throw_errno(EIO, "write to TUN " + name_ + " (short write)");
            }
            return true;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return false;
        }
        throw_errno(errno, "write " + std::to_string(size) + " bytes to TUN " + name_);
    }
}

bool TunLinux::write(std::span<const std::uint8_t> packet) {
    if (!offloads_.virtio_net_header) {
        const iovec piece{const_cast<std::uint8_t*>(packet.data()), packet.size()};
        return write_pieces({&piece, 1}, packet.size());
    }
    static constexpr std::array<std::uint8_t, offload::VirtioNetHeader::kSize> kPlain{};
    const std::array<iovec, 2> pieces{
        iovec{const_cast<std::uint8_t*>(kPlain.data()), kPlain.size()},
        iovec{const_cast<std::uint8_t*>(packet.data()), packet.size()}};
    return write_pieces(pieces, kPlain.size() + packet.size());
}

std::size_t TunLinux::write_batch(std::span<const std::span<const std::uint8_t>> packets) {
    if (!offloads_.virtio_net_header || !offloads_.tcp_segmentation) {
        return Tun::write_batch(packets);
    }
    constexpr std::size_t kHeader = offload::VirtioNetHeader::kSize;
    std::size_t written = 0;
    for (const auto& write : coalescer_.plan(packets)) {
        const auto members = std::span(coalescer_.members()).subspan(write.first, write.count);
        if (write.count == 1) {
            written += this->write(packets[members[0]]) ? 1 : 0;
            continue;
        }
        offload::VirtioNetHeader header;
        const std::size_t size =
            coalescer_.coalesced_headers(write, std::span(headers_).subspan(kHeader), header);
        header.encode(std::span(headers_).first<kHeader>());
        pieces_.clear();
        pieces_.push_back(iovec{headers_.data(), kHeader + size});
        for (const std::size_t member : members) {
            const auto payload = packets[member].subspan(coalescer_.header_size(member));
            pieces_.push_back(iovec{const_cast<std::uint8_t*>(payload.data()), payload.size()});
        }
        written += write_pieces(pieces_, kHeader + write.bytes) ? write.count : 0;
    }
    return written;
}

std::unique_ptr<Tun> TunLinuxFactory::create(std::string_view name) {
    return std::make_unique<TunLinux>(name, offloads_);
}

}  // namespace tulle::platform::linux_impl

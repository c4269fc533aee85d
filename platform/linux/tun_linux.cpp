#include "platform/linux/tun_linux.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
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

ifreq make_ifreq(const std::string& name) {
    ifreq request{};
    std::memcpy(request.ifr_name, name.data(), std::min(name.size(), sizeof request.ifr_name - 1));
    return request;
}

}  // namespace

TunLinux::TunLinux(std::string_view name) : name_(name) {
    const std::string operation = "open TUN " + value::quote(name);
    check_interface_name(name, operation);

    fd_.reset(::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC));
    if (!fd_.valid()) {
        throw_errno(errno, operation + " (/dev/net/tun)");
    }
    ifreq request = make_ifreq(name_);
    // IFF_TUN_EXCL: never attach to an interface that exists already.
    // ifr_flags is a short; IFF_TUN_EXCL (0x8000) is its top bit.
    request.ifr_flags =
        static_cast<short>(static_cast<unsigned short>(IFF_TUN | IFF_NO_PI | IFF_TUN_EXCL));
    if (::ioctl(fd_.get(), TUNSETIFF, &request) != 0) {
        const int error = errno;
        if (error == EBUSY) {
            throw_errno(error, operation + " (an interface of that name exists already)");
        }
        throw_errno(error, operation);
    }
    // The kernel writes back the name it chose, which matters for patterns such as "tl%d".
    name_.assign(request.ifr_name, ::strnlen(request.ifr_name, sizeof request.ifr_name));

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

std::size_t TunLinux::read(std::span<std::uint8_t> buffer) {
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

bool TunLinux::write(std::span<const std::uint8_t> packet) {
    for (;;) {
        const ssize_t n = ::write(fd_.get(), packet.data(), packet.size());
        if (n >= 0) {
            // The TUN driver takes a packet whole or not at all.
            if (static_cast<std::size_t>(n) != packet.size()) {
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
        throw_errno(errno, "write " + std::to_string(packet.size()) + " bytes to TUN " + name_);
    }
}

std::unique_ptr<Tun> TunLinuxFactory::create(std::string_view name) {
    return std::make_unique<TunLinux>(name);
}

}  // namespace tulle::platform::linux_impl

// The Linux TUN device: /dev/net/tun with IFF_TUN | IFF_NO_PI, one queue, no virtio-net header.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "platform/tun.hpp"
#include "value/unique_fd.hpp"

namespace tulle::platform::linux_impl {

class TunLinux final : public Tun {
  public:
    // Creates the TUN interface `name` in the calling thread's network namespace. The name must
    // follow the rules of is_valid_interface_name(); it may hold one "%d", which the kernel
    // replaces by the lowest free number ("tl%d" -> "tl0"). The interface must not exist yet:
    // attaching to an existing (persistent) TUN could share the tunnel's traffic with whoever
    // made it, so that fails with EBUSY. The interface is not persistent: it disappears when the
    // TunLinux is destroyed. Throws std::system_error ("open TUN <name>: ...").
    explicit TunLinux(std::string_view name);

    [[nodiscard]] const std::string& name() const override { return name_; }
    [[nodiscard]] std::uint32_t mtu() const override;
    void set_mtu(std::uint32_t mtu) override;
    [[nodiscard]] int fd() const override { return fd_.get(); }
    [[nodiscard]] std::size_t read(std::span<std::uint8_t> buffer) override;
    [[nodiscard]] bool write(std::span<const std::uint8_t> packet) override;

  private:
    value::UniqueFd fd_;
    // A datagram socket made in the same network namespace as the device, for the interface
    // ioctls (SIOCGIFMTU, SIOCSIFMTU).
    value::UniqueFd control_;
    std::string name_;
};

class TunLinuxFactory final : public TunFactory {
  public:
    [[nodiscard]] std::unique_ptr<Tun> create(std::string_view name) override;
};

}  // namespace tulle::platform::linux_impl

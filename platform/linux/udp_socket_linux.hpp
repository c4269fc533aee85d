// UdpSocket on Linux: recvmmsg/sendmmsg, large buffers, dual-stack IPv6.
#pragma once

#include "platform/udp_socket.hpp"
#include "value/unique_fd.hpp"

namespace tulle::platform::linux_impl {

class UdpSocketLinux final : public UdpSocket {
  public:
    explicit UdpSocketLinux(std::uint16_t port);

    [[nodiscard]] std::uint16_t port() const override { return port_; }
    [[nodiscard]] int fd() const override { return fd_.get(); }
    void set_mark(std::uint32_t mark) override;
    [[nodiscard]] std::size_t receive(std::span<const std::span<std::uint8_t>> buffers,
                                      std::span<std::size_t> sizes,
                                      std::span<value::SocketAddress> senders) override;
    [[nodiscard]] std::size_t send(std::span<const OutgoingDatagram> datagrams) override;

  private:
    value::UniqueFd fd_;
    std::uint16_t port_ = 0;
    bool v6_ = false;
};

class UdpSocketLinuxFactory final : public UdpSocketFactory {
  public:
    UdpSocketLinuxFactory() = default;
    [[nodiscard]] std::unique_ptr<UdpSocket> open(std::uint16_t port) override;
};

}  // namespace tulle::platform::linux_impl

// UdpSocket on Linux: recvmmsg/sendmmsg, large buffers, dual-stack IPv6, and where the kernel
// has them UDP GSO (UDP_SEGMENT: a run of equal datagrams to one address in one message) and
// UDP GRO (a run from one sender received as one message, split here).
#pragma once

#include <memory>
#include <vector>

#include "platform/udp_socket.hpp"
#include "value/unique_fd.hpp"

namespace tulle::platform::linux_impl {

class UdpSocketLinux final : public UdpSocket {
  public:
    // `offloads`: use UDP GSO and GRO where the kernel has them.
    UdpSocketLinux(std::uint16_t port, bool offloads);

    [[nodiscard]] std::uint16_t port() const override { return port_; }
    [[nodiscard]] int fd() const override { return fd_.get(); }
    void set_mark(std::uint32_t mark) override;
    [[nodiscard]] UdpOffloads offloads() const override { return {gso_, gro_}; }
    [[nodiscard]] Received receive(std::span<ReceivedDatagram> out) override;
    [[nodiscard]] std::size_t send(std::span<const OutgoingDatagram> datagrams) override;

  private:
    static constexpr std::size_t kMessages = 64;        // messages per recvmmsg/sendmmsg
    static constexpr std::size_t kMessageSize = 65536;  // a datagram, or a GRO run of them
    static constexpr std::size_t kControlSize = 64;     // room for a UDP_GRO/UDP_SEGMENT cmsg
    struct Message {
        value::SocketAddress from;
        std::size_t size = 0;     // bytes received (0: cut off)
        std::size_t segment = 0;  // datagram size within it (GRO), else size
    };
    // Puts datagrams of the messages received last into `out`, from where it stopped before.
    std::size_t hand_out(std::span<ReceivedDatagram> out);
    // Sends without GSO.
    std::size_t send_each(std::span<const OutgoingDatagram> datagrams);

    value::UniqueFd fd_;
    std::uint16_t port_ = 0;
    bool v6_ = false;
    bool gso_ = false;
    bool gro_ = false;
    std::unique_ptr<std::uint8_t[]> arena_;  // kMessages buffers of kMessageSize
    std::vector<Message> messages_;
    std::size_t next_message_ = 0;  // the first message not wholly handed out
    std::size_t next_offset_ = 0;   // within it
};

class UdpSocketLinuxFactory final : public UdpSocketFactory {
  public:
    explicit UdpSocketLinuxFactory(bool offloads) : offloads_(offloads) {}
    [[nodiscard]] std::unique_ptr<UdpSocket> open(std::uint16_t port) override;

  private:
    bool offloads_;
};

}  // namespace tulle::platform::linux_impl

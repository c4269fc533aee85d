// The tunnel's UDP socket: one per interface, bound to all addresses (IPv6 dual-stack where the
// system has IPv6, IPv4 otherwise), non-blocking, moving datagrams in batches.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "value/ip.hpp"

namespace tulle::platform {

struct OutgoingDatagram {
    value::SocketAddress to;
    std::span<const std::uint8_t> data;
};

class UdpSocket {
  public:
    virtual ~UdpSocket() = default;
    UdpSocket(const UdpSocket&) = delete;
    UdpSocket& operator=(const UdpSocket&) = delete;

    [[nodiscard]] virtual std::uint16_t port() const = 0;
    // For the event loop: readable when datagrams wait.
    [[nodiscard]] virtual int fd() const = 0;
    // SO_MARK for routing policy (wg's fwmark); 0 clears it.
    virtual void set_mark(std::uint32_t mark) = 0;

    // Receives up to buffers.size() datagrams without blocking. Returns how many arrived, with
    // their sizes and senders (an IPv4-mapped IPv6 sender as IPv4); 0 when none wait.
    [[nodiscard]] virtual std::size_t receive(std::span<const std::span<std::uint8_t>> buffers,
                                              std::span<std::size_t> sizes,
                                              std::span<value::SocketAddress> senders) = 0;
    // Sends datagrams without blocking. Returns how many the kernel took; the rest would block
    // (or failed for reasons a datagram socket does not report back, such as no route).
    [[nodiscard]] virtual std::size_t send(std::span<const OutgoingDatagram> datagrams) = 0;

  protected:
    UdpSocket() = default;
};

class UdpSocketFactory {
  public:
    virtual ~UdpSocketFactory() = default;
    UdpSocketFactory(const UdpSocketFactory&) = delete;
    UdpSocketFactory& operator=(const UdpSocketFactory&) = delete;

    // Binds to `port` (0: one the system picks). Throws std::system_error naming the port.
    [[nodiscard]] virtual std::unique_ptr<UdpSocket> open(std::uint16_t port) = 0;

  protected:
    UdpSocketFactory() = default;
};

}  // namespace tulle::platform

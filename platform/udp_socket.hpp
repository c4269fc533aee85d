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

struct ReceivedDatagram {
    value::SocketAddress from;     // an IPv4-mapped IPv6 sender as IPv4
    std::span<std::uint8_t> data;  // in the socket's memory; see UdpSocket::receive
};

struct Received {
    std::size_t count = 0;  // datagrams in the caller's list
    // The socket's queue ran empty. False while datagrams of a coalesced receive (UDP GRO) wait
    // for the next call, so a short count alone does not say the queue is empty.
    bool drained = false;
};

// Offloads a socket uses (see UdpSocketFactory::open).
struct UdpOffloads {
    bool segmentation = false;  // UDP GSO: a run of datagrams to one address in one send
    bool coalescing = false;    // UDP GRO: a run of datagrams from one sender in one receive

    friend bool operator==(const UdpOffloads&, const UdpOffloads&) = default;
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
    // Offloads in effect now (a send that the system refused with GSO turns segmentation off).
    [[nodiscard]] virtual UdpOffloads offloads() const { return {}; }

    // Receives up to out.size() datagrams without blocking into memory the socket owns: the
    // spans stay valid, and writable (decryption happens in place), until the next receive().
    // A datagram larger than the socket's buffer is reported with an empty span.
    [[nodiscard]] virtual Received receive(std::span<ReceivedDatagram> out) = 0;
    // Sends datagrams without blocking, in order. Returns how many the kernel took; the rest
    // would block (or failed for reasons a datagram socket does not report back, such as no
    // route). Consecutive datagrams of equal size to one address may leave in one call (UDP
    // GSO) where the system offers it.
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

// The TUN device as the daemon sees it: a named layer-3 interface whose packets the daemon
// reads (traffic the OS routes into the tunnel) and writes (decrypted traffic for the OS).
//
// Errors: operations that fail in the OS throw std::system_error whose code is the OS error
// (errno on Linux) and whose message names the operation and the interface, e.g.
// "set MTU 20 on tl0: Invalid argument". "Nothing to read" and "cannot write now" on the
// non-blocking descriptor are not errors: read() returns 0 and write() returns false.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace tulle::platform {

// Offloads negotiated with the OS. These describe the device; they never change the packet
// format seen through Tun: read()/read_batch() always yield plain IP packets of at most mtu()
// bytes and write()/write_batch() always take them.
//
// On Linux with offloads (platform/linux/tun_linux.hpp), the device is opened with IFF_VNET_HDR
// and TCP (and UDP) segmentation enabled with TUNSETOFFLOAD: the kernel hands over 64 KiB
// "super-packets" led by a virtio_net_hdr, which read_batch() cuts into the caller's buffers,
// and write_batch() joins runs of TCP segments of one flow into one such write
// (platform/offload.hpp). Callers that use the batch functions gain the speed-up unchanged.
struct TunOffloads {
    bool virtio_net_header = false;  // the device exchanges a virtio_net_hdr with each packet
    bool checksum = false;           // packets may be handed over with partial checksums
    bool tcp_segmentation = false;   // TSO4/TSO6: reads may carry coalesced TCP segments
    bool udp_segmentation = false;   // USO4/USO6: the same for UDP

    friend bool operator==(const TunOffloads&, const TunOffloads&) = default;
};

class Tun {
  public:
    virtual ~Tun() = default;
    Tun(const Tun&) = delete;
    Tun& operator=(const Tun&) = delete;

    // The interface name the OS gave the device (a pattern such as "tl%d" is resolved).
    [[nodiscard]] virtual const std::string& name() const = 0;

    // The interface MTU as the OS has it now; set_mtu() changes it.
    [[nodiscard]] virtual std::uint32_t mtu() const = 0;
    virtual void set_mtu(std::uint32_t mtu) = 0;

    // A non-blocking, close-on-exec descriptor to wait on for readability (poll/epoll). It stays
    // owned by the Tun; do not read, write or close it directly.
    [[nodiscard]] virtual int fd() const = 0;

    // Reads one packet into `buffer` and returns its size, or 0 when no packet is waiting. The
    // buffer should hold mtu() bytes at least; what becomes of a larger packet is up to the OS
    // (Linux drops it and reports an error). Throws std::system_error on other errors.
    [[nodiscard]] virtual std::size_t read(std::span<std::uint8_t> buffer) = 0;

    // Writes one IP packet. Returns false, without writing, when the device cannot take it now
    // (would block); throws std::system_error on errors, e.g. for a packet that is not IPv4 or
    // IPv6 (EINVAL on Linux).
    [[nodiscard]] virtual bool write(std::span<const std::uint8_t> packet) = 0;

    // Offloads in effect; see TunOffloads. All false unless an implementation says otherwise.
    [[nodiscard]] virtual TunOffloads offloads() const { return {}; }

    // How many buffers read_batch() can fill in one call at best; pass that many to it.
    [[nodiscard]] virtual std::size_t batch_size() const { return 1; }

    // Reads up to min(buffers.size(), sizes.size()) packets, packet i into buffers[i] with its
    // size in sizes[i], and returns how many were read (0: none waiting). The default reads
    // packet by packet; when an error follows at least one packet, the packets read so far are
    // returned and the error is left for the next call to meet.
    [[nodiscard]] virtual std::size_t read_batch(std::span<const std::span<std::uint8_t>> buffers,
                                                 std::span<std::size_t> sizes);

    // Writes packets and returns how many were written; the others were not, because the device
    // would block (the default stops at the first such packet; with offloads, packets of one flow
    // keep their order, but which were left out is not said). On an error, throws
    // std::system_error; packets before the failing one may have been written.
    [[nodiscard]] virtual std::size_t write_batch(
        std::span<const std::span<const std::uint8_t>> packets);

  protected:
    Tun() = default;
};

// Creates TUN devices. The daemon is handed one, so unit tests can give it FakeTunFactory
// (platform/fake_tun.hpp) instead of the OS's.
class TunFactory {
  public:
    virtual ~TunFactory() = default;

    // Creates the TUN interface `name` (see the implementation for the naming rules) and
    // returns it; the interface disappears when the Tun is destroyed. Throws std::system_error.
    [[nodiscard]] virtual std::unique_ptr<Tun> create(std::string_view name) = 0;

  protected:
    TunFactory() = default;
    TunFactory(const TunFactory&) = default;
    TunFactory& operator=(const TunFactory&) = default;
};

}  // namespace tulle::platform

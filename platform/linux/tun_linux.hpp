// The Linux TUN device: /dev/net/tun with IFF_TUN | IFF_NO_PI, one queue. With offloads, also
// IFF_VNET_HDR and TUNSETOFFLOAD (checksum, TSO4/6, USO4/6 where the kernel has them): reads
// bring up to 64 KiB TCP/UDP "super-packets" that read_batch() cuts into MTU-sized packets, and
// write_batch() joins runs of TCP segments of one flow into one write (platform/offload.hpp).
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <sys/uio.h>
#include <vector>

#include "platform/offload.hpp"
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
    // `offloads`: exchange virtio_net_hdr and ask for the offloads above; the packets seen
    // through this class stay plain IP packets either way.
    TunLinux(std::string_view name, bool offloads);

    [[nodiscard]] const std::string& name() const override { return name_; }
    [[nodiscard]] std::uint32_t mtu() const override;
    void set_mtu(std::uint32_t mtu) override;
    [[nodiscard]] int fd() const override { return fd_.get(); }
    [[nodiscard]] std::size_t read(std::span<std::uint8_t> buffer) override;
    [[nodiscard]] bool write(std::span<const std::uint8_t> packet) override;
    [[nodiscard]] TunOffloads offloads() const override { return offloads_; }
    [[nodiscard]] std::size_t batch_size() const override;
    [[nodiscard]] std::size_t read_batch(std::span<const std::span<std::uint8_t>> buffers,
                                         std::span<std::size_t> sizes) override;
    [[nodiscard]] std::size_t write_batch(
        std::span<const std::span<const std::uint8_t>> packets) override;

  private:
    void negotiate_offloads();
    // One read() from the device into read_buffer_; its size, or 0 when nothing waits.
    std::size_t read_raw(std::span<std::uint8_t> buffer);
    // One writev() of the given pieces; false when the device would block.
    bool write_pieces(std::span<const struct iovec> pieces, std::size_t size);

    value::UniqueFd fd_;
    // A datagram socket made in the same network namespace as the device, for the interface
    // ioctls (SIOCGIFMTU, SIOCSIFMTU).
    value::UniqueFd control_;
    std::string name_;
    TunOffloads offloads_;
    // With a virtio_net_hdr: the last packet read, and how far read_batch() has cut it up.
    std::vector<std::uint8_t> read_buffer_;
    std::size_t read_size_ = 0;
    offload::VirtioNetHeader read_header_;
    offload::SplitPlan read_plan_;
    std::size_t next_segment_ = 0;
    offload::Coalescer coalescer_;
    std::vector<struct iovec> pieces_;
    // A coalesced write's virtio_net_hdr and leading headers (IPv4 or IPv6, TCP, options).
    std::array<std::uint8_t, offload::VirtioNetHeader::kSize + 60 + 60> headers_{};
};

class TunLinuxFactory final : public TunFactory {
  public:
    explicit TunLinuxFactory(bool offloads) : offloads_(offloads) {}
    [[nodiscard]] std::unique_ptr<Tun> create(std::string_view name) override;

  private:
    bool offloads_;
};

}  // namespace tulle::platform::linux_impl

// Segmentation and coalescing of TCP/UDP packets, for TUN devices that exchange large "GSO"
// packets led by a virtio_net_hdr (Linux IFF_VNET_HDR). Pure packet arithmetic on IPv4/IPv6
// packets: no system calls, so every case is unit-tested on bytes.
//
// Reading from such a device yields one packet of up to 64 KiB whose header says "cut me into
// segments of gso_size payload bytes": split_segment() makes each MTU-sized packet with its own
// IP and TCP/UDP header (lengths, IPv4 id, TCP sequence number and flags, checksums). Writing,
// Coalescer groups consecutive TCP segments of one flow, as the kernel's GRO would, so that one
// write hands the kernel a whole run; coalesced_headers() makes the run's leading headers and
// its virtio_net_hdr. Packets that do not qualify go one by one, unchanged.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "platform/udp_socket.hpp"

namespace tulle::platform::offload {

// struct virtio_net_hdr (without num_buffers), in host byte order as the TUN driver uses it
// unless told otherwise.
struct VirtioNetHeader {
    static constexpr std::size_t kSize = 10;
    static constexpr std::uint8_t kNeedsChecksum = 1;  // VIRTIO_NET_HDR_F_NEEDS_CSUM
    static constexpr std::uint8_t kDataValid = 2;      // VIRTIO_NET_HDR_F_DATA_VALID
    static constexpr std::uint8_t kGsoNone = 0;
    static constexpr std::uint8_t kGsoTcpV4 = 1;
    static constexpr std::uint8_t kGsoTcpV6 = 4;
    static constexpr std::uint8_t kGsoUdpL4 = 5;
    static constexpr std::uint8_t kGsoEcn = 0x80;

    std::uint8_t flags = 0;
    std::uint8_t gso_type = kGsoNone;
    std::uint16_t header_length = 0;  // bytes of headers before the payload (a hint)
    std::uint16_t gso_size = 0;       // payload bytes per segment
    std::uint16_t checksum_start = 0;
    std::uint16_t checksum_offset = 0;

    [[nodiscard]] static VirtioNetHeader decode(std::span<const std::uint8_t, kSize> bytes);
    void encode(std::span<std::uint8_t, kSize> bytes) const;
    friend bool operator==(const VirtioNetHeader&, const VirtioNetHeader&) = default;
};

// RFC 1071 one's-complement sum of `bytes` (an even offset into the packet), folded to 16 bits,
// with bytes taken as big-endian 16-bit words: add such sums with add_sums() and store
// ~sum in the packet, high byte first.
[[nodiscard]] std::uint16_t ones_sum(std::span<const std::uint8_t> bytes);
[[nodiscard]] std::uint16_t add_sums(std::uint32_t a, std::uint32_t b);
// The sum of the TCP/UDP pseudo-header of an IPv4 or IPv6 packet (addresses taken from it).
[[nodiscard]] std::uint16_t pseudo_header_sum(std::span<const std::uint8_t> ip_packet,
                                              std::uint8_t protocol, std::size_t l4_length);

// What split_segment needs to know about a packet read with a virtio_net_hdr, checked once:
// how many segments it makes. An error names what is wrong with the header or packet.
struct SplitPlan {
    std::size_t segments = 0;         // 1 for a packet that needs no segmentation
    std::size_t l4_offset = 0;        // where the TCP/UDP header starts (checksum_start)
    std::size_t headers = 0;          // IP + transport header bytes copied into each segment
    std::size_t segment_payload = 0;  // gso_size (0: not segmented)
    bool tcp = false;
};
[[nodiscard]] std::optional<SplitPlan> plan_split(const VirtioNetHeader& header,
                                                  std::span<const std::uint8_t> packet,
                                                  std::string* error = nullptr);

// Writes segment `index` (< plan.segments) of `packet` into `out` and returns its size (0 when
// `out` is too small). The segment is a complete packet: its checksums are computed. For a
// packet that is not segmented (segments == 1) with kNeedsChecksum, this is the packet with its
// checksum completed.
[[nodiscard]] std::size_t split_segment(const VirtioNetHeader& header, const SplitPlan& plan,
                                        std::span<const std::uint8_t> packet, std::size_t index,
                                        std::span<std::uint8_t> out);

// Groups packets for writing. plan() looks at the packets of one batch and returns the writes
// in order; each is one packet or a run of TCP segments of one flow, in sequence, with the same
// headers (apart from sequence number, checksums, length, IPv4 id and PSH on the last), equal
// payload sizes (the last may be shorter) and valid checksums, at most 64 KiB in all.
class Coalescer {
  public:
    struct Write {
        std::size_t first = 0;  // index into members() of this write's first packet
        std::size_t count = 0;  // packets in the write (1: written as it is)
        std::size_t bytes = 0;  // the coalesced packet's size
        std::uint16_t segment_payload = 0;
    };
    // Packets joined into one write at most (as the kernel's GRO).
    static constexpr std::size_t kMaxSegments = 64;

    // Plans the writes of `packets`; the spans must stay valid until the next plan().
    const std::vector<Write>& plan(std::span<const std::span<const std::uint8_t>> packets);
    // Indices of packets, write by write: write w is members()[w.first .. w.first + w.count).
    [[nodiscard]] const std::vector<std::size_t>& members() const { return members_; }

    // For a write of count > 1: the leading packet's IP and TCP headers as they go out (into
    // `out`, which must hold write_header_size() bytes) and the virtio_net_hdr that goes before
    // them; returns the header bytes written. The payloads of the members follow.
    [[nodiscard]] std::size_t coalesced_headers(const Write& write, std::span<std::uint8_t> out,
                                                VirtioNetHeader& header) const;
    // IP + TCP header bytes of the packet at index i of the planned batch (its payload starts
    // there).
    [[nodiscard]] std::size_t header_size(std::size_t packet) const {
        return info_[packet].headers;
    }

  private:
    struct Info {
        bool candidate = false;
        bool v6 = false;
        bool push = false;
        bool checksum_checked = false;
        std::size_t l4_offset = 0;
        std::size_t headers = 0;
        std::size_t payload = 0;
        std::uint32_t seq = 0;
    };
    struct Open {
        std::size_t write = 0;  // index into writes_
        std::size_t lead = 0;   // packet index
        std::size_t last = 0;   // packet index
        bool closed = false;
    };
    static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
    // Fills info_[packet].
    void inspect(std::size_t packet);
    // Appends the packet to the open write of its flow if it may join; false otherwise (and a
    // write it may not join is closed).
    [[nodiscard]] bool join_flow(std::size_t packet);
    [[nodiscard]] bool can_join(const Open& group, std::size_t packet);

    std::span<const std::span<const std::uint8_t>> packets_;
    std::vector<Info> info_;
    std::vector<Write> writes_;
    std::vector<std::size_t> members_;
    std::vector<std::size_t> next_;   // per packet: the next member of its write, or kNone
    std::vector<std::size_t> leads_;  // per write: its first packet
    std::vector<Open> open_;
};

// UDP GSO (UDP_SEGMENT): how many datagrams from `first` on may leave in one send: consecutive,
// to one address, all of the first one's size but the last, which may be shorter; at most
// kMaxUdpSegments of them and kMaxUdpPayload bytes in all. 1 means "send it alone".
inline constexpr std::size_t kMaxUdpSegments = 64;
inline constexpr std::size_t kMaxUdpPayload = 65507;  // 65535 - IPv4 header - UDP header
[[nodiscard]] std::size_t udp_run_length(std::span<const OutgoingDatagram> datagrams,
                                         std::size_t first);

}  // namespace tulle::platform::offload

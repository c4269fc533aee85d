#include "platform/offload.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

namespace tulle::platform::offload {
namespace {

constexpr std::uint8_t kProtocolTcp = 6;
constexpr std::uint8_t kProtocolUdp = 17;
constexpr std::size_t kIpv4Header = 20;
constexpr std::size_t kIpv6Header = 40;
constexpr std::size_t kTcpHeader = 20;
constexpr std::size_t kUdpHeader = 8;
constexpr std::size_t kTcpChecksumAt = 16;
constexpr std::size_t kUdpChecksumAt = 6;
constexpr std::uint8_t kTcpFin = 0x01;
constexpr std::uint8_t kTcpPsh = 0x08;
constexpr std::uint8_t kTcpAck = 0x10;
constexpr std::uint8_t kTcpCwr = 0x80;
constexpr std::size_t kMaxIpPacket = 65535;

std::uint16_t get16(std::span<const std::uint8_t> bytes, std::size_t at) {
    return static_cast<std::uint16_t>((bytes[at] << 8) | bytes[at + 1]);
}
std::uint32_t get32(std::span<const std::uint8_t> bytes, std::size_t at) {
    return (std::uint32_t{bytes[at]} << 24) | (std::uint32_t{bytes[at + 1]} << 16) |
           (std::uint32_t{bytes[at + 2]} << 8) | bytes[at + 3];
}
void put16(std::span<std::uint8_t> bytes, std::size_t at, std::uint32_t value) {
    bytes[at] = static_cast<std::uint8_t>(value >> 8);
    bytes[at + 1] = static_cast<std::uint8_t>(value);
}
void put32(std::span<std::uint8_t> bytes, std::size_t at, std::uint32_t value) {
    put16(bytes, at, value >> 16);
    put16(bytes, at + 2, value & 0xffffU);
}
bool same_bytes(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b, std::size_t at,
                std::size_t size) {
    return std::memcmp(a.data() + at, b.data() + at, size) == 0;
}

// The IPv4 header checksum of the header at the start of `packet` (ihl words), set in place.
void set_ipv4_checksum(std::span<std::uint8_t> packet, std::size_t header) {
    put16(packet, 10, 0);
    put16(packet, 10, static_cast<std::uint16_t>(~ones_sum(packet.first(header))));
}

// The TCP or UDP checksum of the segment that starts at l4 and runs to the end of `packet`.
void set_l4_checksum(std::span<std::uint8_t> packet, std::size_t l4, bool tcp) {
    const std::size_t at = l4 + (tcp ? kTcpChecksumAt : kUdpChecksumAt);
    put16(packet, at, 0);
    const std::size_t length = packet.size() - l4;
    auto sum = static_cast<std::uint16_t>(
        ~add_sums(pseudo_header_sum(packet, tcp ? kProtocolTcp : kProtocolUdp, length),
                  ones_sum(packet.subspan(l4))));
    if (!tcp && sum == 0) {
        sum = 0xffff;  // UDP: 0 means "no checksum"
    }
    put16(packet, at, sum);
}

}  // namespace

VirtioNetHeader VirtioNetHeader::decode(std::span<const std::uint8_t, kSize> bytes) {
    VirtioNetHeader header;
    header.flags = bytes[0];
    header.gso_type = bytes[1];
    std::memcpy(&header.header_length, bytes.data() + 2, 2);
    std::memcpy(&header.gso_size, bytes.data() + 4, 2);
    std::memcpy(&header.checksum_start, bytes.data() + 6, 2);
    std::memcpy(&header.checksum_offset, bytes.data() + 8, 2);
    return header;
}

void VirtioNetHeader::encode(std::span<std::uint8_t, kSize> bytes) const {
    bytes[0] = flags;
    bytes[1] = gso_type;
    std::memcpy(bytes.data() + 2, &header_length, 2);
    std::memcpy(bytes.data() + 4, &gso_size, 2);
    std::memcpy(bytes.data() + 6, &checksum_start, 2);
    std::memcpy(bytes.data() + 8, &checksum_offset, 2);
}

std::uint16_t ones_sum(std::span<const std::uint8_t> bytes) {
    // Sums native 64-bit words with end-around carry (four sums side by side, so the additions
    // do not wait on each other), folds, and swaps the result into big-endian order at the end:
    // a one's-complement sum does not depend on byte order (RFC 1071, 2.(B)), and 2^16 - 1
    // divides 2^64 - 1, so the 64-bit sum folds to the 16-bit one.
    const std::uint8_t* p = bytes.data();
    std::size_t n = bytes.size();
    std::array<std::uint64_t, 4> sums{};
    std::uint64_t carries = 0;
    for (; n >= 32; n -= 32, p += 32) {
        std::array<std::uint64_t, 4> words{};
        std::memcpy(words.data(), p, 32);
        for (std::size_t i = 0; i < 4; ++i) {
            carries += __builtin_add_overflow(sums[i], words[i], &sums[i]) ? 1 : 0;
        }
    }
    std::uint64_t sum = 0;
    for (const std::uint64_t part : sums) {
        carries += __builtin_add_overflow(sum, part, &sum) ? 1 : 0;
    }
    for (; n >= 8; n -= 8, p += 8) {
        std::uint64_t word = 0;
        std::memcpy(&word, p, 8);
        carries += __builtin_add_overflow(sum, word, &sum) ? 1 : 0;
    }
    if (n > 0) {
        std::uint64_t word = 0;
        std::memcpy(&word, p, n);  // the tail, padded with zeros after it
        carries += __builtin_add_overflow(sum, word, &sum) ? 1 : 0;
    }
    // Fold the carries back in, then 64 -> 32 -> 16 bits.
    while (carries != 0) {
        const bool more = __builtin_add_overflow(sum, carries, &sum);
        carries = more ? 1 : 0;
    }
    sum = (sum & 0xffffffffU) + (sum >> 32);
    sum = (sum & 0xffffffffU) + (sum >> 32);
    while ((sum >> 16) != 0) {
        sum = (sum & 0xffffU) + (sum >> 16);
    }
    auto folded = static_cast<std::uint16_t>(sum);
    if constexpr (std::endian::native == std::endian::little) {
        folded = static_cast<std::uint16_t>((folded >> 8) | (folded << 8));
    }
    return folded;
}

std::uint16_t add_sums(std::uint32_t a, std::uint32_t b) {
    std::uint32_t sum = a + b;
    while ((sum >> 16) != 0) {
        sum = (sum & 0xffffU) + (sum >> 16);
    }
    return static_cast<std::uint16_t>(sum);
}

std::uint16_t pseudo_header_sum(std::span<const std::uint8_t> ip_packet, std::uint8_t protocol,
                                std::size_t l4_length) {
    const bool v6 = (ip_packet[0] >> 4) == 6;
    const std::size_t at = v6 ? 8 : 12;
    const std::size_t size = v6 ? 32 : 8;  // source and destination
    std::uint32_t sum = ones_sum(ip_packet.subspan(at, size));
    sum += protocol;
    sum += static_cast<std::uint32_t>(l4_length >> 16);
    sum += static_cast<std::uint32_t>(l4_length & 0xffffU);
    return add_sums(sum, 0);
}

std::optional<SplitPlan> plan_split(const VirtioNetHeader& header,
                                    std::span<const std::uint8_t> packet, std::string* error) {
    const auto fail = [&](const char* why) -> std::optional<SplitPlan> {
        if (error != nullptr) {
            *error = why;
        }
        return std::nullopt;
    };
    if (packet.empty()) {
        return fail("empty packet");
    }
    const unsigned version = packet[0] >> 4U;
    if (version != 4 && version != 6) {
        return fail("not an IPv4 or IPv6 packet");
    }
    const bool v6 = version == 6;
    SplitPlan plan;
    const auto gso = static_cast<std::uint8_t>(header.gso_type & ~VirtioNetHeader::kGsoEcn);
    if (gso == VirtioNetHeader::kGsoNone) {
        plan.segments = 1;
        if ((header.flags & VirtioNetHeader::kNeedsChecksum) != 0) {
            plan.l4_offset = header.checksum_start;
            if (std::size_t{header.checksum_start} + header.checksum_offset + 2 > packet.size()) {
                return fail("checksum position past the end of the packet");
            }
        }
        plan.headers = packet.size();
        return plan;
    }
    if (gso == VirtioNetHeader::kGsoTcpV4 || gso == VirtioNetHeader::kGsoTcpV6) {
        plan.tcp = true;
        if (v6 != (gso == VirtioNetHeader::kGsoTcpV6)) {
            return fail("GSO type does not match the IP version");
        }
    } else if (gso != VirtioNetHeader::kGsoUdpL4) {
        return fail("unsupported GSO type");
    }
    const std::uint8_t protocol = plan.tcp ? kProtocolTcp : kProtocolUdp;
    const std::size_t l4 = header.checksum_start;
    if (v6) {
        if (packet.size() < kIpv6Header || l4 != kIpv6Header || packet[6] != protocol) {
            return fail("IPv6 GSO packet without its transport header right after the IP header");
        }
    } else {
        if (packet.size() < kIpv4Header || l4 != std::size_t{packet[0] & 0x0fU} * 4 ||
            l4 < kIpv4Header || packet[9] != protocol) {
            return fail("IPv4 GSO packet whose checksum start is not its transport header");
        }
    }
    if (packet.size() < l4 + (plan.tcp ? kTcpHeader : kUdpHeader)) {
        return fail("GSO packet shorter than its headers");
    }
    const std::size_t l4_header =
        plan.tcp ? std::size_t{static_cast<std::uint8_t>(packet[l4 + 12] >> 4U)} * 4 : kUdpHeader;
    if (l4_header < (plan.tcp ? kTcpHeader : kUdpHeader) || l4 + l4_header > packet.size()) {
        return fail("GSO packet with a bad TCP header length");
    }
    if (header.gso_size == 0) {
        return fail("GSO packet with a segment size of 0");
    }
    plan.l4_offset = l4;
    plan.headers = l4 + l4_header;
    plan.segment_payload = header.gso_size;
    const std::size_t payload = packet.size() - plan.headers;
    plan.segments = payload == 0 ? 1 : (payload + header.gso_size - 1) / header.gso_size;
    return plan;
}

std::size_t split_segment(const VirtioNetHeader& header, const SplitPlan& plan,
                          std::span<const std::uint8_t> packet, std::size_t index,
                          std::span<std::uint8_t> out) {
    if (plan.segment_payload == 0) {
        // Not segmented: the packet as it is, with its checksum completed if the kernel left
        // that to us (the field holds the pseudo-header sum).
        if (out.size() < packet.size()) {
            return 0;
        }
        std::copy(packet.begin(), packet.end(), out.begin());
        if ((header.flags & VirtioNetHeader::kNeedsChecksum) != 0) {
            const auto whole = out.first(packet.size());
            const std::size_t at = std::size_t{header.checksum_start} + header.checksum_offset;
            auto sum = static_cast<std::uint16_t>(~ones_sum(whole.subspan(header.checksum_start)));
            const bool v6 = (packet[0] >> 4U) == 6;
            const bool udp =
                v6 ? (header.checksum_start == kIpv6Header && packet[6] == kProtocolUdp)
                   : (packet.size() > 9 && packet[9] == kProtocolUdp);
            if (udp && sum == 0) {
                sum = 0xffff;
            }
            put16(whole, at, sum);
        }
        return packet.size();
    }
    const bool v6 = (packet[0] >> 4U) == 6;
    const std::size_t payload = packet.size() - plan.headers;
    const std::size_t start = index * plan.segment_payload;
    const std::size_t length = payload == 0 ? 0 : std::min(plan.segment_payload, payload - start);
    const std::size_t size = plan.headers + length;
    if (out.size() < size) {
        return 0;
    }
    std::copy_n(packet.begin(), plan.headers, out.begin());
    std::copy_n(packet.begin() + static_cast<std::ptrdiff_t>(plan.headers + start), length,
                out.begin() + static_cast<std::ptrdiff_t>(plan.headers));
    const auto segment = out.first(size);
    const std::size_t l4 = plan.l4_offset;
    if (v6) {
        put16(segment, 4, static_cast<std::uint32_t>(size - kIpv6Header));
    } else {
        put16(segment, 2, static_cast<std::uint32_t>(size));
        put16(segment, 4, (get16(packet, 4) + index) & 0xffffU);
        set_ipv4_checksum(segment, l4);
    }
    if (plan.tcp) {
        put32(segment, l4 + 4, get32(packet, l4 + 4) + static_cast<std::uint32_t>(start));
        if (index + 1 != plan.segments) {
            segment[l4 + 13] &= static_cast<std::uint8_t>(~(kTcpFin | kTcpPsh));
        }
        if (index != 0) {
            segment[l4 + 13] &= static_cast<std::uint8_t>(~kTcpCwr);
        }
    } else {
        put16(segment, l4 + 4, static_cast<std::uint32_t>(size - l4));
    }
    set_l4_checksum(segment, l4, plan.tcp);
    return size;
}

// ---------------------------------------------------------------------------------------------

const std::vector<Coalescer::Write>& Coalescer::plan(
    std::span<const std::span<const std::uint8_t>> packets) {
    constexpr std::size_t kMaxOpen = 16;  // flows followed at once
    packets_ = packets;
    info_.assign(packets.size(), Info{});
    writes_.clear();
    members_.clear();
    next_.assign(packets.size(), kNone);
    open_.clear();
    leads_.clear();
    for (std::size_t i = 0; i < packets.size(); ++i) {
        inspect(i);
        if (info_[i].candidate) {
            if (join_flow(i)) {
                continue;
            }
        } else {
            // Whatever this packet is, nothing after it may overtake it by joining an earlier
            // write.
            for (Open& group : open_) {
                group.closed = true;
            }
        }
        writes_.push_back(
            Write{0, 1, packets[i].size(), static_cast<std::uint16_t>(info_[i].payload)});
        leads_.push_back(i);
        if (info_[i].candidate) {
            std::erase_if(open_, [](const Open& group) { return group.closed; });
            if (open_.size() < kMaxOpen) {
                open_.push_back(Open{writes_.size() - 1, i, i, false});
            }
        }
    }
    for (std::size_t w = 0; w < writes_.size(); ++w) {
        writes_[w].first = members_.size();
        for (std::size_t i = leads_[w]; i != kNone; i = next_[i]) {
            members_.push_back(i);
        }
    }
    return writes_;
}

void Coalescer::inspect(std::size_t i) {
    // A TCP segment that carries data, ACK or ACK+PSH only, in a plain IP header.
    const auto p = packets_[i];
    Info& info = info_[i];
    if (p.size() >= kIpv4Header && (p[0] >> 4U) == 4) {
        info.l4_offset = kIpv4Header;
        info.candidate = p[0] == 0x45 && p[9] == kProtocolTcp && get16(p, 2) == p.size() &&
                         (get16(p, 6) & 0x3fffU) == 0;  // not a fragment
    } else if (p.size() >= kIpv6Header && (p[0] >> 4U) == 6) {
        info.v6 = true;
        info.l4_offset = kIpv6Header;
        info.candidate = p[6] == kProtocolTcp && get16(p, 4) + kIpv6Header == p.size();
    }
    const std::size_t l4 = info.l4_offset;
    if (!info.candidate || p.size() < l4 + kTcpHeader) {
        info.candidate = false;
        return;
    }
    info.headers = l4 + std::size_t{static_cast<std::uint8_t>(p[l4 + 12] >> 4U)} * 4;
    const std::uint8_t flags = p[l4 + 13];
    info.candidate = info.headers >= l4 + kTcpHeader && info.headers < p.size() &&
                     (flags == kTcpAck || flags == (kTcpAck | kTcpPsh));
    info.push = (flags & kTcpPsh) != 0;
    info.payload = p.size() - info.headers;
    info.seq = get32(p, l4 + 4);
}

bool Coalescer::join_flow(std::size_t i) {
    const Info& info = info_[i];
    const auto p = packets_[i];
    for (Open& group : open_) {
        if (group.closed) {
            continue;
        }
        const auto lead = packets_[group.lead];
        const bool same_flow =
            info_[group.lead].v6 == info.v6 &&
            (info.v6 ? same_bytes(lead, p, 8, 32) : same_bytes(lead, p, 12, 8)) &&
            same_bytes(lead, p, info.l4_offset, 4);
        if (!same_flow) {
            continue;
        }
        if (!can_join(group, i)) {
            group.closed = true;
            return false;
        }
        Write& write = writes_[group.write];
        ++write.count;
        write.bytes += info.payload;
        next_[group.last] = i;
        group.last = i;
        return true;
    }
    return false;
}

bool Coalescer::can_join(const Open& group, std::size_t packet) {
    const Write& write = writes_[group.write];
    const Info& lead = info_[group.lead];
    const Info& last = info_[group.last];
    const Info& next = info_[packet];
    if (write.count >= kMaxSegments || last.push || last.payload < write.segment_payload ||
        next.payload > write.segment_payload || write.bytes + next.payload > kMaxIpPacket ||
        next.headers != lead.headers ||
        next.seq != last.seq + static_cast<std::uint32_t>(last.payload)) {
        return false;
    }
    const auto a = packets_[group.lead];
    const auto b = packets_[packet];
    const std::size_t l4 = lead.l4_offset;
    // IP: everything but the lengths, the IPv4 id and checksum (addresses compared already).
    const bool ip_same = lead.v6 ? same_bytes(a, b, 0, 4) && same_bytes(a, b, 6, 2)
                                 : same_bytes(a, b, 0, 2) && same_bytes(a, b, 6, 4);
    // TCP: ports (compared already), ack, data offset, flags but PSH, window, options.
    const bool tcp_same = same_bytes(a, b, l4 + 8, 5) &&
                          (a[l4 + 13] | kTcpPsh) == (b[l4 + 13] | kTcpPsh) &&
                          same_bytes(a, b, l4 + 14, 2) &&
                          same_bytes(a, b, l4 + kTcpHeader, lead.headers - l4 - kTcpHeader);
    if (!ip_same || !tcp_same) {
        return false;
    }
    // The kernel will trust the checksum we hand it for the whole run: each part must be right.
    const auto valid = [&](std::size_t i) {
        Info& info = info_[i];
        if (!info.checksum_checked) {
            const auto p = packets_[i];
            info.checksum_checked = true;
            const auto sum = add_sums(pseudo_header_sum(p, kProtocolTcp, p.size() - info.l4_offset),
                                      ones_sum(p.subspan(info.l4_offset)));
            info.candidate = sum == 0xffff;
        }
        return info.candidate;
    };
    return valid(group.lead) && valid(packet);
}

std::size_t Coalescer::coalesced_headers(const Write& write, std::span<std::uint8_t> out,
                                         VirtioNetHeader& header) const {
    const std::size_t lead = members_[write.first];
    const std::size_t last = members_[write.first + write.count - 1];
    const Info& info = info_[lead];
    const std::size_t size = info.headers;
    const std::size_t l4 = info.l4_offset;
    std::copy_n(packets_[lead].begin(), size, out.begin());
    const auto headers = out.first(size);
    if (info.v6) {
        put16(headers, 4, static_cast<std::uint32_t>(write.bytes - kIpv6Header));
    } else {
        put16(headers, 2, static_cast<std::uint32_t>(write.bytes));
        set_ipv4_checksum(headers, l4);
    }
    if (info_[last].push) {
        headers[l4 + 13] |= kTcpPsh;
    }
    // The kernel completes the checksum (CHECKSUM_PARTIAL): it expects the pseudo-header's sum.
    put16(headers, l4 + kTcpChecksumAt, pseudo_header_sum(headers, kProtocolTcp, write.bytes - l4));
    header = VirtioNetHeader{};
    header.flags = VirtioNetHeader::kNeedsChecksum;
    header.gso_type = info.v6 ? VirtioNetHeader::kGsoTcpV6 : VirtioNetHeader::kGsoTcpV4;
    header.header_length = static_cast<std::uint16_t>(size);
    header.gso_size = write.segment_payload;
    header.checksum_start = static_cast<std::uint16_t>(l4);
    header.checksum_offset = kTcpChecksumAt;
    return size;
}

std::size_t udp_run_length(std::span<const OutgoingDatagram> datagrams, std::size_t first) {
    const auto& lead = datagrams[first];
    const std::size_t segment = lead.data.size();
    std::size_t count = 1;
    std::size_t bytes = segment;
    if (segment == 0) {
        return 1;
    }
    for (std::size_t i = first + 1; i < datagrams.size() && count < kMaxUdpSegments; ++i) {
        const auto& next = datagrams[i];
        if (!(next.to == lead.to) || next.data.size() > segment || next.data.empty() ||
            bytes + next.data.size() > kMaxUdpPayload) {
            break;
        }
        ++count;
        bytes += next.data.size();
        if (next.data.size() < segment) {
            break;  // a shorter datagram ends a run
        }
    }
    return count;
}

}  // namespace tulle::platform::offload

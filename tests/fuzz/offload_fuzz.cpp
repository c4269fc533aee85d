// The TUN offload arithmetic (platform/offload.hpp) on what a kernel or a peer could hand it.
//
// Mode 0: a virtio_net_hdr and a packet as a TUN read could bring them: planning and cutting never
// read or write out of bounds, and the segments carry the packet's payload, in order, whole.
// Mode 1: a batch of TCP segments as a peer could send them (built from the input, with right
// checksums unless the input says to spoil one): every packet is written exactly once, no write
// passes 64 segments or 64 KiB, and a coalesced write, cut again the way the kernel would, gives
// back its packets byte for byte (but for the IPv4 id and header checksum, which the kernel
// renumbers).
#include <algorithm>
#include <cstdint>
#include <set>
#include <span>
#include <vector>

#include "platform/offload.hpp"
#include "tests/fuzz/fuzz_input.hpp"

namespace {

using tulle::fuzz::check;
using tulle::fuzz::Input;
namespace offload = tulle::platform::offload;
using Bytes = std::vector<std::uint8_t>;

void put16(Bytes& b, std::size_t at, std::uint32_t v) {
    b[at] = static_cast<std::uint8_t>(v >> 8);
    b[at + 1] = static_cast<std::uint8_t>(v);
}

void split_read(Input& in) {
    const auto raw = in.array<offload::VirtioNetHeader::kSize>();
    const auto header = offload::VirtioNetHeader::decode(raw);
    const auto rest = in.take(70000);
    const Bytes packet(rest.begin(), rest.end());
    const auto plan = offload::plan_split(header, packet);
    if (!plan) {
        return;
    }
    check(plan->headers <= packet.size());
    Bytes out(packet.size() + 64);
    Bytes payload;
    const std::size_t segments = std::min<std::size_t>(plan->segments, 4096);
    for (std::size_t i = 0; i < segments; ++i) {
        const std::size_t size = offload::split_segment(header, *plan, packet, i, out);
        check(size <= out.size());
        if (plan->segment_payload != 0) {
            check(size >= plan->headers);
            payload.insert(payload.end(), out.begin() + static_cast<std::ptrdiff_t>(plan->headers),
                           out.begin() + static_cast<std::ptrdiff_t>(size));
        }
    }
    if (plan->segment_payload != 0 && segments == plan->segments) {
        check(std::equal(payload.begin(), payload.end(),
                         packet.begin() + static_cast<std::ptrdiff_t>(plan->headers),
                         packet.end()));
        check(payload.size() == packet.size() - plan->headers);
    }
}

// One TCP segment of a few flows, shaped by the input.
Bytes segment(Input& in, std::uint32_t& seq) {
    const std::uint8_t shape = in.byte();
    const bool v6 = (shape & 1U) != 0;
    const std::size_t ip = v6 ? 40 : 20;
    const std::size_t options = std::size_t{static_cast<std::uint8_t>(in.byte() % 3)} * 4;
    const std::size_t payload = in.number(2) % 1500;
    Bytes p(ip + 20 + options + payload);
    if (v6) {
        p[0] = 0x60;
        put16(p, 4, static_cast<std::uint32_t>(p.size() - 40));
        p[6] = 6;
        p[7] = 64;
        p[8] = 0xfd;
        p[39] = static_cast<std::uint8_t>(1 + ((shape >> 1U) & 1U));  // two destinations
    } else {
        p[0] = 0x45;
        put16(p, 2, static_cast<std::uint32_t>(p.size()));
        p[4] = in.byte();
        p[6] = (shape & 0x40U) != 0 ? 0x20 : 0x40;  // now and then "more fragments"
        p[8] = 64;
        p[9] = 6;
        p[12] = 10;
        p[19] = static_cast<std::uint8_t>(1 + ((shape >> 1U) & 1U));
        put16(p, 10, static_cast<std::uint16_t>(~offload::ones_sum(std::span(p).first(20))));
    }
    put16(p, ip, 40000 + ((shape >> 2U) & 1U));  // two source ports
    put16(p, ip + 2, 5201);
    // Mostly the next sequence number, sometimes a jump.
    if ((shape & 0x08U) != 0) {
        seq += static_cast<std::uint32_t>(in.number(2));
    }
    put16(p, ip + 4, seq >> 16);
    put16(p, ip + 6, seq & 0xffffU);
    seq += static_cast<std::uint32_t>(payload);
    p[ip + 12] = static_cast<std::uint8_t>(((20 + options) / 4) << 4);
    static constexpr std::uint8_t kFlags[] = {0x10, 0x10, 0x10, 0x18, 0x11, 0x02, 0x90, 0x04};
    p[ip + 13] = kFlags[(shape >> 4U) & 7U];
    put16(p, ip + 14, (shape & 0x80U) != 0 ? 501 : 502);
    const auto rest = in.take(options + payload);
    std::copy(rest.begin(), rest.end(), p.begin() + static_cast<std::ptrdiff_t>(ip + 20));
    const std::uint16_t sum = offload::add_sums(offload::pseudo_header_sum(p, 6, p.size() - ip),
                                                offload::ones_sum(std::span(p).subspan(ip)));
    put16(p, ip + 16, static_cast<std::uint16_t>(~sum));
    if ((in.byte() & 0x1fU) == 0 && p.size() > ip + 20) {
        p.back() ^= 0x5a;  // spoiled after the checksum
    }
    return p;
}

void coalesce_batch(Input& in) {
    std::vector<Bytes> packets;
    std::uint32_t seq = 1;
    while (!in.empty() && packets.size() < 160) {
        packets.push_back(segment(in, seq));
    }
    const std::vector<std::span<const std::uint8_t>> spans(packets.begin(), packets.end());
    offload::Coalescer coalescer;
    const auto& writes = coalescer.plan(spans);
    std::multiset<std::size_t> seen(coalescer.members().begin(), coalescer.members().end());
    check(seen.size() == packets.size());
    for (std::size_t i = 0; i < packets.size(); ++i) {
        check(seen.count(i) == 1);
    }
    for (const auto& write : writes) {
        check(write.count >= 1 && write.count <= offload::Coalescer::kMaxSegments);
        if (write.count == 1) {
            continue;
        }
        check(write.bytes <= 65535);
        Bytes joined(200);
        offload::VirtioNetHeader header;
        const std::size_t size = coalescer.coalesced_headers(write, joined, header);
        joined.resize(size);
        const auto members = std::span(coalescer.members()).subspan(write.first, write.count);
        for (const std::size_t m : members) {
            const auto& p = packets[m];
            joined.insert(joined.end(),
                          p.begin() + static_cast<std::ptrdiff_t>(coalescer.header_size(m)),
                          p.end());
        }
        check(joined.size() == write.bytes);
        const auto plan = offload::plan_split(header, joined);
        check(plan.has_value() && plan->segments == write.count);
        Bytes out(2000);
        for (std::size_t i = 0; i < write.count; ++i) {
            Bytes again(out.begin(),
                        out.begin() + static_cast<std::ptrdiff_t>(
                                          offload::split_segment(header, *plan, joined, i, out)));
            Bytes original = packets[members[i]];
            check(again.size() == original.size());
            if ((original[0] >> 4U) == 4) {
                for (const std::size_t at : {4U, 5U, 10U, 11U}) {
                    again[at] = original[at] = 0;
                }
            }
            check(again == original);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Input in({data, size});
    if ((in.byte() & 1U) == 0) {
        split_read(in);
    } else {
        coalesce_batch(in);
    }
    return 0;
}

// Segmenting (TUN reads with TSO/USO) and coalescing (TUN writes, GRO-style) of TCP/UDP packets,
// and the grouping of datagrams for UDP GSO. Checksums are checked against a plain RFC 1071
// computation written out here, not against the code under test.
#include "platform/offload.hpp"

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <random>
#include <span>
#include <vector>

#include <gtest/gtest.h>

namespace tulle::platform::offload {
namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr std::uint8_t kFin = 0x01;
constexpr std::uint8_t kPsh = 0x08;
constexpr std::uint8_t kAck = 0x10;
constexpr std::uint8_t kCwr = 0x80;

// ---- reference arithmetic (RFC 1071, word by word) --------------------------------------------

std::uint32_t reference_sum(std::span<const std::uint8_t> bytes, std::uint32_t sum = 0) {
    for (std::size_t i = 0; i < bytes.size(); i += 2) {
        const std::uint32_t high = bytes[i];
        const std::uint32_t low = i + 1 < bytes.size() ? bytes[i + 1] : 0;
        sum += (high << 8) | low;
    }
    while ((sum >> 16) != 0) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return sum;
}

std::uint16_t get16(std::span<const std::uint8_t> b, std::size_t at) {
    return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}
std::uint32_t get32(std::span<const std::uint8_t> b, std::size_t at) {
    return (std::uint32_t{get16(b, at)} << 16) | get16(b, at + 2);
}
void put16(Bytes& b, std::size_t at, std::uint32_t v) {
    b[at] = static_cast<std::uint8_t>(v >> 8);
    b[at + 1] = static_cast<std::uint8_t>(v);
}
void put32(Bytes& b, std::size_t at, std::uint32_t v) {
    put16(b, at, v >> 16);
    put16(b, at + 2, v & 0xffff);
}

bool is_v6(std::span<const std::uint8_t> p) {
    return (p[0] >> 4) == 6;
}
std::size_t l4_of(std::span<const std::uint8_t> p) {
    return is_v6(p) ? 40 : (p[0] & 0x0f) * 4U;
}

// The TCP/UDP checksum over pseudo-header and segment, as a receiver checks it: 0xffff when right.
std::uint32_t transport_sum(std::span<const std::uint8_t> p) {
    const std::size_t l4 = l4_of(p);
    std::uint32_t sum =
        is_v6(p) ? reference_sum(p.subspan(8, 32)) : reference_sum(p.subspan(12, 8));
    const std::uint8_t protocol = is_v6(p) ? p[6] : p[9];
    sum += protocol;
    sum += static_cast<std::uint32_t>(p.size() - l4);
    return reference_sum(p.subspan(l4), sum);
}
bool ipv4_header_valid(std::span<const std::uint8_t> p) {
    return reference_sum(p.first(l4_of(p))) == 0xffff;
}

// ---- packets ---------------------------------------------------------------------------------

Bytes payload_bytes(std::size_t size, std::uint32_t seed) {
    Bytes out(size);
    std::mt19937 random(seed);
    std::generate(out.begin(), out.end(), [&] { return static_cast<std::uint8_t>(random()); });
    return out;
}

struct TcpSpec {
    bool v6 = false;
    std::uint8_t flags = kAck;
    std::uint32_t seq = 1000;
    std::uint32_t ack = 777;
    std::uint16_t id = 0x1234;
    std::uint16_t window = 501;
    std::size_t options = 12;  // TCP options bytes (NOPs + a timestamp), a multiple of 4
    std::uint8_t last_address_byte = 2;
    std::uint16_t source_port = 40000;
};

// An IPv4/IPv6 TCP packet carrying `payload`, with right checksums.
Bytes tcp_packet(const TcpSpec& spec, std::span<const std::uint8_t> payload) {
    const std::size_t ip = spec.v6 ? 40 : 20;
    const std::size_t tcp = 20 + spec.options;
    Bytes p(ip + tcp + payload.size());
    if (spec.v6) {
        p[0] = 0x60;
        put16(p, 4, static_cast<std::uint32_t>(p.size() - 40));
        p[6] = 6;
        p[7] = 64;
        p[8] = 0xfd;
        p[23] = 1;
        p[24] = 0xfd;
        p[39] = spec.last_address_byte;
    } else {
        p[0] = 0x45;
        put16(p, 2, static_cast<std::uint32_t>(p.size()));
        put16(p, 4, spec.id);
        p[6] = 0x40;  // DF
        p[8] = 64;
        p[9] = 6;
        p[12] = 10;
        p[15] = 1;
        p[16] = 10;
        p[19] = spec.last_address_byte;
        put16(p, 10, ~reference_sum(std::span(p).first(20)) & 0xffff);
    }
    put16(p, ip, spec.source_port);
    put16(p, ip + 2, 5201);
    put32(p, ip + 4, spec.seq);
    put32(p, ip + 8, spec.ack);
    p[ip + 12] = static_cast<std::uint8_t>((tcp / 4) << 4);
    p[ip + 13] = spec.flags;
    put16(p, ip + 14, spec.window);
    for (std::size_t i = 0; i < spec.options; ++i) {
        p[ip + 20 + i] = i < 2 ? 1 : static_cast<std::uint8_t>(0x40 + i);  // NOP NOP, then bytes
    }
    std::copy(payload.begin(), payload.end(), p.begin() + static_cast<std::ptrdiff_t>(ip + tcp));
    put16(p, ip + 16, 0);
    put16(p, ip + 16, ~transport_sum(p) & 0xffff);
    return p;
}

// The kernel's form of a super-packet: checksum left partial (pseudo-header sum in the field).
Bytes as_partial(Bytes p, std::size_t checksum_at) {
    const std::size_t l4 = l4_of(p);
    std::uint32_t sum = is_v6(p) ? reference_sum(std::span(p).subspan(8, 32))
                                 : reference_sum(std::span(p).subspan(12, 8));
    sum += is_v6(p) ? p[6] : p[9];
    sum += static_cast<std::uint32_t>(p.size() - l4);
    put16(p, l4 + checksum_at, reference_sum({}, sum));
    return p;
}

VirtioNetHeader tso_header(const Bytes& p, std::uint16_t gso_size) {
    VirtioNetHeader h;
    h.flags = VirtioNetHeader::kNeedsChecksum;
    h.gso_type = is_v6(p) ? VirtioNetHeader::kGsoTcpV6 : VirtioNetHeader::kGsoTcpV4;
    h.checksum_start = static_cast<std::uint16_t>(l4_of(p));
    h.checksum_offset = 16;
    h.header_length = static_cast<std::uint16_t>(l4_of(p) + (p[l4_of(p) + 12] >> 4) * 4U);
    h.gso_size = gso_size;
    return h;
}

std::vector<Bytes> split_all(const VirtioNetHeader& h, const Bytes& packet) {
    std::string error;
    const auto plan = plan_split(h, packet, &error);
    EXPECT_TRUE(plan) << error;
    std::vector<Bytes> out;
    if (!plan) {
        return out;
    }
    for (std::size_t i = 0; i < plan->segments; ++i) {
        Bytes segment(2000 + packet.size());
        const std::size_t size = split_segment(h, *plan, packet, i, segment);
        EXPECT_NE(size, 0U);
        segment.resize(size);
        out.push_back(std::move(segment));
    }
    return out;
}

// ---- checksums -------------------------------------------------------------------------------

TEST(Checksum, Rfc1071Example) {
    // RFC 1071, 3: the words 0001 f203 f4f5 f6f7 sum to ddf2.
    const Bytes words{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    EXPECT_EQ(ones_sum(words), 0xddf2);
}

TEST(Checksum, Ipv4HeaderExample) {
    // A commonly cited IPv4 header (192.168.0.1 -> 192.168.0.199, UDP) whose checksum is b861.
    const Bytes header{0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                       0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    EXPECT_EQ(static_cast<std::uint16_t>(~ones_sum(header)), 0xb861);
}

TEST(Checksum, MatchesTheWordByWordSumForEveryLengthAndAlignment) {
    Bytes data = payload_bytes(70000, 7);
    for (std::size_t length : {0U, 1U, 2U, 3U, 5U, 7U, 8U, 9U, 31U, 32U, 33U, 40U, 63U, 64U, 65U,
                               1399U, 1400U, 65535U}) {
        for (std::size_t offset : {0U, 2U, 4U, 6U}) {  // even offsets, as in packets
            const auto bytes = std::span(data).subspan(offset, length);
            EXPECT_EQ(ones_sum(bytes), reference_sum(bytes)) << length << " at " << offset;
        }
    }
    // Every word 0xffff: the sums' carries go all the way round.
    std::fill(data.begin(), data.end(), 0xff);
    for (std::size_t length : {8U, 32U, 64U, 65534U, 65535U}) {
        const auto bytes = std::span(data).first(length);
        EXPECT_EQ(ones_sum(bytes), reference_sum(bytes)) << length;
    }
}

// ---- splitting -------------------------------------------------------------------------------

void expect_segments(const Bytes& super, const std::vector<Bytes>& segments, std::size_t gso,
                     const TcpSpec& spec) {
    const std::size_t l4 = l4_of(super);
    const std::size_t headers = l4 + 20 + spec.options;
    const std::size_t payload = super.size() - headers;
    ASSERT_EQ(segments.size(), (payload + gso - 1) / gso);
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const auto& s = segments[i];
        const bool last = i + 1 == segments.size();
        const std::size_t length = last ? payload - i * gso : gso;
        SCOPED_TRACE("segment " + std::to_string(i));
        ASSERT_EQ(s.size(), headers + length);
        if (spec.v6) {
            EXPECT_EQ(get16(s, 4), s.size() - 40);
        } else {
            EXPECT_EQ(get16(s, 2), s.size());
            EXPECT_EQ(get16(s, 4), static_cast<std::uint16_t>(spec.id + i));
            EXPECT_TRUE(ipv4_header_valid(s));
        }
        EXPECT_EQ(get32(s, l4 + 4), static_cast<std::uint32_t>(spec.seq + i * gso));
        EXPECT_EQ(get32(s, l4 + 8), spec.ack);
        const std::uint8_t flags = s[l4 + 13];
        EXPECT_EQ((flags & (kFin | kPsh)) != 0, last && (spec.flags & (kFin | kPsh)) != 0);
        EXPECT_EQ((flags & kCwr) != 0, i == 0 && (spec.flags & kCwr) != 0);
        EXPECT_EQ(transport_sum(s), 0xffffU);
        // Options travel with every segment; the payload is the right slice.
        EXPECT_TRUE(std::equal(s.begin() + static_cast<std::ptrdiff_t>(l4 + 20),
                               s.begin() + static_cast<std::ptrdiff_t>(headers),
                               super.begin() + static_cast<std::ptrdiff_t>(l4 + 20)));
        EXPECT_TRUE(std::equal(s.begin() + static_cast<std::ptrdiff_t>(headers), s.end(),
                               super.begin() + static_cast<std::ptrdiff_t>(headers + i * gso)));
    }
}

TEST(Split, TcpOverIpv4WithOptionsOddSizesAndAShortLastSegment) {
    TcpSpec spec;
    spec.flags = kAck | kPsh | kFin;
    const Bytes payload = payload_bytes(5001, 1);
    const Bytes super = as_partial(tcp_packet(spec, payload), 16);
    const auto segments = split_all(tso_header(super, 1368), super);
    expect_segments(super, segments, 1368, spec);
}

TEST(Split, TcpOverIpv6CwrOnlyOnTheFirstPshOnlyOnTheLast) {
    TcpSpec spec;
    spec.v6 = true;
    spec.flags = kAck | kPsh | kCwr;
    spec.options = 0;
    spec.seq = 0xffffff00;  // the sequence number wraps within the packet
    const Bytes payload = payload_bytes(64000, 2);
    const Bytes super = as_partial(tcp_packet(spec, payload), 16);
    const auto segments = split_all(tso_header(super, 1440), super);
    expect_segments(super, segments, 1440, spec);
    EXPECT_EQ(segments.size(), 45U);
}

TEST(Split, PayloadThatIsAMultipleOfTheSegmentSizeAndTheIpv4IdWraps) {
    TcpSpec spec;
    spec.id = 0xffff;
    const Bytes super = as_partial(tcp_packet(spec, payload_bytes(3 * 1000, 3)), 16);
    const auto segments = split_all(tso_header(super, 1000), super);
    expect_segments(super, segments, 1000, spec);
    ASSERT_EQ(segments.size(), 3U);
    EXPECT_EQ(get16(segments[1], 4), 0);
}

TEST(Split, UdpSegmentationSetsLengthAndChecksumOfEachDatagram) {
    Bytes p(20 + 8 + 2500);
    p[0] = 0x45;
    put16(p, 2, static_cast<std::uint32_t>(p.size()));
    p[8] = 64;
    p[9] = 17;
    p[12] = 10;
    p[19] = 9;
    const Bytes data = payload_bytes(2500, 4);
    std::copy(data.begin(), data.end(), p.begin() + 28);
    p = as_partial(p, 6);
    VirtioNetHeader h;
    h.flags = VirtioNetHeader::kNeedsChecksum;
    h.gso_type = VirtioNetHeader::kGsoUdpL4;
    h.checksum_start = 20;
    h.checksum_offset = 6;
    h.gso_size = 1000;
    const auto segments = split_all(h, p);
    ASSERT_EQ(segments.size(), 3U);
    for (std::size_t i = 0; i < 3; ++i) {
        const auto& s = segments[i];
        EXPECT_EQ(s.size(), 28U + (i == 2 ? 500U : 1000U));
        EXPECT_EQ(get16(s, 24), s.size() - 20);
        EXPECT_TRUE(ipv4_header_valid(s));
        EXPECT_EQ(transport_sum(s), 0xffffU);
        EXPECT_NE(get16(s, 26), 0);  // 0 would mean "no checksum"
    }
}

TEST(Split, APacketWithOnlyAPartialChecksumIsCompleted) {
    TcpSpec spec;
    const Bytes whole = tcp_packet(spec, payload_bytes(100, 5));
    const Bytes partial = as_partial(whole, 16);
    ASSERT_NE(partial, whole);
    VirtioNetHeader h;
    h.flags = VirtioNetHeader::kNeedsChecksum;
    h.checksum_start = 20;
    h.checksum_offset = 16;
    const auto out = split_all(h, partial);
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0], whole);
    // Without the flag, the packet passes as it is.
    EXPECT_EQ(split_all(VirtioNetHeader{}, whole), std::vector<Bytes>{whole});
}

TEST(Split, HeadersThatDoNotFitThePacketAreRefusedWithAReason) {
    TcpSpec spec;
    const Bytes p = as_partial(tcp_packet(spec, payload_bytes(3000, 6)), 16);
    std::string error;
    auto h = tso_header(p, 0);
    EXPECT_FALSE(plan_split(h, p, &error));
    EXPECT_NE(error.find("segment size"), std::string::npos) << error;
    h = tso_header(p, 1000);
    h.gso_type = VirtioNetHeader::kGsoTcpV6;
    EXPECT_FALSE(plan_split(h, p, &error));
    h = tso_header(p, 1000);
    h.checksum_start = 24;
    EXPECT_FALSE(plan_split(h, p, &error));
    h = tso_header(p, 1000);
    EXPECT_FALSE(plan_split(h, std::span(p).first(30), &error));
    h.gso_type = 3;  // UFO: never negotiated
    EXPECT_FALSE(plan_split(h, p, &error));
    VirtioNetHeader none;
    none.flags = VirtioNetHeader::kNeedsChecksum;
    none.checksum_start = 20;
    none.checksum_offset = static_cast<std::uint16_t>(p.size());
    EXPECT_FALSE(plan_split(none, p, &error));
    // A buffer too small for a segment gets nothing.
    const auto plan = plan_split(tso_header(p, 1000), p);
    ASSERT_TRUE(plan);
    Bytes small(500);
    EXPECT_EQ(split_segment(tso_header(p, 1000), *plan, p, 0, small), 0U);
}

// ---- coalescing ------------------------------------------------------------------------------

using Spans = std::vector<std::span<const std::uint8_t>>;

Spans spans_of(const std::vector<Bytes>& packets) {
    return {packets.begin(), packets.end()};
}

// What the kernel receives for write w: the packet, or the coalesced packet cut up again as it
// would be (through the same splitting, checked against the reference above).
std::vector<Bytes> kernel_view(Coalescer& coalescer, const Coalescer::Write& write,
                               const Spans& packets) {
    const auto members = std::span(coalescer.members()).subspan(write.first, write.count);
    if (write.count == 1) {
        return {Bytes(packets[members[0]].begin(), packets[members[0]].end())};
    }
    Bytes joined(200);
    VirtioNetHeader h;
    const std::size_t headers = coalescer.coalesced_headers(write, joined, h);
    joined.resize(headers);
    for (const std::size_t m : members) {
        const auto p = packets[m];
        joined.insert(joined.end(),
                      p.begin() + static_cast<std::ptrdiff_t>(coalescer.header_size(m)), p.end());
    }
    EXPECT_EQ(joined.size(), write.bytes);
    EXPECT_EQ(h.flags, VirtioNetHeader::kNeedsChecksum);
    EXPECT_EQ(h.gso_size, write.segment_payload);
    EXPECT_EQ(h.checksum_start, l4_of(joined));
    // The field holds the pseudo-header sum, which the kernel completes.
    EXPECT_EQ(get16(joined, l4_of(joined) + 16), get16(as_partial(joined, 16), l4_of(joined) + 16));
    if (!is_v6(joined)) {
        EXPECT_TRUE(ipv4_header_valid(joined));
    }
    return split_all(h, joined);
}

void expect_round_trip(bool v6) {
    TcpSpec spec;
    spec.v6 = v6;
    spec.flags = kAck | kPsh;
    const Bytes super = as_partial(tcp_packet(spec, payload_bytes(20000, 8)), 16);
    const auto segments = split_all(tso_header(super, 1368), super);
    ASSERT_EQ(segments.size(), 15U);
    const Spans packets = spans_of(segments);
    Coalescer coalescer;
    const auto writes = coalescer.plan(packets);
    ASSERT_EQ(writes.size(), 1U);
    EXPECT_EQ(writes[0].count, 15U);
    EXPECT_EQ(writes[0].segment_payload, 1368);
    EXPECT_EQ(kernel_view(coalescer, writes[0], packets), segments);
}

TEST(Coalesce, ARunOfIpv4SegmentsIsOneWriteThatSplitsBackIntoTheSameSegments) {
    expect_round_trip(false);
}

TEST(Coalesce, ARunOfIpv6SegmentsIsOneWriteThatSplitsBackIntoTheSameSegments) {
    expect_round_trip(true);
}

// Writes as lists of packet indices.
std::vector<std::vector<std::size_t>> groups(Coalescer& coalescer, const Spans& packets) {
    std::vector<std::vector<std::size_t>> out;
    for (const auto& w : coalescer.plan(packets)) {
        const auto m = std::span(coalescer.members()).subspan(w.first, w.count);
        out.emplace_back(m.begin(), m.end());
    }
    return out;
}

std::vector<Bytes> stream(TcpSpec spec, std::size_t count, std::size_t size) {
    std::vector<Bytes> out;
    for (std::size_t i = 0; i < count; ++i) {
        out.push_back(tcp_packet(spec, payload_bytes(size, static_cast<std::uint32_t>(i))));
        spec.seq += static_cast<std::uint32_t>(size);
        ++spec.id;
    }
    return out;
}

using Groups = std::vector<std::vector<std::size_t>>;

TEST(Coalesce, PacketsThatAreNotPlainDataSegmentsGoAloneAndInOrder) {
    TcpSpec spec;
    auto packets = stream(spec, 6, 1000);
    TcpSpec syn = spec;
    syn.flags = 0x02;
    packets[1] = tcp_packet(syn, payload_bytes(0, 0));
    TcpSpec pure_ack = spec;
    pure_ack.seq += 2000;
    packets[2] = tcp_packet(pure_ack, {});
    packets[4][6] |= 0x20;  // IPv4 "more fragments"
    Coalescer coalescer;
    // Nothing after a packet that goes alone joins a write before it.
    EXPECT_EQ(groups(coalescer, spans_of(packets)), (Groups{{0}, {1}, {2}, {3}, {4}, {5}}));
}

TEST(Coalesce, ASegmentWithABadChecksumIsNeverJoined) {
    auto packets = stream(TcpSpec{}, 4, 1000);
    packets[2][100] ^= 0x01;  // payload changed after the checksum was made
    Coalescer coalescer;
    EXPECT_EQ(groups(coalescer, spans_of(packets)), (Groups{{0, 1}, {2}, {3}}));
    packets = stream(TcpSpec{}, 3, 1000);
    packets[0][100] ^= 0x01;  // the run's first
    EXPECT_EQ(groups(coalescer, spans_of(packets)), (Groups{{0}, {1, 2}}));
}

// Packet i of a stream of 1000-byte segments, changed by `change` (applied to the spec of it).
template <typename Change>
Bytes segment_of(std::size_t i, Change change, std::size_t size = 1000) {
    TcpSpec spec;
    spec.seq += static_cast<std::uint32_t>(i * 1000);
    change(spec);
    return tcp_packet(spec, payload_bytes(size, static_cast<std::uint32_t>(i)));
}
Bytes segment_of(std::size_t i) {
    return segment_of(i, [](TcpSpec&) {});
}

TEST(Coalesce, PshAndAShortSegmentEndARun) {
    const auto push = [](TcpSpec& s) { s.flags = kAck | kPsh; };
    const std::vector<Bytes> packets{segment_of(0),
                                     segment_of(1, push),
                                     segment_of(2),
                                     segment_of(
                                         3, [](TcpSpec&) {}, 999),
                                     segment_of(4, [](TcpSpec& s) { s.seq -= 1; }),
                                     segment_of(5, [](TcpSpec& s) { s.seq -= 1; })};
    Coalescer coalescer;
    EXPECT_EQ(groups(coalescer, spans_of(packets)), (Groups{{0, 1}, {2, 3}, {4, 5}}));
    // The PSH of a run's last segment is on the coalesced packet.
    const Spans spans = spans_of(packets);
    const auto writes = coalescer.plan(spans);
    Bytes headers(200);
    VirtioNetHeader h;
    (void)coalescer.coalesced_headers(writes[0], headers, h);
    EXPECT_NE(headers[20 + 13] & kPsh, 0);
    (void)coalescer.coalesced_headers(writes[1], headers, h);
    EXPECT_EQ(headers[20 + 13] & kPsh, 0);
}

TEST(Coalesce, AGapInSequenceOrADifferentAckWindowOrOptionStartsANewRun) {
    const auto gap = [](TcpSpec& s) { s.seq += 1; };
    const auto ack = [](TcpSpec& s) { s.ack += 1; };
    const auto window = [](TcpSpec& s) {
        s.ack += 1;
        s.window += 1;
    };
    std::vector<Bytes> packets{segment_of(0),         segment_of(1, gap),   segment_of(2),
                               segment_of(3, ack),    segment_of(4, ack),   segment_of(5, window),
                               segment_of(6, window), segment_of(7, window)};
    // A different timestamp in the last one (re-checksummed).
    Bytes& last = packets[7];
    last[20 + 20 + 5] ^= 1;
    put16(last, 36, 0);
    put16(last, 36, ~transport_sum(last) & 0xffff);
    Coalescer coalescer;
    EXPECT_EQ(groups(coalescer, spans_of(packets)), (Groups{{0}, {1}, {2}, {3, 4}, {5, 6}, {7}}));
}

TEST(Coalesce, InterleavedFlowsEachMakeTheirOwnRun) {
    TcpSpec a;
    TcpSpec b;
    b.source_port = 40001;
    TcpSpec c;
    c.last_address_byte = 3;
    const auto flow_a = stream(a, 3, 1000);
    const auto flow_b = stream(b, 3, 1000);
    const auto flow_c = stream(c, 2, 1000);
    const std::vector<Bytes> packets{flow_a[0], flow_b[0], flow_a[1], flow_c[0],
                                     flow_b[1], flow_a[2], flow_c[1], flow_b[2]};
    Coalescer coalescer;
    EXPECT_EQ(groups(coalescer, spans_of(packets)), (Groups{{0, 2, 5}, {1, 4, 7}, {3, 6}}));
}

TEST(Coalesce, ARunStopsAt64SegmentsAnd64KiB) {
    Coalescer coalescer;
    auto packets = stream(TcpSpec{}, 70, 100);
    auto g = groups(coalescer, spans_of(packets));
    ASSERT_EQ(g.size(), 2U);
    EXPECT_EQ(g[0].size(), 64U);
    packets = stream(TcpSpec{}, 50, 1400);  // headers of 52 bytes, 50 * 1400 payload > 65535
    g = groups(coalescer, spans_of(packets));
    ASSERT_EQ(g.size(), 2U);
    EXPECT_EQ(g[0].size(), 46U);  // 52 + 46 * 1400 <= 65535 < 52 + 47 * 1400
    const Spans spans = spans_of(packets);
    for (const auto& w : coalescer.plan(spans)) {
        EXPECT_LE(w.bytes, 65535U);
    }
}

// ---- UDP GSO runs ----------------------------------------------------------------------------

TEST(UdpRuns, EqualDatagramsToOneAddressGoTogetherAndAShorterOneEndsTheRun) {
    const value::SocketAddress a{value::IpAddress::v4({10, 0, 0, 2}), 51820};
    const value::SocketAddress b{value::IpAddress::v4({10, 0, 0, 3}), 51820};
    const Bytes big(1452);
    const Bytes small(600);
    const Bytes bigger(1500);
    const std::vector<OutgoingDatagram> datagrams{{a, big},   {a, big},  {a, small},  {a, big},
                                                  {b, big},   {b, big},  {b, bigger}, {a, big},
                                                  {a, small}, {a, small}};
    std::vector<std::size_t> runs;
    for (std::size_t i = 0; i < datagrams.size(); i += runs.back()) {
        runs.push_back(udp_run_length(datagrams, i));
    }
    EXPECT_EQ(runs, (std::vector<std::size_t>{3, 1, 2, 1, 2, 1}));
}

TEST(UdpRuns, ARunHoldsAtMost64DatagramsAnd65507Bytes) {
    const value::SocketAddress a{value::IpAddress::v4({10, 0, 0, 2}), 51820};
    const Bytes tiny(32);
    const Bytes big(1452);
    EXPECT_EQ(udp_run_length(std::vector<OutgoingDatagram>(100, {a, tiny}), 0), 64U);
    EXPECT_EQ(udp_run_length(std::vector<OutgoingDatagram>(60, {a, big}), 0), 45U);  // 45 * 1452
}

}  // namespace
}  // namespace tulle::platform::offload

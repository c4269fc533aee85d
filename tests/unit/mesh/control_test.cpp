#include "mesh/control.hpp"

#include <iostream>
#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "tests/unit/mesh/mesh_samples.hpp"

namespace tulle::mesh {
namespace {

using testing::ip;
using testing::SampleNetwork;
using testing::socket;

// One message of every type, every field away from its default.
std::vector<ControlMessage> samples(const SampleNetwork& net) {
    const Certificate alice = net.member("alice", ip("10.88.0.2"), 7);
    const Certificate lighthouse = net.member("lh", ip("10.88.0.1"), 1, kRoleLighthouse);
    const std::vector<value::SocketAddress> candidates{socket("192.168.1.20:40000"),
                                                       socket("[2001:db8::20]:40000")};
    Redeem redeem;
    redeem.invite = InviteId{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    redeem.member_key = alice.public_key;
    redeem.name = "alice";
    Members members{.version = 9, .page = 0, .pages = 2, .entries = {}};
    members.entries.push_back(MemberEntry{.certificate = alice,
                                          .online = true,
                                          .last_seen = 1'700'000'000,
                                          .observed = socket("198.51.100.7:41000")});
    members.entries.push_back(
        MemberEntry{.certificate = lighthouse, .online = false, .last_seen = 0, .observed = {}});
    Revocations revocations{.version = 3, .page = 1, .pages = 2, .entries = {}};
    revocations.entries.push_back(net.revocation(alice));
    revocations.entries.push_back(net.revocation(lighthouse, 1'900'000'000));
    return {
        redeem,
        Redeemed{.member = alice, .lighthouse = lighthouse},
        Register{.seq = 41, .candidates = candidates, .caps = 0x5},
        RegisterAck{.seq = 41,
                    .observed = socket("[2001:db8::99]:1234"),
                    .ttl = 75,
                    .members_version = 12,
                    .revocations_version = 2},
        Query{.address = ip("10.88.0.9")},
        PeerInfo{.certificate = alice,
                 .observed = socket("198.51.100.7:41000"),
                 .candidates = candidates,
                 .online = true},
        NotFound{.address = ip("fd00::9")},
        MembersRequest{.page = 3},
        members,
        RevocationsRequest{.page = 1},
        revocations,
        Revoked{.revocation = net.revocation(alice)},
        ControlError{.code = ControlErrorCode::name_taken, .message = "the name alice is taken"},
        RelayOffer{.peer = alice.public_key,
                   .channel = 0xA1B2C3D4U,
                   .token = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
                   .expires = 1'900'000'000},
    };
}

TEST(Control, EveryTypeRoundTrips) {
    const SampleNetwork net;
    const auto messages = samples(net);
    ASSERT_EQ(messages.size(), std::variant_size_v<ControlMessage>);
    for (std::size_t i = 0; i < messages.size(); ++i) {
        EXPECT_EQ(messages[i].index(), i);  // one of each
        const auto bytes = encode_control(messages[i]);
        EXPECT_LE(bytes.size(), kMaxControlMessage);
        auto decoded = decode_control(bytes);
        ASSERT_TRUE(decoded) << control_name(messages[i]) << ": " << decoded.error();
        EXPECT_EQ(decoded->index(), i);
        // Every field is written, so a field lost or changed on the way shows in the bytes.
        EXPECT_EQ(encode_control(*decoded), bytes) << control_name(messages[i]);
    }
}

TEST(Control, FieldsComeBackAsTheyWere) {
    const SampleNetwork net;
    const auto messages = samples(net);
    const auto peer = decode_control(encode_control(messages[5]));
    ASSERT_TRUE(peer);
    const auto& info = std::get<PeerInfo>(*peer);
    EXPECT_EQ(info.certificate, std::get<PeerInfo>(messages[5]).certificate);
    EXPECT_EQ(info.observed, socket("198.51.100.7:41000"));
    EXPECT_EQ(info.candidates.at(1), socket("[2001:db8::20]:40000"));
    EXPECT_TRUE(info.online);
    const auto ack = decode_control(encode_control(messages[3]));
    ASSERT_TRUE(ack);
    EXPECT_EQ(std::get<RegisterAck>(*ack).observed, socket("[2001:db8::99]:1234"));
    EXPECT_EQ(std::get<RegisterAck>(*ack).members_version, 12U);
    const auto error = decode_control(encode_control(messages[12]));
    ASSERT_TRUE(error);
    EXPECT_EQ(std::get<ControlError>(*error).code, ControlErrorCode::name_taken);
    EXPECT_EQ(std::get<ControlError>(*error).message, "the name alice is taken");
    EXPECT_EQ(control_name(messages[2]), "register");
    EXPECT_EQ(control_name(messages[5]), "peer-info");
}

TEST(Control, EveryTruncationIsRefused) {
    const SampleNetwork net;
    for (const auto& message : samples(net)) {
        const auto bytes = encode_control(message);
        for (std::size_t size = 0; size < bytes.size(); ++size) {
            const auto decoded = decode_control(std::span(bytes).first(size));
            EXPECT_FALSE(decoded) << control_name(message) << " cut to " << size << " bytes";
        }
    }
}

TEST(Control, LeftoverBytesAreRefused) {
    const SampleNetwork net;
    for (const auto& message : samples(net)) {
        auto bytes = encode_control(message);
        bytes.push_back(0);
        const auto decoded = decode_control(bytes);
        ASSERT_FALSE(decoded) << control_name(message);
        EXPECT_NE(decoded.error().find("1 bytes after the end of the message"), std::string::npos)
            << decoded.error();
    }
}

TEST(Control, UnknownTypesAndMagicAreRefused) {
    auto bytes = encode_control(MembersRequest{.page = 1});
    // Types are the variant's index + 1: the one after the last is the first unknown.
    const auto first_unknown = static_cast<std::uint8_t>(std::variant_size_v<ControlMessage> + 1);
    for (const std::uint8_t type : {std::uint8_t{0}, first_unknown, std::uint8_t{255}}) {
        bytes[4] = type;
        const auto decoded = decode_control(bytes);
        ASSERT_FALSE(decoded);
        EXPECT_EQ(decoded.error(), "unknown control message type " + std::to_string(type));
    }
    bytes = encode_control(MembersRequest{.page = 1});
    bytes[3] = '2';
    EXPECT_FALSE(decode_control(bytes));
}

TEST(Control, AMessageOverTheLimitIsRefused) {
    std::vector<std::uint8_t> bytes = encode_control(MembersRequest{.page = 1});
    bytes.resize(kMaxControlMessage + 1);
    const auto decoded = decode_control(bytes);
    ASSERT_FALSE(decoded);
    EXPECT_NE(decoded.error().find("1201 bytes, more than 1200"), std::string::npos);
}

TEST(Control, TooManyCandidatesAreRefused) {
    Register reg{.seq = 1, .candidates = {}, .caps = 0};
    for (int i = 0; i < static_cast<int>(kMaxCandidates); ++i) {
        reg.candidates.push_back(socket("192.0.2.1:" + std::to_string(1000 + i)));
    }
    auto bytes = encode_control(reg);
    ASSERT_TRUE(decode_control(bytes));
    // One more: count 9, and a ninth address before the caps.
    bytes[5 + 8] = kMaxCandidates + 1;
    const std::vector<std::uint8_t> extra{4, 192, 0, 2, 9, 0x13, 0x88};
    bytes.insert(bytes.end() - 4, extra.begin(), extra.end());
    const auto decoded = decode_control(bytes);
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error(), "register message: candidates: 9 of them, more than 8");
}

TEST(Control, TooManyPageEntriesAreRefused) {
    const SampleNetwork net;
    // Small certificates, so that one entry too many still fits in a datagram.
    Members members{.version = 1, .page = 0, .pages = 1, .entries = {}};
    for (std::size_t i = 0; i <= members_per_page(); ++i) {
        members.entries.push_back(
            MemberEntry{.certificate = net.member("m" + std::to_string(i), ip("10.0.0.1")),
                        .online = false,
                        .last_seen = 0,
                        .observed = {}});
    }
    const auto bytes = encode_control(members);
    ASSERT_LE(bytes.size(), kMaxControlMessage);
    const auto decoded = decode_control(bytes);
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error(),
              "members message: members: " + std::to_string(members_per_page() + 1) +
                  " on one page, more than " + std::to_string(members_per_page()));

    Revocations revocations{.version = 1, .page = 0, .pages = 1, .entries = {}};
    const Certificate c = net.member("gone", ip("10.0.0.2"));
    revocations.entries.assign(revocations_per_page() + 1, net.revocation(c));
    const auto too_many = encode_control(revocations);
    if (too_many.size() <= kMaxControlMessage) {
        EXPECT_FALSE(decode_control(too_many));
    }
    revocations.entries.pop_back();
    EXPECT_TRUE(decode_control(encode_control(revocations)));
}

// A page of `per_page` copies of `entry` fits in a datagram and decodes; one more would not fit.
template <typename Page, typename Entry>
void expect_full_page(Page page, const Entry& entry, std::size_t per_page) {
    page.entries.assign(per_page, entry);
    const auto bytes = encode_control(page);
    EXPECT_LE(bytes.size(), kMaxControlMessage);
    EXPECT_TRUE(decode_control(bytes));
    page.entries.push_back(entry);
    EXPECT_GT(encode_control(page).size(), kMaxControlMessage);
}

TEST(Control, AFullPageOfTheLargestCertificatesFits) {
    const SampleNetwork net;
    const Certificate largest = net.largest();
    ASSERT_EQ(largest.name.size(), kMaxMemberName);
    ASSERT_EQ(largest.addresses.size(), kMaxCertificateAddresses);
    const MemberEntry entry{.certificate = largest,
                            .online = true,
                            .last_seen = 0x7fff'ffff'ffff'ffffLL,
                            .observed = socket("[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535")};
    expect_full_page(Members{.version = ~0ULL, .page = ~0U, .pages = ~0U, .entries = {}}, entry,
                     members_per_page());
    expect_full_page(Revocations{.version = ~0ULL, .page = ~0U, .pages = ~0U, .entries = {}},
                     net.revocation(largest, 0x7fff'ffff'ffff'ffffLL), revocations_per_page());
    std::cout << "per page: " << members_per_page() << " members, " << revocations_per_page()
              << " revocations\n";
}

TEST(Control, BadFieldsAreNamed) {
    const SampleNetwork net;
    const Certificate alice = net.member("alice", ip("10.88.0.2"));
    auto bytes = encode_control(PeerInfo{
        .certificate = alice, .observed = socket("192.0.2.1:1"), .candidates = {}, .online = true});
    bytes.back() = 2;  // the online flag
    auto decoded = decode_control(bytes);
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error(), "peer-info message: online: 2, not 0 or 1");

    bytes = encode_control(Query{.address = ip("10.0.0.1")});
    bytes[5] = 5;  // the address family
    decoded = decode_control(bytes);
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error(), "query message: address: unknown address family 5");

    bytes = encode_control(ControlError{.code = ControlErrorCode::malformed, .message = "x"});
    bytes[6] = 99;  // the code's low byte
    decoded = decode_control(bytes);
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error(), "error message: code: unknown error code 99");

    bytes = encode_control(Redeemed{.member = alice, .lighthouse = alice});
    bytes[5] = 0;  // the member certificate's length: 3 bytes, too short for one
    bytes[6] = 3;
    decoded = decode_control(bytes);
    ASSERT_FALSE(decoded);
    EXPECT_NE(decoded.error().find("redeemed message: member certificate: "), std::string::npos)
        << decoded.error();

    Redeem redeem;
    redeem.name = "no spaces";
    decoded = decode_control(encode_control(redeem));
    ASSERT_FALSE(decoded);
    EXPECT_NE(decoded.error().find("redeem message: name: "), std::string::npos);
}

// --- datagrams ---

// RFC 1071, written out here independently of control.cpp: the one's-complement of the
// one's-complement sum of 16-bit words. Over data that carries its checksum it gives 0.
std::uint16_t rfc1071(const std::vector<std::uint8_t>& data) {
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i < data.size(); i += 2) {
        std::uint32_t word = static_cast<std::uint32_t>(data[i]) << 8U;
        if (i + 1 < data.size()) {
            word |= data[i + 1];
        }
        sum += word;
        sum = (sum & 0xffffU) + (sum >> 16U);
    }
    return static_cast<std::uint16_t>(~sum & 0xffffU);
}

// The UDP checksum check: pseudo-header + UDP header + payload.
std::uint16_t udp_check(const std::vector<std::uint8_t>& packet, bool v6) {
    const std::size_t header = v6 ? 40 : 20;
    const std::size_t addresses = v6 ? 8 : 12;
    const std::size_t address_size = v6 ? 32 : 8;
    std::vector<std::uint8_t> data(
        packet.begin() + static_cast<std::ptrdiff_t>(addresses),
        packet.begin() + static_cast<std::ptrdiff_t>(addresses + address_size));
    const std::size_t udp_length = packet.size() - header;
    data.insert(data.end(), {0, 17, static_cast<std::uint8_t>(udp_length >> 8U),
                             static_cast<std::uint8_t>(udp_length)});
    data.insert(data.end(), packet.begin() + static_cast<std::ptrdiff_t>(header), packet.end());
    return rfc1071(data);
}

TEST(ControlPacket, Ipv4ChecksumsAreRightAndItReadsBack) {
    for (const std::size_t size : {0U, 1U, 7U, 100U, 1200U}) {
        std::vector<std::uint8_t> payload(size);
        for (std::size_t i = 0; i < size; ++i) {
            payload[i] = static_cast<std::uint8_t>(i * 37 + 11);
        }
        const auto from = socket("10.88.0.2:40001");
        const auto to = socket("10.88.0.1:51999");
        const auto packet = make_udp_packet(from, to, payload);
        ASSERT_EQ(packet.size(), 28 + size);
        EXPECT_EQ(packet[0], 0x45);
        EXPECT_EQ(packet[9], 17);
        EXPECT_EQ(rfc1071({packet.begin(), packet.begin() + 20}), 0) << "IP header checksum";
        EXPECT_EQ(udp_check(packet, false), 0) << "UDP checksum, payload " << size;
        EXPECT_NE(packet[26] | packet[27], 0);

        const auto view = read_udp_packet(packet);
        ASSERT_TRUE(view);
        EXPECT_EQ(view->from, from);
        EXPECT_EQ(view->to, to);
        EXPECT_EQ(std::vector(view->payload.begin(), view->payload.end()), payload);
        EXPECT_TRUE(is_control_packet(packet));
    }
}

TEST(ControlPacket, Ipv6ChecksumIsRightAndItReadsBack) {
    const std::vector<std::uint8_t> payload = encode_control(MembersRequest{.page = 2});
    const auto from = socket("[fd00::2]:40001");
    const auto to = socket("[fd00::1]:51999");
    const auto packet = make_udp_packet(from, to, payload);
    ASSERT_EQ(packet.size(), 48 + payload.size());
    EXPECT_EQ(packet[0] >> 4U, 6);
    EXPECT_EQ(packet[6], 17);
    EXPECT_EQ(udp_check(packet, true), 0);
    EXPECT_NE(packet[46] | packet[47], 0) << "IPv6 UDP checksum is mandatory";
    const auto view = read_udp_packet(packet);
    ASSERT_TRUE(view);
    EXPECT_EQ(view->from, from);
    EXPECT_EQ(view->to, to);
    EXPECT_TRUE(decode_control(view->payload));
    EXPECT_TRUE(is_control_packet(packet));
    // Odd-sized payloads too.
    const std::vector<std::uint8_t> odd{1, 2, 3};
    EXPECT_EQ(udp_check(make_udp_packet(from, to, odd), true), 0);
}

TEST(ControlPacket, MixedFamiliesMakeNoPacket) {
    EXPECT_TRUE(make_udp_packet(socket("10.0.0.1:1"), socket("[fd00::1]:2"), {}).empty());
}

TEST(ControlPacket, OnlyUdpToTheControlPortIsControl) {
    const std::vector<std::uint8_t> payload{1, 2, 3, 4};
    auto v4 = make_udp_packet(socket("10.0.0.2:5"), socket("10.0.0.1:51999"), payload);
    auto v6 = make_udp_packet(socket("[fd00::2]:5"), socket("[fd00::1]:51999"), payload);
    ASSERT_TRUE(is_control_packet(v4));
    ASSERT_TRUE(is_control_packet(v6));

    auto tcp4 = v4;
    tcp4[9] = 6;
    EXPECT_FALSE(is_control_packet(tcp4));
    EXPECT_FALSE(read_udp_packet(tcp4));
    auto tcp6 = v6;
    tcp6[6] = 6;
    EXPECT_FALSE(is_control_packet(tcp6));
    EXPECT_FALSE(read_udp_packet(tcp6));
    auto hop_by_hop = v6;
    hop_by_hop[6] = 0;
    EXPECT_FALSE(is_control_packet(hop_by_hop));

    EXPECT_FALSE(is_control_packet(
        make_udp_packet(socket("10.0.0.2:51999"), socket("10.0.0.1:51998"), payload)));
    EXPECT_FALSE(is_control_packet(
        make_udp_packet(socket("[fd00::2]:51999"), socket("[fd00::1]:53"), payload)));

    // A later fragment's payload is not a UDP header.
    auto fragment = v4;
    fragment[7] = 1;
    EXPECT_FALSE(is_control_packet(fragment));
    EXPECT_FALSE(read_udp_packet(fragment));
    auto first_fragment = v4;
    first_fragment[6] = 0x20;  // more fragments follow
    EXPECT_FALSE(read_udp_packet(first_fragment));

    EXPECT_FALSE(is_control_packet({}));
    EXPECT_FALSE(is_control_packet(std::vector<std::uint8_t>{0x45, 0, 0}));
    EXPECT_FALSE(is_control_packet(std::vector<std::uint8_t>(60, 0x50)));
}

TEST(ControlPacket, LengthsThatDoNotAddUpAreRefused) {
    const std::vector<std::uint8_t> payload{1, 2, 3, 4};
    const auto v4 = make_udp_packet(socket("10.0.0.2:5"), socket("10.0.0.1:51999"), payload);
    for (std::size_t size = 0; size < v4.size(); ++size) {
        EXPECT_FALSE(read_udp_packet(std::span(v4).first(size))) << size;
    }
    auto long_udp = v4;
    long_udp[25] = 40;  // a UDP length past the IP packet
    EXPECT_FALSE(read_udp_packet(long_udp));
    const auto v6 = make_udp_packet(socket("[fd00::2]:5"), socket("[fd00::1]:51999"), payload);
    for (std::size_t size = 0; size < v6.size(); ++size) {
        EXPECT_FALSE(read_udp_packet(std::span(v6).first(size))) << size;
    }
    // Bytes after the IP packet (padding) are not payload.
    auto padded = v4;
    padded.push_back(0xee);
    const auto view = read_udp_packet(padded);
    ASSERT_TRUE(view);
    EXPECT_EQ(view->payload.size(), payload.size());
}

}  // namespace
}  // namespace tulle::mesh

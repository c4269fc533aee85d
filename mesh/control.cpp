// The control messages' wire form (see control.hpp) and the IP/UDP datagrams around them.
//
// Every message: "TLC1", a type byte (the ControlMessage alternative's index + 1), then its
// fields in declaration order:
//   integers          big-endian, of the field's size (bool: one byte, 0 or 1)
//   key               32 bytes; invite id and relay token: 16 bytes
//   name, message     1-byte length, then UTF-8 bytes (a name at most kMaxMemberName, an error
//                     message at most kMaxErrorMessage)
//   certificate       2-byte length, then Certificate::encode(); a revocation the same way
//   address           family byte (4 or 6), then 4 or 16 bytes
//   socket address    an address, then a 2-byte port; an optional one is a family byte 0 alone
//   list              1-byte count (candidates: at most kMaxCandidates; Members/Revocations
//                     entries: at most members_per_page()/revocations_per_page()), then entries
#include "mesh/control.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

#include "mesh/wire.hpp"

namespace tulle::mesh {
namespace {

constexpr std::array<std::uint8_t, 4> kMagic{'T', 'L', 'C', '1'};
constexpr std::size_t kHeaderSize = kMagic.size() + 1;
constexpr std::size_t kMaxErrorMessage = 200;
constexpr std::uint8_t kFamilyNone = 0;  // an optional socket address that is absent

// --- writing (on top of wire::Writer) ---

void put_u32(wire::Writer& w, std::uint32_t value) {
    w.u16(static_cast<std::uint16_t>(value >> 16U));
    w.u16(static_cast<std::uint16_t>(value));
}
void put_bool(wire::Writer& w, bool value) {
    w.u8(value ? 1U : 0U);
}
void put_text(wire::Writer& w, std::string_view text, std::size_t max) {
    w.text(text.substr(0, max));
}
void put_blob(wire::Writer& w, const std::vector<std::uint8_t>& blob) {
    w.u16(static_cast<std::uint16_t>(blob.size()));
    w.bytes(blob);
}
void put_socket(wire::Writer& w, const value::SocketAddress& socket) {
    w.address(socket.address);
    w.u16(socket.port);
}
void put_socket(wire::Writer& w, const std::optional<value::SocketAddress>& socket) {
    if (socket) {
        put_socket(w, *socket);
    } else {
        w.u8(kFamilyNone);
    }
}
void put_sockets(wire::Writer& w, const std::vector<value::SocketAddress>& sockets) {
    const std::size_t count = std::min(sockets.size(), kMaxCandidates);
    w.u8(static_cast<std::uint8_t>(count));
    for (std::size_t i = 0; i < count; ++i) {
        put_socket(w, sockets[i]);
    }
}
template <typename Entry, typename Put>
void put_list(wire::Writer& w, const std::vector<Entry>& entries, Put put) {
    const std::size_t count = std::min<std::size_t>(entries.size(), 255);
    w.u8(static_cast<std::uint8_t>(count));
    for (std::size_t i = 0; i < count; ++i) {
        put(entries[i]);
    }
}

void write(wire::Writer& w, const Redeem& m) {
    w.bytes(m.invite);
    w.bytes(m.member_key.bytes());
    put_text(w, m.name, kMaxMemberName);
}
void write(wire::Writer& w, const Redeemed& m) {
    put_blob(w, m.member.encode());
    put_blob(w, m.lighthouse.encode());
}
void write(wire::Writer& w, const Register& m) {
    w.u64(m.seq);
    put_sockets(w, m.candidates);
    put_u32(w, m.caps);
}
void write(wire::Writer& w, const RegisterAck& m) {
    w.u64(m.seq);
    put_socket(w, m.observed);
    put_u32(w, m.ttl);
    w.u64(m.members_version);
    w.u64(m.revocations_version);
}
void write(wire::Writer& w, const Query& m) {
    w.address(m.address);
}
void write(wire::Writer& w, const PeerInfo& m) {
    put_blob(w, m.certificate.encode());
    put_socket(w, m.observed);
    put_sockets(w, m.candidates);
    put_bool(w, m.online);
}
void write(wire::Writer& w, const NotFound& m) {
    w.address(m.address);
}
void write(wire::Writer& w, const MembersRequest& m) {
    put_u32(w, m.page);
}
void write(wire::Writer& w, const MemberEntry& m) {
    put_blob(w, m.certificate.encode());
    put_bool(w, m.online);
    w.u64(static_cast<std::uint64_t>(m.last_seen));
    put_socket(w, m.observed);
}
void write(wire::Writer& w, const Members& m) {
    w.u64(m.version);
    put_u32(w, m.page);
    put_u32(w, m.pages);
    put_list(w, m.entries, [&w](const MemberEntry& entry) { write(w, entry); });
}
void write(wire::Writer& w, const RevocationsRequest& m) {
    put_u32(w, m.page);
}
void write(wire::Writer& w, const Revocations& m) {
    w.u64(m.version);
    put_u32(w, m.page);
    put_u32(w, m.pages);
    put_list(w, m.entries, [&w](const Revocation& entry) { put_blob(w, entry.encode()); });
}
void write(wire::Writer& w, const Revoked& m) {
    put_blob(w, m.revocation.encode());
}
void write(wire::Writer& w, const RelayOffer& m) {
    w.bytes(m.peer.bytes());
    put_u32(w, m.channel);
    w.bytes(m.token);
    w.u64(static_cast<std::uint64_t>(m.expires));
}
void write(wire::Writer& w, const ControlError& m) {
    w.u16(static_cast<std::uint16_t>(m.code));
    put_text(w, m.message, kMaxErrorMessage);
}

// --- reading (on top of wire::Reader, whose first failure sticks and names the field) ---

std::uint32_t get_u32(wire::Reader& r, std::string_view field) {
    const std::uint32_t high = r.u16(field);
    return (high << 16U) | r.u16(field);
}
bool get_bool(wire::Reader& r, std::string_view field) {
    const std::uint8_t b = r.u8(field);
    if (b > 1) {
        r.fail(field, std::to_string(b) + ", not 0 or 1");
    }
    return b == 1;
}
std::string get_text(wire::Reader& r, std::string_view field, std::size_t max) {
    std::string text = r.text(field);
    if (text.size() > max) {
        r.fail(field, std::to_string(text.size()) + " bytes, more than " + std::to_string(max));
    }
    return text;
}
template <typename T>
T get_signed(wire::Reader& r, std::string_view field) {
    const std::size_t size = r.u16(field);
    const auto bytes = r.bytes(size, field);
    if (r.error()) {
        return {};
    }
    auto decoded = T::decode(bytes);
    if (!decoded) {
        r.fail(field, decoded.error());
        return {};
    }
    return std::move(decoded).value();
}
// A socket address whose family byte has been read.
value::SocketAddress get_socket_after(wire::Reader& r, std::uint8_t family,
                                      std::string_view field) {
    if (family != wire::kFamilyV4 && family != wire::kFamilyV6) {
        r.fail(field, "unknown address family " + std::to_string(family));
        return {};
    }
    const auto bytes = r.bytes(family == wire::kFamilyV4 ? 4 : 16, field);
    const std::uint16_t port = r.u16(field);
    if (r.error()) {
        return {};
    }
    return value::SocketAddress{*value::IpAddress::from_bytes(bytes), port};
}
std::optional<value::SocketAddress> get_optional_socket(wire::Reader& r, std::string_view field) {
    const std::uint8_t family = r.u8(field);
    if (family == kFamilyNone || r.error()) {
        return std::nullopt;
    }
    return get_socket_after(r, family, field);
}
std::vector<value::SocketAddress> get_sockets(wire::Reader& r, std::string_view field) {
    const std::size_t count = r.u8(field);
    if (count > kMaxCandidates) {
        r.fail(field,
               std::to_string(count) + " of them, more than " + std::to_string(kMaxCandidates));
        return {};
    }
    std::vector<value::SocketAddress> out;
    for (std::size_t i = 0; i < count && !r.error(); ++i) {
        out.push_back(get_socket_after(r, r.u8(field), field));
    }
    return out;
}
// A page's entries: a count of at most `max`, then each entry.
template <typename Entry, typename Get>
std::vector<Entry> get_list(wire::Reader& r, std::string_view field, std::size_t max, Get get) {
    const std::size_t count = r.u8(field);
    if (count > max) {
        r.fail(field, std::to_string(count) + " on one page, more than " + std::to_string(max));
        return {};
    }
    std::vector<Entry> out;
    for (std::size_t i = 0; i < count && !r.error(); ++i) {
        out.push_back(get());
    }
    return out;
}

void read(wire::Reader& r, Redeem& m) {
    m.invite = r.array<kInviteIdSize>("invite id");
    m.member_key = value::Key(r.array<value::kKeySize>("member key"));
    m.name = get_text(r, "name", kMaxMemberName);
    if (!r.error() && !m.name.empty()) {
        if (auto error = member_name_error(m.name)) {
            r.fail("name", *error);
        }
    }
}
void read(wire::Reader& r, Redeemed& m) {
    m.member = get_signed<Certificate>(r, "member certificate");
    m.lighthouse = get_signed<Certificate>(r, "lighthouse certificate");
}
void read(wire::Reader& r, Register& m) {
    m.seq = r.u64("sequence number");
    m.candidates = get_sockets(r, "candidates");
    m.caps = get_u32(r, "capabilities");
}
void read(wire::Reader& r, RegisterAck& m) {
    m.seq = r.u64("sequence number");
    m.observed = get_optional_socket(r, "observed address");
    m.ttl = get_u32(r, "ttl");
    m.members_version = r.u64("members version");
    m.revocations_version = r.u64("revocations version");
}
void read(wire::Reader& r, Query& m) {
    m.address = r.address("address");
}
void read(wire::Reader& r, PeerInfo& m) {
    m.certificate = get_signed<Certificate>(r, "certificate");
    m.observed = get_optional_socket(r, "observed address");
    m.candidates = get_sockets(r, "candidates");
    m.online = get_bool(r, "online");
}
void read(wire::Reader& r, NotFound& m) {
    m.address = r.address("address");
}
void read(wire::Reader& r, MembersRequest& m) {
    m.page = get_u32(r, "page");
}
MemberEntry get_member(wire::Reader& r) {
    MemberEntry m;
    m.certificate = get_signed<Certificate>(r, "member certificate");
    m.online = get_bool(r, "online");
    m.last_seen = static_cast<std::int64_t>(r.u64("last seen"));
    m.observed = get_optional_socket(r, "observed address");
    return m;
}
void read(wire::Reader& r, Members& m) {
    m.version = r.u64("version");
    m.page = get_u32(r, "page");
    m.pages = get_u32(r, "pages");
    m.entries =
        get_list<MemberEntry>(r, "members", members_per_page(), [&r] { return get_member(r); });
}
void read(wire::Reader& r, RevocationsRequest& m) {
    m.page = get_u32(r, "page");
}
void read(wire::Reader& r, Revocations& m) {
    m.version = r.u64("version");
    m.page = get_u32(r, "page");
    m.pages = get_u32(r, "pages");
    m.entries = get_list<Revocation>(r, "revocations", revocations_per_page(),
                                     [&r] { return get_signed<Revocation>(r, "revocation"); });
}
void read(wire::Reader& r, Revoked& m) {
    m.revocation = get_signed<Revocation>(r, "revocation");
}
void read(wire::Reader& r, RelayOffer& m) {
    m.peer = value::Key(r.array<value::kKeySize>("peer key"));
    m.channel = get_u32(r, "channel");
    m.token = r.array<16>("token");
    m.expires = static_cast<std::int64_t>(r.u64("expires"));
}
void read(wire::Reader& r, ControlError& m) {
    const std::uint16_t code = r.u16("code");
    if (code < static_cast<std::uint16_t>(ControlErrorCode::invite_unknown) ||
        code > static_cast<std::uint16_t>(ControlErrorCode::malformed)) {
        r.fail("code", "unknown error code " + std::to_string(code));
    }
    m.code = static_cast<ControlErrorCode>(code);
    m.message = get_text(r, "message", kMaxErrorMessage);
}

// The alternative with index `type - 1`, read from `r`.
template <std::size_t... I>
ControlMessage read_alternative(wire::Reader& r, std::size_t index, std::index_sequence<I...>) {
    ControlMessage out;
    (void)((index == I ? (read(r, out.emplace<I>()), true) : false) || ...);
    return out;
}

// The largest certificate a member can hold: the longest name and four IPv6 addresses.
Certificate largest_certificate() {
    Certificate c;
    c.public_key = value::Key(std::array<std::uint8_t, value::kKeySize>{1});
    c.name = std::string(kMaxMemberName, 'n');
    for (std::size_t i = 0; i < kMaxCertificateAddresses; ++i) {
        c.addresses.emplace_back(value::IpAddress::v6(
            {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, static_cast<std::uint8_t>(i + 1)}));
    }
    c.roles = kRoleLighthouse;
    c.not_after = std::numeric_limits<std::int64_t>::max();
    c.serial = std::numeric_limits<std::uint64_t>::max();
    return c;
}

// Header, version, page, pages and count: what a page holds besides its entries.
constexpr std::size_t kPageOverhead = kHeaderSize + 8 + 4 + 4 + 1;

std::size_t compute_members_per_page() {
    MemberEntry entry;
    entry.certificate = largest_certificate();
    entry.online = true;
    entry.last_seen = std::numeric_limits<std::int64_t>::max();
    entry.observed = value::SocketAddress{value::IpAddress::v6({0x20, 0x01, 0x0d, 0xb8}), 65535};
    std::vector<std::uint8_t> bytes;
    wire::Writer w(bytes);
    write(w, entry);
    const std::size_t entry_size = bytes.size();
    return std::min<std::size_t>((kMaxControlMessage - kPageOverhead) / entry_size, 255);
}

std::size_t compute_revocations_per_page() {
    Revocation revocation;
    revocation.serial = std::numeric_limits<std::uint64_t>::max();
    const std::size_t entry_size = 2 + revocation.encode().size();
    return std::min<std::size_t>((kMaxControlMessage - kPageOverhead) / entry_size, 255);
}

// --- IP and UDP ---

constexpr std::size_t kIpv4Header = 20;
constexpr std::size_t kIpv6Header = 40;
constexpr std::size_t kUdpHeader = 8;
constexpr std::uint8_t kUdp = 17;
constexpr std::uint8_t kTtl = 64;

std::uint16_t load16(std::span<const std::uint8_t> bytes, std::size_t at) {
    return static_cast<std::uint16_t>((bytes[at] << 8U) | bytes[at + 1]);
}
void store16(std::span<std::uint8_t> bytes, std::size_t at, std::uint32_t value) {
    bytes[at] = static_cast<std::uint8_t>(value >> 8U);
    bytes[at + 1] = static_cast<std::uint8_t>(value);
}

// The one's-complement sum of 16-bit words (RFC 1071), not yet folded or inverted.
std::uint64_t sum16(std::span<const std::uint8_t> bytes, std::uint64_t sum = 0) {
    std::size_t i = 0;
    for (; i + 1 < bytes.size(); i += 2) {
        sum += load16(bytes, i);
    }
    if (i < bytes.size()) {
        sum += static_cast<std::uint64_t>(bytes[i]) << 8U;
    }
    return sum;
}
std::uint16_t fold(std::uint64_t sum) {
    while ((sum >> 16U) != 0) {
        sum = (sum & 0xffffU) + (sum >> 16U);
    }
    return static_cast<std::uint16_t>(~sum & 0xffffU);
}

}  // namespace

std::vector<std::uint8_t> encode_control(const ControlMessage& message) {
    std::vector<std::uint8_t> bytes;
    wire::Writer w(bytes);
    w.bytes(kMagic);
    w.u8(static_cast<std::uint8_t>(message.index() + 1));
    std::visit([&w](const auto& m) { write(w, m); }, message);
    return bytes;
}

value::Result<ControlMessage> decode_control(std::span<const std::uint8_t> bytes) {
    if (bytes.size() > kMaxControlMessage) {
        return value::fail("control message of " + std::to_string(bytes.size()) +
                           " bytes, more than " + std::to_string(kMaxControlMessage));
    }
    if (bytes.size() < kHeaderSize || !std::equal(kMagic.begin(), kMagic.end(), bytes.begin())) {
        return value::fail("not a control message (no TLC1 header)");
    }
    const std::size_t type = bytes[kMagic.size()];
    constexpr std::size_t kTypes = std::variant_size_v<ControlMessage>;
    if (type == 0 || type > kTypes) {
        return value::fail("unknown control message type " + std::to_string(type));
    }
    wire::Reader r(bytes.subspan(kHeaderSize), "message");
    ControlMessage out = read_alternative(r, type - 1, std::make_index_sequence<kTypes>{});
    r.finish();
    if (r.error()) {
        return value::fail(std::string(control_name(out)) + " message: " + *r.error());
    }
    return out;
}

std::string_view control_name(const ControlMessage& message) {
    static constexpr std::array<std::string_view, std::variant_size_v<ControlMessage>> kNames{
        "redeem",      "redeemed",  "register",        "register-ack", "query",
        "peer-info",   "not-found", "members-request", "members",      "revocations-request",
        "revocations", "revoked",   "error",           "relay-offer"};
    return kNames.at(message.index());
}

std::size_t members_per_page() {
    static const std::size_t per_page = compute_members_per_page();
    return per_page;
}

std::size_t revocations_per_page() {
    static const std::size_t per_page = compute_revocations_per_page();
    return per_page;
}

std::vector<std::uint8_t> make_udp_packet(const value::SocketAddress& from,
                                          const value::SocketAddress& to,
                                          std::span<const std::uint8_t> payload) {
    const bool v4 = from.address.is_v4();
    const std::size_t ip_header = v4 ? kIpv4Header : kIpv6Header;
    const std::size_t udp_size = kUdpHeader + payload.size();
    // Mixed families or a payload no IP header can carry: no packet (a caller's mistake).
    if (from.address.family() != to.address.family() ||
        ip_header + udp_size > std::numeric_limits<std::uint16_t>::max()) {
        return {};
    }
    std::vector<std::uint8_t> packet(ip_header + udp_size);
    const std::span<std::uint8_t> p(packet);
    const auto src = from.address.bytes();
    const auto dst = to.address.bytes();
    if (v4) {
        p[0] = 0x45;                   // version 4, 5 words of header
        store16(p, 2, packet.size());  // total length
        store16(p, 6, 0x4000);         // don't fragment
        p[8] = kTtl;
        p[9] = kUdp;
        std::copy(src.begin(), src.end(), p.begin() + 12);
        std::copy(dst.begin(), dst.end(), p.begin() + 16);
        store16(p, 10, fold(sum16(p.first(kIpv4Header))));
    } else {
        p[0] = 0x60;              // version 6, no traffic class or flow label
        store16(p, 4, udp_size);  // payload length
        p[6] = kUdp;
        p[7] = kTtl;  // hop limit
        std::copy(src.begin(), src.end(), p.begin() + 8);
        std::copy(dst.begin(), dst.end(), p.begin() + 24);
    }
    const auto udp = p.subspan(ip_header);
    store16(udp, 0, from.port);
    store16(udp, 2, to.port);
    store16(udp, 4, udp_size);
    std::copy(payload.begin(), payload.end(), udp.begin() + kUdpHeader);
    // The pseudo-header: addresses, protocol and UDP length (RFC 768, RFC 8200 section 8.1).
    std::uint64_t sum = sum16(src);
    sum = sum16(dst, sum);
    sum += kUdp + udp_size;
    std::uint16_t checksum = fold(sum16(udp, sum));
    if (checksum == 0) {
        checksum = 0xffff;  // 0 means "none" (IPv4 only; in IPv6 it is not allowed)
    }
    store16(udp, 6, checksum);
    return packet;
}

std::optional<UdpView> read_udp_packet(std::span<const std::uint8_t> packet) {
    if (packet.empty()) {
        return std::nullopt;
    }
    UdpView out;
    std::span<const std::uint8_t> datagram;  // the UDP header and what follows, as the IP says
    const unsigned version = packet[0] >> 4U;
    if (version == 4) {
        if (packet.size() < kIpv4Header || packet[9] != kUdp) {
            return std::nullopt;
        }
        const std::size_t header = std::size_t{packet[0] & 0x0fU} * 4;
        const std::size_t total = load16(packet, 2);
        const bool fragment = (load16(packet, 6) & 0x3fffU) != 0;  // more fragments, or offset
        if (header < kIpv4Header || total < header + kUdpHeader || total > packet.size() ||
            fragment) {
            return std::nullopt;
        }
        out.from.address = value::IpAddress::v4({packet[12], packet[13], packet[14], packet[15]});
        out.to.address = value::IpAddress::v4({packet[16], packet[17], packet[18], packet[19]});
        datagram = packet.subspan(header, total - header);
    } else if (version == 6) {
        if (packet.size() < kIpv6Header + kUdpHeader || packet[6] != kUdp) {
            return std::nullopt;
        }
        const std::size_t length = load16(packet, 4);
        if (length < kUdpHeader || kIpv6Header + length > packet.size()) {
            return std::nullopt;
        }
        std::array<std::uint8_t, 16> src{};
        std::array<std::uint8_t, 16> dst{};
        std::copy_n(packet.begin() + 8, 16, src.begin());
        std::copy_n(packet.begin() + 24, 16, dst.begin());
        out.from.address = value::IpAddress::v6(src);
        out.to.address = value::IpAddress::v6(dst);
        datagram = packet.subspan(kIpv6Header, length);
    } else {
        return std::nullopt;
    }
    const std::size_t udp_length = load16(datagram, 4);
    if (udp_length < kUdpHeader || udp_length > datagram.size()) {
        return std::nullopt;
    }
    out.from.port = load16(datagram, 0);
    out.to.port = load16(datagram, 2);
    out.payload = datagram.subspan(kUdpHeader, udp_length - kUdpHeader);
    return out;
}

bool is_control_packet(std::span<const std::uint8_t> packet) {
    if (packet.empty()) {
        return false;
    }
    const unsigned version = packet[0] >> 4U;
    if (version == 4) {
        if (packet.size() < kIpv4Header || packet[9] != kUdp ||
            (load16(packet, 6) & 0x1fffU) != 0) {  // a later fragment has no UDP header
            return false;
        }
        const std::size_t header = std::size_t{packet[0] & 0x0fU} * 4;
        return header >= kIpv4Header && packet.size() >= header + kUdpHeader &&
               load16(packet, header + 2) == kControlPort;
    }
    if (version == 6) {
        return packet.size() >= kIpv6Header + kUdpHeader && packet[6] == kUdp &&
               load16(packet, kIpv6Header + 2) == kControlPort;
    }
    return false;
}

}  // namespace tulle::mesh

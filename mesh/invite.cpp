#include "mesh/invite.hpp"

#include <algorithm>
#include <utility>

#include <sodium.h>

#include "mesh/base32.hpp"
#include "mesh/certificate.hpp"
#include "mesh/wire.hpp"
#include "value/text.hpp"

namespace tulle::mesh {
namespace {

// The layout (version 1), every field in this order:
//   version 1 byte | network id 16 | network name (1-byte length, text) | network key 32 |
//   range (family, prefix length, 4 or 16 bytes) | lighthouse key 32 |
//   lighthouse address (4 or 16 bytes: the range's family) |
//   endpoint count 1 byte, each: kind (4, 6, or 0 for a host name), 4 or 16 bytes or a 1-byte
//   length and the name, port 2 bytes |
//   invite id 16 | enrollment key 32 | member name (1-byte length, text; empty: the joiner's
//   choice) | member address (the range's family) | expires 8 (Unix seconds) | signature 64
constexpr std::uint8_t kInviteVersion = 1;
constexpr std::uint8_t kHostName = 0;

void write_address_bytes(wire::Writer& writer, const value::IpAddress& address) {
    writer.bytes(address.bytes());
}

value::IpAddress read_address_bytes(wire::Reader& reader, const value::IpPrefix& range,
                                    std::string_view field) {
    const auto got = reader.bytes(range.address().is_v4() ? 4 : 16, field);
    if (reader.error()) {
        return {};
    }
    const auto address = *value::IpAddress::from_bytes(got);
    if (!range.contains(address)) {
        reader.fail(field,
                    address.to_string() + " is outside the network's range " + range.to_string());
    }
    return address;
}

void write_endpoint(wire::Writer& writer, const value::Endpoint& endpoint) {
    if (endpoint.is_address()) {
        writer.address(endpoint.address());  // family 4 or 6, then the bytes
    } else {
        writer.u8(kHostName);
        writer.text(endpoint.host());
    }
    writer.u16(endpoint.port());
}

std::optional<value::Endpoint> read_endpoint(wire::Reader& reader, std::string_view field) {
    const std::uint8_t kind = reader.u8(field);
    if (reader.error()) {
        return std::nullopt;
    }
    std::string host;
    if (kind == kHostName) {
        host = reader.text(field);
    } else if (kind == wire::kFamilyV4 || kind == wire::kFamilyV6) {
        const auto got = reader.bytes(kind == wire::kFamilyV4 ? 4 : 16, field);
        if (!reader.error()) {
            host = value::IpAddress::from_bytes(got)->to_string();
        }
    } else {
        reader.fail(field, "unknown kind " + std::to_string(kind));
    }
    const std::uint16_t port = reader.u16(field);
    if (reader.error()) {
        return std::nullopt;
    }
    auto endpoint = value::Endpoint::make(host, port);
    if (!endpoint) {
        reader.fail(field, endpoint.error());
        return std::nullopt;
    }
    if (kind == kHostName && endpoint->is_address()) {
        reader.fail(field, "an address written as a host name");
        return std::nullopt;
    }
    return *endpoint;
}

std::vector<std::uint8_t> signed_bytes(const Invite& invite) {
    std::vector<std::uint8_t> out;
    wire::Writer writer(out);
    writer.u8(kInviteVersion);
    writer.bytes(invite.network);
    writer.text(invite.network_name);
    writer.bytes(invite.network_key);
    writer.prefix(invite.range);
    writer.bytes(invite.lighthouse_key.bytes());
    write_address_bytes(writer, invite.lighthouse_address);
    writer.u8(static_cast<std::uint8_t>(invite.endpoints.size()));
    for (const auto& endpoint : invite.endpoints) {
        write_endpoint(writer, endpoint);
    }
    writer.bytes(invite.id);
    // Room for the rest and the signature now, so that no reallocation leaves a copy of the
    // enrollment key behind in freed memory.
    out.reserve(out.size() + value::kKeySize + 1 + invite.name.size() + 16 + 8 + kSignatureSize);
    writer.bytes(invite.enrollment_key.bytes());
    writer.text(invite.name);
    write_address_bytes(writer, invite.address);
    writer.u64(static_cast<std::uint64_t>(invite.expires));
    return out;
}

void read_network(wire::Reader& reader, Invite& invite) {
    const std::uint8_t version = reader.u8("version");
    if (!reader.error() && version != kInviteVersion) {
        reader.fail("version", std::to_string(version) +
                                   " is newer than this Tulle reads (1): update Tulle to join");
    }
    invite.network = reader.array<kNetworkIdSize>("network id");
    invite.network_name = reader.text("network name");
    if (!reader.error()) {
        if (auto checked = value::check_tunnel_name(invite.network_name); !checked) {
            reader.fail("network name", checked.error());
        }
    }
    invite.network_key = reader.array<kSigningPublicKeySize>("network key");
    invite.range = reader.prefix("range");
    if (!reader.error() && !invite.range.is_canonical()) {
        reader.fail("range", invite.range.to_string() + " has host bits set");
    }
}

void read_lighthouse(wire::Reader& reader, Invite& invite) {
    invite.lighthouse_key = value::Key(reader.array<value::kKeySize>("lighthouse key"));
    if (!reader.error() && invite.lighthouse_key.is_zero()) {
        reader.fail("lighthouse key", "all zero");
    }
    invite.lighthouse_address = read_address_bytes(reader, invite.range, "lighthouse address");
    const std::size_t count = reader.u8("endpoints");
    if (!reader.error() && (count == 0 || count > kMaxInviteEndpoints)) {
        reader.fail("endpoints", std::to_string(count) + " of them; an invite holds 1 to " +
                                     std::to_string(kMaxInviteEndpoints));
    }
    for (std::size_t i = 0; i < count && !reader.error(); ++i) {
        if (auto endpoint = read_endpoint(reader, "endpoints[" + std::to_string(i) + "]")) {
            invite.endpoints.push_back(std::move(*endpoint));
        }
    }
}

void read_member(wire::Reader& reader, Invite& invite) {
    invite.id = reader.array<kInviteIdSize>("invite id");
    std::array<std::uint8_t, value::kKeySize> secret{};
    const auto got = reader.bytes(secret.size(), "enrollment key");
    std::copy(got.begin(), got.end(), secret.begin());
    invite.enrollment_key = value::SecretKey(secret);
    sodium_memzero(secret.data(), secret.size());
    if (!reader.error() && !value::public_key_of(invite.enrollment_key).ok()) {
        reader.fail("enrollment key", "not a usable WireGuard private key");
    }
    invite.name = reader.text("member name");
    if (!reader.error() && !invite.name.empty()) {
        if (auto problem = member_name_error(invite.name)) {
            reader.fail("member name", *problem);
        }
    }
    invite.address = read_address_bytes(reader, invite.range, "member address");
    if (!reader.error() && invite.address == invite.lighthouse_address) {
        reader.fail("member address", "it is the lighthouse's");
    }
    invite.expires = static_cast<std::int64_t>(reader.u64("expiry"));
    invite.signature = reader.array<kSignatureSize>("signature");
    reader.finish();
}

// What the line holds once it is read, or why it is not an invite. The caller wipes `bytes`.
value::Result<Invite> read_invite(std::string_view text, std::vector<std::uint8_t>& bytes) {
    constexpr std::string_view kSpace = " \t\r\n\f\v";
    const std::size_t first = text.find_first_not_of(kSpace);
    text = first == std::string_view::npos
               ? std::string_view()
               : text.substr(first, text.find_last_not_of(kSpace) - first + 1);
    const bool prefixed =
        text.size() >= kInvitePrefix.size() &&
        std::equal(kInvitePrefix.begin(), kInvitePrefix.end(), text.begin(), [](char a, char b) {
            return a == (b >= 'a' && b <= 'z' ? static_cast<char>(b - 'a' + 'A') : b);
        });
    if (!prefixed) {
        return value::fail("this is not a Tulle invite: it should start with " +
                           std::string(kInvitePrefix));
    }
    auto decoded = base32_decode(text.substr(kInvitePrefix.size()));
    if (!decoded) {
        return value::fail("the invite is damaged (" + decoded.error() + ")");
    }
    bytes = std::move(*decoded);
    wire::Reader reader(bytes, "invite");
    Invite invite;
    read_network(reader, invite);
    read_lighthouse(reader, invite);
    read_member(reader, invite);
    if (reader.error()) {
        return value::fail("the invite is damaged (" + *reader.error() + ")");
    }
    return invite;
}

}  // namespace

InviteId new_invite_id() {
    return wire::random_bytes<kInviteIdSize>();
}

InviteHash invite_hash(const InviteId& id) {
    InviteHash hash{};
    crypto_generichash(hash.data(), hash.size(), id.data(), id.size(), nullptr, 0);
    return hash;
}

std::string encode_invite(Invite invite, const SigningKey& key) {
    invite.network_key = key.public_key();
    auto bytes = signed_bytes(invite);
    const Signature signature = wire::sign(key, wire::kInviteContext, bytes);
    bytes = wire::with_signature(std::move(bytes), signature);
    std::string body = base32_encode(bytes);
    wire::wipe(bytes);
    std::string line;
    line.reserve(kInvitePrefix.size() + body.size());
    line.append(kInvitePrefix).append(body);
    sodium_memzero(body.data(), body.size());
    return line;
}

value::Result<Invite> decode_invite(std::string_view text, std::int64_t now) {
    std::vector<std::uint8_t> bytes;
    auto invite = read_invite(text, bytes);
    if (invite) {
        const std::size_t body = bytes.size() - kSignatureSize;
        if (!wire::verify(invite->network_key, wire::kInviteContext, {bytes.data(), body},
                          invite->signature)) {
            invite = value::fail("the invite was altered: its signature does not match");
        } else if (now >= invite->expires) {
            invite = value::fail("the invite expired at " + wire::utc_time(invite->expires));
        }
    }
    wire::wipe(bytes);
    return invite;
}

}  // namespace tulle::mesh

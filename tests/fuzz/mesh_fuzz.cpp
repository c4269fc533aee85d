// The mesh's decoders on what a member, a lighthouse or a pasted invite could hand them: the
// control messages tulled reads from inside a tunnel, the certificates and revocations inside
// them, invite lines, and the IP/UDP datagrams the control messages arrive in.
//
// The first byte picks the decoder (its value modulo 7); the rest is the input. Properties
// besides "no crash, no sanitizer report" (a failure calls std::abort(), which libFuzzer reports):
// - control messages, certificates, revocations: whatever decodes encodes to the very bytes it
//   came from (no field lost, changed or read twice), and a control message is at most
//   kMaxControlMessage bytes;
// - invites: a line of any text is refused with a message or decoded; an invite made from the
//   input (every field valid) decodes to what was put in, and a change of any one character but
//   its case makes decode_invite refuse it (base32, form or signature);
// - datagrams: a UDP packet that reads back is rebuilt by make_udp_packet from its addresses and
//   payload and reads back the same; is_control_packet says yes for every readable one to the
//   control port;
// - disco datagrams (then a byte: even, the rest as a datagram; odd, the rest as a plaintext
//   sealed by libsodium from one fixed member to another; then the place and bits of one byte
//   to alter): only a datagram sealed by the member
//   the box is for opens, naming that member; what opens seals again to the same message in a
//   datagram of the same size; a change of any one byte of it makes open refuse it;
// - relay frames: a header that reads back is written back to the very bytes it came from.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <sodium.h>

#include "mesh/certificate.hpp"
#include "mesh/control.hpp"
#include "mesh/disco.hpp"
#include "mesh/invite.hpp"
#include "mesh/relay.hpp"
#include "tests/fuzz/fuzz_input.hpp"

namespace {

namespace mesh = tulle::mesh;
using tulle::fuzz::check;
using Bytes = std::vector<std::uint8_t>;

bool same(std::span<const std::uint8_t> a, const Bytes& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

void control(std::span<const std::uint8_t> bytes) {
    const auto decoded = mesh::decode_control(bytes);
    if (!decoded) {
        check(!decoded.error().empty());
        return;
    }
    check(bytes.size() <= mesh::kMaxControlMessage);
    check(same(bytes, mesh::encode_control(*decoded)));
    check(!mesh::control_name(*decoded).empty());
}

void certificate(std::span<const std::uint8_t> bytes) {
    const auto decoded = mesh::Certificate::decode(bytes);
    if (decoded) {
        check(same(bytes, decoded->encode()));
        check(!mesh::member_name_error(decoded->name));
    }
}

void revocation(std::span<const std::uint8_t> bytes) {
    const auto decoded = mesh::Revocation::decode(bytes);
    if (decoded) {
        check(same(bytes, decoded->encode()));
    }
}

constexpr std::int64_t kNow = 1'700'000'000;

// An invite built from the input, with every field valid: it decodes to what was put in, and no
// change of one character (other than its case) gets past decode_invite.
void built_invite(tulle::fuzz::Input& in) {
    static const mesh::SigningKey key = mesh::SigningKey::from_seed({7});
    mesh::Invite invite;
    invite.network = in.array<mesh::kNetworkIdSize>();
    invite.network_name = "net" + std::to_string(in.byte());
    invite.range = tulle::value::IpPrefix::parse("10.88.0.0/16").value();
    auto lighthouse = in.array<32>();
    lighthouse[0] |= 1U;
    invite.lighthouse_key = tulle::value::Key(lighthouse);
    invite.lighthouse_address = tulle::value::IpAddress::v4({10, 88, 0, 1});
    const std::size_t endpoints = 1 + in.byte() % mesh::kMaxInviteEndpoints;
    for (std::size_t i = 0; i < endpoints; ++i) {
        const auto address = tulle::value::IpAddress::v4(in.array<4>());
        invite.endpoints.emplace_back(address,
                                      static_cast<std::uint16_t>(1 + in.number(2) % 65535));
    }
    invite.id = in.array<mesh::kInviteIdSize>();
    auto secret = in.array<32>();
    secret[0] &= 248U;  // clamped, as every X25519 private key is
    secret[31] = static_cast<std::uint8_t>((secret[31] & 127U) | 64U);
    invite.enrollment_key = tulle::value::SecretKey(secret);
    const std::size_t name_size = in.byte() % 12;
    for (std::size_t i = 0; i < name_size; ++i) {
        invite.name.push_back("abcdefghijklmnopqrstuvwxyz0123456789"[in.byte() % 36]);
    }
    invite.address = tulle::value::IpAddress::v4({10, 88, in.byte(), 2});
    invite.expires = kNow + 1 + static_cast<std::int64_t>(in.number(3));

    const std::string line = mesh::encode_invite(invite, key);
    const auto decoded = mesh::decode_invite(line, kNow);
    check(decoded.ok());
    check(decoded->network == invite.network && decoded->network_name == invite.network_name);
    check(decoded->network_key == key.public_key() && decoded->range == invite.range);
    check(decoded->lighthouse_key == invite.lighthouse_key);
    check(decoded->lighthouse_address == invite.lighthouse_address);
    check(decoded->endpoints == invite.endpoints && decoded->id == invite.id);
    check(decoded->enrollment_key == invite.enrollment_key && decoded->name == invite.name);
    check(decoded->address == invite.address && decoded->expires == invite.expires);

    std::string altered = line;
    const std::size_t at = in.number(2) % altered.size();
    const char by = static_cast<char>(in.byte());
    if (std::tolower(static_cast<unsigned char>(by)) !=
        std::tolower(static_cast<unsigned char>(altered[at]))) {
        altered[at] = by;
        check(!mesh::decode_invite(altered, kNow).ok());
    }
}

void invite(std::span<const std::uint8_t> bytes) {
    tulle::fuzz::Input in(bytes);
    if (in.byte() % 2 == 0) {
        built_invite(in);
        return;
    }
    const std::string_view text = in.rest();
    const auto decoded = mesh::decode_invite(text, kNow);
    check(decoded.ok() || !decoded.error().empty());
}

void datagram(std::span<const std::uint8_t> bytes) {
    const auto view = mesh::read_udp_packet(bytes);
    if (!view) {
        return;
    }
    check(view->payload.data() >= bytes.data() &&
          view->payload.data() + view->payload.size() <= bytes.data() + bytes.size());
    check(view->from.address.family() == view->to.address.family());
    if (view->to.port == mesh::kControlPort) {
        check(mesh::is_control_packet(bytes));
    }
    const Bytes rebuilt = mesh::make_udp_packet(view->from, view->to, view->payload);
    const auto back = mesh::read_udp_packet(rebuilt);
    check(back.has_value());
    check(back->from == view->from && back->to == view->to);
    check(std::equal(back->payload.begin(), back->payload.end(), view->payload.begin(),
                     view->payload.end()));
    check(mesh::is_control_packet(rebuilt) == (view->to.port == mesh::kControlPort));
}

// Two members with fixed WireGuard keys, and each one's box for the other.
struct DiscoPair {
    static tulle::value::SecretKey secret(std::uint8_t fill) {
        std::array<std::uint8_t, 32> bytes{};
        bytes.fill(fill);
        return tulle::value::SecretKey(bytes);
    }
    tulle::value::SecretKey a = secret(0x11);
    tulle::value::SecretKey b = secret(0x22);
    tulle::value::Key a_public = tulle::value::public_key_of(a).value();
    tulle::value::Key b_public = tulle::value::public_key_of(b).value();
    mesh::DiscoBox a_to_b{a, b_public};
    mesh::DiscoBox b_from_a{b, a_public};
};

void disco(std::span<const std::uint8_t> bytes) {
    static const DiscoPair pair;
    tulle::fuzz::Input in(bytes);
    const bool built = in.byte() % 2 == 1;
    const std::uint8_t flip_at = in.byte();
    const auto flip_by = static_cast<std::uint8_t>(1U + in.byte() % 255);
    const std::span<const std::uint8_t> rest = in.take(bytes.size());
    Bytes datagram;
    if (built) {
        // The rest is a plaintext sealed from a to b with a fixed nonce (its lowest bit says
        // a to b): authentic, so only its form decides.
        constexpr std::size_t kHead = 4 + 32 + crypto_box_NONCEBYTES;
        datagram.assign(kHead + crypto_box_MACBYTES + rest.size(), 0x5a);
        std::copy(mesh::kDiscoMagic.begin(), mesh::kDiscoMagic.end(), datagram.begin());
        std::copy(pair.a_public.bytes().begin(), pair.a_public.bytes().end(), datagram.begin() + 4);
        datagram[36] = pair.a_public < pair.b_public ? 0x5a : 0x5b;  // the direction bit
        check(crypto_box_easy(datagram.data() + kHead, rest.data(), rest.size(),
                              datagram.data() + 36, pair.b_public.bytes().data(),
                              pair.a.bytes().data()) == 0);
    } else {
        datagram.assign(rest.begin(), rest.end());
    }
    check(!pair.a_to_b.open(datagram));  // b's datagrams only open on a's box for b
    const auto opened = pair.b_from_a.open(datagram);
    if (!opened) {
        return;
    }
    check(mesh::is_disco(datagram) && datagram.size() <= mesh::kMaxDiscoDatagram);
    check(mesh::disco_sender(datagram) == pair.a_public);
    check(opened->observed.has_value() == (opened->type == mesh::DiscoType::pong));
    const Bytes again = pair.a_to_b.seal(pair.a_public, *opened);
    check(again.size() == datagram.size());
    check(pair.b_from_a.open(again) == opened);
    Bytes altered = datagram;
    altered[flip_at % altered.size()] ^= flip_by;
    check(!pair.b_from_a.open(altered));
}

void relay(std::span<const std::uint8_t> bytes) {
    const auto header = mesh::read_relay_header(bytes);
    if (!header) {
        check(bytes.size() <= mesh::kRelayHeader || !mesh::is_relay_frame(bytes));
        return;
    }
    check(mesh::is_relay_frame(bytes) && !mesh::is_disco(bytes) &&
          bytes.size() > mesh::kRelayHeader);
    Bytes written(mesh::kRelayHeader);
    mesh::write_relay_header(written, *header);
    check(std::equal(written.begin(), written.end(), bytes.begin()));
    check(mesh::same_token(header->token, header->token));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const std::span<const std::uint8_t> bytes(data + 1, size - 1);
    switch (data[0] % 7) {
        case 0:
            control(bytes);
            break;
        case 1:
            certificate(bytes);
            break;
        case 2:
            revocation(bytes);
            break;
        case 3:
            invite(bytes);
            break;
        case 4:
            datagram(bytes);
            break;
        case 5:
            disco(bytes);
            break;
        default:
            relay(bytes);
            break;
    }
    return 0;
}

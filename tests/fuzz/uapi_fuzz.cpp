// The UAPI (wg(8)'s protocol) from three sides, chosen by the first byte of the input:
//
// 0. the stream reader: the bytes of a connection, fed whole and again in small pieces; the
//    requests and errors must be the same however the bytes arrive, and each set body is parsed;
// 1. parse_set on a request body: nothing crashes, every refusal is EINVAL or EPROTO, no message
//    repeats a private or preshared key it was sent, and what parses, written out again as a set
//    request, parses to the same request;
// 2. format_get on a device built from the bytes: the reply has no empty line (that would end it
//    early) and, without the statistics lines, reads back through parse_set as the same device.
//
// A failed property calls std::abort(), which libFuzzer reports as a crash.
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <sodium.h>

#include "daemon/uapi.hpp"
#include "tests/fuzz/fuzz_input.hpp"

namespace {

using tulle::daemon::UapiError;
using tulle::daemon::UapiLimits;
using tulle::daemon::UapiReader;
using tulle::daemon::UapiRequest;
using tulle::daemon::UapiSet;

using tulle::fuzz::check;

using Bytes = tulle::fuzz::Input;

// --- 0: the stream reader ---

std::string write_set(const UapiSet& set);

// What a reader made of a stream: each request as "get", "set:<the request written back>",
// "refused N" or "errno N".
std::vector<std::string> read_stream(std::string_view stream, const UapiLimits& limits,
                                     std::span<const std::uint8_t> pieces) {
    UapiReader reader(limits);
    std::vector<std::string> out;
    auto drain = [&] {
        while (auto next = reader.next()) {
            if (!*next) {
                check(reader.broken());
                out.push_back("errno " + std::to_string(next->error().errno_value));
                continue;
            }
            const UapiRequest& request = **next;
            if (request.op == UapiRequest::Op::get) {
                out.emplace_back("get");
            } else if (request.refused) {
                const int e = request.refused->errno_value;
                check(e == EINVAL || e == EPROTO || e == EMSGSIZE || e == ENOSPC || e == E2BIG);
                out.push_back("refused " + std::to_string(e));
            } else {
                out.push_back("set:" + write_set(request.set));
            }
        }
    };
    std::size_t at = 0;
    std::size_t piece = 0;
    while (at < stream.size()) {
        // Pieces of 1 to 16 bytes, or all that is left when there are no piece sizes.
        const std::size_t size = pieces.empty()
                                     ? stream.size()
                                     : std::size_t{1} + (pieces[piece++ % pieces.size()] % 16U);
        reader.feed(stream.substr(at, size));
        at += std::min(size, stream.size() - at);
        drain();
    }
    if (reader.broken()) {
        check(reader.buffered() == 0);
    }
    return out;
}

void fuzz_stream(Bytes in) {
    // Small limits reach EMSGSIZE, ENOSPC and E2BIG; 0 stands for the real ones.
    const std::uint8_t limit = in.byte();
    UapiLimits limits;
    if (limit != 0) {
        limits.max_line = std::size_t{limit} * 4U;
        limits.max_peer_sections = limit % 8U;
        limits.max_allowed_ips = limit % 16U;
    }
    const std::string_view stream = in.rest();
    const auto whole = read_stream(stream, limits, {});
    const auto pieces = read_stream(stream, limits,
                                    {reinterpret_cast<const std::uint8_t*>(stream.data()),
                                     std::min<std::size_t>(stream.size(), 64)});
    check(whole == pieces);
}

// --- 1: parse_set ---

std::string hex(std::span<const std::uint8_t> bytes) {
    std::string out(2 * bytes.size() + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
    out.pop_back();
    return out;
}

// A set body that asks for what `set` asks for.
std::string write_set(const UapiSet& set) {
    std::string out;
    if (set.private_key) {
        out += "private_key=" +
               (*set.private_key ? hex(set.private_key->value().bytes())
                                 : std::string(2 * tulle::core::kKeySize, '0')) +
               "\n";
    }
    if (set.listen_port) {
        out += "listen_port=" + std::to_string(*set.listen_port) + "\n";
    }
    if (set.fwmark) {
        out += "fwmark=" + std::to_string(*set.fwmark) + "\n";
    }
    if (set.replace_peers) {
        out += "replace_peers=true\n";
    }
    for (const auto& peer : set.peers) {
        out += "public_key=" + hex(peer.public_key) + "\n";
        if (peer.update_only) {
            out += "update_only=true\n";
        }
        if (peer.remove) {
            out += "remove=true\n";
        }
        if (peer.preshared_key) {
            out += "preshared_key=" + hex(peer.preshared_key->bytes()) + "\n";
        }
        if (peer.endpoint) {
            out += "endpoint=" + peer.endpoint->to_string() + "\n";
        }
        if (peer.persistent_keepalive) {
            out += "persistent_keepalive_interval=" + std::to_string(*peer.persistent_keepalive) +
                   "\n";
        }
        if (peer.replace_allowed_ips) {
            out += "replace_allowed_ips=true\n";
        }
        for (const auto& prefix : peer.allowed_ips) {
            out += "allowed_ip=" + prefix.to_string() + "\n";
        }
    }
    return out;
}

bool looks_like_a_key(std::string_view text) {
    if (text.size() < 16) {
        return false;
    }
    for (const char c : text) {
        const bool base64 = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                            (c >= 'A' && c <= 'Z') || c == '+' || c == '/' || c == '=';
        if (!base64) {
            return false;
        }
    }
    return true;
}

// The key-like values of private_key and preshared_key lines that appear nowhere else in the body.
std::vector<std::string_view> secrets_of(std::string_view body) {
    std::vector<std::string_view> secrets;
    std::string others;
    std::size_t at = 0;
    while (at < body.size()) {
        const std::size_t newline = std::min(body.find('\n', at), body.size());
        const std::string_view line = body.substr(at, newline - at);
        at = newline + 1;
        const bool secret = line.starts_with("private_key=") || line.starts_with("preshared_key=");
        if (secret) {
            const std::string_view value = line.substr(line.find('=') + 1);
            if (looks_like_a_key(value)) {
                secrets.push_back(value);
            }
        } else {
            others.append(line);
            others += '\n';
        }
    }
    std::erase_if(secrets, [&](std::string_view s) { return others.find(s) != std::string::npos; });
    return secrets;
}

void fuzz_parse_set(std::string_view body) {
    auto parsed = tulle::daemon::parse_set(body);
    if (!parsed) {
        const UapiError& error = parsed.error();
        check(error.errno_value == EINVAL || error.errno_value == EPROTO);
        check(!error.message.empty());
        for (const std::string_view secret : secrets_of(body)) {
            check(error.message.find(secret) == std::string::npos);
        }
        return;
    }
    for (const auto& peer : parsed->peers) {
        if (peer.remove) {  // a removed peer carries nothing else
            check(!peer.preshared_key && !peer.endpoint && !peer.persistent_keepalive &&
                  !peer.replace_allowed_ips && peer.allowed_ips.empty());
        }
    }
    const std::string written = write_set(*parsed);
    auto again = tulle::daemon::parse_set(written);
    check(again.ok());
    check(*again == *parsed);
}

// --- 2: format_get ---

tulle::value::IpAddress address(Bytes& in) {
    if (in.byte() % 2 == 0) {
        return tulle::value::IpAddress::v4(in.array<4>());
    }
    return tulle::value::IpAddress::v6(in.array<16>());
}

tulle::daemon::DeviceStatus device_from(Bytes& in) {
    tulle::daemon::DeviceStatus device;
    const std::uint8_t flags = in.byte();
    if ((flags & 1U) != 0) {
        device.private_key.emplace();
        const auto bytes = in.array<32>();
        std::copy(bytes.begin(), bytes.end(), device.private_key->bytes().begin());
    }
    device.listen_port = static_cast<std::uint16_t>(in.number(2));
    device.fwmark = static_cast<std::uint32_t>(in.number(4));
    const int peers = in.byte() % 4;
    for (int i = 0; i < peers; ++i) {
        tulle::daemon::PeerState peer;
        peer.public_key = in.array<32>();
        const std::uint8_t has = in.byte();
        if ((has & 1U) != 0) {
            peer.preshared_key.emplace();
            const auto bytes = in.array<32>();
            std::copy(bytes.begin(), bytes.end(), peer.preshared_key->bytes().begin());
        }
        if ((has & 2U) != 0) {
            // The engine only learns endpoints with a port: from wg set (1..65535) or from the
            // source of an authenticated datagram.
            const auto ip = address(in);
            const auto port = static_cast<std::uint16_t>(std::max<std::uint64_t>(1, in.number(2)));
            peer.endpoint = tulle::value::SocketAddress{ip, port};
        }
        if ((has & 4U) != 0) {
            peer.last_handshake = std::chrono::system_clock::time_point{
                std::chrono::nanoseconds{static_cast<std::int64_t>(in.number(8))}};
        }
        peer.persistent_keepalive = static_cast<std::uint16_t>(in.number(2));
        peer.rx_bytes = in.number(8);
        peer.tx_bytes = in.number(8);
        const int prefixes = in.byte() % 5;
        for (int p = 0; p < prefixes; ++p) {
            const auto ip = address(in);
            const int length = in.byte() % (ip.max_prefix_length() + 1);
            peer.allowed_ips.push_back(*tulle::value::IpPrefix::make(ip, length));
        }
        device.peers.push_back(std::move(peer));
    }
    return device;
}

bool is_number(std::string_view text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

void fuzz_get(Bytes in) {
    const auto device = device_from(in);
    const std::string reply = tulle::daemon::format_get(device);
    check(reply.empty() || reply.back() == '\n');
    check(reply.find("\n\n") == std::string::npos && !reply.starts_with('\n'));
    // What set reads of it: every line but the statistics, which are numbers.
    std::string settable;
    std::size_t at = 0;
    while (at < reply.size()) {
        const std::size_t newline = reply.find('\n', at);
        const std::string_view line = std::string_view(reply).substr(at, newline - at);
        at = newline + 1;
        const std::size_t equals = line.find('=');
        check(equals != std::string_view::npos);
        const std::string_view key = line.substr(0, equals);
        if (key == "last_handshake_time_sec" || key == "last_handshake_time_nsec" ||
            key == "tx_bytes" || key == "rx_bytes") {
            check(is_number(line.substr(equals + 1)));
            continue;
        }
        settable.append(line);
        settable += '\n';
    }
    auto set = tulle::daemon::parse_set(settable);
    check(set.ok());
    const bool has_private = device.private_key && !device.private_key->is_zero();
    check(set->private_key.has_value() == has_private);
    if (has_private) {
        check(set->private_key->has_value() && **set->private_key == *device.private_key);
    }
    check(set->listen_port.value_or(0) == device.listen_port);
    check(set->listen_port != std::optional<std::uint16_t>{0});
    check(set->fwmark.value_or(0) == device.fwmark);
    check(!set->replace_peers);
    check(set->peers.size() == device.peers.size());
    for (std::size_t i = 0; i < device.peers.size(); ++i) {
        const auto& want = device.peers[i];
        const auto& got = set->peers[i];
        check(got.public_key == want.public_key);
        check(got.preshared_key.has_value());
        check(want.preshared_key ? *got.preshared_key == *want.preshared_key
                                 : got.preshared_key->is_zero());
        check(got.endpoint == want.endpoint);
        check(got.persistent_keepalive == want.persistent_keepalive);
        check(!got.remove && !got.update_only && !got.replace_allowed_ips);
        check(got.allowed_ips.size() == want.allowed_ips.size());
        for (std::size_t p = 0; p < want.allowed_ips.size(); ++p) {
            check(got.allowed_ips[p] == want.allowed_ips[p].canonical());
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Bytes in({data, size});
    switch (in.byte() % 3) {
        case 0:
            fuzz_stream(in);
            break;
        case 1:
            fuzz_parse_set(in.rest());
            break;
        default:
            fuzz_get(in);
            break;
    }
    return 0;
}

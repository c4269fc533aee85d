#include "daemon/uapi.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <limits>
#include <span>

#include <sodium.h>

namespace tulle::daemon {
namespace {

using Failure = value::Unexpected<UapiError>;

constexpr std::size_t kHexKeySize = 2 * core::kKeySize;
constexpr std::size_t kQuoteLimit = 64;

// Input for a message: quoted, with control characters escaped, and cut short when long.
std::string quote_short(std::string_view text, std::size_t limit = kQuoteLimit) {
    if (text.size() <= limit) {
        return value::quote(text);
    }
    return value::quote(text.substr(0, limit)) + "...";
}

void wipe(std::string& text) {
    if (!text.empty()) {
        sodium_memzero(text.data(), text.size());
    }
}

// --- parsing values ---

// Why `text` is not 64 hex digits, or nothing when `out` now holds the key they encode. The
// message does not repeat the text, which may be a secret.
std::optional<std::string> decode_hex_key(std::string_view text,
                                          std::span<std::uint8_t, core::kKeySize> out) {
    if (text.size() != kHexKeySize) {
        return "a key is " + std::to_string(kHexKeySize) + " hex digits, not " +
               std::to_string(text.size()) + " characters";
    }
    std::size_t decoded = 0;
    const char* end = nullptr;
    // libsodium's decoder takes the same time whatever the digits are.
    const int status =
        sodium_hex2bin(out.data(), out.size(), text.data(), text.size(), nullptr, &decoded, &end);
    if (status == 0 && decoded == out.size() && end == text.data() + text.size()) {
        return std::nullopt;
    }
    sodium_memzero(out.data(), out.size());
    const auto bad = std::find_if(text.begin(), text.end(), [](char c) {
        return (c < '0' || c > '9') && (c < 'a' || c > 'f') && (c < 'A' || c > 'F');
    });
    return "character " + std::to_string(bad - text.begin() + 1) + " of the key is not a hex digit";
}

// A decimal number from 0 to max, as Go's strconv.ParseUint reads one: digits only (no sign, no
// spaces), leading zeros allowed.
std::optional<std::uint32_t> parse_decimal(std::string_view text, std::uint32_t max) {
    if (text.empty()) {
        return std::nullopt;
    }
    std::uint64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
        if (value > max) {
            return std::nullopt;
        }
    }
    return static_cast<std::uint32_t>(value);
}

std::string not_a_number(std::string_view value, std::uint32_t max) {
    return quote_short(value) + " is not a number from 0 to " + std::to_string(max);
}

// Reads a decimal number from 0 to the largest T into `field`; what is wrong with the value when
// it is not one.
template <typename T>
std::optional<std::string> read_number(std::string_view value, std::optional<T>& field) {
    constexpr std::uint32_t kMax = std::numeric_limits<T>::max();
    const auto number = parse_decimal(value, kMax);
    if (!number) {
        return not_a_number(value, kMax);
    }
    field = static_cast<T>(*number);
    return std::nullopt;
}

// "true" is the one value of a flag: the flag is absent otherwise.
std::optional<std::string> check_true(std::string_view value) {
    if (value == "true") {
        return std::nullopt;
    }
    return quote_short(value) + " is not 'true', the only value it takes";
}

// "192.0.2.1:51820" or "[2001:db8::1]:51820", as wg(8) writes them: numbers only.
value::Result<value::SocketAddress> parse_endpoint(std::string_view value) {
    if (value.find('%') != std::string_view::npos) {
        return value::fail("IPv6 zones ('%' and an interface) are not supported");
    }
    auto endpoint = value::Endpoint::parse(value);
    if (!endpoint) {
        return value::fail(endpoint.error());
    }
    if (!endpoint->is_address()) {
        return value::fail("not a numeric address (wg resolves host names before it sends them)");
    }
    return value::SocketAddress{endpoint->address(), endpoint->port()};
}

// "10.0.0.0/24", "fd00::/64"; host bits are allowed. The length is required, as in wireguard-go.
value::Result<value::IpPrefix> parse_allowed_ip(std::string_view value) {
    if (value.find('/') == std::string_view::npos) {
        return value::fail("missing '/' and prefix length");
    }
    return value::IpPrefix::parse(value);
}

// --- set ---

bool is_device_key(std::string_view key) {
    return key == "private_key" || key == "listen_port" || key == "fwmark" ||
           key == "replace_peers";
}

bool is_peer_key(std::string_view key) {
    return key == "remove" || key == "update_only" || key == "preshared_key" || key == "endpoint" ||
           key == "persistent_keepalive_interval" || key == "replace_allowed_ips" ||
           key == "allowed_ip" || key == "protocol_version";
}

// Applies one device line to `set`; returns what is wrong with the value, if anything.
std::optional<std::string> device_line(UapiSet& set, std::string_view key, std::string_view value) {
    if (key == "private_key") {
        core::PrivateKey private_key;
        if (auto problem = decode_hex_key(value, private_key.bytes())) {
            return problem;
        }
        if (private_key.is_zero()) {
            set.private_key.emplace(std::nullopt);
        } else {
            set.private_key.emplace(std::move(private_key));
        }
        return std::nullopt;
    }
    if (key == "listen_port") {
        return read_number(value, set.listen_port);
    }
    if (key == "fwmark") {
        return read_number(value, set.fwmark);
    }
    // replace_peers
    if (auto problem = check_true(value)) {
        return problem;
    }
    set.replace_peers = true;
    return std::nullopt;
}

// Applies one peer line (not public_key) to `peer`; returns what is wrong with the value.
std::optional<std::string> peer_line(UapiPeer& peer, std::string_view key, std::string_view value) {
    if (key == "remove") {
        if (auto problem = check_true(value)) {
            return problem;
        }
        // Nothing else in the section matters any more.
        UapiPeer removed;
        removed.public_key = peer.public_key;
        removed.remove = true;
        removed.update_only = peer.update_only;
        peer = std::move(removed);
        return std::nullopt;
    }
    if (key == "update_only") {
        if (auto problem = check_true(value)) {
            return problem;
        }
        peer.update_only = true;
        return std::nullopt;
    }
    if (key == "preshared_key") {
        core::SymmetricKey preshared_key;
        if (auto problem = decode_hex_key(value, preshared_key.bytes())) {
            return problem;
        }
        peer.preshared_key = std::move(preshared_key);
        return std::nullopt;
    }
    if (key == "endpoint") {
        auto endpoint = parse_endpoint(value);
        if (!endpoint) {
            return quote_short(value) + ": " + endpoint.error();
        }
        peer.endpoint = *endpoint;
        return std::nullopt;
    }
    if (key == "persistent_keepalive_interval") {
        return read_number(value, peer.persistent_keepalive);
    }
    if (key == "replace_allowed_ips") {
        if (auto problem = check_true(value)) {
            return problem;
        }
        peer.replace_allowed_ips = true;
        peer.allowed_ips.clear();  // the lines before this one are replaced too
        return std::nullopt;
    }
    if (key == "allowed_ip") {
        auto prefix = parse_allowed_ip(value);
        if (!prefix) {
            return quote_short(value) + ": " + prefix.error();
        }
        peer.allowed_ips.push_back(*prefix);
        return std::nullopt;
    }
    // protocol_version
    if (value != "1") {
        return "version " + quote_short(value) + " is not supported; 1 is";
    }
    return std::nullopt;
}

// --- get ---

void append_key(std::string& out, std::string_view name,
                std::span<const std::uint8_t, core::kKeySize> key) {
    std::array<char, kHexKeySize + 1> hex{};
    sodium_bin2hex(hex.data(), hex.size(), key.data(), key.size());
    out += name;
    out += '=';
    out.append(hex.data(), kHexKeySize);
    out += '\n';
    sodium_memzero(hex.data(), hex.size());
}

void append_number(std::string& out, std::string_view name, std::uint64_t value) {
    out += name;
    out += '=';
    out += std::to_string(value);
    out += '\n';
}

void append_text(std::string& out, std::string_view name, std::string_view value) {
    out += name;
    out += '=';
    out += value;
    out += '\n';
}

}  // namespace

value::Result<UapiSet, UapiError> parse_set(std::string_view body) {
    UapiSet set;
    bool in_peer = false;
    std::size_t position = 0;
    int line_number = 0;
    while (position < body.size()) {
        const std::size_t newline = body.find('\n', position);
        const std::size_t next = newline == std::string_view::npos ? body.size() : newline + 1;
        const std::string_view line = body.substr(
            position, (newline == std::string_view::npos ? body.size() : newline) - position);
        position = next;
        ++line_number;
        const std::string at = "line " + std::to_string(line_number) + ": ";
        if (line.empty()) {
            if (position != body.size()) {
                return Failure{{EPROTO, at + "the empty line ends the request, but more follows"}};
            }
            break;
        }
        const std::size_t equals = line.find('=');
        if (equals == std::string_view::npos) {
            // The line is not quoted: it may be a secret key that lost its "name=".
            return Failure{{EPROTO, at + "not a key=value line"}};
        }
        const std::string_view key = line.substr(0, equals);
        const std::string_view value = line.substr(equals + 1);
        const std::string key_text(key);

        if (key == "public_key") {
            UapiPeer peer;
            if (auto problem = decode_hex_key(value, peer.public_key)) {
                return Failure{{EINVAL, at + "public_key: " + *problem}};
            }
            set.peers.push_back(std::move(peer));
            in_peer = true;
            continue;
        }
        if (is_device_key(key)) {
            if (in_peer) {
                return Failure{{EINVAL, at + key_text +
                                            " is an interface key and cannot follow a "
                                            "public_key line"}};
            }
            if (auto problem = device_line(set, key, value)) {
                return Failure{{EINVAL, at + key_text + ": " + *problem}};
            }
            continue;
        }
        if (is_peer_key(key)) {
            if (!in_peer) {
                return Failure{
                    {EINVAL,
                     at + key_text + " is a peer key and needs a public_key line before it"}};
            }
            // After remove=true the section's lines are still checked, but change nothing.
            UapiPeer ignored;
            UapiPeer& peer = set.peers.back().remove ? ignored : set.peers.back();
            if (auto problem = peer_line(peer, key, value)) {
                return Failure{{EINVAL, at + key_text + ": " + *problem}};
            }
            continue;
        }
        return Failure{{EINVAL, at + "unknown key " + quote_short(key)}};
    }
    return set;
}

std::string format_get(const DeviceStatus& device) {
    std::size_t size = 256;
    for (const auto& peer : device.peers) {
        size += 512 + 64 * peer.allowed_ips.size();
    }
    std::string out;
    out.reserve(size);  // the private key is written once, not left behind by reallocation

    if (device.private_key && !device.private_key->is_zero()) {
        append_key(out, "private_key", device.private_key->bytes());
    }
    if (device.listen_port != 0) {
        append_number(out, "listen_port", device.listen_port);
    }
    if (device.fwmark != 0) {
        append_number(out, "fwmark", device.fwmark);
    }
    for (const auto& peer : device.peers) {
        append_key(out, "public_key", peer.public_key);
        if (peer.preshared_key) {
            append_key(out, "preshared_key", peer.preshared_key->bytes());
        } else {
            append_key(out, "preshared_key", std::array<std::uint8_t, core::kKeySize>{});
        }
        append_text(out, "protocol_version", "1");
        if (peer.endpoint) {
            // "192.0.2.1:51820" or "[2001:db8::1]:51820": the form wg(8) parses.
            append_text(out, "endpoint", peer.endpoint->to_string());
        }
        std::int64_t nanoseconds = 0;
        if (peer.last_handshake) {
            nanoseconds = std::chrono::duration_cast<std::chrono::nanoseconds>(
                              peer.last_handshake->time_since_epoch())
                              .count();
        }
        constexpr std::int64_t kPerSecond = 1'000'000'000;
        nanoseconds = std::max<std::int64_t>(nanoseconds, 0);  // before 1970: as never
        append_number(out, "last_handshake_time_sec",
                      static_cast<std::uint64_t>(nanoseconds / kPerSecond));
        append_number(out, "last_handshake_time_nsec",
                      static_cast<std::uint64_t>(nanoseconds % kPerSecond));
        append_number(out, "tx_bytes", peer.tx_bytes);
        append_number(out, "rx_bytes", peer.rx_bytes);
        append_number(out, "persistent_keepalive_interval", peer.persistent_keepalive);
        for (const auto& prefix : peer.allowed_ips) {
            append_text(out, "allowed_ip", prefix.canonical().to_string());
        }
    }
    return out;
}

std::string format_status(int errno_value) {
    const int wire = errno_value > 0 ? -errno_value : errno_value;
    return "errno=" + std::to_string(wire) + "\n\n";
}

// --- UapiRequest ---

UapiRequest::~UapiRequest() {
    wipe(body);
}

// --- UapiReader ---

UapiReader::UapiReader(std::size_t max_request_size) : max_request_size_(max_request_size) {}

UapiReader::~UapiReader() {
    wipe(buffer_);
}

void UapiReader::feed(std::string_view bytes) {
    if (broken_ || bytes.empty()) {
        return;
    }
    if (start_ > 0) {
        // Move the unfinished request to the front, and wipe the bytes it leaves behind.
        const std::size_t pending = buffer_.size() - start_;
        std::copy(buffer_.begin() + static_cast<std::ptrdiff_t>(start_), buffer_.end(),
                  buffer_.begin());
        sodium_memzero(buffer_.data() + pending, buffer_.size() - pending);
        buffer_.resize(pending);
        scan_ -= std::min(scan_, start_);
        start_ = 0;
    }
    if (buffer_.size() + bytes.size() > buffer_.capacity()) {
        // Grow by hand, so the old storage is wiped before it is freed.
        std::string bigger;
        bigger.reserve(std::max(2 * buffer_.capacity(), buffer_.size() + bytes.size()));
        bigger.append(buffer_);
        wipe(buffer_);
        buffer_.swap(bigger);
    }
    buffer_.append(bytes);
}

std::optional<value::Result<UapiRequest, UapiError>> UapiReader::next() {
    if (broken_ || buffered() == 0) {
        return std::nullopt;
    }
    constexpr std::string_view kGet = "get=1\n";
    constexpr std::string_view kSet = "set=1\n";
    const std::string_view pending = std::string_view(buffer_).substr(start_);
    const std::string_view head = pending.substr(0, kGet.size());
    if (kGet.substr(0, head.size()) != head && kSet.substr(0, head.size()) != head) {
        // Only the part before '=' is quoted: a confused client might send a key line first.
        const std::string_view line = pending.substr(0, pending.find('\n'));
        const std::size_t equals = line.find('=');
        std::string shown(line.substr(0, equals));
        if (equals != std::string_view::npos) {
            shown += "=...";
        }
        return break_with(EPROTO, "unknown operation " + quote_short(shown, 32) +
                                      " (a request starts with get=1 or set=1)");
    }
    if (head.size() < kGet.size()) {
        return std::nullopt;
    }
    const bool get = head == kGet;
    // The newline of the first line may be the first of the two that end the request.
    const std::size_t first_newline = start_ + kGet.size() - 1;
    const std::size_t end_mark = buffer_.find("\n\n", std::max(scan_, first_newline));
    if (end_mark == std::string::npos) {
        if (buffered() >= max_request_size_) {
            return break_with(EMSGSIZE, "a request is at most " +
                                            std::to_string(max_request_size_) +
                                            " bytes, and this one is longer");
        }
        scan_ = buffer_.size() - 1;
        return std::nullopt;
    }
    const std::size_t end = end_mark + 2;
    if (end - start_ > max_request_size_) {
        return break_with(EMSGSIZE, "a request is at most " + std::to_string(max_request_size_) +
                                        " bytes, and this one has " + std::to_string(end - start_));
    }
    if (get && end_mark != first_newline) {
        return break_with(EINVAL, "get=1 must be followed by the empty line");
    }
    const std::size_t body_begin = first_newline + 1;
    const std::size_t body_end = end_mark + 1;  // the last line keeps its '\n'
    UapiRequest request(get ? UapiRequest::Op::get : UapiRequest::Op::set,
                        buffer_.substr(body_begin, body_end - body_begin));
    consume(end);
    return value::Result<UapiRequest, UapiError>(std::move(request));
}

value::Result<UapiRequest, UapiError> UapiReader::break_with(int errno_value, std::string message) {
    broken_ = true;
    wipe(buffer_);
    buffer_.clear();
    start_ = 0;
    scan_ = 0;
    return Failure{{errno_value, std::move(message)}};
}

void UapiReader::consume(std::size_t end) {
    sodium_memzero(buffer_.data() + start_, end - start_);
    start_ = end;
    scan_ = end;
    if (start_ == buffer_.size()) {
        buffer_.clear();
        start_ = 0;
        scan_ = 0;
    }
}

}  // namespace tulle::daemon

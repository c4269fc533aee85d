#include "daemon/uapi.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <deque>
#include <limits>
#include <span>

#include <sodium.h>

#include "value/text.hpp"

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

std::string not_a_number(std::string_view value, std::uint32_t max) {
    return quote_short(value) + " is not a number from 0 to " + std::to_string(max);
}

// Reads a decimal number from 0 to the largest T into `field`; what is wrong with the value when
// it is not one.
template <typename T>
std::optional<std::string> read_number(std::string_view value, std::optional<T>& field) {
    constexpr std::uint32_t kMax = std::numeric_limits<T>::max();
    // Digits only (no sign, no spaces), leading zeros allowed: as Go's strconv.ParseUint.
    const auto number = tulle::value::parse_decimal(value, kMax);
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

// --- UapiSetParser ---

void UapiSetParser::refuse(int errno_value, std::string message) {
    if (error_) {
        return;
    }
    error_ = UapiError{errno_value, std::move(message)};
    set_ = UapiSet{};  // its keys wipe themselves
    allowed_ips_ = 0;
}

void UapiSetParser::line_too_long() {
    ++line_number_;
    refuse(EMSGSIZE, "line " + std::to_string(line_number_) + ": longer than " +
                         std::to_string(limits_.max_line) + " bytes");
}

void UapiSetParser::line(std::string_view text) {
    ++line_number_;
    if (error_) {
        return;
    }
    const std::string at = "line " + std::to_string(line_number_) + ": ";
    const std::size_t equals = text.find('=');
    if (equals == std::string_view::npos) {
        // The line is not quoted: it may be a secret key that lost its "name=".
        refuse(EPROTO, at + "not a key=value line");
        return;
    }
    const std::string_view key = text.substr(0, equals);
    const std::string_view value = text.substr(equals + 1);
    const std::string key_text(key);

    if (key == "public_key") {
        if (set_.peers.size() >= limits_.max_peer_sections) {
            refuse(ENOSPC, at + "a request holds at most " +
                               std::to_string(limits_.max_peer_sections) + " peer sections");
            return;
        }
        UapiPeer peer;
        if (auto problem = decode_hex_key(value, peer.public_key)) {
            refuse(EINVAL, at + "public_key: " + *problem);
            return;
        }
        set_.peers.push_back(std::move(peer));
        in_peer_ = true;
        return;
    }
    if (is_device_key(key)) {
        if (in_peer_) {
            refuse(EINVAL,
                   at + key_text + " is an interface key and cannot follow a public_key line");
            return;
        }
        if (auto problem = device_line(set_, key, value)) {
            refuse(EINVAL, at + key_text + ": " + *problem);
        }
        return;
    }
    if (is_peer_key(key)) {
        if (!in_peer_) {
            refuse(EINVAL, at + key_text + " is a peer key and needs a public_key line before it");
            return;
        }
        // After remove=true the section's lines are still checked, but change nothing.
        UapiPeer ignored;
        UapiPeer& peer = set_.peers.back().remove ? ignored : set_.peers.back();
        const std::size_t before = peer.allowed_ips.size();
        if (auto problem = peer_line(peer, key, value)) {
            refuse(EINVAL, at + key_text + ": " + *problem);
            return;
        }
        // remove and replace_allowed_ips drop the section's prefixes; allowed_ip adds one.
        allowed_ips_ = allowed_ips_ - before + set_.peers.back().allowed_ips.size();
        if (allowed_ips_ > limits_.max_allowed_ips) {
            refuse(E2BIG, at + "a request holds at most " +
                              std::to_string(limits_.max_allowed_ips) + " allowed IPs");
        }
        return;
    }
    refuse(EINVAL, at + "unknown key " + quote_short(key));
}

value::Result<UapiSet, UapiError> UapiSetParser::finish() {
    std::optional<UapiError> error = std::move(error_);
    UapiSet set = std::move(set_);
    set_ = UapiSet{};
    error_.reset();
    in_peer_ = false;
    line_number_ = 0;
    allowed_ips_ = 0;
    if (error) {
        return Failure{std::move(*error)};
    }
    return set;
}

value::Result<UapiSet, UapiError> parse_set(std::string_view body, const UapiLimits& limits) {
    UapiSetParser parser(limits);
    std::size_t position = 0;
    int line_number = 0;
    while (position < body.size()) {
        const std::size_t newline = body.find('\n', position);
        const std::size_t end = newline == std::string_view::npos ? body.size() : newline;
        const std::string_view line = body.substr(position, end - position);
        position = newline == std::string_view::npos ? body.size() : newline + 1;
        ++line_number;
        if (line.empty()) {
            if (position != body.size()) {
                return Failure{{EPROTO, "line " + std::to_string(line_number) +
                                            ": the empty line ends the request, but more follows"}};
            }
            break;
        }
        if (line.size() > limits.max_line) {
            parser.line_too_long();
        } else {
            parser.line(line);
        }
        if (parser.refused()) {
            break;
        }
    }
    return parser.finish();
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

// --- UapiReader ---

UapiReader::UapiReader(UapiLimits limits) : parser_(limits) {}

UapiReader::~UapiReader() {
    wipe(line_);
}

void UapiReader::feed(std::string_view bytes) {
    while (!bytes.empty() && !broken_) {
        const std::size_t newline = bytes.find('\n');
        const bool ends_line = newline != std::string_view::npos;
        const std::string_view piece = bytes.substr(0, newline);
        bytes.remove_prefix(ends_line ? newline + 1 : bytes.size());
        if (skipping_) {
            skipping_ = !ends_line;
            continue;
        }
        take(piece);
        if (broken_) {
            return;
        }
        if (skipping_) {
            skipping_ = !ends_line;
            continue;
        }
        if (check_partial_line() && ends_line) {
            complete_line();
        }
    }
}

// Adds a piece of the line in hand, or drops the line when it grows past max_line.
void UapiReader::take(std::string_view piece) {
    const std::size_t max_line = parser_.limits().max_line;
    if (line_.size() + piece.size() > max_line) {
        if (state_ == State::operation) {
            break_with(EPROTO, "unknown operation (a request starts with get=1 or set=1)");
            return;
        }
        if (state_ == State::get) {  // as check_partial_line() says it for a short line
            break_with(EINVAL, "get=1 must be followed by the empty line");
            return;
        }
        parser_.line_too_long();
        wipe(line_);
        line_.clear();
        skipping_ = true;  // up to the '\n' (the caller clears it when this piece had one)
        return;
    }
    if (line_.size() + piece.size() > line_.capacity()) {
        // Grow by hand, so the old storage is wiped before it is freed.
        std::string bigger;
        bigger.reserve(std::min(
            max_line,
            std::max({2 * line_.capacity(), line_.size() + piece.size(), std::size_t{128}})));
        bigger.append(line_);
        wipe(line_);
        line_.swap(bigger);
    }
    line_.append(piece);
}

// False (and the reader broken) when the line in hand cannot begin what must come here.
bool UapiReader::check_partial_line() {
    constexpr std::string_view kGet = "get=1";
    constexpr std::string_view kSet = "set=1";
    if (state_ == State::get && !line_.empty()) {
        break_with(EINVAL, "get=1 must be followed by the empty line");
        return false;
    }
    if (state_ != State::operation) {
        return true;
    }
    const std::string_view line = line_;
    if (line.size() <= kGet.size() && (kGet.starts_with(line) || kSet.starts_with(line))) {
        return true;
    }
    // Only the part before '=' is quoted: a confused client might send a key line first.
    const std::size_t equals = line.find('=');
    std::string shown(line.substr(0, equals));
    if (equals != std::string_view::npos) {
        shown += "=...";
    }
    break_with(EPROTO, "unknown operation " + quote_short(shown, 32) +
                           " (a request starts with get=1 or set=1)");
    return false;
}

void UapiReader::complete_line() {
    switch (state_) {
        case State::operation:
            if (line_ == "get=1") {
                state_ = State::get;
            } else if (line_ == "set=1") {
                state_ = State::set;
            } else {
                break_with(EPROTO, "unknown operation " + quote_short(line_, 32) +
                                       " (a request starts with get=1 or set=1)");
                return;
            }
            break;
        case State::get:
            // check_partial_line() let only the empty line through.
            ready_.emplace_back(UapiRequest{});
            state_ = State::operation;
            break;
        case State::set:
            if (line_.empty()) {
                UapiRequest request;
                request.op = UapiRequest::Op::set;
                auto set = parser_.finish();
                if (set) {
                    request.set = std::move(set).value();
                } else {
                    request.refused = set.error();
                }
                ready_.emplace_back(std::move(request));
                state_ = State::operation;
            } else {
                parser_.line(line_);
            }
            break;
    }
    wipe(line_);
    line_.clear();
}

std::optional<value::Result<UapiRequest, UapiError>> UapiReader::next() {
    if (ready_.empty()) {
        return std::nullopt;
    }
    auto request = std::move(ready_.front());
    ready_.pop_front();
    return request;
}

void UapiReader::break_with(int errno_value, std::string message) {
    broken_ = true;
    wipe(line_);
    line_.clear();
    skipping_ = false;
    (void)parser_.finish();
    ready_.emplace_back(Failure{{errno_value, std::move(message)}});
}

}  // namespace tulle::daemon

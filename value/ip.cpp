#include "value/ip.hpp"

#include <algorithm>
#include <optional>
#include <ostream>
#include <vector>

#include "value/text.hpp"

namespace tulle::value {
namespace {

constexpr std::string_view kHexDigits = "0123456789abcdef";
constexpr std::size_t kMaxHostNameSize = 253;
constexpr std::size_t kMaxLabelSize = 63;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool all_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// Decimal digits only, with a value of at most max; nullopt otherwise.
std::optional<std::uint32_t> decimal_at_most(std::string_view text, std::uint32_t max) {
    const auto value = parse_decimal(text, max);
    return value ? std::optional(static_cast<std::uint32_t>(*value)) : std::nullopt;
}

Result<std::array<std::uint8_t, 4>> parse_v4(std::string_view text) {
    const auto parts = std::count(text.begin(), text.end(), '.') + 1;
    if (parts != 4) {
        return fail("an IPv4 address has 4 parts separated by '.', not " + std::to_string(parts));
    }
    std::array<std::uint8_t, 4> bytes{};
    std::size_t start = 0;
    for (auto& byte : bytes) {
        const std::size_t dot = text.find('.', start);
        const std::string_view part = text.substr(
            start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        start = dot + 1;
        if (part.empty()) {
            return fail("an IPv4 address has an empty part");
        }
        if (!all_digits(part)) {
            return fail("IPv4 part " + quote(part) + " is not a decimal number");
        }
        if (part.size() > 1 && part[0] == '0') {
            return fail("IPv4 part " + quote(part) +
                        " has a leading zero (which some programs read as octal)");
        }
        const auto value = decimal_at_most(part, 255);
        if (!value) {
            return fail("IPv4 part " + std::string(part) + " is larger than 255");
        }
        byte = static_cast<std::uint8_t>(*value);
    }
    return bytes;
}

// Appends the 16-bit groups of one side of "::" (or of a whole address without it).
// `may_end_in_v4`: the last group may be a dotted IPv4 address, which counts as two groups.
std::optional<std::string> parse_v6_groups(std::string_view text, bool may_end_in_v4,
                                           std::vector<std::uint16_t>& groups) {
    if (text.empty()) {
        return std::nullopt;
    }
    std::size_t start = 0;
    while (true) {
        const std::size_t colon = text.find(':', start);
        const bool last = colon == std::string_view::npos;
        const std::string_view group =
            text.substr(start, last ? std::string_view::npos : colon - start);
        if (group.empty()) {
            return "an IPv6 address has an empty group";
        }
        if (group.find('.') != std::string_view::npos) {
            if (!last || !may_end_in_v4) {
                return std::string("an IPv4 part may only end an IPv6 address");
            }
            auto v4 = parse_v4(group);
            if (!v4) {
                return v4.error();
            }
            const auto& b = *v4;
            groups.push_back(static_cast<std::uint16_t>((b[0] << 8U) | b[1]));
            groups.push_back(static_cast<std::uint16_t>((b[2] << 8U) | b[3]));
            return std::nullopt;
        }
        if (group.size() > 4) {
            return "IPv6 group " + quote(group) + " has more than 4 hex digits";
        }
        std::uint16_t value = 0;
        for (const char c : group) {
            const int digit = hex_value(c);
            if (digit < 0) {
                return quote(std::string_view(&c, 1)) + " in IPv6 group " + quote(group) +
                       " is not a hex digit";
            }
            value = static_cast<std::uint16_t>((value << 4U) | static_cast<unsigned>(digit));
        }
        groups.push_back(value);
        if (last) {
            return std::nullopt;
        }
        start = colon + 1;
    }
}

Result<std::array<std::uint8_t, 16>> parse_v6(std::string_view text) {
    if (text.find('%') != std::string_view::npos) {
        return fail("IPv6 zone indices ('%') are not supported");
    }
    const std::size_t gap = text.find("::");
    if (gap != std::string_view::npos && text.find("::", gap + 1) != std::string_view::npos) {
        return fail("'::' may appear only once in an IPv6 address");
    }
    if (text.front() == ':' && gap != 0) {
        return fail("an IPv6 address cannot start with a single ':'");
    }
    if (text.back() == ':' && (gap == std::string_view::npos || gap + 2 != text.size())) {
        return fail("an IPv6 address cannot end with a single ':'");
    }
    std::vector<std::uint16_t> head;
    std::vector<std::uint16_t> tail;
    if (gap == std::string_view::npos) {
        if (auto error = parse_v6_groups(text, true, head)) {
            return fail(*error);
        }
        if (head.size() != 8) {
            return fail("an IPv6 address without '::' has 8 groups, not " +
                        std::to_string(head.size()));
        }
    } else {
        if (auto error = parse_v6_groups(text.substr(0, gap), false, head)) {
            return fail(*error);
        }
        if (auto error = parse_v6_groups(text.substr(gap + 2), true, tail)) {
            return fail(*error);
        }
        if (head.size() + tail.size() > 7) {
            return fail("an IPv6 address with '::' has at most 7 other groups, not " +
                        std::to_string(head.size() + tail.size()));
        }
    }
    std::array<std::uint16_t, 8> groups{};
    std::copy(head.begin(), head.end(), groups.begin());
    std::copy(tail.begin(), tail.end(), groups.end() - static_cast<std::ptrdiff_t>(tail.size()));
    std::array<std::uint8_t, 16> bytes{};
    for (std::size_t i = 0; i < groups.size(); ++i) {
        bytes[2 * i] = static_cast<std::uint8_t>(groups[i] >> 8U);
        bytes[2 * i + 1] = static_cast<std::uint8_t>(groups[i] & 0xffU);
    }
    return bytes;
}

void append_v4(std::string& out, std::span<const std::uint8_t> bytes) {
    for (std::size_t i = 0; i < 4; ++i) {
        if (i > 0) {
            out += '.';
        }
        out += std::to_string(bytes[i]);
    }
}

void append_hex_group(std::string& out, std::uint16_t group) {
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
        const auto digit = static_cast<std::size_t>((group >> static_cast<unsigned>(shift)) & 0xfU);
        if (digit != 0 || started || shift == 0) {
            out += kHexDigits[digit];
            started = true;
        }
    }
}

std::string v6_to_string(const std::array<std::uint8_t, 16>& bytes) {
    std::array<std::uint16_t, 8> groups{};
    for (std::size_t i = 0; i < groups.size(); ++i) {
        groups[i] = static_cast<std::uint16_t>((bytes[2 * i] << 8U) | bytes[2 * i + 1]);
    }
    const auto zero_until = [&](std::size_t end) {
        return std::all_of(groups.begin(), groups.begin() + static_cast<std::ptrdiff_t>(end),
                           [](std::uint16_t g) { return g == 0; });
    };
    const std::span<const std::uint8_t> low32(bytes.data() + 12, 4);
    std::string out;
    if (zero_until(5) && groups[5] == 0xffff) {  // IPv4-mapped
        out = "::ffff:";
        append_v4(out, low32);
        return out;
    }
    if (zero_until(4) && groups[4] == 0xffff && groups[5] == 0) {  // IPv4-translated
        out = "::ffff:0:";
        append_v4(out, low32);
        return out;
    }
    // The longest run of two or more zero groups; the first one on a tie.
    std::size_t best_start = groups.size();
    std::size_t best_length = 1;
    for (std::size_t i = 0; i < groups.size();) {
        if (groups[i] != 0) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < groups.size() && groups[j] == 0) {
            ++j;
        }
        if (j - i > best_length) {
            best_start = i;
            best_length = j - i;
        }
        i = j;
    }
    for (std::size_t i = 0; i < groups.size(); ++i) {
        if (i == best_start) {
            out += "::";
            i += best_length - 1;
            continue;
        }
        if (!out.empty() && out.back() != ':') {
            out += ':';
        }
        append_hex_group(out, groups[i]);
    }
    return out;
}

}  // namespace

std::optional<std::string> host_name_error(std::string_view name) {
    std::string_view body = name;
    if (!body.empty() && body.back() == '.') {
        body.remove_suffix(1);  // a fully qualified name
    }
    if (body.empty()) {
        return std::string("empty host name");
    }
    if (body.size() > kMaxHostNameSize) {
        return "a host name has at most " + std::to_string(kMaxHostNameSize) + " characters, not " +
               std::to_string(body.size());
    }
    for (const char c : body) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
                        c == '-' || c == '_' || c == '.';
        if (!ok) {
            return quote(std::string_view(&c, 1)) + " is not allowed in a host name";
        }
    }
    std::size_t start = 0;
    while (start <= body.size()) {
        const std::size_t dot = body.find('.', start);
        const std::string_view label = body.substr(
            start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (label.empty()) {
            return std::string(
                "a host name has an empty label (two dots in a row, or a leading dot)");
        }
        if (label.size() > kMaxLabelSize) {
            return "a host name label has at most " + std::to_string(kMaxLabelSize) +
                   " characters, not " + std::to_string(label.size());
        }
        if (label.front() == '-' || label.back() == '-') {
            return "host name label " + quote(label) + " starts or ends with '-'";
        }
        if (dot == std::string_view::npos) {
            break;
        }
        start = dot + 1;
    }
    return std::nullopt;
}
namespace {

Result<std::uint16_t> parse_port(std::string_view text) {
    if (text.empty()) {
        return fail("missing port after ':'");
    }
    if (!all_digits(text)) {
        return fail("port " + quote(text) + " is not a decimal number");
    }
    const auto value = decimal_at_most(text, 65535);
    if (!value || *value == 0) {
        return fail("port " + std::string(text) + " is out of range 1..65535");
    }
    return static_cast<std::uint16_t>(*value);
}

}  // namespace

// --- IpAddress ---

IpAddress IpAddress::v4(const std::array<std::uint8_t, 4>& bytes) {
    IpAddress address;
    address.family_ = IpFamily::v4;
    std::copy(bytes.begin(), bytes.end(), address.bytes_.begin());
    return address;
}

IpAddress IpAddress::v6(const std::array<std::uint8_t, 16>& bytes) {
    IpAddress address;
    address.family_ = IpFamily::v6;
    address.bytes_ = bytes;
    return address;
}

Result<IpAddress> IpAddress::from_bytes(std::span<const std::uint8_t> bytes) {
    if (bytes.size() == 4) {
        return v4({bytes[0], bytes[1], bytes[2], bytes[3]});
    }
    if (bytes.size() == 16) {
        std::array<std::uint8_t, 16> copy{};
        std::copy(bytes.begin(), bytes.end(), copy.begin());
        return v6(copy);
    }
    return fail("an IP address has 4 or 16 bytes, not " + std::to_string(bytes.size()));
}

Result<IpAddress> IpAddress::parse(std::string_view text) {
    if (text.empty()) {
        return fail("empty address");
    }
    if (text.find(':') != std::string_view::npos) {
        auto bytes = parse_v6(text);
        if (!bytes) {
            return fail(bytes.error());
        }
        return v6(*bytes);
    }
    const bool v4_chars =
        std::all_of(text.begin(), text.end(), [](char c) { return is_digit(c) || c == '.'; });
    if (!v4_chars) {
        return fail("not an IPv4 or IPv6 address");
    }
    auto bytes = parse_v4(text);
    if (!bytes) {
        return fail(bytes.error());
    }
    return v4(*bytes);
}

std::string IpAddress::to_string() const {
    if (is_v4()) {
        std::string out;
        append_v4(out, bytes());
        return out;
    }
    return v6_to_string(bytes_);
}

std::span<const std::uint8_t> IpAddress::bytes() const {
    return {bytes_.data(), is_v4() ? std::size_t{4} : std::size_t{16}};
}

std::ostream& operator<<(std::ostream& os, const IpAddress& address) {
    return os << address.to_string();
}

// --- IpPrefix ---

IpPrefix::IpPrefix(const IpAddress& address)
    : address_(address), length_(address.max_prefix_length()) {}

Result<IpPrefix> IpPrefix::make(const IpAddress& address, int length) {
    if (length < 0) {
        return fail("prefix length " + std::to_string(length) + " is negative");
    }
    if (length > address.max_prefix_length()) {
        return fail("prefix length " + std::to_string(length) + " is larger than " +
                    std::to_string(address.max_prefix_length()) + " for " +
                    (address.is_v4() ? "IPv4" : "IPv6"));
    }
    return IpPrefix(address, length);
}

Result<IpPrefix> IpPrefix::parse(std::string_view text) {
    const std::size_t slash = text.find('/');
    auto address = IpAddress::parse(text.substr(0, slash));
    if (!address) {
        return fail(address.error());
    }
    if (slash == std::string_view::npos) {
        return IpPrefix(*address);
    }
    const std::string_view length = text.substr(slash + 1);
    if (length.find('/') != std::string_view::npos) {
        return fail("more than one '/'");
    }
    if (length.empty()) {
        return fail("missing prefix length after '/'");
    }
    if (!all_digits(length)) {
        return fail("prefix length " + quote(length) + " is not a decimal number");
    }
    if (length.size() > 1 && length[0] == '0') {
        return fail("prefix length " + quote(length) + " has a leading zero");
    }
    const int max = address->max_prefix_length();
    const auto value = decimal_at_most(length, static_cast<std::uint32_t>(max));
    if (!value) {
        return fail("prefix length " + std::string(length) + " is larger than " +
                    std::to_string(max) + " for " + (address->is_v4() ? "IPv4" : "IPv6"));
    }
    return IpPrefix(*address, static_cast<int>(*value));
}

IpPrefix IpPrefix::canonical() const {
    std::array<std::uint8_t, 16> bytes{};
    const auto in = address_.bytes();
    std::copy(in.begin(), in.end(), bytes.begin());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const int bits_here = std::clamp(length_ - static_cast<int>(i) * 8, 0, 8);
        const auto mask = static_cast<std::uint8_t>(0xffU << static_cast<unsigned>(8 - bits_here));
        bytes[i] = static_cast<std::uint8_t>(bytes[i] & mask);
    }
    if (address_.is_v4()) {
        return {IpAddress::v4({bytes[0], bytes[1], bytes[2], bytes[3]}), length_};
    }
    return {IpAddress::v6(bytes), length_};
}

bool IpPrefix::contains(const IpAddress& address) const {
    if (address.family() != family()) {
        return false;
    }
    return IpPrefix(address, length_).canonical().address_ == canonical().address_;
}

std::string IpPrefix::to_string() const {
    return address_.to_string() + "/" + std::to_string(length_);
}

std::ostream& operator<<(std::ostream& os, const IpPrefix& prefix) {
    return os << prefix.to_string();
}

// --- Endpoint ---

Endpoint::Endpoint(const IpAddress& address, std::uint16_t port) : host_(address), port_(port) {}

Endpoint::Endpoint(std::string host_name, std::uint16_t port)
    : host_(std::move(host_name)), port_(port) {}

Result<Endpoint> Endpoint::make(std::string_view host, std::uint16_t port) {
    if (port == 0) {
        return fail("port 0 is out of range 1..65535");
    }
    if (host.empty()) {
        return fail("empty host");
    }
    const bool numeric =
        host.find(':') != std::string_view::npos ||
        std::all_of(host.begin(), host.end(), [](char c) { return is_digit(c) || c == '.'; });
    if (numeric) {
        auto address = IpAddress::parse(host);
        if (!address) {
            return fail(address.error());
        }
        return Endpoint(*address, port);
    }
    if (auto error = host_name_error(host)) {
        return fail(*error);
    }
    return Endpoint(std::string(host), port);
}

Result<Endpoint> Endpoint::parse(std::string_view text) {
    if (text.empty()) {
        return fail("empty endpoint");
    }
    if (text.front() == '[') {
        const std::size_t close = text.find(']');
        if (close == std::string_view::npos) {
            return fail("missing ']' after the IPv6 address");
        }
        const std::string_view host = text.substr(1, close - 1);
        const std::string_view rest = text.substr(close + 1);
        if (rest.empty()) {
            return fail("missing ':PORT' after ']'");
        }
        if (rest.front() != ':') {
            return fail("expected ':PORT' after ']', not " + quote(rest));
        }
        if (host.find(':') == std::string_view::npos) {
            return fail("brackets are only for IPv6 addresses");
        }
        auto address = IpAddress::parse(host);
        if (!address) {
            return fail(address.error());
        }
        auto port = parse_port(rest.substr(1));
        if (!port) {
            return fail(port.error());
        }
        return Endpoint(*address, *port);
    }
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
        return fail("missing ':PORT'");
    }
    const std::string_view host = text.substr(0, colon);
    if (host.find(':') != std::string_view::npos) {
        return fail("an IPv6 address must be in brackets, as in [2001:db8::1]:51820");
    }
    auto port = parse_port(text.substr(colon + 1));
    if (!port) {
        return fail(port.error());
    }
    return make(host, *port);
}

std::string Endpoint::host() const {
    if (const auto* address = std::get_if<IpAddress>(&host_)) {
        return address->to_string();
    }
    return std::get<std::string>(host_);
}

std::string Endpoint::to_string() const {
    const std::string port = ":" + std::to_string(port_);
    if (const auto* address = std::get_if<IpAddress>(&host_)) {
        return address->is_v6() ? "[" + address->to_string() + "]" + port
                                : address->to_string() + port;
    }
    return std::get<std::string>(host_) + port;
}

std::ostream& operator<<(std::ostream& os, const Endpoint& endpoint) {
    return os << endpoint.to_string();
}

// --- SocketAddress ---

Result<SocketAddress> SocketAddress::parse(std::string_view text) {
    auto endpoint = Endpoint::parse(text);
    if (!endpoint) {
        return fail(endpoint.error());
    }
    if (!endpoint->is_address()) {
        return fail("expected an IP address, not a host name");
    }
    return SocketAddress{endpoint->address(), endpoint->port()};
}

std::string SocketAddress::to_string() const {
    const std::string text = address.to_string();
    const std::string suffix = ":" + std::to_string(port);
    return address.is_v6() ? "[" + text + "]" + suffix : text + suffix;
}

std::ostream& operator<<(std::ostream& os, const SocketAddress& address) {
    return os << address.to_string();
}

}  // namespace tulle::value

#include "value/text.hpp"

#include <cstdint>
#include <optional>

namespace tulle::value {
namespace {

constexpr std::string_view kHexDigits = "0123456789abcdef";

// The code point that starts at text[at] and its length in bytes, or nothing when the bytes there
// are not UTF-8 (overlong forms and surrogates included).
std::optional<std::pair<std::uint32_t, std::size_t>> decode_utf8(std::string_view text,
                                                                 std::size_t at) {
    const auto lead = static_cast<unsigned char>(text[at]);
    std::size_t size = 0;
    std::uint32_t point = 0;
    std::uint32_t minimum = 0;
    if (lead < 0x80U) {
        return std::pair<std::uint32_t, std::size_t>{lead, 1};
    }
    if ((lead & 0xe0U) == 0xc0U) {
        size = 2, point = lead & 0x1fU, minimum = 0x80;
    } else if ((lead & 0xf0U) == 0xe0U) {
        size = 3, point = lead & 0x0fU, minimum = 0x800;
    } else if ((lead & 0xf8U) == 0xf0U) {
        size = 4, point = lead & 0x07U, minimum = 0x10000;
    } else {
        return std::nullopt;
    }
    if (at + size > text.size()) {
        return std::nullopt;
    }
    for (std::size_t i = 1; i < size; ++i) {
        const auto next = static_cast<unsigned char>(text[at + i]);
        if ((next & 0xc0U) != 0x80U) {
            return std::nullopt;
        }
        point = (point << 6U) | (next & 0x3fU);
    }
    if (point < minimum || point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) {
        return std::nullopt;
    }
    return std::pair<std::uint32_t, std::size_t>{point, size};
}

}  // namespace

std::optional<std::uint64_t> parse_decimal(std::string_view text, std::uint64_t max) {
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
    return value;
}

std::string quote(std::string_view text) {
    std::string out = "'";
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) {
            out += "\\x";
            out += kHexDigits[byte >> 4U];
            out += kHexDigits[byte & 0xfU];
        } else {
            out += c;
        }
    }
    out += '\'';
    return out;
}

std::string for_log(std::string_view text, std::size_t max) {
    std::string shown = quote(text.substr(0, max));
    shown = shown.substr(1, shown.size() - 2);  // without quote()'s quotes
    return text.size() > max ? shown + "..." : shown;
}

Result<void> check_interface_name(std::string_view name) {
    if (name.empty()) {
        return fail("an interface name may not be empty");
    }
    if (name.size() > kMaxTunnelNameBytes) {
        return fail("an interface name has at most 15 bytes");
    }
    if (name == "." || name == "..") {
        return fail("'.' and '..' are not interface names");
    }
    for (const char c : name) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte == 0x7f || c == '/' || c == ':') {
            return fail(
                "an interface name may not hold '/', ':', white space or control characters");
        }
    }
    return {};
}

Result<void> check_tunnel_name(std::string_view name) {
    if (name.empty()) {
        return fail("a tunnel name may not be empty");
    }
    if (name.size() > kMaxTunnelNameBytes) {
        return fail("a tunnel name has at most 15 characters");
    }
    for (const char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '=' || c == '+' || c == '.' ||
                        c == '-';
        if (!ok) {
            return fail("a tunnel name may hold only letters, digits and _ = + . -");
        }
    }
    if (name.front() == '-' || name.front() == '.') {
        return fail("a tunnel name may not start with '-' or '.'");
    }
    return check_interface_name(name);
}

std::string to_string(PeerNameProblem problem) {
    switch (problem) {
        case PeerNameProblem::not_utf8:
            return "a name must be UTF-8 text";
        case PeerNameProblem::control_character:
            return "a name may not hold control characters";
        case PeerNameProblem::too_long:
            break;
    }
    return "a name has at most " + std::to_string(kMaxPeerNameCharacters) + " characters";
}

Result<void, PeerNameProblem> check_peer_name(std::string_view utf8) {
    std::size_t characters = 0;
    for (std::size_t at = 0; at < utf8.size();) {
        const auto decoded = decode_utf8(utf8, at);
        if (!decoded) {
            return Unexpected{PeerNameProblem::not_utf8};
        }
        const std::uint32_t point = decoded->first;
        if (point < 0x20 || (point >= 0x7f && point < 0xa0)) {
            return Unexpected{PeerNameProblem::control_character};
        }
        at += decoded->second;
        if (++characters > kMaxPeerNameCharacters) {
            return Unexpected{PeerNameProblem::too_long};
        }
    }
    return {};
}

}  // namespace tulle::value

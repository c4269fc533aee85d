#include "platform/ip_prefix.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <charconv>
#include <netinet/in.h>

namespace tulle::platform {

bool IpPrefix::valid() const {
    if (len > max_len()) {
        return false;
    }
    return v6 || std::all_of(addr.begin() + 4, addr.end(), [](std::uint8_t b) { return b == 0; });
}

std::optional<IpPrefix> parse_ip_prefix(std::string_view text) {
    const auto slash = text.find('/');
    const std::string address(text.substr(0, slash));
    // Longer text cannot be an address; this also keeps embedded NULs from reaching inet_pton.
    if (address.empty() || address.size() >= INET6_ADDRSTRLEN ||
        address.find('\0') != std::string::npos) {
        return std::nullopt;
    }
    IpPrefix prefix;
    if (inet_pton(AF_INET, address.c_str(), prefix.addr.data()) == 1) {
        prefix.v6 = false;
    } else if (inet_pton(AF_INET6, address.c_str(), prefix.addr.data()) == 1) {
        prefix.v6 = true;
    } else {
        return std::nullopt;
    }
    prefix.len = prefix.max_len();
    if (slash != std::string_view::npos) {
        const std::string_view digits = text.substr(slash + 1);
        // Plain decimal only: no sign, no spaces, at most three digits.
        if (digits.empty() || digits.size() > 3 ||
            !std::all_of(digits.begin(), digits.end(),
                         [](char c) { return c >= '0' && c <= '9'; })) {
            return std::nullopt;
        }
        unsigned value = 0;
        std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (value > prefix.max_len()) {
            return std::nullopt;
        }
        prefix.len = static_cast<std::uint8_t>(value);
    }
    return prefix;
}

std::string to_string(const IpPrefix& prefix) {
    char buffer[INET6_ADDRSTRLEN] = {};
    if (inet_ntop(prefix.v6 ? AF_INET6 : AF_INET, prefix.addr.data(), buffer, sizeof buffer) ==
        nullptr) {
        return "?";
    }
    return std::string(buffer) + "/" + std::to_string(prefix.len);
}

IpPrefix network_of(const IpPrefix& prefix) {
    IpPrefix network = prefix;
    const unsigned len = std::min<unsigned>(prefix.len, prefix.max_len());
    for (std::size_t i = 0; i < network.addr.size(); ++i) {
        const unsigned first_bit = static_cast<unsigned>(i) * 8;
        if (first_bit >= len) {
            network.addr[i] = 0;
        } else if (first_bit + 8 > len) {
            network.addr[i] &= static_cast<std::uint8_t>(0xff00U >> (len - first_bit));
        }
    }
    return network;
}

}  // namespace tulle::platform

#include "daemon/core/endpoint.hpp"

#include <algorithm>
#include <cstdio>

namespace tulle::core {

Endpoint Endpoint::ipv4(std::array<std::uint8_t, 4> ip, std::uint16_t port) {
    Endpoint e;
    std::copy(ip.begin(), ip.end(), e.address.begin());
    e.port = port;
    return e;
}

Endpoint Endpoint::ipv6(const std::array<std::uint8_t, 16>& ip, std::uint16_t port) {
    Endpoint e;
    e.address = ip;
    e.port = port;
    e.v6 = true;
    return e;
}

std::span<const std::uint8_t> Endpoint::source_bytes(std::array<std::uint8_t, 18>& buffer) const {
    const auto bytes = ip();
    std::copy(bytes.begin(), bytes.end(), buffer.begin());
    buffer[bytes.size()] = static_cast<std::uint8_t>(port >> 8U);
    buffer[bytes.size() + 1] = static_cast<std::uint8_t>(port & 0xffU);
    return {buffer.data(), bytes.size() + 2};
}

std::string Endpoint::to_string() const {
    std::array<char, 64> text{};
    if (!v6) {
        std::snprintf(text.data(), text.size(), "%u.%u.%u.%u:%u", address[0], address[1],
                      address[2], address[3], port);
        return text.data();
    }
    std::string out = "[";
    for (std::size_t i = 0; i < 16; i += 2) {
        std::snprintf(text.data(), text.size(), "%s%x", i == 0 ? "" : ":",
                      (static_cast<unsigned>(address[i]) << 8U) | address[i + 1]);
        out += text.data();
    }
    std::snprintf(text.data(), text.size(), "]:%u", port);
    return out + text.data();
}

}  // namespace tulle::core

// A UDP endpoint as the engine sees it: raw address bytes and a port. The daemon converts to and
// from its socket types; the engine never touches a socket.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace tulle::core {

struct Endpoint {
    std::array<std::uint8_t, 16> address{};  // IPv4 uses the first 4 bytes
    std::uint16_t port = 0;
    bool v6 = false;

    [[nodiscard]] static Endpoint ipv4(std::array<std::uint8_t, 4> ip, std::uint16_t port);
    [[nodiscard]] static Endpoint ipv6(const std::array<std::uint8_t, 16>& ip, std::uint16_t port);

    [[nodiscard]] bool empty() const { return port == 0; }
    [[nodiscard]] std::span<const std::uint8_t> ip() const {
        return {address.data(), v6 ? std::size_t{16} : std::size_t{4}};
    }
    // The address bytes followed by the port in network order: what a cookie is bound to.
    [[nodiscard]] std::span<const std::uint8_t> source_bytes(
        std::array<std::uint8_t, 18>& buffer) const;
    // "192.0.2.1:51820" or "[2001:db8::1]:51820".
    [[nodiscard]] std::string to_string() const;

    friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

}  // namespace tulle::core

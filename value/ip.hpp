// IP addresses, prefixes and endpoints: parsed once at the edge, printed one way everywhere
// (IPv6 in RFC 5952 form). Every parse function says exactly what is wrong with its input; the
// messages do not repeat the input, so callers can quote it.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "value/result.hpp"

namespace tulle::value {

enum class IpFamily : std::uint8_t { v4, v6 };

// An IPv4 or IPv6 address (no IPv6 zone: "fe80::1%eth0" is refused).
class IpAddress {
  public:
    IpAddress() = default;  // 0.0.0.0

    [[nodiscard]] static IpAddress v4(const std::array<std::uint8_t, 4>& bytes);
    [[nodiscard]] static IpAddress v6(const std::array<std::uint8_t, 16>& bytes);
    // 4 bytes make an IPv4 address, 16 an IPv6 one; any other size is an error.
    [[nodiscard]] static Result<IpAddress> from_bytes(std::span<const std::uint8_t> bytes);

    // Dotted quad ("192.0.2.1"; no leading zeros, which some parsers read as octal) or any
    // RFC 4291 IPv6 text form ("::1", "fe80::1", "2001:DB8:0:0:0:0:0:1", "::ffff:192.0.2.1").
    [[nodiscard]] static Result<IpAddress> parse(std::string_view text);

    // RFC 5952 text: lower case, no leading zeros, the longest run of two or more zero groups
    // (the first of equal runs) as "::", and dotted IPv4 for IPv4-mapped (::ffff:0:0/96) and
    // IPv4-translated (::ffff:0:0:0/96) addresses.
    [[nodiscard]] std::string to_string() const;

    [[nodiscard]] IpFamily family() const { return family_; }
    [[nodiscard]] bool is_v4() const { return family_ == IpFamily::v4; }
    [[nodiscard]] bool is_v6() const { return family_ == IpFamily::v6; }
    [[nodiscard]] int max_prefix_length() const { return is_v4() ? 32 : 128; }
    // Network byte order: 4 bytes for IPv4, 16 for IPv6.
    [[nodiscard]] std::span<const std::uint8_t> bytes() const;

    // IPv4 addresses order before IPv6 ones, then by bytes.
    friend bool operator==(const IpAddress&, const IpAddress&) = default;
    // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads a defaulted <=>
    friend std::strong_ordering operator<=>(const IpAddress&, const IpAddress&) = default;
    friend std::ostream& operator<<(std::ostream& os, const IpAddress& address);

  private:
    IpFamily family_ = IpFamily::v4;
    std::array<std::uint8_t, 16> bytes_{};  // IPv4 uses the first 4; the rest stay zero
};

// An address with a prefix length. The address keeps any host bits it was given ("10.0.0.2/24" is
// an interface address); canonical() clears them.
class IpPrefix {
  public:
    IpPrefix() = default;  // 0.0.0.0/0
    // The address alone: /32 for IPv4, /128 for IPv6.
    explicit IpPrefix(const IpAddress& address);

    // Fails when the length is negative or longer than the address.
    [[nodiscard]] static Result<IpPrefix> make(const IpAddress& address, int length);

    // "10.0.0.0/24", "fd00::/64"; a bare address is a host prefix (/32 or /128).
    [[nodiscard]] static Result<IpPrefix> parse(std::string_view text);

    [[nodiscard]] const IpAddress& address() const { return address_; }
    [[nodiscard]] int length() const { return length_; }
    [[nodiscard]] IpFamily family() const { return address_.family(); }

    // The same prefix with the host bits zeroed: 10.0.0.2/24 -> 10.0.0.0/24.
    [[nodiscard]] IpPrefix canonical() const;
    [[nodiscard]] bool is_canonical() const { return canonical() == *this; }
    // Whether the address is of the same family and lies in this prefix.
    [[nodiscard]] bool contains(const IpAddress& address) const;

    // "address/length", always with the length; the address as given (see canonical()).
    [[nodiscard]] std::string to_string() const;

    friend bool operator==(const IpPrefix&, const IpPrefix&) = default;
    // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads a defaulted <=>
    friend std::strong_ordering operator<=>(const IpPrefix&, const IpPrefix&) = default;
    friend std::ostream& operator<<(std::ostream& os, const IpPrefix& prefix);

  private:
    IpPrefix(const IpAddress& address, int length) : address_(address), length_(length) {}

    IpAddress address_;
    int length_ = 0;
};

// Where a peer is reached: an IP address or a host name (resolved later, by the daemon), and a
// UDP port from 1 to 65535.
class Endpoint {
  public:
    Endpoint(const IpAddress& address, std::uint16_t port);

    // "192.0.2.1:51820", "[2001:db8::1]:51820", "vpn.example.com:51820". An IPv6 address must be
    // in brackets; a host name must be a valid DNS name (letters, digits, '-', '_', dots).
    [[nodiscard]] static Result<Endpoint> parse(std::string_view text);
    // A host name or an IP address (an IPv6 one without brackets) and a port.
    [[nodiscard]] static Result<Endpoint> make(std::string_view host, std::uint16_t port);

    [[nodiscard]] bool is_address() const { return host_.index() == 0; }
    // The address, when the host is one (check is_address()); throws std::bad_variant_access.
    [[nodiscard]] const IpAddress& address() const { return std::get<IpAddress>(host_); }
    // The host name, or the address as text (without brackets).
    [[nodiscard]] std::string host() const;
    [[nodiscard]] std::uint16_t port() const { return port_; }

    // As parse() accepts it: brackets around IPv6 addresses.
    [[nodiscard]] std::string to_string() const;

    friend bool operator==(const Endpoint&, const Endpoint&) = default;
    friend std::ostream& operator<<(std::ostream& os, const Endpoint& endpoint);

  private:
    Endpoint(std::string host_name, std::uint16_t port);

    std::variant<IpAddress, std::string> host_;
    std::uint16_t port_ = 0;
};

// An IP address and a UDP port: where a datagram comes from or goes to, once any host name is
// resolved. Printed as "192.0.2.1:51820" or "[2001:db8::1]:51820" (RFC 5952 inside brackets).
struct SocketAddress {
    IpAddress address;
    std::uint16_t port = 0;

    // As Endpoint::parse, but a host name is refused.
    [[nodiscard]] static Result<SocketAddress> parse(std::string_view text);
    [[nodiscard]] std::string to_string() const;
    // The endpoint a person would write for it.
    [[nodiscard]] Endpoint endpoint() const { return Endpoint(address, port); }

    friend bool operator==(const SocketAddress&, const SocketAddress&) = default;
    friend std::ostream& operator<<(std::ostream& os, const SocketAddress& address);
};

// Why the text is not a DNS host name (labels of letters, digits, '-' and '_' between dots, at
// most 63 characters each and 253 in all, an optional final dot), or nothing when it is one.
[[nodiscard]] std::optional<std::string> host_name_error(std::string_view name);

}  // namespace tulle::value

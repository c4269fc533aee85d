// Signed certificates and revocations for the control half's tests and benchmarks: real keys,
// real signatures, made through the mesh library's own functions.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "mesh/certificate.hpp"
#include "mesh/keys.hpp"
#include "value/ip.hpp"
#include "value/key.hpp"

namespace tulle::mesh::testing {

// A network: its id and signing key.
struct SampleNetwork {
    NetworkId id = new_network_id();
    SigningKey key = SigningKey::generate();

    // A member with a fresh WireGuard key, its name and overlay address.
    [[nodiscard]] Certificate member(const std::string& name, const value::IpAddress& address,
                                     std::uint64_t serial = 1, std::uint8_t roles = 0) const {
        Certificate c;
        c.network = id;
        c.public_key = value::public_key_of(value::generate_private_key()).value();
        c.addresses = {value::IpPrefix(address)};
        c.name = name;
        c.roles = roles;
        c.not_after = 2'000'000'000;
        c.serial = serial;
        return sign_certificate(c, key);
    }
    // The largest certificate there is: the longest name, four IPv6 addresses.
    [[nodiscard]] Certificate largest(char fill = 'n') const {
        Certificate c =
            member(std::string(kMaxMemberName, fill), value::IpAddress::parse("fd00::1").value(),
                   0xffff'ffff'ffff'ffffULL, kRoleLighthouse);
        c.addresses.clear();
        for (int i = 1; i <= static_cast<int>(kMaxCertificateAddresses); ++i) {
            c.addresses.emplace_back(
                value::IpAddress::parse("fd00:ffff:ffff:ffff:ffff:ffff:ffff:ff" +
                                        std::to_string(10 + i))
                    .value());
        }
        c.not_after = 0x7fff'ffff'ffff'ffffLL;
        return sign_certificate(c, key);
    }
    [[nodiscard]] Revocation revocation(const Certificate& certificate,
                                        std::int64_t at = 1'800'000'000) const {
        Revocation r;
        r.network = id;
        r.public_key = certificate.public_key;
        r.serial = certificate.serial;
        r.revoked_at = at;
        return sign_revocation(r, key);
    }
};

inline value::IpAddress ip(const std::string& text) {
    return value::IpAddress::parse(text).value();
}
inline value::SocketAddress socket(const std::string& text) {
    return value::SocketAddress::parse(text).value();
}

}  // namespace tulle::mesh::testing

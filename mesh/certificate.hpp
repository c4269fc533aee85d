// Member certificates and revocations, signed by the network key. A node accepts what another
// says about a member only when a certificate of its own network backs it (check_certificate),
// and drops a member whose revocation it holds.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mesh/keys.hpp"
#include "value/ip.hpp"
#include "value/key.hpp"
#include "value/result.hpp"

namespace tulle::mesh {

inline constexpr std::uint8_t kRoleLighthouse = 1U;
inline constexpr std::size_t kMaxMemberName = 63;
inline constexpr std::size_t kMaxCertificateAddresses = 4;
inline constexpr std::int64_t kCertificateLifetime = 365LL * 24 * 3600;

// Why the text is not a member name (1-63 of letters, digits, '-', '_', '.'), or nothing.
[[nodiscard]] std::optional<std::string> member_name_error(std::string_view name);

struct Certificate {
    NetworkId network{};
    value::Key public_key;                   // the member's WireGuard key
    std::vector<value::IpPrefix> addresses;  // host prefixes (/32, /128), 1..4
    std::string name;
    std::uint8_t roles = 0;      // kRoleLighthouse
    std::int64_t not_after = 0;  // Unix seconds
    std::uint64_t serial = 0;
    Signature signature{};

    [[nodiscard]] bool is_lighthouse() const { return (roles & kRoleLighthouse) != 0; }
    // The canonical bytes the signature covers (everything but the signature).
    [[nodiscard]] std::vector<std::uint8_t> signed_bytes() const;
    // signed_bytes() followed by the signature.
    [[nodiscard]] std::vector<std::uint8_t> encode() const;
    // Reads encode()'s bytes, all of them; checks form (sizes, name, host prefixes), not the
    // signature. The error names the field.
    [[nodiscard]] static value::Result<Certificate> decode(std::span<const std::uint8_t> bytes);
    friend bool operator==(const Certificate&, const Certificate&) = default;
};

// Fills in the signature.
[[nodiscard]] Certificate sign_certificate(Certificate certificate, const SigningKey& key);
// Why `certificate` is not a valid member of network `network` (other network, bad signature,
// expired at `now`), or nothing when it is.
[[nodiscard]] std::optional<std::string> check_certificate(const Certificate& certificate,
                                                           const NetworkId& network,
                                                           const SigningPublicKey& key,
                                                           std::int64_t now);

// A member taken out: every member drops the peer with this key and refuses its certificates.
struct Revocation {
    NetworkId network{};
    value::Key public_key;
    std::uint64_t serial = 0;     // the revoked certificate's
    std::int64_t revoked_at = 0;  // Unix seconds
    Signature signature{};

    [[nodiscard]] std::vector<std::uint8_t> signed_bytes() const;
    [[nodiscard]] std::vector<std::uint8_t> encode() const;
    [[nodiscard]] static value::Result<Revocation> decode(std::span<const std::uint8_t> bytes);
    friend bool operator==(const Revocation&, const Revocation&) = default;
};

[[nodiscard]] Revocation sign_revocation(Revocation revocation, const SigningKey& key);
[[nodiscard]] std::optional<std::string> check_revocation(const Revocation& revocation,
                                                          const NetworkId& network,
                                                          const SigningPublicKey& key);

}  // namespace tulle::mesh

#include "mesh/certificate.hpp"

#include "mesh/wire.hpp"

namespace tulle::mesh {
namespace {

constexpr std::uint8_t kCertificateVersion = 1;
constexpr std::uint8_t kRevocationVersion = 1;
constexpr std::uint8_t kKnownRoles = kRoleLighthouse;

void check_version(wire::Reader& reader, std::uint8_t known) {
    const std::uint8_t version = reader.u8("version");
    if (!reader.error() && version != known) {
        reader.fail("version", std::to_string(version) + " is not a version this build reads (" +
                                   std::to_string(known) + ")");
    }
}

// What decode and check_certificate both require of a certificate, beyond its bytes.
std::optional<std::string> form_error(const Certificate& certificate) {
    if (certificate.public_key.is_zero()) {
        return "public key: all zero, which is no member's key";
    }
    if (certificate.addresses.empty() || certificate.addresses.size() > kMaxCertificateAddresses) {
        return "addresses: " + std::to_string(certificate.addresses.size()) +
               " of them; a certificate holds 1 to " + std::to_string(kMaxCertificateAddresses);
    }
    for (std::size_t i = 0; i < certificate.addresses.size(); ++i) {
        const auto& prefix = certificate.addresses[i];
        if (prefix.length() != prefix.address().max_prefix_length()) {
            return "addresses[" + std::to_string(i) + "]: " + prefix.to_string() +
                   " is not a host prefix (/32 or /128)";
        }
    }
    if (auto problem = member_name_error(certificate.name)) {
        return "name: " + *problem;
    }
    if ((certificate.roles & ~kKnownRoles) != 0) {
        return "roles: unknown role bits " + std::to_string(certificate.roles & ~kKnownRoles);
    }
    return std::nullopt;
}

std::string other_network(const NetworkId& got, const NetworkId& expected) {
    return "it belongs to another network (" + to_hex(got) + ", not " + to_hex(expected) + ")";
}

}  // namespace

std::optional<std::string> member_name_error(std::string_view name) {
    if (name.empty()) {
        return std::string("a member name cannot be empty");
    }
    if (name.size() > kMaxMemberName) {
        return "a member name is at most " + std::to_string(kMaxMemberName) + " characters, not " +
               std::to_string(name.size());
    }
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool fits = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
        if (!fits) {
            return "character " + std::to_string(i + 1) +
                   " of a member name is not a letter, digit, '-', '_' or '.'";
        }
    }
    return std::nullopt;
}

std::vector<std::uint8_t> Certificate::signed_bytes() const {
    std::vector<std::uint8_t> out;
    wire::Writer writer(out);
    writer.u8(kCertificateVersion);
    writer.bytes(network);
    writer.bytes(public_key.bytes());
    writer.u8(static_cast<std::uint8_t>(addresses.size()));
    for (const auto& prefix : addresses) {
        writer.prefix(prefix);
    }
    writer.text(name);
    writer.u8(roles);
    writer.u64(static_cast<std::uint64_t>(not_after));
    writer.u64(serial);
    return out;
}

std::vector<std::uint8_t> Certificate::encode() const {
    return wire::with_signature(signed_bytes(), signature);
}

value::Result<Certificate> Certificate::decode(std::span<const std::uint8_t> bytes) {
    wire::Reader reader(bytes, "certificate");
    check_version(reader, kCertificateVersion);
    Certificate certificate;
    certificate.network = reader.array<kNetworkIdSize>("network");
    certificate.public_key = value::Key(reader.array<value::kKeySize>("public key"));
    const std::size_t count = reader.u8("addresses");
    if (!reader.error() && (count == 0 || count > kMaxCertificateAddresses)) {
        reader.fail("addresses", std::to_string(count) + " of them; a certificate holds 1 to " +
                                     std::to_string(kMaxCertificateAddresses));
    }
    for (std::size_t i = 0; i < count && !reader.error(); ++i) {
        certificate.addresses.push_back(reader.prefix("addresses[" + std::to_string(i) + "]"));
    }
    certificate.name = reader.text("name");
    certificate.roles = reader.u8("roles");
    certificate.not_after = static_cast<std::int64_t>(reader.u64("not after"));
    certificate.serial = reader.u64("serial");
    certificate.signature = reader.array<kSignatureSize>("signature");
    reader.finish();
    if (reader.error()) {
        return value::fail("certificate: " + *reader.error());
    }
    if (auto problem = form_error(certificate)) {
        return value::fail("certificate: " + *problem);
    }
    return certificate;
}

Certificate sign_certificate(Certificate certificate, const SigningKey& key) {
    certificate.signature = wire::sign(key, wire::kCertificateContext, certificate.signed_bytes());
    return certificate;
}

std::optional<std::string> check_certificate(const Certificate& certificate,
                                             const NetworkId& network, const SigningPublicKey& key,
                                             std::int64_t now) {
    if (auto problem = form_error(certificate)) {
        return "the certificate is malformed: " + *problem;
    }
    if (certificate.network != network) {
        return "the certificate is not valid here: " + other_network(certificate.network, network);
    }
    if (!wire::verify(key, wire::kCertificateContext, certificate.signed_bytes(),
                      certificate.signature)) {
        return std::string("the certificate's signature does not match the network key");
    }
    if (now > certificate.not_after) {
        return "the certificate expired at " + wire::utc_time(certificate.not_after);
    }
    return std::nullopt;
}

std::vector<std::uint8_t> Revocation::signed_bytes() const {
    std::vector<std::uint8_t> out;
    wire::Writer writer(out);
    writer.u8(kRevocationVersion);
    writer.bytes(network);
    writer.bytes(public_key.bytes());
    writer.u64(serial);
    writer.u64(static_cast<std::uint64_t>(revoked_at));
    return out;
}

std::vector<std::uint8_t> Revocation::encode() const {
    return wire::with_signature(signed_bytes(), signature);
}

value::Result<Revocation> Revocation::decode(std::span<const std::uint8_t> bytes) {
    wire::Reader reader(bytes, "revocation");
    check_version(reader, kRevocationVersion);
    Revocation revocation;
    revocation.network = reader.array<kNetworkIdSize>("network");
    revocation.public_key = value::Key(reader.array<value::kKeySize>("public key"));
    revocation.serial = reader.u64("serial");
    revocation.revoked_at = static_cast<std::int64_t>(reader.u64("revoked at"));
    revocation.signature = reader.array<kSignatureSize>("signature");
    reader.finish();
    if (!reader.error() && revocation.public_key.is_zero()) {
        reader.fail("public key", "all zero, which is no member's key");
    }
    if (reader.error()) {
        return value::fail("revocation: " + *reader.error());
    }
    return revocation;
}

Revocation sign_revocation(Revocation revocation, const SigningKey& key) {
    revocation.signature = wire::sign(key, wire::kRevocationContext, revocation.signed_bytes());
    return revocation;
}

std::optional<std::string> check_revocation(const Revocation& revocation, const NetworkId& network,
                                            const SigningPublicKey& key) {
    if (revocation.public_key.is_zero()) {
        return std::string("the revocation is malformed: public key: all zero");
    }
    if (revocation.network != network) {
        return "the revocation is not valid here: " + other_network(revocation.network, network);
    }
    if (!wire::verify(key, wire::kRevocationContext, revocation.signed_bytes(),
                      revocation.signature)) {
        return std::string("the revocation's signature does not match the network key");
    }
    return std::nullopt;
}

}  // namespace tulle::mesh

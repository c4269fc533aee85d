#include "mesh/certificate.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mesh/wire.hpp"
#include "tests/unit/mesh/mesh_testing.hpp"

namespace tulle::mesh {
namespace {

using testing::kNow;
using testing::wireguard_key;

value::IpPrefix prefix(std::string_view text) {
    return *value::IpPrefix::parse(text);
}

class CertificateTest : public ::testing::Test {
  protected:
    SigningKey key = SigningKey::generate();
    NetworkId network = new_network_id();

    [[nodiscard]] Certificate unsigned_certificate() const {
        Certificate certificate;
        certificate.network = network;
        certificate.public_key = wireguard_key(0x42);
        certificate.addresses = {prefix("10.88.0.7/32"), prefix("fd88::7/128")};
        certificate.name = "laptop";
        certificate.roles = 0;
        certificate.not_after = kNow + kCertificateLifetime;
        certificate.serial = 7;
        return certificate;
    }
    [[nodiscard]] Certificate certificate() const {
        return sign_certificate(unsigned_certificate(), key);
    }
    [[nodiscard]] Revocation revocation() const {
        Revocation revocation;
        revocation.network = network;
        revocation.public_key = wireguard_key(0x42);
        revocation.serial = 7;
        revocation.revoked_at = kNow;
        return sign_revocation(revocation, key);
    }
};

TEST_F(CertificateTest, RoundTripAndCheck) {
    const Certificate original = certificate();
    const auto decoded = Certificate::decode(original.encode());
    ASSERT_TRUE(decoded.ok()) << decoded.error();
    EXPECT_EQ(*decoded, original);
    EXPECT_EQ(check_certificate(*decoded, network, key.public_key(), kNow), std::nullopt);
    EXPECT_FALSE(decoded->is_lighthouse());

    Certificate lighthouse = unsigned_certificate();
    lighthouse.roles = kRoleLighthouse;
    lighthouse.addresses = {prefix("10.88.0.1/32")};
    lighthouse.name = std::string(kMaxMemberName, 'l');
    lighthouse.serial = UINT64_MAX;
    lighthouse = sign_certificate(lighthouse, key);
    const auto again = Certificate::decode(lighthouse.encode());
    ASSERT_TRUE(again.ok()) << again.error();
    EXPECT_EQ(*again, lighthouse);
    EXPECT_TRUE(again->is_lighthouse());
    EXPECT_EQ(check_certificate(*again, network, key.public_key(), kNow), std::nullopt);
}

TEST_F(CertificateTest, EveryChangedByteIsRefused) {
    const auto bytes = certificate().encode();
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        for (const std::uint8_t flip : {0x01, 0x80}) {
            auto changed = bytes;
            changed[i] ^= flip;
            const auto decoded = Certificate::decode(changed);
            if (decoded.ok()) {
                EXPECT_NE(check_certificate(*decoded, network, key.public_key(), kNow),
                          std::nullopt)
                    << "byte " << i << " ^ " << int{flip} << " passed";
            }
        }
    }
}

TEST_F(CertificateTest, EachFieldIsCoveredByTheSignature) {
    const Certificate good = certificate();
    std::vector<Certificate> changed(7, good);
    changed[0].network[0] ^= 1U;
    changed[1].public_key = wireguard_key(0x43);
    changed[2].addresses[0] = prefix("10.88.0.8/32");
    changed[3].name = "laptoq";
    changed[4].roles = kRoleLighthouse;
    changed[5].not_after += 1;
    changed[6].serial += 1;
    for (std::size_t i = 0; i < changed.size(); ++i) {
        // A changed network id is refused as another network's, the rest by the signature.
        const auto problem = check_certificate(changed[i], good.network, key.public_key(), kNow);
        ASSERT_NE(problem, std::nullopt) << "field " << i;
        if (i > 0) {
            EXPECT_EQ(*problem, "the certificate's signature does not match the network key");
        }
    }
}

TEST_F(CertificateTest, AnotherNetworksKeyOrIdIsRefused) {
    const Certificate good = certificate();
    const auto other_key = SigningKey::generate();
    EXPECT_EQ(check_certificate(good, network, other_key.public_key(), kNow),
              "the certificate's signature does not match the network key");
    // Signed by the right key for another network id: not a member of this one.
    const NetworkId other = new_network_id();
    const auto problem = check_certificate(good, other, key.public_key(), kNow);
    ASSERT_NE(problem, std::nullopt);
    EXPECT_NE(problem->find("another network"), std::string::npos) << *problem;
    // Another network's whole certificate, made by its own key.
    Certificate foreign = unsigned_certificate();
    foreign.network = other;
    foreign = sign_certificate(foreign, other_key);
    EXPECT_NE(check_certificate(foreign, network, key.public_key(), kNow), std::nullopt);
}

TEST_F(CertificateTest, ExpiredIsRefusedNamingTheTime) {
    Certificate short_lived = unsigned_certificate();
    short_lived.not_after = kNow;
    short_lived = sign_certificate(short_lived, key);
    EXPECT_EQ(check_certificate(short_lived, network, key.public_key(), kNow), std::nullopt);
    EXPECT_EQ(check_certificate(short_lived, network, key.public_key(), kNow + 1),
              "the certificate expired at 2026-12-07 10:00 UTC");
}

TEST_F(CertificateTest, SignaturesOfOtherKindsDoNotPass) {
    // The same bytes signed without the certificate context, or with the revocation's.
    Certificate raw = unsigned_certificate();
    raw.signature = key.sign(raw.signed_bytes());
    EXPECT_NE(check_certificate(raw, network, key.public_key(), kNow), std::nullopt);
    raw.signature = wire::sign(key, wire::kRevocationContext, raw.signed_bytes());
    EXPECT_NE(check_certificate(raw, network, key.public_key(), kNow), std::nullopt);
    raw.signature = wire::sign(key, wire::kCertificateContext, raw.signed_bytes());
    EXPECT_EQ(check_certificate(raw, network, key.public_key(), kNow), std::nullopt);
}

// Decodes `bytes` and expects a refusal whose message holds `needle`.
void expect_refused(const std::vector<std::uint8_t>& bytes, std::string_view needle) {
    const auto decoded = Certificate::decode(bytes);
    ASSERT_FALSE(decoded.ok()) << needle;
    EXPECT_NE(decoded.error().find(needle), std::string::npos) << decoded.error();
}

TEST_F(CertificateTest, DecodeNamesWhatIsWrong) {
    const Certificate good = certificate();
    const auto bytes = good.encode();
    // Cut short anywhere: the field that does not fit is named.
    for (std::size_t size = 0; size < bytes.size(); ++size) {
        EXPECT_FALSE(Certificate::decode({bytes.data(), size}).ok()) << size;
    }
    expect_refused({bytes.begin(), bytes.end() - 1}, "signature: the certificate ends before it");
    const auto not_after_at = static_cast<long>(good.signed_bytes().size()) - 16;
    expect_refused({bytes.begin(), bytes.begin() + not_after_at + 3},
                   "not after: the certificate ends before it (8 bytes needed, 3 left)");
    auto longer = bytes;
    longer.push_back(0);
    expect_refused(longer, "1 bytes after the end of the certificate");

    auto version = bytes;
    version[0] = 2;
    expect_refused(version, "version: 2 is not a version this build reads (1)");

    Certificate bad = good;
    bad.addresses = {prefix("10.88.0.0/24")};
    expect_refused(bad.encode(), "addresses[0]: 10.88.0.0/24 is not a host prefix");
    bad.addresses = {};
    expect_refused(bad.encode(), "addresses: 0 of them");
    bad.addresses.assign(kMaxCertificateAddresses + 1, prefix("10.88.0.7/32"));
    expect_refused(bad.encode(), "addresses: 5 of them");
    bad = good;
    bad.name = "lap top";
    expect_refused(bad.encode(), "name: character 4");
    bad.name = "";
    expect_refused(bad.encode(), "name: a member name cannot be empty");
    bad.name = std::string(kMaxMemberName + 1, 'a');
    expect_refused(bad.encode(), "name: a member name is at most 63");
    bad = good;
    bad.roles = 0x82;
    expect_refused(bad.encode(), "roles: unknown role bits 130");
    bad = good;
    bad.public_key = value::Key();
    expect_refused(bad.encode(), "public key: all zero");

    auto family = bytes;
    family[1 + 16 + 32 + 1] = 5;  // the first address's family byte
    expect_refused(family, "addresses[0]: unknown address family 5");
    auto length = bytes;
    length[1 + 16 + 32 + 1 + 1] = 33;  // its prefix length
    expect_refused(length, "addresses[0]: ");
}

TEST_F(CertificateTest, CheckRefusesAMalformedCertificateEvenWhenSigned) {
    Certificate bad = unsigned_certificate();
    bad.addresses = {prefix("10.88.0.0/16")};
    bad = sign_certificate(bad, key);
    const auto problem = check_certificate(bad, network, key.public_key(), kNow);
    ASSERT_NE(problem, std::nullopt);
    EXPECT_NE(problem->find("not a host prefix"), std::string::npos) << *problem;
}

TEST(MemberName, Rule) {
    EXPECT_EQ(member_name_error("laptop"), std::nullopt);
    EXPECT_EQ(member_name_error("a.b-c_D9"), std::nullopt);
    EXPECT_NE(member_name_error(""), std::nullopt);
    EXPECT_NE(member_name_error("a/b"), std::nullopt);
    EXPECT_NE(member_name_error("é"), std::nullopt);
    EXPECT_EQ(member_name_error(std::string(63, 'x')), std::nullopt);
    EXPECT_NE(member_name_error(std::string(64, 'x')), std::nullopt);
}

TEST_F(CertificateTest, RevocationRoundTripAndCheck) {
    const Revocation original = revocation();
    const auto decoded = Revocation::decode(original.encode());
    ASSERT_TRUE(decoded.ok()) << decoded.error();
    EXPECT_EQ(*decoded, original);
    EXPECT_EQ(check_revocation(*decoded, network, key.public_key()), std::nullopt);
}

TEST_F(CertificateTest, RevocationEveryChangedByteIsRefused) {
    const auto bytes = revocation().encode();
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        auto changed = bytes;
        changed[i] ^= 0x01U;
        const auto decoded = Revocation::decode(changed);
        if (decoded.ok()) {
            EXPECT_NE(check_revocation(*decoded, network, key.public_key()), std::nullopt)
                << "byte " << i;
        }
    }
}

TEST_F(CertificateTest, RevocationOfAnotherNetworkOrKeyIsRefused) {
    const Revocation good = revocation();
    EXPECT_EQ(check_revocation(good, network, SigningKey::generate().public_key()),
              "the revocation's signature does not match the network key");
    const auto problem = check_revocation(good, new_network_id(), key.public_key());
    ASSERT_NE(problem, std::nullopt);
    EXPECT_NE(problem->find("another network"), std::string::npos) << *problem;
    // A certificate's signature over the same key does not revoke it.
    Revocation forged = good;
    forged.signature = wire::sign(key, wire::kCertificateContext, forged.signed_bytes());
    EXPECT_NE(check_revocation(forged, network, key.public_key()), std::nullopt);
}

TEST_F(CertificateTest, RevocationDecodeNamesWhatIsWrong) {
    const auto bytes = revocation().encode();
    auto decoded = Revocation::decode({bytes.data(), bytes.size() - 1});
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.error(),
              "revocation: signature: the revocation ends before it (64 bytes needed, 63 left)");
    auto longer = bytes;
    longer.push_back(1);
    decoded = Revocation::decode(longer);
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.error(), "revocation: 1 bytes after the end of the revocation");
    auto version = bytes;
    version[0] = 0;
    decoded = Revocation::decode(version);
    ASSERT_FALSE(decoded.ok());
    EXPECT_NE(decoded.error().find("version: 0"), std::string::npos) << decoded.error();
}

}  // namespace
}  // namespace tulle::mesh

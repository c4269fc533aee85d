#include <algorithm>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mesh/base32.hpp"
#include "mesh/certificate.hpp"
#include "mesh/invite.hpp"
#include "tests/unit/mesh/mesh_testing.hpp"

namespace tulle::mesh {
namespace {

// Whatever bytes come in, the decoders refuse them with a message or read them canonically:
// what they accept encodes back to the same bytes. (mt19937 with a fixed seed: the same inputs
// on every run.)
TEST(MeshDecoders, RandomBytesAreRefusedOrReadCanonically) {
    std::mt19937 random(16);
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_int_distribution<std::size_t> size(0, 400);
    int accepted = 0;
    for (int round = 0; round < 3000; ++round) {
        std::vector<std::uint8_t> bytes(size(random));
        std::generate(bytes.begin(), bytes.end(),
                      [&] { return static_cast<std::uint8_t>(byte(random)); });
        if (!bytes.empty()) {
            bytes[0] = 1;  // past the version byte more often
        }
        if (const auto certificate = Certificate::decode(bytes); certificate.ok()) {
            EXPECT_EQ(certificate->encode(), bytes);
            ++accepted;
        } else {
            EXPECT_TRUE(certificate.error().starts_with("certificate: ")) << certificate.error();
        }
        if (const auto revocation = Revocation::decode(bytes); revocation.ok()) {
            EXPECT_EQ(revocation->encode(), bytes);
            ++accepted;
        } else {
            EXPECT_TRUE(revocation.error().starts_with("revocation: ")) << revocation.error();
        }
        const auto invite =
            decode_invite(std::string(kInvitePrefix) + base32_encode(bytes), testing::kNow);
        ASSERT_FALSE(invite.ok()) << "random bytes passed as a signed invite";
    }
    // Revocations have a fixed size: the rounds of 129 bytes decode (and are kept canonical).
    std::cout << accepted << " of 3000 random inputs decoded\n";
}

}  // namespace
}  // namespace tulle::mesh

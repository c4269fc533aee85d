#include "mesh/base32.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace tulle::mesh {
namespace {

std::vector<std::uint8_t> bytes_of(std::string_view text) {
    return {text.begin(), text.end()};
}

// RFC 4648 section 10 ("Test Vectors"), base32 column, with the padding taken off: invites carry
// none.
TEST(Base32, Rfc4648Vectors) {
    const std::vector<std::pair<std::string, std::string>> vectors = {
        {"", ""},
        {"f", "MY"},
        {"fo", "MZXQ"},
        {"foo", "MZXW6"},
        {"foob", "MZXW6YQ"},
        {"fooba", "MZXW6YTB"},
        {"foobar", "MZXW6YTBOI"},
    };
    for (const auto& [plain, encoded] : vectors) {
        EXPECT_EQ(base32_encode(bytes_of(plain)), encoded) << plain;
        const auto decoded = base32_decode(encoded);
        ASSERT_TRUE(decoded.ok()) << encoded << ": " << decoded.error();
        EXPECT_EQ(*decoded, bytes_of(plain)) << encoded;
    }
}

TEST(Base32, LowerCaseIsAccepted) {
    const auto decoded = base32_decode("mzxw6ytboi");
    ASSERT_TRUE(decoded.ok()) << decoded.error();
    EXPECT_EQ(*decoded, bytes_of("foobar"));
    EXPECT_EQ(*base32_decode("MzXw6YtBoI"), bytes_of("foobar"));
}

TEST(Base32, EveryByteValueRoundTrips) {
    std::vector<std::uint8_t> all(256);
    for (std::size_t i = 0; i < all.size(); ++i) {
        all[i] = static_cast<std::uint8_t>(i);
    }
    for (std::size_t size = 0; size <= all.size(); size += 7) {
        const std::vector<std::uint8_t> part(all.begin(), all.begin() + static_cast<long>(size));
        const std::string text = base32_encode(part);
        EXPECT_EQ(text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), std::string::npos);
        EXPECT_EQ(*base32_decode(text), part) << size;
    }
}

TEST(Base32, BadCharactersAreNamedWithTheirPosition) {
    auto got = base32_decode("MZXW1YTB");  // '1' is not in the alphabet (it looks like I)
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error(), "'1' at position 5 is not a base32 character (A-Z, 2-7)");
    got = base32_decode("MZXW6YTB\n");
    ASSERT_FALSE(got.ok());
    EXPECT_NE(got.error().find("byte 0x0a at position 9"), std::string::npos) << got.error();
    got = base32_decode("MZXW6YTBOI======");
    ASSERT_FALSE(got.ok());
    EXPECT_NE(got.error().find("padding"), std::string::npos) << got.error();
    EXPECT_FALSE(base32_decode("MZXW-YTB").ok());
    EXPECT_FALSE(base32_decode("MZXW YTB").ok());
}

TEST(Base32, LengthsNoEncodingProducesAreRefused) {
    for (const std::string_view text : {"M", "MZX", "MZXW6Y", "MZXW6YTBO"}) {
        const auto got = base32_decode(text);
        ASSERT_FALSE(got.ok()) << text;
        EXPECT_NE(got.error().find(std::to_string(text.size()) + " characters"), std::string::npos)
            << got.error();
    }
}

TEST(Base32, UnusedTrailingBitsMustBeZero) {
    // "MY" is "f"; "MZ" carries the same byte with a set bit the decoder would drop.
    const auto got = base32_decode("MZ");
    ASSERT_FALSE(got.ok());
    EXPECT_NE(got.error().find("unused bits"), std::string::npos) << got.error();
}

}  // namespace
}  // namespace tulle::mesh

#include "mesh/relay.hpp"

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "mesh/disco.hpp"
#include "tests/unit/mesh/mesh_testing.hpp"
#include "value/key.hpp"

namespace tulle::mesh {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes frame_of(const RelayHeader& header, const Bytes& payload) {
    Bytes frame(kRelayHeader);
    write_relay_header(frame, header);
    frame.insert(frame.end(), payload.begin(), payload.end());
    return frame;
}

TEST(Relay, HeaderRoundTrips) {
    const RelayHeader header{.channel = 0xA1B2C3D4U, .token = new_relay_token()};
    const Bytes wireguard{4, 0, 0, 0, 9, 9, 9};
    const Bytes frame = frame_of(header, wireguard);
    EXPECT_EQ(Bytes(frame.begin(), frame.begin() + 8),
              (Bytes{'T', 'u', 'R', '1', 0xA1, 0xB2, 0xC3, 0xD4}));
    EXPECT_TRUE(is_relay_frame(frame));
    const auto read = read_relay_header(frame);
    ASSERT_TRUE(read.has_value());
    EXPECT_EQ(read->channel, header.channel);
    EXPECT_EQ(read->token, header.token);
    EXPECT_EQ(Bytes(frame.begin() + kRelayHeader, frame.end()), wireguard);  // payload unchanged
}

TEST(Relay, ShortAndHeaderOnlyFramesAreRefused) {
    const Bytes frame = frame_of(RelayHeader{.channel = 1, .token = new_relay_token()}, {1});
    ASSERT_TRUE(read_relay_header(frame));
    for (std::size_t size = 0; size < frame.size(); ++size) {
        EXPECT_FALSE(read_relay_header(std::span(frame).first(size))) << size;  // incl. header only
    }
}

TEST(Relay, OtherProtocolsAreNotRelayFrames) {
    for (std::uint8_t type = 1; type <= 4; ++type) {
        EXPECT_FALSE(is_relay_frame(testing::wireguard_message(type)));
        EXPECT_FALSE(read_relay_header(testing::wireguard_message(type)));
    }
    const value::SecretKey a = value::generate_private_key();
    const value::Key a_public = value::public_key_of(a).value();
    const value::Key b_public = value::public_key_of(value::generate_private_key()).value();
    const Bytes disco =
        DiscoBox(a, b_public)
            .seal(a_public,
                  DiscoMessage{.type = DiscoType::ping, .txid = new_txid(), .observed = {}});
    ASSERT_FALSE(disco.empty());
    EXPECT_FALSE(is_relay_frame(disco));
    EXPECT_FALSE(read_relay_header(disco));
    Bytes almost = frame_of(RelayHeader{}, {1, 2});
    almost[3] = '2';
    EXPECT_FALSE(read_relay_header(almost));
}

TEST(Relay, SameTokenComparesEveryByte) {
    const RelayToken token = new_relay_token();
    EXPECT_TRUE(same_token(token, token));
    for (std::size_t i = 0; i < token.size(); ++i) {
        RelayToken other = token;
        other[i] ^= 1U;
        EXPECT_FALSE(same_token(token, other)) << i;
    }
}

TEST(Relay, NewTokensAreNonZeroAndDiffer) {
    const RelayToken zero{};
    const RelayToken first = new_relay_token();
    for (int i = 0; i < 100; ++i) {
        const RelayToken token = new_relay_token();
        EXPECT_FALSE(same_token(token, zero));
        EXPECT_FALSE(same_token(token, first));
    }
}

}  // namespace
}  // namespace tulle::mesh

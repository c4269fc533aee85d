#include "daemon/core/messages.hpp"

#include <algorithm>
#include <ostream>
#include <vector>

#include <gtest/gtest.h>

namespace tulle::core {
namespace {

std::vector<std::uint8_t> datagram(std::uint32_t type, std::size_t size) {
    std::vector<std::uint8_t> bytes(size, 0);
    Le32 field;
    field.set(type);
    std::copy_n(field.bytes.begin(), std::min(size, field.bytes.size()), bytes.begin());
    return bytes;
}

struct ClassifyCase {
    std::uint32_t type;
    std::size_t size;
    std::optional<MessageType> expected;
};

void PrintTo(const ClassifyCase& c, std::ostream* os) {
    *os << "type " << c.type << ", " << c.size << " bytes";
}

class ClassifyTest : public ::testing::TestWithParam<ClassifyCase> {};

TEST_P(ClassifyTest, AcceptsOnlyExactHandshakeLengthsAndWholeTransportMessages) {
    const auto& c = GetParam();
    EXPECT_EQ(classify(datagram(c.type, c.size)), c.expected)
        << "type " << c.type << " size " << c.size;
}

INSTANTIATE_TEST_SUITE_P(
    Lengths, ClassifyTest,
    ::testing::Values(ClassifyCase{1, 148, MessageType::initiation}, ClassifyCase{1, 147, {}},
                      ClassifyCase{1, 149, {}}, ClassifyCase{2, 92, MessageType::response},
                      ClassifyCase{2, 91, {}}, ClassifyCase{2, 93, {}},
                      ClassifyCase{3, 64, MessageType::cookie_reply}, ClassifyCase{3, 63, {}},
                      ClassifyCase{3, 65, {}}, ClassifyCase{4, 32, MessageType::transport},
                      ClassifyCase{4, 31, {}}, ClassifyCase{4, 16, {}},
                      ClassifyCase{4, 1452, MessageType::transport},
                      ClassifyCase{4, 65535, MessageType::transport}, ClassifyCase{4, 65536, {}},
                      ClassifyCase{0, 148, {}}, ClassifyCase{5, 148, {}},
                      ClassifyCase{0x101, 148, {}},  // reserved byte set
                      ClassifyCase{1, 0, {}}, ClassifyCase{1, 3, {}}));

TEST(Messages, LittleEndianFieldsRoundTripByteExactly) {
    Le64 counter;
    counter.set(0x0102030405060708ULL);
    EXPECT_EQ(counter.bytes, (std::array<std::uint8_t, 8>{8, 7, 6, 5, 4, 3, 2, 1}));
    EXPECT_EQ(counter.get(), 0x0102030405060708ULL);
    Le32 index;
    index.set(0xdeadbeefU);
    EXPECT_EQ(index.bytes, (std::array<std::uint8_t, 4>{0xef, 0xbe, 0xad, 0xde}));
}

TEST(Messages, MacOffsetsMatchTheWireLayout) {
    EXPECT_EQ(kInitiationMac1Offset, 116U);
    EXPECT_EQ(kInitiationMac2Offset, 132U);
    EXPECT_EQ(kResponseMac1Offset, 60U);
    EXPECT_EQ(kResponseMac2Offset, 76U);
}

TEST(Messages, PaddingRoundsUpToSixteenButNeverPastTheMtu) {
    EXPECT_EQ(padded_length(0, 1420), 0U);  // keepalive stays empty
    EXPECT_EQ(padded_length(1, 1420), 16U);
    EXPECT_EQ(padded_length(16, 1420), 16U);
    EXPECT_EQ(padded_length(17, 1420), 32U);
    EXPECT_EQ(padded_length(1419, 1420), 1420U);
    EXPECT_EQ(padded_length(1410, 1412), 1412U);  // 1424 would pass the MTU
    EXPECT_EQ(padded_length(1500, 1420), 1500U);  // larger than the MTU: left as it is
}

}  // namespace
}  // namespace tulle::core

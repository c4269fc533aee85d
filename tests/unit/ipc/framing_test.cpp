#include "ipc/framing.hpp"

#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace tulle::ipc {
namespace {

bool feed(LineFramer& framer, std::string_view text) {
    return framer.feed({text.data(), text.size()});
}

TEST(LineFramer, SplitsMessagesAcrossArbitraryChunks) {
    LineFramer framer(64);
    ASSERT_TRUE(feed(framer, "{\"a\":1}\n{\"b\""));
    EXPECT_EQ(framer.next(), "{\"a\":1}");
    EXPECT_EQ(framer.next(), std::nullopt);
    ASSERT_TRUE(feed(framer, ":2}\r\n\n"));
    EXPECT_EQ(framer.next(), "{\"b\":2}");
    EXPECT_EQ(framer.next(), "");
    EXPECT_EQ(framer.next(), std::nullopt);
    EXPECT_EQ(framer.buffered(), 0U);
}

TEST(LineFramer, ByteByByteGivesTheSameMessages) {
    LineFramer framer(64);
    const std::string stream = "one\ntwo\nthree\n";
    std::string joined;
    for (char c : stream) {
        ASSERT_TRUE(framer.feed({&c, 1}));
        while (auto m = framer.next()) {
            joined += *m + "|";
        }
    }
    EXPECT_EQ(joined, "one|two|three|");
}

TEST(LineFramer, AnUnfinishedMessageAtTheLimitOverflows) {
    LineFramer framer(8);
    EXPECT_TRUE(feed(framer, "1234567"));  // 7 bytes pending: a newline still fits
    EXPECT_FALSE(feed(framer, "8"));       // 8 bytes and no newline: over the limit
    EXPECT_TRUE(framer.overflowed());
    EXPECT_FALSE(feed(framer, "\n"));  // the stream stays unusable
    EXPECT_EQ(framer.next(), std::nullopt);
}

TEST(LineFramer, ACompleteMessageOverTheLimitOverflows) {
    LineFramer framer(8);
    ASSERT_TRUE(feed(framer, "ok\n"));
    EXPECT_EQ(framer.next(), "ok");
    // 1 MiB-style limit applies to each message with its newline: 9 bytes here.
    (void)feed(framer, "12345678\nx\n");
    EXPECT_EQ(framer.next(), std::nullopt);
    EXPECT_TRUE(framer.overflowed());
}

TEST(LineFramer, MessageExactlyAtTheLimitPasses) {
    LineFramer framer(8);
    ASSERT_TRUE(feed(framer, "1234567\n"));  // 7 bytes + newline = 8
    EXPECT_EQ(framer.next(), "1234567");
    EXPECT_FALSE(framer.overflowed());
}

TEST(LineFramer, CompactGivesBackWhatABigMessageLeftBehind) {
    LineFramer framer(4U << 20U);
    const std::string big(1U << 20U, 'x');
    ASSERT_TRUE(feed(framer, big));
    ASSERT_TRUE(feed(framer, "\nnext"));
    EXPECT_GE(framer.memory(), big.size());
    EXPECT_EQ(framer.next(), big);
    EXPECT_EQ(framer.next(), std::nullopt);
    framer.compact();
    EXPECT_LE(framer.memory(), 64U << 10U);
    EXPECT_EQ(framer.buffered(), 4U);  // the unfinished "next" stays
    ASSERT_TRUE(feed(framer, "\n"));
    EXPECT_EQ(framer.next(), "next");
}

}  // namespace
}  // namespace tulle::ipc

#include "daemon/core/index_table.hpp"

#include <vector>

#include <gtest/gtest.h>

namespace tulle::core {
namespace {

TEST(IndexTable, IndicesAreUniqueAndNeverZero) {
    IndexTable table;
    // A generator that repeats itself and offers zero: the table must skip both.
    std::vector<std::uint32_t> offers{0, 7, 7, 0, 7, 9};
    std::size_t i = 0;
    const auto random = [&] { return offers[i++ % offers.size()]; };
    const auto a = table.add_handshake(nullptr, random);
    const auto b = table.add_handshake(nullptr, random);
    EXPECT_EQ(a, 7U);
    EXPECT_EQ(b, 9U);
    EXPECT_EQ(table.size(), 2U);
}

TEST(IndexTable, PromotionTurnsAHandshakeIntoASession) {
    IndexTable table;
    std::uint32_t next = 41;
    const auto index = table.add_handshake(nullptr, [&] { return ++next; });
    ASSERT_NE(table.find(index), nullptr);
    EXPECT_EQ(table.find(index)->keypair, nullptr);
    Keypair* fake = reinterpret_cast<Keypair*>(std::uintptr_t{0x1000});
    table.promote(index, fake);
    EXPECT_EQ(table.find(index)->keypair, fake);
    table.remove_handshake(index);  // a session is not a handshake: stays
    EXPECT_NE(table.find(index), nullptr);
    table.remove(index);
    EXPECT_EQ(table.find(index), nullptr);
}

}  // namespace
}  // namespace tulle::core

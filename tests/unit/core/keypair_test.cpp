// The three keypair slots of a peer (whitepaper 5.4.5, the kernel's noise.c add_new_keypair).
#include "daemon/core/keypair.hpp"

#include <gtest/gtest.h>

namespace tulle::core {
namespace {

using namespace std::chrono_literals;

KeypairPtr make(bool initiator, std::uint32_t index) {
    auto k = std::make_shared<Keypair>();
    k->initiator = initiator;
    k->local_index = index;
    return k;
}

TEST(KeypairSlots, InitiatorUsesANewKeypairAtOnce) {
    KeypairSlots slots;
    auto first = make(true, 1);
    auto dropped = slots.install(first);
    EXPECT_EQ(slots.current(), first);
    EXPECT_EQ(dropped.first, nullptr);
    auto second = make(true, 2);
    dropped = slots.install(second);
    EXPECT_EQ(slots.current(), second);
    EXPECT_EQ(slots.previous(), first);
    auto third = make(true, 3);
    dropped = slots.install(third);
    EXPECT_EQ(dropped.first, first);  // falls out of previous
    EXPECT_EQ(slots.previous(), second);
}

TEST(KeypairSlots, ResponderWaitsForConfirmation) {
    KeypairSlots slots;
    auto old = make(true, 1);
    (void)slots.install(old);
    auto fresh = make(false, 2);
    (void)slots.install(fresh);
    EXPECT_EQ(slots.current(), old);  // still sending on the confirmed one
    EXPECT_EQ(slots.next(), fresh);
    KeypairPtr dropped;
    EXPECT_FALSE(slots.confirm(old.get(), dropped));
    EXPECT_TRUE(slots.confirm(fresh.get(), dropped));
    EXPECT_EQ(slots.current(), fresh);
    EXPECT_EQ(slots.previous(), old);
    EXPECT_EQ(slots.next(), nullptr);
}

TEST(KeypairSlots, InitiatingWhileANextKeypairWaitsKeepsItForDecryption) {
    KeypairSlots slots;
    auto current = make(true, 1);
    (void)slots.install(current);
    auto next = make(false, 2);
    (void)slots.install(next);
    auto mine = make(true, 3);
    auto dropped = slots.install(mine);
    EXPECT_EQ(slots.current(), mine);
    EXPECT_EQ(slots.previous(), next);
    EXPECT_EQ(slots.next(), nullptr);
    EXPECT_EQ(dropped.second, current);
}

TEST(Keypair, SendingStopsAtRejectAfterTimeOrMessages) {
    Keypair k;
    k.created = TimePoint{std::chrono::hours{1}};
    EXPECT_TRUE(k.can_send(k.created + 179s));
    EXPECT_FALSE(k.can_send(k.created + 180s));
    EXPECT_FALSE(k.can_send(k.created));  // once invalid, for good

    Keypair counted;
    counted.created = TimePoint{std::chrono::hours{1}};
    counted.send_counter = spec::kRejectAfterMessages - 1;
    EXPECT_TRUE(counted.can_send(counted.created));
    counted.send_counter = spec::kRejectAfterMessages;
    EXPECT_FALSE(counted.can_send(counted.created));
}

TEST(Keypair, ReceivingStopsAtRejectAfterTime) {
    Keypair k;
    k.created = TimePoint{std::chrono::hours{1}};
    EXPECT_TRUE(k.can_receive(k.created + 179s));
    EXPECT_FALSE(k.can_receive(k.created + 180s));
}

}  // namespace
}  // namespace tulle::core

// Timer policy on its own (whitepaper 6.2-6.5, the kernel's timers.c), with a fake clock.
#include "daemon/core/timers.hpp"

#include <gtest/gtest.h>

namespace tulle::core {
namespace {

using namespace std::chrono_literals;

const TimePoint kStart{std::chrono::hours{10}};

TEST(Timers, NothingPendingAtFirst) {
    Timers t;
    EXPECT_FALSE(t.next_deadline().has_value());
    EXPECT_FALSE(t.expire(kStart + 1000s).any());
}

TEST(Timers, RetransmitAfterRekeyTimeoutPlusJitterThenGiveUpAfterMaxAttempts) {
    Timers t;
    TimePoint now = kStart;
    int retries = 0;
    t.handshake_initiated(now, 100ms);
    EXPECT_EQ(t.next_deadline(), now + 5100ms);
    EXPECT_FALSE(t.expire(now + 5099ms).any());
    for (;;) {
        now = *t.next_deadline();
        const auto due = t.expire(now);
        if (due.give_up_handshake) {
            break;
        }
        ASSERT_TRUE(due.retransmit_handshake);
        ++retries;
        t.handshake_initiated(now, 0ms);  // the engine sent the retry
    }
    EXPECT_EQ(retries, spec::kMaxTimerHandshakes + 1);
    EXPECT_TRUE(t.zero_key_material_pending());
    EXPECT_FALSE(t.retransmit_pending());
}

TEST(Timers, CompletedHandshakeStopsRetransmitsAndResetsAttempts) {
    Timers t;
    t.handshake_initiated(kStart, 0ms);
    ASSERT_TRUE(t.expire(kStart + 5s).retransmit_handshake);
    EXPECT_EQ(t.handshake_attempts(), 1);
    t.handshake_initiated(kStart + 5s, 0ms);
    t.handshake_complete();
    EXPECT_EQ(t.handshake_attempts(), 0);
    EXPECT_FALSE(t.expire(kStart + 100s).retransmit_handshake);
}

TEST(Timers, KeepaliveTenSecondsAfterDataUnlessSomethingWasSent) {
    Timers t;
    t.data_received(kStart);
    EXPECT_FALSE(t.expire(kStart + 9999ms).send_keepalive);
    EXPECT_TRUE(t.expire(kStart + 10s).send_keepalive);

    Timers answered;
    answered.data_received(kStart);
    answered.any_authenticated_packet_sent();  // data went back: no keepalive needed
    EXPECT_FALSE(answered.expire(kStart + 20s).send_keepalive);
}

TEST(Timers, MoreDataWhileAKeepaliveIsPendingAsksForAnotherOne) {
    Timers t;
    t.data_received(kStart);
    t.data_received(kStart + 1s);
    const Timers::Due first = t.expire(kStart + 10s);
    ASSERT_TRUE(first.send_keepalive);
    ASSERT_TRUE(first.keepalive_again);
    // As the engine does it: sending the keepalive clears the timer, then it is armed again.
    t.any_authenticated_packet_sent();
    t.keepalive_again(kStart + 10s);
    const Timers::Due second = t.expire(kStart + 20s);
    EXPECT_TRUE(second.send_keepalive);
    EXPECT_FALSE(second.keepalive_again);
    t.any_authenticated_packet_sent();
    EXPECT_FALSE(t.expire(kStart + 30s).send_keepalive);
}

TEST(Timers, NewHandshakeWhenSentDataIsNotAnswered) {
    Timers t;
    t.data_sent(kStart, [] { return Duration{200ms}; });
    t.data_sent(kStart + 3s, [] { return Duration{0}; });  // does not push the deadline
    EXPECT_EQ(t.next_deadline(), kStart + 15200ms);
    EXPECT_TRUE(t.expire(kStart + 15200ms).new_handshake);

    Timers answered;
    answered.data_sent(kStart, [] { return Duration{0}; });
    answered.any_authenticated_packet_received();
    EXPECT_FALSE(answered.expire(kStart + 60s).new_handshake);
}

TEST(Timers, KeyMaterialZeroedThreeRejectAfterTimesAfterTheSession) {
    Timers t;
    t.session_derived(kStart);
    EXPECT_FALSE(t.expire(kStart + 539s).zero_key_material);
    EXPECT_TRUE(t.expire(kStart + 540s).zero_key_material);
}

TEST(Timers, PersistentKeepaliveRestartsWithEveryPacket) {
    Timers t;
    t.set_persistent_keepalive(25s);
    t.any_authenticated_packet_traversal(kStart);
    t.any_authenticated_packet_traversal(kStart + 10s);
    EXPECT_FALSE(t.expire(kStart + 34s).persistent_keepalive);
    EXPECT_TRUE(t.expire(kStart + 35s).persistent_keepalive);
    t.set_persistent_keepalive(0s);
    t.any_authenticated_packet_traversal(kStart + 40s);
    EXPECT_FALSE(t.next_deadline().has_value());
}

TEST(Timers, StopClearsEverything) {
    Timers t;
    t.handshake_initiated(kStart, 0ms);
    t.data_sent(kStart, [] { return Duration{0}; });
    t.data_received(kStart);
    t.session_derived(kStart);
    t.stop();
    EXPECT_FALSE(t.next_deadline().has_value());
}

}  // namespace
}  // namespace tulle::core

// Every timer policy of a peer lives here (whitepaper 6.2-6.5; the kernel's timers.c has the same
// shape). The engine calls the event hooks below where the events happen and asks expire() which
// timed actions are due. Handshakes that traffic calls for are the engine's to start: for a packet
// with no usable session, and when a session gets old (REKEY_AFTER_MESSAGES or REKEY_AFTER_TIME
// on sending, REJECT_AFTER_TIME less 15 s on receiving; see send.cpp and receive.cpp), at most
// one initiation per REKEY_TIMEOUT.
#pragma once

#include <cstdint>
#include <optional>

#include "daemon/core/constants.hpp"

namespace tulle::core {

class Timers {
  public:
    struct Due {
        bool retransmit_handshake = false;  // send the initiation again (a retry)
        bool give_up_handshake = false;     // too many tries: drop the queued packets
        bool send_keepalive = false;
        // Data arrived while the keepalive timer ran: once the keepalive is out, call
        // keepalive_again() so the newer data gets its own answer.
        bool keepalive_again = false;
        bool new_handshake = false;  // sent data got no answer: start a new handshake
        bool zero_key_material = false;
        bool persistent_keepalive = false;
        [[nodiscard]] bool any() const {
            return retransmit_handshake || give_up_handshake || send_keepalive || new_handshake ||
                   zero_key_material || persistent_keepalive;
        }
    };

    // Call after a data packet (not a keepalive) was sent. `jitter()` is asked only when the
    // timer is armed, which is rare: it costs a random number.
    template <typename JitterFn>
    void data_sent(TimePoint now, JitterFn&& jitter) {
        if (!new_handshake_) {
            new_handshake_ = now + spec::kKeepaliveTimeout + spec::kRekeyTimeout + jitter();
        }
    }
    // Call after a data packet (not a keepalive) was received and authenticated.
    void data_received(TimePoint now);
    // Call after any authenticated packet (data, keepalive or handshake) was sent.
    void any_authenticated_packet_sent();
    // Call after any authenticated packet was received.
    void any_authenticated_packet_received();
    // Call after any authenticated packet was sent or received.
    void any_authenticated_packet_traversal(TimePoint now);
    // Call after sending the keepalive that expire() asked for with keepalive_again set. (The
    // send itself clears the timer, as any authenticated packet does; this arms it afresh.)
    void keepalive_again(TimePoint now) { send_keepalive_ = now + spec::kKeepaliveTimeout; }
    // Call after a handshake initiation was sent.
    void handshake_initiated(TimePoint now, Duration jitter);
    // Call after a handshake response was received, or a new keypair was confirmed.
    void handshake_complete();
    // Call after new transport keys were derived.
    void session_derived(TimePoint now);
    // Call when a handshake is started that is not a retry of the one before.
    void handshake_started_afresh() { handshake_attempts_ = 0; }

    // 0 turns persistent keepalives off. Call any_authenticated_packet_traversal after turning
    // them on to arm the timer.
    void set_persistent_keepalive(std::chrono::seconds interval);
    [[nodiscard]] std::chrono::seconds persistent_keepalive() const { return persistent_interval_; }

    // Removes all pending timers (the peer goes away or the device goes down).
    void stop();

    // The actions due at `now`; their timers are consumed (or re-armed, as policy says).
    [[nodiscard]] Due expire(TimePoint now);
    [[nodiscard]] std::optional<TimePoint> next_deadline() const;

    [[nodiscard]] int handshake_attempts() const { return handshake_attempts_; }
    [[nodiscard]] bool zero_key_material_pending() const { return zero_key_material_.has_value(); }
    [[nodiscard]] bool retransmit_pending() const { return retransmit_handshake_.has_value(); }

  private:
    std::optional<TimePoint> retransmit_handshake_;
    std::optional<TimePoint> send_keepalive_;
    std::optional<TimePoint> new_handshake_;
    std::optional<TimePoint> zero_key_material_;
    std::optional<TimePoint> persistent_keepalive_;
    std::chrono::seconds persistent_interval_{0};
    int handshake_attempts_ = 0;
    bool need_another_keepalive_ = false;
};

}  // namespace tulle::core

#include "daemon/core/timers.hpp"

#include <algorithm>

namespace tulle::core {
namespace {

bool due(std::optional<TimePoint>& timer, TimePoint now) {
    if (timer && *timer <= now) {
        timer.reset();
        return true;
    }
    return false;
}

}  // namespace

void Timers::data_received(TimePoint now) {
    if (!send_keepalive_) {
        send_keepalive_ = now + spec::kKeepaliveTimeout;
    } else {
        need_another_keepalive_ = true;
    }
}

void Timers::any_authenticated_packet_sent() {
    send_keepalive_.reset();
}

void Timers::any_authenticated_packet_received() {
    new_handshake_.reset();
}

void Timers::any_authenticated_packet_traversal(TimePoint now) {
    if (persistent_interval_.count() > 0) {
        persistent_keepalive_ = now + persistent_interval_;
    }
}

void Timers::handshake_initiated(TimePoint now, Duration jitter) {
    retransmit_handshake_ = now + spec::kRekeyTimeout + jitter;
}

void Timers::handshake_complete() {
    retransmit_handshake_.reset();
    handshake_attempts_ = 0;
}

void Timers::session_derived(TimePoint now) {
    zero_key_material_ = now + 3 * spec::kRejectAfterTime;
}

void Timers::set_persistent_keepalive(std::chrono::seconds interval) {
    persistent_interval_ = interval;
    if (interval.count() == 0) {
        persistent_keepalive_.reset();
    }
}

void Timers::stop() {
    retransmit_handshake_.reset();
    send_keepalive_.reset();
    new_handshake_.reset();
    zero_key_material_.reset();
    persistent_keepalive_.reset();
    need_another_keepalive_ = false;
}

Timers::Due Timers::expire(TimePoint now) {
    Due d;
    if (due(retransmit_handshake_, now)) {
        if (handshake_attempts_ > spec::kMaxTimerHandshakes) {
            // Unanswered for REKEY_ATTEMPT_TIME: stop trying, drop what waits for a session, and
            // wipe what is left of the exchange later.
            d.give_up_handshake = true;
            send_keepalive_.reset();
            if (!zero_key_material_) {
                zero_key_material_ = now + 3 * spec::kRejectAfterTime;
            }
        } else {
            ++handshake_attempts_;
            d.retransmit_handshake = true;
        }
    }
    if (due(send_keepalive_, now)) {
        d.send_keepalive = true;
        d.keepalive_again = need_another_keepalive_;
        need_another_keepalive_ = false;
    }
    d.new_handshake = due(new_handshake_, now);
    d.zero_key_material = due(zero_key_material_, now);
    d.persistent_keepalive = due(persistent_keepalive_, now) && persistent_interval_.count() > 0;
    return d;
}

std::optional<TimePoint> Timers::next_deadline() const {
    std::optional<TimePoint> next;
    for (const auto& timer : {retransmit_handshake_, send_keepalive_, new_handshake_,
                              zero_key_material_, persistent_keepalive_}) {
        if (timer && (!next || *timer < *next)) {
            next = timer;
        }
    }
    return next;
}

}  // namespace tulle::core

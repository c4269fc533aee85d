#include "daemon/core/keypair.hpp"

#include <utility>

namespace tulle::core {

bool Keypair::can_send(TimePoint now) {
    if (sending_valid &&
        (older_than(spec::kRejectAfterTime, now) || send_counter >= spec::kRejectAfterMessages)) {
        sending_valid = false;
    }
    return sending_valid;
}

bool Keypair::can_receive(TimePoint now) {
    if (receiving_valid && older_than(spec::kRejectAfterTime, now)) {
        receiving_valid = false;
    }
    return receiving_valid;
}

KeypairSlots::Dropped KeypairSlots::install(KeypairPtr keypair) {
    Dropped dropped;
    if (keypair->initiator) {
        if (next_) {
            // An unconfirmed next keypair becomes previous so packets on it still decrypt; the
            // current one is superseded twice over and goes.
            dropped.first = std::exchange(previous_, std::exchange(next_, nullptr));
            dropped.second = std::exchange(current_, std::move(keypair));
        } else {
            dropped.first = std::exchange(previous_, std::exchange(current_, std::move(keypair)));
        }
    } else {
        // The current keypair stays in use until the initiator confirms the new one.
        dropped.first = std::exchange(next_, std::move(keypair));
        dropped.second = std::exchange(previous_, nullptr);
    }
    return dropped;
}

bool KeypairSlots::confirm(const Keypair* keypair, KeypairPtr& dropped) {
    if (keypair == nullptr || keypair != next_.get()) {
        return false;
    }
    dropped = std::exchange(previous_, std::exchange(current_, std::exchange(next_, nullptr)));
    return true;
}

std::array<KeypairPtr, 3> KeypairSlots::clear() {
    return {std::exchange(previous_, nullptr), std::exchange(current_, nullptr),
            std::exchange(next_, nullptr)};
}

}  // namespace tulle::core

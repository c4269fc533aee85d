// Transport keypairs and each peer's three slots for them (whitepaper 5.4.5, 6.1): the current
// keypair, the previous one (still accepted while packets in flight arrive) and, on the responder,
// the next one, which becomes current only once the initiator has used it (key confirmation).
#pragma once

#include <cstdint>
#include <memory>

#include "daemon/core/constants.hpp"
#include "daemon/core/crypto.hpp"
#include "daemon/core/replay.hpp"

namespace tulle::core {

class Peer;

// Shared: a batch being sealed or opened on worker threads keeps its keypair alive.
struct Keypair : std::enable_shared_from_this<Keypair> {
    SymmetricKey sending;
    SymmetricKey receiving;
    std::uint32_t local_index = 0;   // the receiver index peers put in packets to us
    std::uint32_t remote_index = 0;  // the receiver index we put in packets to the peer
    bool initiator = false;
    TimePoint created;
    std::uint64_t send_counter = 0;  // the next nonce to use
    bool sending_valid = true;
    bool receiving_valid = true;
    ReplayWindow replay;
    Peer* peer = nullptr;

    // May this keypair encrypt another packet? Marks it invalid once it may not.
    [[nodiscard]] bool can_send(TimePoint now);
    // May this keypair still decrypt? Marks it invalid once it may not.
    [[nodiscard]] bool can_receive(TimePoint now);
    [[nodiscard]] bool older_than(Duration age, TimePoint now) const {
        return now - created >= age;
    }
};

using KeypairPtr = std::shared_ptr<Keypair>;

class KeypairSlots {
  public:
    [[nodiscard]] const KeypairPtr& current() const { return current_; }
    [[nodiscard]] const KeypairPtr& previous() const { return previous_; }
    [[nodiscard]] const KeypairPtr& next() const { return next_; }

    // Installs a keypair fresh from a handshake. The initiator uses it at once; the responder
    // keeps it as next until confirmed. Returns the keypairs that were dropped (their indices
    // must leave the index table).
    struct Dropped {
        KeypairPtr first;
        KeypairPtr second;
    };
    [[nodiscard]] Dropped install(KeypairPtr keypair);

    // A packet arrived on `keypair`: when it is the next keypair it becomes current (the
    // responder's key confirmation). True when that happened; `dropped` then holds the keypair
    // that fell out of the previous slot.
    [[nodiscard]] bool confirm(const Keypair* keypair, KeypairPtr& dropped);

    // Empties every slot, returning them all for removal from the index table.
    [[nodiscard]] std::array<KeypairPtr, 3> clear();

  private:
    KeypairPtr previous_;
    KeypairPtr current_;
    KeypairPtr next_;
};

}  // namespace tulle::core

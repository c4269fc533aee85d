// One configured peer: its keys, handshake, sessions, timers, the packets waiting for a session,
// where it was last seen, and its traffic counters. The engine drives it; peers never act alone.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "daemon/core/cookie.hpp"
#include "daemon/core/keypair.hpp"
#include "daemon/core/noise.hpp"
#include "daemon/core/timers.hpp"
#include "value/ip.hpp"

namespace tulle::core {

struct PeerStats {
    std::uint64_t rx_bytes = 0;  // every authenticated datagram from the peer, whole
    std::uint64_t tx_bytes = 0;  // every datagram sent to the peer, whole
    std::optional<std::chrono::system_clock::time_point> last_handshake;
};

class Peer {
  public:
    Peer(const LocalIdentity& local, const PublicKey& public_key);

    [[nodiscard]] const PublicKey& public_key() const { return secrets_.remote_static; }
    // Where datagrams to the peer go; none until configured or learnt from an authenticated
    // packet, and then nothing is sent to it.
    [[nodiscard]] const std::optional<value::SocketAddress>& endpoint() const { return endpoint_; }
    [[nodiscard]] const PeerStats& stats() const { return stats_; }
    [[nodiscard]] bool has_preshared_key() const { return !secrets_.preshared_key.is_zero(); }
    // For the UAPI's get, which hands it to root only (wg showconf).
    [[nodiscard]] const SymmetricKey& preshared_key() const { return secrets_.preshared_key; }
    [[nodiscard]] std::chrono::seconds persistent_keepalive() const {
        return timers_.persistent_keepalive();
    }
    [[nodiscard]] const KeypairSlots& keypairs() const { return keypairs_; }
    [[nodiscard]] const Handshake& handshake() const { return handshake_; }
    [[nodiscard]] const Timers& timers() const { return timers_; }
    [[nodiscard]] std::size_t staged_packets() const { return staged_.size(); }

  private:
    friend class Engine;

    PeerSecrets secrets_;
    Handshake handshake_;
    CookieMaker cookie_;
    KeypairSlots keypairs_;
    Timers timers_;
    std::optional<value::SocketAddress> endpoint_;
    std::deque<std::vector<std::uint8_t>> staged_;  // packets waiting for a session, oldest first
    std::optional<TimePoint> last_sent_handshake_;
    std::optional<TimePoint> last_initiation_consumption_;
    bool sent_lastminute_handshake_ = false;
    PeerStats stats_;
};

}  // namespace tulle::core

// Receive-side replay protection for transport messages (whitepaper section 5.4.6): a sliding
// window over the 64-bit message counter, kept as a ring of 64-bit blocks in the manner of
// RFC 6479, so that the window slides by clearing whole blocks instead of shifting bits.
#pragma once

#include <array>
#include <cstdint>

#include "daemon/core/constants.hpp"

namespace tulle::core {

// Remembers which counters of one receiving session have been accepted.
//
// A counter is accepted when it is below spec::kRejectAfterMessages, has not been accepted
// before, and is no more than impl::kReplayWindow below the highest counter accepted so far
// (so counters highest - kReplayWindow .. highest are tracked exactly). The ring holds one block
// more than the window needs; that spare block is the one being refilled as the window moves
// forward. Not thread-safe: the caller serialises access.
class ReplayWindow {
  public:
    ReplayWindow() = default;

    // True, and the counter is recorded, when `counter` is acceptable; false otherwise (the
    // state is then unchanged). Runs in O(1) amortised time: a step forward of k blocks clears
    // min(k, impl::kReplayBlocks) blocks.
    [[nodiscard]] bool check_and_update(std::uint64_t counter);

    // Forgets every counter, as for a fresh session.
    void reset();

  private:
    static constexpr unsigned kBlockBits = 64;

    std::array<std::uint64_t, impl::kReplayBlocks> blocks_{};
    // Highest counter accepted so far; 0 while none has been, which is safe because the bit of
    // counter 0 is then still clear.
    std::uint64_t highest_ = 0;
};

}  // namespace tulle::core

#include "daemon/core/replay.hpp"

#include <algorithm>

namespace tulle::core {

static_assert(impl::kReplayBlocks >= 2 && (impl::kReplayBlocks & (impl::kReplayBlocks - 1)) == 0,
              "the block ring is indexed with a mask, so its length must be a power of two");
static_assert(impl::kReplayWindow == (impl::kReplayBlocks - 1) * 64,
              "the window must leave exactly one spare block in the ring");

bool ReplayWindow::check_and_update(std::uint64_t counter) {
    if (counter >= spec::kRejectAfterMessages) {
        return false;
    }
    // counter < kRejectAfterMessages, so adding the window cannot overflow.
    if (counter + impl::kReplayWindow < highest_) {
        return false;
    }

    constexpr std::uint64_t kRingMask = impl::kReplayBlocks - 1;
    const std::uint64_t block = counter / kBlockBits;

    if (counter > highest_) {
        // Moving forward: every block the window now enters may still hold bits from a lap of the
        // ring ago, so clear them. After a jump of a whole ring or more, that is all of them.
        const std::uint64_t current = highest_ / kBlockBits;
        const std::uint64_t to_clear =
            std::min<std::uint64_t>(block - current, impl::kReplayBlocks);
        for (std::uint64_t i = 1; i <= to_clear; ++i) {
            blocks_[(current + i) & kRingMask] = 0;
        }
        highest_ = counter;
    }

    std::uint64_t& word = blocks_[block & kRingMask];
    const std::uint64_t bit = std::uint64_t{1} << (counter % kBlockBits);
    if ((word & bit) != 0) {
        return false;
    }
    word |= bit;
    return true;
}

void ReplayWindow::reset() {
    blocks_.fill(0);
    highest_ = 0;
}

}  // namespace tulle::core

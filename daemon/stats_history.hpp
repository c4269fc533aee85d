// Per-peer traffic history of one tunnel: a sample of the peer's totals every second for the last
// ten minutes, so that a graph opened now is filled at once, and the rates between samples.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <vector>

#include "ipc/messages.hpp"

namespace tulle::daemon {

class StatsHistory {
  public:
    static constexpr std::size_t kDefaultSeconds = 600;

    explicit StatsHistory(std::size_t capacity = kDefaultSeconds) : capacity_(capacity) {}

    struct Rates {
        double rx = 0;  // bytes per second since the previous sample
        double tx = 0;
    };

    // Records a peer's totals at `time` (Unix seconds) and returns its rates since the sample
    // before. Totals that went down (the peer was removed and added again) or a clock that went
    // back start the history afresh.
    Rates record(const value::Key& peer, std::int64_t time, std::uint64_t rx, std::uint64_t tx);
    // Forgets every peer not in `present`.
    void retain(const std::vector<value::Key>& present);
    // The samples of the last `seconds`, oldest first; empty for an unknown peer.
    [[nodiscard]] std::vector<ipc::StatsSample> samples(const value::Key& peer, int seconds) const;
    [[nodiscard]] std::vector<value::Key> peers() const;

    // The answer to stats.history (its tunnel and the check that a named peer exists aside):
    // all at once or a page, as ipc::answer_history says.
    [[nodiscard]] ipc::StatsHistory answer(const ipc::StatsQuery& query) const;

  private:
    std::size_t capacity_;
    std::map<value::Key, std::deque<ipc::StatsSample>> history_;
};

}  // namespace tulle::daemon

#include "daemon/stats_history.hpp"

#include <algorithm>

namespace tulle::daemon {

StatsHistory::Rates StatsHistory::record(const value::Key& peer, std::int64_t time,
                                         std::uint64_t rx, std::uint64_t tx) {
    auto& samples = history_[peer];
    Rates rates;
    if (!samples.empty()) {
        const auto& last = samples.back();
        if (time == last.time) {
            return rates;  // two ticks in one second: keep the first
        }
        if (time < last.time || rx < last.rx_bytes || tx < last.tx_bytes) {
            samples.clear();  // the wall clock stepped back, or the counters restarted
        } else {
            const auto seconds = static_cast<double>(time - last.time);
            rates.rx = static_cast<double>(rx - last.rx_bytes) / seconds;
            rates.tx = static_cast<double>(tx - last.tx_bytes) / seconds;
        }
    }
    samples.push_back(ipc::StatsSample{time, rx, tx});
    while (samples.size() > capacity_) {
        samples.pop_front();
    }
    return rates;
}

void StatsHistory::retain(const std::vector<value::Key>& present) {
    std::erase_if(history_, [&present](const auto& entry) {
        return std::find(present.begin(), present.end(), entry.first) == present.end();
    });
}

std::vector<ipc::StatsSample> StatsHistory::samples(const value::Key& peer, int seconds) const {
    const auto found = history_.find(peer);
    if (found == history_.end() || found->second.empty()) {
        return {};
    }
    const auto& samples = found->second;
    const std::int64_t since = samples.back().time - seconds;
    std::vector<ipc::StatsSample> out;
    for (const auto& sample : samples) {
        if (sample.time > since) {
            out.push_back(sample);
        }
    }
    return out;
}

ipc::StatsHistory StatsHistory::answer(const ipc::StatsQuery& query) const {
    return ipc::answer_history(peers(), query, [this, &query](const value::Key& key) {
        return samples(key, query.seconds);
    });
}

std::vector<value::Key> StatsHistory::peers() const {
    std::vector<value::Key> out;
    for (const auto& [key, samples] : history_) {
        out.push_back(key);
    }
    return out;
}

}  // namespace tulle::daemon

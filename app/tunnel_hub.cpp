#include "app/tunnel_hub.hpp"

#include <algorithm>
#include <utility>

namespace tulle::app {

void RateHistory::add(const RatePoint& point) {
    if (!points_.empty() && point.time <= points_.back().time) {
        // A repeated or older second (after a reload): the newer value wins.
        while (!points_.empty() && points_.back().time >= point.time) {
            points_.pop_back();
        }
    }
    points_.push_back(point);
    while (points_.size() > kCapacity) {
        points_.pop_front();
    }
}

void RateHistory::assign(const std::vector<ipc::StatsSample>& samples) {
    points_.clear();
    for (std::size_t i = 1; i < samples.size(); ++i) {
        const auto& before = samples[i - 1];
        const auto& now = samples[i];
        const std::int64_t seconds = now.time - before.time;
        if (seconds <= 0 || now.rx_bytes < before.rx_bytes || now.tx_bytes < before.tx_bytes) {
            continue;  // a restart of the counters or a clock step
        }
        const auto span = static_cast<double>(seconds);
        add({now.time, static_cast<double>(now.rx_bytes - before.rx_bytes) / span,
             static_cast<double>(now.tx_bytes - before.tx_bytes) / span});
    }
}

HandshakeWatch::Change HandshakeWatch::update(std::int64_t now, const ipc::PeerStatus& peer) {
    const bool sending = seen_ && peer.tx_bytes > last_tx_;
    last_tx_ = peer.tx_bytes;
    seen_ = true;
    const bool session = peer.last_handshake != 0 && now - peer.last_handshake < kSessionLifetime;
    if (session || !peer.endpoint) {
        trying_since_.reset();
        if (failing_) {
            failing_ = false;
            return Change::recovered;
        }
        return Change::none;
    }
    if (sending && !trying_since_) {
        trying_since_ = now;
    }
    if (!failing_ && trying_since_ && now - *trying_since_ >= kFailingAfter) {
        failing_ = true;
        return Change::failing;
    }
    return Change::none;
}

QString peer_label(const ipc::PeerStatus& peer) {
    if (!peer.name.empty()) {
        return QString::fromStdString(peer.name);
    }
    return QString::fromStdString(peer.public_key.to_base64().substr(0, 8)) + QStringLiteral("…");
}

TunnelHub::TunnelHub(DaemonLink& link, QObject* parent) : QObject(parent), link_(link) {
    connect(&link_, &DaemonLink::state_changed, this,
            [this](DaemonLink::State state, const QString&) { on_state(state); });
    connect(&link_, &DaemonLink::tunnel_changed, this, &TunnelHub::on_tunnel_changed);
    connect(&link_, &DaemonLink::peer_changed, this, [this](const ipc::PeerChanged& event) {
        refresh_tunnel(QString::fromStdString(event.tunnel));
    });
    connect(&link_, &DaemonLink::stats, this, &TunnelHub::on_stats);
    connect(&link_, &DaemonLink::path_changed, this, &TunnelHub::on_path_changed);
}

const TunnelView* TunnelHub::find(const QString& name) const {
    auto found = tunnels_.find(name);
    return found == tunnels_.end() ? nullptr : &found->second;
}

const PeerView* TunnelHub::find_peer(const QString& tunnel, const value::Key& key) const {
    const TunnelView* view = find(tunnel);
    if (view == nullptr) {
        return nullptr;
    }
    auto found = std::find_if(view->peers.begin(), view->peers.end(),
                              [&](const PeerView& p) { return p.status.public_key == key; });
    return found == view->peers.end() ? nullptr : &*found;
}

void TunnelHub::set_local_profiles(const QStringList& names) {
    local_ = names;
    for (const QString& name : names) {
        auto& view = tunnels_[name];
        view.local = true;
        view.status.name = name.toStdString();
    }
    drop_unlisted();
    emit tunnels_reset();
}

void TunnelHub::drop_unlisted() {
    for (auto it = tunnels_.begin(); it != tunnels_.end();) {
        it->second.local = local_.contains(it->first);
        if (!it->second.local && !it->second.known_to_daemon) {
            it = tunnels_.erase(it);
        } else {
            ++it;
        }
    }
}

void TunnelHub::on_state(DaemonLink::State state) {
    if (state == DaemonLink::State::connected) {
        refresh();
        return;
    }
    // Nothing is known to run while tulled is away.
    bool changed = false;
    for (auto& [name, view] : tunnels_) {
        changed = changed || view.known_to_daemon || view.status.up;
        view.known_to_daemon = false;
        view.status.up = false;
        view.peers.clear();
    }
    drop_unlisted();
    if (changed) {
        emit tunnels_reset();
    }
}

void TunnelHub::refresh() {
    link_.call<ipc::TunnelListMethod>({}, this, [this](const ipc::Outcome<ipc::TunnelList>& list) {
        if (list.ok()) {
            apply_list(list->tunnels);
        }
    });
}

void TunnelHub::apply_list(const std::vector<ipc::TunnelStatus>& list) {
    for (auto& [name, view] : tunnels_) {
        view.known_to_daemon = false;
    }
    for (const auto& status : list) {
        const QString name = QString::fromStdString(status.name);
        auto& view = tunnels_[name];
        view.status = status;
        view.known_to_daemon = true;
        if (!status.up) {
            view.peers.clear();
        }
    }
    for (auto& [name, view] : tunnels_) {
        if (!view.known_to_daemon) {
            view.status.up = false;
            view.peers.clear();
        }
    }
    drop_unlisted();
    emit tunnels_reset();
    for (const auto& [name, view] : tunnels_) {
        if (view.status.up) {
            refresh_tunnel(name);
        }
    }
}

void TunnelHub::refresh_tunnel(const QString& name) {
    link_.call<ipc::TunnelGetMethod>(ipc::TunnelRef{name.toStdString()}, this,
                                     [this, name](const ipc::Outcome<ipc::TunnelDetail>& detail) {
                                         if (detail.ok()) {
                                             apply_detail(*detail);
                                             load_history(name);
                                         }
                                     });
}

void TunnelHub::apply_detail(const ipc::TunnelDetail& detail) {
    const QString name = QString::fromStdString(detail.status.name);
    auto& view = tunnels_[name];
    view.status = detail.status;
    view.known_to_daemon = true;
    view.settings = detail.settings;
    // Keep what the hub has gathered of peers that stay (history, watch); new ones start empty.
    std::vector<PeerView> peers;
    peers.reserve(detail.peers.size());
    for (const auto& status : detail.peers) {
        auto old = std::find_if(view.peers.begin(), view.peers.end(), [&](const PeerView& p) {
            return p.status.public_key == status.public_key;
        });
        PeerView peer = old != view.peers.end() ? std::move(*old) : PeerView{};
        peer.status = status;
        peers.push_back(std::move(peer));
    }
    view.peers = std::move(peers);
    emit peers_reset(name);
}

void TunnelHub::load_history(const QString& name, std::optional<ipc::StatsQuery> page) {
    ipc::StatsQuery query;
    if (page) {
        query = std::move(*page);
    } else {
        query.tunnel = name.toStdString();
        // As much as the chart holds and tulled keeps (asking for more is refused).
        static_assert(RateHistory::kCapacity <= ipc::kMaxHistorySeconds);
        query.seconds = static_cast<int>(RateHistory::kCapacity);
        // Pages, so that no reply passes the message limit however many peers there are.
        query.limit = ipc::kMaxHistoryPage;
    }
    link_.call<ipc::StatsHistoryMethod>(
        query, this, [this, name, query](const ipc::Outcome<ipc::StatsHistory>& reply) {
            auto found = tunnels_.find(name);
            if (!reply.ok() || found == tunnels_.end()) {
                return;
            }
            ipc::StatsHistory histories;
            auto next = ipc::gather_page(query, *reply, histories);
            if (!next.ok()) {
                return;
            }
            for (const auto& history : histories.peers) {
                for (auto& peer : found->second.peers) {
                    if (peer.status.public_key == history.public_key) {
                        peer.history.assign(history.samples);
                    }
                }
            }
            if (*next) {
                load_history(name, std::move(**next));
                return;
            }
            emit history_loaded(name);
        });
}

void TunnelHub::on_tunnel_changed(const ipc::TunnelChanged& event) {
    const QString name = QString::fromStdString(event.tunnel.name);
    auto found = tunnels_.find(name);
    const bool was_up = found != tunnels_.end() && found->second.status.up;
    if (event.removed) {
        if (found != tunnels_.end()) {
            found->second.known_to_daemon = false;
            found->second.status.up = false;
            found->second.peers.clear();
        }
    } else {
        auto& view = tunnels_[name];
        view.status = event.tunnel;
        view.known_to_daemon = true;
        if (!view.status.up) {
            view.peers.clear();
        }
    }
    drop_unlisted();
    const TunnelView* now = find(name);
    const bool is_up = now != nullptr && now->status.up;
    emit tunnels_reset();
    if (is_up) {
        refresh_tunnel(name);
    }
    if (is_up && !was_up) {
        emit tunnel_went_up(name);
    } else if (!is_up && was_up) {
        emit tunnel_went_down(name);
    }
}

void TunnelHub::on_stats(const ipc::StatsEvent& event) {
    const QString name = QString::fromStdString(event.tunnel);
    auto found = tunnels_.find(name);
    if (found == tunnels_.end()) {
        return;
    }
    TunnelView& view = found->second;
    view.time = event.time;
    bool unknown_peer = false;
    std::uint64_t rx = 0;
    std::uint64_t tx = 0;
    for (std::size_t i = 0; i < event.peers.size(); ++i) {
        const auto& status = event.peers[i];
        rx += status.rx_bytes;
        tx += status.tx_bytes;
        // Events list the peers in the order tunnel.get did; look further only when not.
        auto peer =
            i < view.peers.size() && view.peers[i].status.public_key == status.public_key
                ? view.peers.begin() + static_cast<std::ptrdiff_t>(i)
                : std::find_if(view.peers.begin(), view.peers.end(), [&](const PeerView& p) {
                      return p.status.public_key == status.public_key;
                  });
        if (peer == view.peers.end()) {
            unknown_peer = true;
            continue;
        }
        peer->status = status;
        peer->history.add({event.time, status.rx_rate, status.tx_rate});
        switch (peer->watch.update(event.time, status)) {
            case HandshakeWatch::Change::failing:
                emit handshake_failing(name, peer_label(status));
                break;
            case HandshakeWatch::Change::recovered:
                emit handshake_recovered(name, peer_label(status));
                break;
            case HandshakeWatch::Change::none:
                break;
        }
    }
    view.status.rx_bytes = rx;
    view.status.tx_bytes = tx;
    if (unknown_peer || event.peers.size() != view.peers.size()) {
        refresh_tunnel(name);
    }
    emit stats_updated(name);
}

void TunnelHub::on_path_changed(const ipc::PathChanged& event) {
    const QString name = QString::fromStdString(event.tunnel);
    auto found = tunnels_.find(name);
    if (found == tunnels_.end() || !found->second.status.up) {
        return;  // tunnel.get brings the path when the tunnel is listed
    }
    auto& peers = found->second.peers;
    auto peer = std::find_if(peers.begin(), peers.end(),
                             [&](const PeerView& p) { return p.status.public_key == event.peer; });
    if (peer == peers.end()) {
        refresh_tunnel(name);  // a peer the hub has not read yet
        return;
    }
    peer->status.path = event.to;
    emit path_changed(name, static_cast<int>(peer - peers.begin()));
}

double TunnelHub::total_rx_rate() const {
    double sum = 0;
    for (const auto& [name, view] : tunnels_) {
        for (const auto& peer : view.peers) {
            sum += peer.status.rx_rate;
        }
    }
    return sum;
}

double TunnelHub::total_tx_rate() const {
    double sum = 0;
    for (const auto& [name, view] : tunnels_) {
        for (const auto& peer : view.peers) {
            sum += peer.status.tx_rate;
        }
    }
    return sum;
}

int TunnelHub::tunnels_up() const {
    return static_cast<int>(std::count_if(tunnels_.begin(), tunnels_.end(), [](const auto& entry) {
        return entry.second.status.up;
    }));
}

bool TunnelHub::any_failing() const {
    for (const auto& [name, view] : tunnels_) {
        for (const auto& peer : view.peers) {
            if (peer.watch.failing()) {
                return true;
            }
        }
    }
    return false;
}

int relayed_peers(const TunnelView& view) {
    if (!view.status.up) {
        return 0;
    }
    return static_cast<int>(std::count_if(view.peers.begin(), view.peers.end(), [](const auto& p) {
        return p.status.path.kind == ipc::PathKind::relay;
    }));
}

bool TunnelHub::all_connected() const {
    for (const auto& [name, view] : tunnels_) {
        for (const auto& peer : view.peers) {
            const bool session =
                peer.status.last_handshake != 0 &&
                view.time - peer.status.last_handshake < HandshakeWatch::kSessionLifetime;
            if (peer.status.endpoint && !session) {
                return false;
            }
        }
    }
    return true;
}

}  // namespace tulle::app

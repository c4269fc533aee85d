// What the app knows of tulled's tunnels and peers, kept current from the daemon's replies and
// events: the list of tunnels (and the user's local profiles), each running tunnel's peers with
// their totals and rates, and per-peer rate history for the charts. Pages and the tray read it;
// only the hub talks to the link about state.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include <QObject>
#include <QString>
#include <QStringList>

#include "app/daemon_link.hpp"
#include "ipc/messages.hpp"

namespace tulle::app {

// A peer's receive and send rates (bytes per second) at one second.
struct RatePoint {
    std::int64_t time = 0;  // Unix seconds
    double rx = 0;
    double tx = 0;
};

// The last `capacity` seconds of a peer's rates, oldest first.
class RateHistory {
  public:
    static constexpr std::size_t kCapacity = 600;

    void add(const RatePoint& point);
    // From stats.history's totals, one a second: each point is the difference to the one before.
    void assign(const std::vector<ipc::StatsSample>& samples);
    [[nodiscard]] const std::deque<RatePoint>& points() const { return points_; }
    [[nodiscard]] bool empty() const { return points_.empty(); }

  private:
    std::deque<RatePoint> points_;
};

// Whether a peer's handshakes keep failing: the tunnel keeps sending to a known endpoint (the
// handshake initiations count as sent bytes) without a valid session for `kFailingAfter`.
class HandshakeWatch {
  public:
    static constexpr std::int64_t kFailingAfter = 30;      // seconds of trying
    static constexpr std::int64_t kSessionLifetime = 180;  // REJECT_AFTER_TIME

    enum class Change : std::uint8_t { none, failing, recovered };
    Change update(std::int64_t now, const ipc::PeerStatus& peer);
    [[nodiscard]] bool failing() const { return failing_; }

  private:
    std::optional<std::int64_t> trying_since_;
    std::uint64_t last_tx_ = 0;
    bool seen_ = false;
    bool failing_ = false;
};

struct PeerView {
    ipc::PeerStatus status;
    RateHistory history;
    HandshakeWatch watch;
};

struct TunnelView {
    ipc::TunnelStatus status;
    bool known_to_daemon = false;  // listed by tulled (running, system, or kept while down)
    bool local = false;            // a profile of this user (the app's files and keychain)
    std::vector<PeerView> peers;   // of a running tunnel, in the daemon's order
    std::optional<ipc::TunnelSettings> settings;  // tunnel.get's (no secrets); none before it
    std::int64_t time = 0;                        // of the newest stats event
};

class TunnelHub : public QObject {
    Q_OBJECT
  public:
    explicit TunnelHub(DaemonLink& link, QObject* parent = nullptr);

    [[nodiscard]] DaemonLink& link() const { return link_; }
    // Sorted by name.
    [[nodiscard]] const std::map<QString, TunnelView>& tunnels() const { return tunnels_; }
    [[nodiscard]] const TunnelView* find(const QString& name) const;
    [[nodiscard]] const PeerView* find_peer(const QString& tunnel, const value::Key& key) const;

    // The user's local profiles; shown as tunnels (down unless tulled runs one of that name).
    void set_local_profiles(const QStringList& names);
    // Reads the tunnel list again, and each running tunnel's peers and history.
    void refresh();
    void refresh_tunnel(const QString& name);

    // Totals over all running tunnels, for the tray.
    [[nodiscard]] double total_rx_rate() const;
    [[nodiscard]] double total_tx_rate() const;
    [[nodiscard]] int tunnels_up() const;
    [[nodiscard]] bool any_failing() const;
    // Whether every peer with an endpoint in running tunnels has a valid session.
    [[nodiscard]] bool all_connected() const;

  signals:
    void tunnels_reset();                     // tunnels added, removed or changed state
    void peers_reset(const QString& tunnel);  // peers added, removed or edited
    void stats_updated(const QString& tunnel);
    void history_loaded(const QString& tunnel);
    void tunnel_went_up(const QString& tunnel);
    void tunnel_went_down(const QString& tunnel);
    void handshake_failing(const QString& tunnel, const QString& peer);
    void handshake_recovered(const QString& tunnel, const QString& peer);
    // A peer's path changed (path.changed): `peer` is its index in the tunnel's peers.
    void path_changed(const QString& tunnel, int peer);

  private:
    void on_state(DaemonLink::State state);
    void on_tunnel_changed(const ipc::TunnelChanged& event);
    void on_stats(const ipc::StatsEvent& event);
    void on_path_changed(const ipc::PathChanged& event);
    void apply_list(const std::vector<ipc::TunnelStatus>& list);
    void apply_detail(const ipc::TunnelDetail& detail);
    // Asks for the history of every peer of the tunnel, a page at a time (`page`: the query of
    // the page that follows; none: the first).
    void load_history(const QString& name, std::optional<ipc::StatsQuery> page = std::nullopt);
    void drop_unlisted();

    DaemonLink& link_;
    std::map<QString, TunnelView> tunnels_;
    QStringList local_;
};

// A peer's label for people: its name, or the start of its key.
[[nodiscard]] QString peer_label(const ipc::PeerStatus& peer);

// How many peers of a running tunnel reach it through a relay now (0 when it is down).
[[nodiscard]] int relayed_peers(const TunnelView& view);

}  // namespace tulle::app

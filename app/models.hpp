// Qt item models over the hub, for the pages' views: tunnels, one tunnel's peers, and log lines.
// They read the hub and follow its signals; they hold no state of their own beyond the log.
#pragma once

#include <deque>

#include <QAbstractListModel>
#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

#include "app/tunnel_hub.hpp"

namespace tulle::app {

// The role that sorts: numbers for sizes, rates and times; text otherwise.
inline constexpr int kSortRole = Qt::UserRole;
// The public key (base64) of a peer row; the name of a tunnel row.
inline constexpr int kKeyRole = Qt::UserRole + 1;

// How traffic reaches a peer, for people: "direct 192.0.2.1:51820", "lan 192.168.1.4:51820",
// "relay via home-server", or "—" (no path yet).
[[nodiscard]] QString path_text(const ipc::PeerPath& path);

class TunnelListModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Column { name, state, addresses, peers, received, sent, column_count };

    explicit TunnelListModel(const TunnelHub& hub, QObject* parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role) const override;
    [[nodiscard]] QString name_at(int row) const;
    [[nodiscard]] int row_of(const QString& name) const;

  private:
    void reload();

    const TunnelHub& hub_;
    QStringList names_;
};

class PeerTableModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Column {
        name,
        endpoint,
        path,
        allowed_ips,
        handshake,
        received,
        sent,
        rx_rate,
        tx_rate,
        column_count
    };

    explicit PeerTableModel(const TunnelHub& hub, QObject* parent = nullptr);

    void set_tunnel(const QString& tunnel);
    [[nodiscard]] QString tunnel() const { return tunnel_; }

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role) const override;
    [[nodiscard]] const PeerView* peer_at(int row) const;

  private:
    void on_peers_reset(const QString& tunnel);
    void on_stats(const QString& tunnel);

    const TunnelHub& hub_;
    QString tunnel_;
    int rows_ = 0;
};

class LogModel : public QAbstractListModel {
    Q_OBJECT
  public:
    static constexpr std::size_t kMaxLines = 5000;
    static constexpr int kLevelRole = Qt::UserRole + 2;

    explicit LogModel(QObject* parent = nullptr);

    // Replaces everything (log.tail after a connect), then appends as events come.
    void assign(const std::vector<ipc::LogLine>& lines);
    void append(const ipc::LogLine& line);

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role) const override;
    // "2026-11-30 12:00:01.250 [info] tunnel wg0 is up"
    [[nodiscard]] QString text_at(int row) const;

  private:
    std::deque<ipc::LogLine> lines_;
};

// Log lines at or above a level that contain a text (case-insensitive).
class LogFilter : public QSortFilterProxyModel {
    Q_OBJECT
  public:
    explicit LogFilter(QObject* parent = nullptr);
    void set_level(ipc::LogLevel level);
    void set_text(const QString& text);

  protected:
    [[nodiscard]] bool filterAcceptsRow(int row, const QModelIndex& parent) const override;

  private:
    ipc::LogLevel level_ = ipc::LogLevel::trace;
    QString text_;
};

}  // namespace tulle::app

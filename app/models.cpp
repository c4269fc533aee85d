#include "app/models.hpp"

#include <QDateTime>
#include <QStringList>

#include "app/format.hpp"
#include "app/theme.hpp"

namespace tulle::app {
namespace {

QString join(const std::vector<value::IpPrefix>& prefixes) {
    QStringList parts;
    for (const auto& prefix : prefixes) {
        parts << QString::fromStdString(prefix.to_string());
    }
    return parts.join(QStringLiteral(", "));
}

}  // namespace

QString path_text(const ipc::PeerPath& path) {
    const QString endpoint =
        path.endpoint ? QString::fromStdString(path.endpoint->to_string()) : QString();
    switch (path.kind) {
        case ipc::PathKind::direct:
            return PeerTableModel::tr("direct %1").arg(endpoint).trimmed();
        case ipc::PathKind::lan:
            return PeerTableModel::tr("lan %1").arg(endpoint).trimmed();
        case ipc::PathKind::relay:
            return PeerTableModel::tr("relay via %1").arg(QString::fromStdString(path.via));
        case ipc::PathKind::none:
            break;
    }
    return QStringLiteral("—");
}

// --- tunnels ------------------------------------------------------------------------------------

TunnelListModel::TunnelListModel(const TunnelHub& hub, QObject* parent)
    : QAbstractTableModel(parent), hub_(hub) {
    connect(&hub_, &TunnelHub::tunnels_reset, this, &TunnelListModel::reload);
    connect(&hub_, &TunnelHub::peers_reset, this, &TunnelListModel::reload);
    connect(&hub_, &TunnelHub::stats_updated, this, [this](const QString& tunnel) {
        const int row = row_of(tunnel);
        if (row >= 0) {
            emit dataChanged(index(row, received), index(row, sent));
        }
    });
    reload();
}

void TunnelListModel::reload() {
    QStringList names;
    for (const auto& [name, view] : hub_.tunnels()) {
        names << name;
    }
    if (names == names_) {
        if (!names_.isEmpty()) {
            emit dataChanged(index(0, 0), index(rowCount() - 1, column_count - 1));
        }
        return;
    }
    beginResetModel();
    names_ = names;
    endResetModel();
}

int TunnelListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(names_.size());
}

int TunnelListModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : column_count;
}

QString TunnelListModel::name_at(int row) const {
    return row >= 0 && row < names_.size() ? names_.at(row) : QString();
}

int TunnelListModel::row_of(const QString& name) const {
    return static_cast<int>(names_.indexOf(name));
}

QVariant TunnelListModel::data(const QModelIndex& index, int role) const {
    const TunnelView* view = hub_.find(name_at(index.row()));
    if (view == nullptr) {
        return {};
    }
    const auto& status = view->status;
    if (role == kKeyRole) {
        return QString::fromStdString(status.name);
    }
    if (role == Qt::DecorationRole && index.column() == name) {
        return state_icon(status.up ? TunnelState::on : TunnelState::off, IconVariant::light);
    }
    if (role != Qt::DisplayRole && role != kSortRole) {
        return {};
    }
    switch (index.column()) {
        case name:
            return QString::fromStdString(status.name);
        case state: {
            if (status.up) {
                return tr("Up");
            }
            if (view->local) {
                return tr("Down (your profile)");
            }
            return status.system ? tr("Down (system tunnel)") : tr("Down");
        }
        case addresses:
            return join(status.addresses);
        case peers:
            return status.up ? QVariant(static_cast<qulonglong>(view->peers.size())) : QVariant();
        case received:
            return role == kSortRole ? QVariant(static_cast<qulonglong>(status.rx_bytes))
                                     : QVariant(format_bytes(status.rx_bytes));
        case sent:
            return role == kSortRole ? QVariant(static_cast<qulonglong>(status.tx_bytes))
                                     : QVariant(format_bytes(status.tx_bytes));
        default:
            return {};
    }
}

QVariant TunnelListModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
        case name:
            return tr("Tunnel");
        case state:
            return tr("State");
        case addresses:
            return tr("Addresses");
        case peers:
            return tr("Peers");
        case received:
            return tr("Received");
        case sent:
            return tr("Sent");
        default:
            return {};
    }
}

// --- peers --------------------------------------------------------------------------------------

PeerTableModel::PeerTableModel(const TunnelHub& hub, QObject* parent)
    : QAbstractTableModel(parent), hub_(hub) {
    connect(&hub_, &TunnelHub::peers_reset, this, &PeerTableModel::on_peers_reset);
    connect(&hub_, &TunnelHub::tunnels_reset, this, [this] { on_peers_reset(tunnel_); });
    connect(&hub_, &TunnelHub::history_loaded, this, &PeerTableModel::on_stats);
    connect(&hub_, &TunnelHub::stats_updated, this, &PeerTableModel::on_stats);
    connect(&hub_, &TunnelHub::path_changed, this, [this](const QString& tunnel, int peer) {
        if (tunnel == tunnel_ && peer >= 0 && peer < rows_) {
            emit dataChanged(index(peer, path), index(peer, path));
        }
    });
}

void PeerTableModel::set_tunnel(const QString& tunnel) {
    if (tunnel == tunnel_) {
        return;
    }
    tunnel_ = tunnel;
    on_peers_reset(tunnel);
}

void PeerTableModel::on_peers_reset(const QString& tunnel) {
    if (tunnel != tunnel_) {
        return;
    }
    const TunnelView* view = hub_.find(tunnel_);
    const int rows = view == nullptr ? 0 : static_cast<int>(view->peers.size());
    beginResetModel();
    rows_ = rows;
    endResetModel();
}

void PeerTableModel::on_stats(const QString& tunnel) {
    if (tunnel != tunnel_ || rows_ == 0) {
        return;
    }
    const TunnelView* view = hub_.find(tunnel_);
    if (view == nullptr || static_cast<int>(view->peers.size()) != rows_) {
        on_peers_reset(tunnel);
        return;
    }
    // Only the columns that move (a path, handshakes, totals, rates); names and allowed IPs
    // change through peers_reset.
    emit dataChanged(index(0, endpoint), index(rows_ - 1, tx_rate));
}

int PeerTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : rows_;
}

int PeerTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : column_count;
}

const PeerView* PeerTableModel::peer_at(int row) const {
    const TunnelView* view = hub_.find(tunnel_);
    if (view == nullptr || row < 0 || row >= static_cast<int>(view->peers.size())) {
        return nullptr;
    }
    return &view->peers[static_cast<std::size_t>(row)];
}

QVariant PeerTableModel::data(const QModelIndex& index, int role) const {
    const PeerView* peer = peer_at(index.row());
    if (peer == nullptr) {
        return {};
    }
    const auto& status = peer->status;
    if (role == kKeyRole) {
        return QString::fromStdString(status.public_key.to_base64());
    }
    if (role == Qt::ToolTipRole && index.column() == name) {
        return tr("Public key: %1").arg(QString::fromStdString(status.public_key.to_base64()));
    }
    if (role == Qt::TextAlignmentRole && index.column() >= received) {
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    }
    if (role != Qt::DisplayRole && role != kSortRole) {
        return {};
    }
    const bool sort = role == kSortRole;
    const TunnelView* view = hub_.find(tunnel_);
    const std::int64_t now =
        view != nullptr && view->time != 0 ? view->time : QDateTime::currentSecsSinceEpoch();
    switch (index.column()) {
        case name:
            return peer_label(status);
        case endpoint:
            return !status.endpoint ? (sort ? QString() : tr("(unknown)"))
                                    : QString::fromStdString(status.endpoint->to_string());
        case path:
            return path_text(status.path);
        case allowed_ips:
            return join(status.allowed_ips);
        case handshake:
            return sort ? QVariant(static_cast<qlonglong>(status.last_handshake))
                        : QVariant(format_age(status.last_handshake, now));
        case received:
            return sort ? QVariant(static_cast<qulonglong>(status.rx_bytes))
                        : QVariant(format_bytes(status.rx_bytes));
        case sent:
            return sort ? QVariant(static_cast<qulonglong>(status.tx_bytes))
                        : QVariant(format_bytes(status.tx_bytes));
        case rx_rate:
            return sort ? QVariant(status.rx_rate) : QVariant(format_rate(status.rx_rate));
        case tx_rate:
            return sort ? QVariant(status.tx_rate) : QVariant(format_rate(status.tx_rate));
        default:
            return {};
    }
}

QVariant PeerTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
        case name:
            return tr("Name");
        case endpoint:
            return tr("Endpoint");
        case path:
            return tr("Path");
        case allowed_ips:
            return tr("Allowed IPs");
        case handshake:
            return tr("Latest handshake");
        case received:
            return tr("Received");
        case sent:
            return tr("Sent");
        case rx_rate:
            return tr("Receiving");
        case tx_rate:
            return tr("Sending");
        default:
            return {};
    }
}

// --- log ----------------------------------------------------------------------------------------

LogModel::LogModel(QObject* parent) : QAbstractListModel(parent) {}

void LogModel::assign(const std::vector<ipc::LogLine>& lines) {
    beginResetModel();
    lines_.assign(lines.begin(), lines.end());
    while (lines_.size() > kMaxLines) {
        lines_.pop_front();
    }
    endResetModel();
}

void LogModel::append(const ipc::LogLine& line) {
    if (lines_.size() >= kMaxLines) {
        beginRemoveRows({}, 0, 0);
        lines_.pop_front();
        endRemoveRows();
    }
    const int row = static_cast<int>(lines_.size());
    beginInsertRows({}, row, row);
    lines_.push_back(line);
    endInsertRows();
}

int LogModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(lines_.size());
}

QString LogModel::text_at(int row) const {
    if (row < 0 || row >= rowCount()) {
        return {};
    }
    const auto& line = lines_[static_cast<std::size_t>(row)];
    const QString time = QDateTime::fromMSecsSinceEpoch(line.time_ms)
                             .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
    return QStringLiteral("%1 [%2] %3")
        .arg(time, QString::fromLatin1(ipc::to_string(line.level).data()),
             QString::fromStdString(line.message));
}

QVariant LogModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) {
        return {};
    }
    const auto& line = lines_[static_cast<std::size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole:
            return text_at(index.row());
        case kLevelRole:
            return static_cast<int>(line.level);
        case Qt::ForegroundRole:
            if (line.level >= ipc::LogLevel::error) {
                return QColor(0xc0, 0x1c, 0x28);
            }
            if (line.level == ipc::LogLevel::warning) {
                return QColor(0x9c, 0x6a, 0x00);
            }
            return {};
        default:
            return {};
    }
}

LogFilter::LogFilter(QObject* parent) : QSortFilterProxyModel(parent) {}

void LogFilter::set_level(ipc::LogLevel level) {
    level_ = level;
    invalidateFilter();
}

void LogFilter::set_text(const QString& text) {
    text_ = text;
    invalidateFilter();
}

bool LogFilter::filterAcceptsRow(int row, const QModelIndex& parent) const {
    const QModelIndex index = sourceModel()->index(row, 0, parent);
    if (index.data(LogModel::kLevelRole).toInt() < static_cast<int>(level_)) {
        return false;
    }
    return text_.isEmpty() || index.data().toString().contains(text_, Qt::CaseInsensitive);
}

}  // namespace tulle::app

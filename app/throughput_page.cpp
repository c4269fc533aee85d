#include "app/throughput_page.hpp"

#include <algorithm>

#include <QChart>
#include <QChartView>
#include <QHBoxLayout>
#include <QLineSeries>
#include <QSplitter>
#include <QVBoxLayout>
#include <QValueAxis>

#include "app/format.hpp"

namespace tulle::app {
namespace {
constexpr int kMinute = 60;
constexpr int kTenMinutes = 600;
constexpr int kKeyRole = Qt::UserRole;
}  // namespace

ThroughputPage::ThroughputPage(TunnelHub& hub, QWidget* parent)
    : QWidget(parent),
      hub_(hub),
      tunnels_(new TunnelPicker(this)),
      range_(new QComboBox(this)),
      peers_(new QListWidget(this)),
      summary_(new QLabel(this)),
      chart_(new QChart),
      view_(new QChartView(chart_, this)),
      receive_(new QLineSeries(chart_)),
      send_(new QLineSeries(chart_)),
      x_axis_(new QValueAxis(chart_)),
      y_axis_(new QValueAxis(chart_)) {
    tunnels_->setObjectName(QStringLiteral("chart_tunnel"));
    range_->setObjectName(QStringLiteral("chart_range"));
    peers_->setObjectName(QStringLiteral("chart_peers"));
    range_->addItem(tr("Last minute"), kMinute);
    range_->addItem(tr("Last 10 minutes"), kTenMinutes);
    receive_->setName(tr("Receive"));
    send_->setName(tr("Send"));
    chart_->addSeries(receive_);
    chart_->addSeries(send_);
    x_axis_->setLabelFormat(QStringLiteral("%d"));
    x_axis_->setTitleText(tr("seconds ago"));
    chart_->addAxis(x_axis_, Qt::AlignBottom);
    chart_->addAxis(y_axis_, Qt::AlignLeft);
    for (QLineSeries* series : {receive_, send_}) {
        series->attachAxis(x_axis_);
        series->attachAxis(y_axis_);
    }
    // Two pens that stay apart where the lines meet (a ping's echo has the same size both ways).
    QPen receive_pen(QColor(0x1a, 0x73, 0xe8));
    receive_pen.setWidthF(3);
    receive_->setPen(receive_pen);
    QPen send_pen(QColor(0xe3, 0x74, 0x00));
    send_pen.setWidthF(1.5);
    send_pen.setStyle(Qt::DashLine);
    send_->setPen(send_pen);
    chart_->legend()->setAlignment(Qt::AlignBottom);
    chart_->setMargins(QMargins(4, 4, 4, 4));
    view_->setRenderHint(QPainter::Antialiasing);
    view_->setMinimumHeight(240);
    summary_->setObjectName(QStringLiteral("chart_summary"));

    auto* top = new QHBoxLayout;
    auto* tunnel_label = new QLabel(tr("&Tunnel:"), this);
    tunnel_label->setBuddy(tunnels_);
    top->addWidget(tunnel_label);
    top->addWidget(tunnels_);
    auto* range_label = new QLabel(tr("&Range:"), this);
    range_label->setBuddy(range_);
    top->addWidget(range_label);
    top->addWidget(range_);
    top->addStretch(1);
    auto* right = new QWidget(this);
    auto* right_layout = new QVBoxLayout(right);
    right_layout->setContentsMargins(0, 0, 0, 0);
    right_layout->addWidget(view_, 1);
    right_layout->addWidget(summary_);
    auto* splitter = new QSplitter(this);
    splitter->addWidget(peers_);
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({180, 600});
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(splitter, 1);

    connect(tunnels_, &QComboBox::currentTextChanged, this, &ThroughputPage::fill_peers);
    connect(range_, &QComboBox::currentIndexChanged, this, &ThroughputPage::redraw);
    connect(peers_, &QListWidget::currentRowChanged, this, &ThroughputPage::redraw);
    connect(&hub_, &TunnelHub::tunnels_reset, this, &ThroughputPage::fill_tunnels);
    connect(&hub_, &TunnelHub::peers_reset, this, [this](const QString& tunnel) {
        if (tunnel == tunnels_->currentText()) {
            fill_peers();
        }
    });
    for (auto signal : {&TunnelHub::stats_updated, &TunnelHub::history_loaded}) {
        connect(&hub_, signal, this, [this](const QString& tunnel) {
            if (tunnel == tunnels_->currentText() && isVisible()) {
                redraw();
            }
        });
    }
    setTabOrder(tunnels_, range_);
    setTabOrder(range_, peers_);
    fill_tunnels();
}

void ThroughputPage::fill_tunnels() {
    tunnels_->refresh(hub_);
    fill_peers();
}

void ThroughputPage::fill_peers() {
    const QString current = peer_key();
    const TunnelView* view = hub_.find(tunnels_->currentText());
    const QSignalBlocker block(peers_);
    peers_->clear();
    int select = 0;
    if (view != nullptr) {
        for (const auto& peer : view->peers) {
            const QString key = QString::fromStdString(peer.status.public_key.to_base64());
            auto* item = new QListWidgetItem(peer_label(peer.status), peers_);
            item->setData(kKeyRole, key);
            item->setToolTip(key);
            if (key == current) {
                select = peers_->count() - 1;
            }
        }
    }
    if (peers_->count() > 0) {
        peers_->setCurrentRow(select);
    }
    redraw();
}

void ThroughputPage::show_peer(const QString& tunnel, const QString& public_key) {
    if (!tunnels_->select(tunnel)) {
        return;
    }
    for (int row = 0; row < peers_->count(); ++row) {
        if (peers_->item(row)->data(kKeyRole).toString() == public_key) {
            peers_->setCurrentRow(row);
        }
    }
}

void ThroughputPage::set_range_seconds(int seconds) {
    range_->setCurrentIndex(seconds > kMinute ? 1 : 0);
}

QString ThroughputPage::peer_key() const {
    const QListWidgetItem* item = peers_->currentItem();
    return item == nullptr ? QString() : item->data(kKeyRole).toString();
}

int ThroughputPage::receive_points() const {
    return static_cast<int>(receive_->count());
}

int ThroughputPage::send_points() const {
    return static_cast<int>(send_->count());
}

double ThroughputPage::max_shown_rate() const {
    return max_rate_;
}

void ThroughputPage::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    redraw();  // hidden pages skip the per-second redraw
}

void ThroughputPage::redraw() {
    const int range = range_->currentData().toInt();
    x_axis_->setRange(-range, 0);
    x_axis_->setTickCount(range > kMinute ? 11 : 7);
    const TunnelView* view = hub_.find(tunnels_->currentText());
    const QString key = peer_key();
    const PeerView* peer = nullptr;
    if (view != nullptr && !key.isEmpty()) {
        auto parsed = value::Key::from_base64(key.toStdString());
        if (parsed) {
            peer = hub_.find_peer(tunnels_->currentText(), *parsed);
        }
    }
    QList<QPointF> rx;
    QList<QPointF> tx;
    max_rate_ = 0;
    if (peer != nullptr && !peer->history.empty()) {
        const std::int64_t now = std::max(view->time, peer->history.points().back().time);
        for (const RatePoint& point : peer->history.points()) {
            const auto age = static_cast<double>(point.time - now);
            if (age < -range) {
                continue;
            }
            rx.append({age, point.rx});
            tx.append({age, point.tx});
            max_rate_ = std::max({max_rate_, point.rx, point.tx});
        }
    }
    const RateScale scale = rate_scale(max_rate_);
    for (auto* points : {&rx, &tx}) {
        for (QPointF& point : *points) {
            point.setY(point.y() / scale.divisor);
        }
    }
    receive_->replace(rx);
    send_->replace(tx);
    const double top = max_rate_ / scale.divisor;
    y_axis_->setRange(0, top < 1 ? 1 : top * 1.1);
    y_axis_->setTitleText(scale.unit);
    y_axis_->setLabelFormat(top < 10 ? QStringLiteral("%.1f") : QStringLiteral("%d"));
    chart_->setTitle(peer == nullptr ? tr("No peer selected") : peer_label(peer->status));
    if (peer == nullptr) {
        summary_->setText(view == nullptr ? tr("No tunnel is up.") : tr("Pick a peer."));
        return;
    }
    summary_->setText(tr("Now: receiving %1, sending %2 · Total: received %3, sent %4")
                          .arg(format_rate(peer->status.rx_rate), format_rate(peer->status.tx_rate),
                               format_bytes(peer->status.rx_bytes),
                               format_bytes(peer->status.tx_bytes)));
}

}  // namespace tulle::app

// The Throughput page: a live chart of one peer's receive and send rates over the last minute or
// ten minutes, filled from the daemon's history the moment it opens and moving with each stats
// event. The peer list on the left picks the peer; the chart shows one peer at a time so that a
// tunnel with a thousand peers stays cheap.
#pragma once

#include <QComboBox>
#include <QLabel>
#include <QListWidget>
#include <QWidget>

#include "app/tunnel_hub.hpp"
#include "app/tunnel_picker.hpp"

QT_BEGIN_NAMESPACE
class QChart;
class QChartView;
class QLineSeries;
class QValueAxis;
QT_END_NAMESPACE

namespace tulle::app {

class ThroughputPage : public QWidget {
    Q_OBJECT
  public:
    explicit ThroughputPage(TunnelHub& hub, QWidget* parent = nullptr);

    void show_peer(const QString& tunnel, const QString& public_key);
    void set_range_seconds(int seconds);
    [[nodiscard]] QString tunnel() const { return tunnels_->currentText(); }
    [[nodiscard]] QString peer_key() const;
    // The points on the chart now, for tests.
    [[nodiscard]] int receive_points() const;
    [[nodiscard]] int send_points() const;
    [[nodiscard]] double max_shown_rate() const;  // bytes per second
    [[nodiscard]] QString summary() const { return summary_->text(); }

  protected:
    void showEvent(QShowEvent* event) override;

  private:
    void fill_tunnels();
    void fill_peers();
    void redraw();

    TunnelHub& hub_;
    TunnelPicker* tunnels_;
    QComboBox* range_;
    QListWidget* peers_;
    QLabel* summary_;
    QChart* chart_;
    QChartView* view_;
    QLineSeries* receive_;
    QLineSeries* send_;
    QValueAxis* x_axis_;
    QValueAxis* y_axis_;
    double max_rate_ = 0;
};

}  // namespace tulle::app

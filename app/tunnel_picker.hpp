// A drop-down of the running tunnels, for the pages that show one tunnel at a time (Peers,
// Throughput). It follows the hub's list and keeps the user's choice while that tunnel runs.
#pragma once

#include <QComboBox>

#include "app/tunnel_hub.hpp"

namespace tulle::app {

class TunnelPicker : public QComboBox {
    Q_OBJECT
  public:
    explicit TunnelPicker(QWidget* parent = nullptr);

    // Shows the hub's running tunnels. The current one stays selected if it still runs,
    // otherwise the first is. Emits no signal: the caller shows currentText() after it.
    void refresh(const TunnelHub& hub);
    // Selects `tunnel`; false if it is not running.
    bool select(const QString& tunnel);
};

}  // namespace tulle::app

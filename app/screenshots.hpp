// `tulle --screenshots DIR`: once the window shows live data, saves a picture of each page (and
// of the peer editor) to DIR and quits. scripts/run --screenshots uses it under Xvfb for the
// README's pictures.
#pragma once

#include <QString>

#include "app/main_window.hpp"
#include "app/tray.hpp"

namespace tulle::app {

// Starts the sequence: waits `settle_ms` for data, then writes tunnels.png, peers.png,
// throughput.png, logs.png, peer-editor.png and tray-menu.png (the tray's menu as it would
// open), and quits the application.
void take_screenshots(MainWindow& window, TunnelHub& hub, Tray& tray, const QString& folder,
                      int settle_ms);

}  // namespace tulle::app

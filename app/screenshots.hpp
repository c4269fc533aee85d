// `tulle --screenshots DIR`: once the window shows live data, saves a picture of each page (and
// of the peer editor) to DIR and quits. scripts/run --screenshots uses it under Xvfb for the
// README's pictures.
#pragma once

#include <QString>

#include "app/main_window.hpp"

namespace tulle::app {

// Starts the sequence: waits `settle_ms` for data, then writes tunnels.png, peers.png,
// throughput.png, logs.png and peer-editor.png, and quits the application.
void take_screenshots(MainWindow& window, TunnelHub& hub, const QString& folder, int settle_ms);

}  // namespace tulle::app

// `tulle --screenshots DIR`: once the window shows live data, saves a picture of each page (and
// of the peer editor) to DIR and quits. scripts/run --screenshots uses it under Xvfb for the
// README's pictures.
#pragma once

#include <QString>

#include "app/main_window.hpp"
#include "app/tray.hpp"

namespace tulle::app {

// Starts the sequence: waits `settle_ms` for data, then writes tunnels.png, peers.png,
// throughput.png, logs.png, peer-editor.png, tray-menu.png (the tray's menu as it would open),
// qr-export.png, networks.png and network-invite.png, and quits the application.
void take_screenshots(MainWindow& window, TunnelHub& hub, Tray& tray, const QString& folder,
                      int settle_ms);

// The Networks page (its first network's members, one selected) as networks.png, and the invite
// dialog of a network this node is the lighthouse of, with its line and QR code, as
// network-invite.png. Without such a network there is nothing to show: it says so and writes
// only the page. False when a picture could not be made.
[[nodiscard]] bool save_network_screenshots(MainWindow& window, const QString& folder);

}  // namespace tulle::app

#include "app/tray.hpp"

#include <QApplication>
#include <QPalette>

namespace tulle::app {

Tray::Tray(DaemonLink& link, QObject* parent) : QObject(parent) {
    status_action_ = menu_.addAction(tr("Connecting to tulled…"));
    status_action_->setEnabled(false);
    menu_.addSeparator();
    connect(menu_.addAction(tr("Open Tulle")), &QAction::triggered, this, &Tray::open_requested);
    connect(menu_.addAction(tr("Quit")), &QAction::triggered, this, &Tray::quit_requested);
    icon_.setContextMenu(&menu_);
    connect(&icon_, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason r) {
        if (r == QSystemTrayIcon::Trigger) {
            emit open_requested();
        }
    });
    connect(&link, &DaemonLink::state_changed, this, &Tray::update);
    update(link.state(), link.detail());
}

void Tray::show() {
    icon_.show();
}

void Tray::update(DaemonLink::State state, const QString& detail) {
    // Panels follow the window theme on most desktops; pick ink that contrasts with it.
    const IconVariant variant =
        variant_for_background(QApplication::palette().color(QPalette::Window));
    TunnelState shown = TunnelState::off;
    QString line;
    switch (state) {
        case DaemonLink::State::connecting:
            shown = TunnelState::connecting;
            line = tr("Connecting to tulled…");
            break;
        case DaemonLink::State::connected:
            shown = TunnelState::off;
            line = tr("Connected to %1").arg(detail);
            break;
        case DaemonLink::State::unavailable:
        case DaemonLink::State::incompatible:
            shown = TunnelState::error;
            line = detail;
            break;
    }
    icon_.setIcon(state_icon(shown, variant));
    icon_.setToolTip(tr("Tulle — %1").arg(line));
    status_action_->setText(line);
}

}  // namespace tulle::app

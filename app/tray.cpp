#include "app/tray.hpp"

#include <QApplication>
#include <QPalette>

#include "app/format.hpp"

namespace tulle::app {

TunnelState tray_state(const TunnelHub& hub) {
    if (hub.link().state() == DaemonLink::State::unavailable ||
        hub.link().state() == DaemonLink::State::incompatible || hub.any_failing()) {
        return TunnelState::error;
    }
    if (hub.link().state() == DaemonLink::State::connecting) {
        return TunnelState::connecting;
    }
    if (hub.tunnels_up() == 0) {
        return TunnelState::off;
    }
    return hub.all_connected() ? TunnelState::on : TunnelState::connecting;
}

Tray::Tray(TunnelHub& hub, TunnelActions& actions, QObject* parent)
    : QObject(parent), hub_(hub), actions_(actions) {
    icon_.setContextMenu(&menu_);
    connect(&icon_, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason r) {
        if (r == QSystemTrayIcon::Trigger) {
            emit open_requested();
        }
    });
    connect(&hub_.link(), &DaemonLink::state_changed, this, [this] {
        rebuild_menu();
        update_icon();
    });
    connect(&hub_, &TunnelHub::tunnels_reset, this, [this] {
        rebuild_menu();
        update_icon();
    });
    connect(&hub_, &TunnelHub::stats_updated, this, &Tray::update_icon);
    connect(&hub_, &TunnelHub::path_changed, this, &Tray::update_icon);
    connect(&hub_, &TunnelHub::tunnel_went_up, this, [this](const QString& name) {
        notify(tr("%1 is up").arg(name), tr("Tunnel %1 is connected.").arg(name),
               QSystemTrayIcon::Information);
    });
    connect(&hub_, &TunnelHub::tunnel_went_down, this, [this](const QString& name) {
        notify(tr("%1 is down").arg(name), tr("Tunnel %1 was turned off.").arg(name),
               QSystemTrayIcon::Information);
    });
    connect(&hub_, &TunnelHub::handshake_failing, this,
            [this](const QString& tunnel, const QString& peer) {
                notify(tr("No handshake with %1").arg(peer),
                       tr("Tunnel %1 keeps trying to reach peer %2 without an answer. Check its "
                          "endpoint and keys.")
                           .arg(tunnel, peer),
                       QSystemTrayIcon::Warning);
            });
    // Panels follow the window theme on most desktops; when the palette changes, so does the ink.
    qApp->installEventFilter(this);
    rebuild_menu();
    update_icon();
}

bool Tray::eventFilter(QObject* watched, QEvent* event) {
    if (watched == qApp && event->type() == QEvent::ApplicationPaletteChange) {
        update_icon();
    }
    return QObject::eventFilter(watched, event);
}

void Tray::show() {
    icon_.show();
}

void Tray::notify(const QString& title, const QString& text, QSystemTrayIcon::MessageIcon icon) {
    last_notification_ = title + QStringLiteral(": ") + text;
    if (icon_.isVisible() && QSystemTrayIcon::supportsMessages()) {
        icon_.showMessage(title, text, icon);
    }
}

QString Tray::status_line() const {
    switch (hub_.link().state()) {
        case DaemonLink::State::connected:
            return {};
        case DaemonLink::State::connecting:
            return tr("Connecting to tulled…");
        case DaemonLink::State::incompatible:
            return tr("tulled is another version");
        case DaemonLink::State::unavailable:
            break;
    }
    return tr("tulled is not reachable");
}

void Tray::rebuild_menu() {
    menu_.clear();
    menu_.setToolTipsVisible(true);
    const bool connected = hub_.link().state() == DaemonLink::State::connected;
    if (!connected) {
        // One short line; what to do about it is in the window's banner.
        QAction* status = menu_.addAction(status_line());
        status->setObjectName(QStringLiteral("tray_status"));
        status->setToolTip(hub_.link().detail());
        status->setEnabled(false);
    }
    for (const auto& [name, view] : hub_.tunnels()) {
        QAction* toggle = menu_.addAction(name);
        toggle->setObjectName(QStringLiteral("tray_tunnel_") + name);
        toggle->setCheckable(true);
        toggle->setChecked(view.status.up);
        toggle->setEnabled(connected);
        if (!view.local && !view.status.system) {
            // Menus rarely show tooltips on panels: the entry itself says it.
            toggle->setText(tr("%1 (not saved)").arg(name));
            toggle->setToolTip(tr("Not saved: gone after tulled restarts"));
        }
        connect(toggle, &QAction::triggered, this, [this, tunnel = name](bool on) {
            actions_.set_up(tunnel, on, [this, tunnel, on](const QString& error) {
                if (error.isEmpty()) {
                    return;
                }
                notify(on ? tr("%1 did not come up").arg(tunnel)
                          : tr("%1 did not go down").arg(tunnel),
                       error, QSystemTrayIcon::Warning);
                rebuild_menu();  // the entry shows the tunnel as it is, not as clicked
            });
        });
        if (view.status.up) {
            for (const auto& address : view.status.addresses) {
                QAction* line = menu_.addAction(QStringLiteral("    ") +
                                                QString::fromStdString(address.to_string()));
                line->setEnabled(false);
            }
        }
    }
    if (hub_.tunnels().empty() && connected) {
        menu_.addAction(tr("No tunnels yet"))->setEnabled(false);
    }
    menu_.addSeparator();
    connect(menu_.addAction(tr("Open Tulle")), &QAction::triggered, this, &Tray::open_requested);
    connect(menu_.addAction(tr("Import tunnel from file…")), &QAction::triggered, &actions_,
            &TunnelActions::import_interactive);
    menu_.addSeparator();
    connect(menu_.addAction(tr("Quit")), &QAction::triggered, this, &Tray::quit_requested);
}

void Tray::update_icon() {
    const IconVariant variant =
        variant_for_background(QApplication::palette().color(QPalette::Window));
    state_ = tray_state(hub_);
    icon_.setIcon(state_icon(state_, variant));
    QString line;
    switch (state_) {
        case TunnelState::off:
            line = tr("no tunnel is up");
            break;
        case TunnelState::connecting:
            line = hub_.link().state() == DaemonLink::State::connected
                       ? tr("waiting for handshakes")
                       : tr("connecting to tulled");
            break;
        case TunnelState::on:
            line = tr("%n tunnel(s) up", nullptr, hub_.tunnels_up());
            break;
        case TunnelState::error:
            line = hub_.link().state() == DaemonLink::State::connected
                       ? tr("a peer does not answer")
                       : hub_.link().detail();
            break;
    }
    QString tip = tr("Tulle — %1").arg(line);
    if (hub_.tunnels_up() > 0) {
        tip += QLatin1Char('\n') +
               tr("↓ %1   ↑ %2")
                   .arg(format_rate(hub_.total_rx_rate()), format_rate(hub_.total_tx_rate()));
    }
    // Mesh peers whose traffic goes through a lighthouse, per tunnel that has any.
    for (const auto& [name, view] : hub_.tunnels()) {
        if (const int relayed = relayed_peers(view); relayed > 0) {
            tip += QLatin1Char('\n') +
                   tr("%1: %2, %3 relayed")
                       .arg(name, tr("%n peer(s)", nullptr, static_cast<int>(view.peers.size())))
                       .arg(relayed);
        }
    }
    icon_.setToolTip(tip);
}

}  // namespace tulle::app

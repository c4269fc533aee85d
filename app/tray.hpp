// The tray icon and its menu: one checkable entry per tunnel, the addresses of those that are up,
// "Open Tulle", "Import tunnel from file…" and "Quit". The icon shows the state (off, connecting,
// on, error) in the variant that reads on the panel; the tooltip gives the state and total rates,
// and for each tunnel with relayed mesh peers how many ("home: 3 peer(s), 1 relayed").
// Notifications say when a tunnel goes up or down, when a peer's handshake keeps failing and,
// with the daemon's reason, when a toggle from the menu failed. Without tulled the menu's first
// line says so in a few words (the window's banner says what to do).
#pragma once

#include <QAction>
#include <QMenu>
#include <QObject>
#include <QSystemTrayIcon>

#include "app/theme.hpp"
#include "app/tunnel_actions.hpp"

namespace tulle::app {

class Tray : public QObject {
    Q_OBJECT
  public:
    Tray(TunnelHub& hub, TunnelActions& actions, QObject* parent = nullptr);

    void show();
    [[nodiscard]] const QSystemTrayIcon& icon() const { return icon_; }
    [[nodiscard]] QMenu& menu() { return menu_; }
    [[nodiscard]] TunnelState shown_state() const { return state_; }
    // The last notification, for tests: title and text.
    [[nodiscard]] QString last_notification() const { return last_notification_; }

  signals:
    void open_requested();
    void quit_requested();

  protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

  private:
    void rebuild_menu();
    // The menu's first line while tulled is not connected: short, whatever the link's detail.
    [[nodiscard]] QString status_line() const;
    void update_icon();
    void notify(const QString& title, const QString& text, QSystemTrayIcon::MessageIcon icon);

    TunnelHub& hub_;
    TunnelActions& actions_;
    QSystemTrayIcon icon_;
    QMenu menu_;
    TunnelState state_ = TunnelState::off;
    QString last_notification_;
};

// The tray's state: error when tulled is away or a handshake keeps failing; off when no tunnel is
// up; connecting while a running tunnel's peers have no session yet; on otherwise.
[[nodiscard]] TunnelState tray_state(const TunnelHub& hub);

}  // namespace tulle::app

// The tray icon and its menu.
#pragma once

#include <QAction>
#include <QMenu>
#include <QObject>
#include <QSystemTrayIcon>

#include "app/daemon_link.hpp"
#include "app/theme.hpp"

namespace tulle::app {

class Tray : public QObject {
    Q_OBJECT
  public:
    explicit Tray(DaemonLink& link, QObject* parent = nullptr);

    void show();
    [[nodiscard]] const QSystemTrayIcon& icon() const { return icon_; }

  signals:
    void open_requested();
    void quit_requested();

  private:
    void update(DaemonLink::State state, const QString& detail);

    QSystemTrayIcon icon_;
    QMenu menu_;
    QAction* status_action_;
};

}  // namespace tulle::app

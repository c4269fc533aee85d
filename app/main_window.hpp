// The main window: a banner with the daemon's state above the pages.
#pragma once

#include <QLabel>
#include <QMainWindow>

#include "app/daemon_link.hpp"

namespace tulle::app {

class MainWindow : public QMainWindow {
    Q_OBJECT
  public:
    explicit MainWindow(DaemonLink& link, QWidget* parent = nullptr);

    // Shown once when the desktop has no tray, so the user knows why the window opened.
    void explain_missing_tray();
    [[nodiscard]] QString banner_text() const { return banner_->text(); }

  private:
    void update(DaemonLink::State state, const QString& detail);

    QLabel* banner_;
    QLabel* tunnels_;
};

}  // namespace tulle::app

// The main window: a banner with the daemon's state above the pages (Tunnels, Peers, Throughput,
// Logs, Networks), a status bar for results, and the window's size, position and page remembered.
#pragma once

#include <QLabel>
#include <QMainWindow>
#include <QTabWidget>

#include "app/daemon_link.hpp"
#include "app/logs_page.hpp"
#include "app/networks_page.hpp"
#include "app/peers_page.hpp"
#include "app/throughput_page.hpp"
#include "app/tunnel_actions.hpp"
#include "app/tunnels_page.hpp"

namespace tulle::app {

// Where the package installs the licence, beside the binary's prefix (bin/../share/doc/tulle);
// empty when it is not there (a build folder).
[[nodiscard]] QString installed_license_path();
// The About box's text (rich text): version, copyright, the licence and a link to its file.
[[nodiscard]] QString about_text(const QString& license_path);
// The licence's text, compiled into the app.
[[nodiscard]] QString license_text();

class MainWindow : public QMainWindow {
    Q_OBJECT
  public:
    MainWindow(TunnelHub& hub, TunnelActions& actions, QWidget* parent = nullptr);

    // Shown once when the desktop has no tray, so the user knows why the window opened.
    void explain_missing_tray();
    [[nodiscard]] QString banner_text() const { return banner_->text(); }
    [[nodiscard]] bool banner_visible() const { return !banner_->isHidden(); }

    [[nodiscard]] TunnelsPage& tunnels_page() const { return *tunnels_; }
    [[nodiscard]] PeersPage& peers_page() const { return *peers_; }
    [[nodiscard]] ThroughputPage& throughput_page() const { return *throughput_; }
    [[nodiscard]] LogsPage& logs_page() const { return *logs_; }
    [[nodiscard]] NetworksPage& networks_page() const { return *networks_; }
    [[nodiscard]] QTabWidget& pages() const { return *pages_; }

  protected:
    void closeEvent(QCloseEvent* event) override;

  private:
    void update_banner(DaemonLink::State state, const QString& detail);
    void build_menus(TunnelActions& actions);

    QLabel* banner_;
    QTabWidget* pages_;
    TunnelsPage* tunnels_;
    PeersPage* peers_;
    ThroughputPage* throughput_;
    LogsPage* logs_;
    NetworksPage* networks_;
};

}  // namespace tulle::app

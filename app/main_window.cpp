#include "app/main_window.hpp"

#include <QMessageBox>
#include <QVBoxLayout>
#include <QWidget>

#include "app/theme.hpp"
#include "ipc/version.hpp"

namespace tulle::app {

MainWindow::MainWindow(DaemonLink& link, QWidget* parent)
    : QMainWindow(parent), banner_(new QLabel(this)), tunnels_(new QLabel(this)) {
    setWindowTitle(tr("Tulle"));
    setWindowIcon(state_icon(TunnelState::on, IconVariant::light));
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    banner_->setWordWrap(true);
    banner_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    banner_->setMargin(8);
    banner_->setAutoFillBackground(true);
    tunnels_->setAlignment(Qt::AlignCenter);
    tunnels_->setText(tr("Tulle %1\nTunnels appear here once tulled is running.").arg(kVersion));
    layout->addWidget(banner_);
    layout->addWidget(tunnels_, 1);
    setCentralWidget(central);
    resize(720, 480);
    connect(&link, &DaemonLink::state_changed, this, &MainWindow::update);
    update(link.state(), link.detail());
}

void MainWindow::explain_missing_tray() {
    auto* box = new QMessageBox(QMessageBox::Information, tr("Tulle"),
                                tr("This desktop has no system tray, so Tulle shows its window "
                                   "instead. Closing the window quits the app; tunnels keep "
                                   "running in tulled."),
                                QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::update(DaemonLink::State state, const QString& detail) {
    QPalette palette = banner_->palette();
    switch (state) {
        case DaemonLink::State::connected:
            banner_->setText(tr("Connected to %1.").arg(detail));
            palette.setColor(QPalette::Window, QColor(0xd8, 0xf0, 0xdc));
            break;
        case DaemonLink::State::connecting:
            banner_->setText(tr("Connecting to tulled…"));
            palette.setColor(QPalette::Window, QColor(0xfd, 0xf3, 0xd0));
            break;
        case DaemonLink::State::unavailable:
        case DaemonLink::State::incompatible:
            banner_->setText(detail);
            palette.setColor(QPalette::Window, QColor(0xfa, 0xdb, 0xd8));
            break;
    }
    palette.setColor(QPalette::WindowText, QColor(0x20, 0x21, 0x24));
    banner_->setPalette(palette);
}

}  // namespace tulle::app

#include "app/main_window.hpp"

#include <array>

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QUrl>
#include <QVBoxLayout>
#include <QWidget>

#include "app/autostart.hpp"
#include "app/theme.hpp"
#include "ipc/version.hpp"

namespace tulle::app {
namespace {
const QString kGeometry = QStringLiteral("ui/geometry");
const QString kPage = QStringLiteral("ui/page");
constexpr int kStatusMs = 8000;
}  // namespace

MainWindow::MainWindow(TunnelHub& hub, TunnelActions& actions, QWidget* parent)
    : QMainWindow(parent),
      banner_(new QLabel(this)),
      pages_(new QTabWidget(this)),
      tunnels_(new TunnelsPage(hub, actions, this)),
      peers_(new PeersPage(hub, this)),
      throughput_(new ThroughputPage(hub, this)),
      logs_(new LogsPage(hub.link(), this)),
      networks_(new NetworksPage(hub.link(), this)) {
    setWindowTitle(tr("Tulle"));
    setWindowIcon(state_icon(TunnelState::on, IconVariant::light));
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    banner_->setObjectName(QStringLiteral("banner"));
    banner_->setWordWrap(true);
    banner_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    banner_->setMargin(8);
    banner_->setAutoFillBackground(true);
    pages_->setObjectName(QStringLiteral("pages"));
    // No Alt letters on the tabs: they would compete with the pages' own; View has Ctrl+1 … 5.
    pages_->addTab(tunnels_, tr("Tunnels"));
    pages_->addTab(peers_, tr("Peers"));
    pages_->addTab(throughput_, tr("Throughput"));
    pages_->addTab(logs_, tr("Logs"));
    pages_->addTab(networks_, tr("Networks"));
    layout->addWidget(banner_);
    layout->addWidget(pages_, 1);
    setCentralWidget(central);
    build_menus(actions);

    connect(&hub.link(), &DaemonLink::state_changed, this, &MainWindow::update_banner);
    update_banner(hub.link().state(), hub.link().detail());
    auto show_status = [this](const QString& text) { statusBar()->showMessage(text, kStatusMs); };
    connect(peers_, &PeersPage::status_message, this, show_status);
    connect(networks_, &NetworksPage::status_message, this, show_status);
    connect(&actions, &TunnelActions::message, this,
            [show_status](const QString& text, bool) { show_status(text); });
    // Double-clicking a peer's row opens the editor; its chart is one tab away.
    connect(pages_, &QTabWidget::currentChanged, this, [this](int index) {
        QSettings().setValue(kPage, index);
        if (pages_->widget(index) == throughput_ && !peers_->tunnel().isEmpty()) {
            const QModelIndexList rows = peers_->table().selectionModel()->selectedRows();
            if (!rows.isEmpty()) {
                throughput_->show_peer(peers_->tunnel(), rows.front().data(kKeyRole).toString());
            }
        }
    });

    QSettings settings;
    if (!restoreGeometry(settings.value(kGeometry).toByteArray())) {
        resize(900, 600);
    }
    pages_->setCurrentIndex(settings.value(kPage, 0).toInt());
}

void MainWindow::build_menus(TunnelActions& actions) {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* import = file->addAction(tr("&Import tunnel from file…"));
    import->setShortcut(QKeySequence::Open);
    connect(import, &QAction::triggered, &actions, &TunnelActions::import_interactive);
    file->addSeparator();
    QAction* close = file->addAction(tr("&Close window"));
    close->setShortcut(QKeySequence::Close);
    connect(close, &QAction::triggered, this, &QWidget::close);
    QAction* quit = file->addAction(tr("&Quit Tulle"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, qApp, &QCoreApplication::quit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    const std::array<QString, 5> page_names{tr("&Tunnels"), tr("&Peers"), tr("T&hroughput"),
                                            tr("&Logs"), tr("&Networks")};
    for (int page = 0; page < static_cast<int>(page_names.size()); ++page) {
        QAction* go = view->addAction(page_names.at(static_cast<std::size_t>(page)));
        go->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + page)));
        connect(go, &QAction::triggered, this, [this, page] { pages_->setCurrentIndex(page); });
    }

    QMenu* settings = menuBar()->addMenu(tr("&Settings"));
    QAction* autostart = settings->addAction(tr("&Start Tulle at login"));
    autostart->setCheckable(true);
    autostart->setChecked(autostart_enabled());
    connect(autostart, &QAction::toggled, this, [this, autostart](bool on) {
        const QString error = set_autostart(on);
        if (!error.isEmpty()) {
            const QSignalBlocker block(autostart);
            autostart->setChecked(!on);
            QMessageBox::warning(this, tr("Start at login"), error);
        }
    });

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    connect(help->addAction(tr("&About Tulle")), &QAction::triggered, this, [this] {
        QMessageBox box(QMessageBox::NoIcon, tr("About Tulle"),
                        about_text(installed_license_path()), QMessageBox::Ok, this);
        box.setIconPixmap(windowIcon().pixmap(64, 64));
        box.setTextFormat(Qt::RichText);
        box.setTextInteractionFlags(Qt::TextBrowserInteraction);
        box.setDetailedText(license_text());
        box.exec();
    });
}

QString installed_license_path() {
    const QString path = QDir(QCoreApplication::applicationDirPath())
                             .absoluteFilePath(QStringLiteral("../share/doc/tulle/LICENSE"));
    return QFileInfo::exists(path) ? QFileInfo(path).canonicalFilePath() : QString();
}

QString about_text(const QString& license_path) {
    const QString licence =
        license_path.isEmpty()
            ? MainWindow::tr("the MIT licence")
            : MainWindow::tr("the <a href=\"%1\">MIT licence</a>")
                  .arg(QUrl::fromLocalFile(license_path).toString().toHtmlEscaped());
    return MainWindow::tr(
               "<p><b>Tulle %1</b><br>WireGuard tunnels for your desktop.</p>"
               "<p>Copyright 2026 The Tulle developers.<br>Tulle is free software "
               "under %2: Show Details has its text.</p>")
        .arg(QString::fromLatin1(kVersion).toHtmlEscaped(), licence);
}

QString license_text() {
    QFile file(QStringLiteral(":/LICENSE"));
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

void MainWindow::closeEvent(QCloseEvent* event) {
    QSettings().setValue(kGeometry, saveGeometry());
    QMainWindow::closeEvent(event);
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

void MainWindow::update_banner(DaemonLink::State state, const QString& detail) {
    QPalette palette = banner_->palette();
    switch (state) {
        case DaemonLink::State::connected:
            // All is well: the banner steps aside; the status bar names the daemon.
            banner_->setText(tr("Connected to %1.").arg(detail));
            banner_->hide();
            statusBar()->showMessage(tr("Connected to %1.").arg(detail), kStatusMs);
            return;
        case DaemonLink::State::connecting:
            banner_->setText(tr("Connecting to tulled…"));
            palette.setColor(QPalette::Window, QColor(0xfd, 0xf3, 0xd0));
            break;
        case DaemonLink::State::unavailable:
            banner_->setText(detail);
            palette.setColor(QPalette::Window, QColor(0xfa, 0xdb, 0xd8));
            break;
        case DaemonLink::State::incompatible:
            banner_->setText(tr("%1\nTulle tries again every few seconds.").arg(detail));
            palette.setColor(QPalette::Window, QColor(0xfa, 0xdb, 0xd8));
            break;
    }
    palette.setColor(QPalette::WindowText, QColor(0x20, 0x21, 0x24));
    banner_->setPalette(palette);
    banner_->show();
}

}  // namespace tulle::app

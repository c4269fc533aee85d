// tulle: the unprivileged tray app of Tulle.
#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>
#include <QSystemTrayIcon>

#include "app/daemon_link.hpp"
#include "app/main_window.hpp"
#include "app/tray.hpp"
#include "ipc/protocol.hpp"
#include "ipc/version.hpp"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("tulle"));
    QApplication::setApplicationDisplayName(QStringLiteral("Tulle"));
    QApplication::setOrganizationName(QStringLiteral("Tulle"));
    QApplication::setApplicationVersion(QString::fromLatin1(tulle::kVersion));
    QApplication::setQuitOnLastWindowClosed(false);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate(
        "main", "Tulle tray app: shows and controls the tunnels of tulled."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption socket_option(
        QStringLiteral("socket"), QApplication::translate("main", "Control socket of tulled."),
        QStringLiteral("path"), QString::fromLatin1(tulle::ipc::kDefaultSocketPath.data()));
    parser.addOption(socket_option);
    parser.process(app);

    tulle::app::DaemonLink link(parser.value(socket_option));
    tulle::app::MainWindow window(link);
    tulle::app::Tray tray(link);
    QObject::connect(&tray, &tulle::app::Tray::open_requested, &window, [&window] {
        window.show();
        window.raise();
        window.activateWindow();
    });
    QObject::connect(&tray, &tulle::app::Tray::quit_requested, &app, &QApplication::quit);

    link.start();
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        tray.show();
    } else {
        QApplication::setQuitOnLastWindowClosed(true);
        window.show();
        QSettings settings;
        const QString explained = QStringLiteral("ui/explained_missing_tray");
        if (!settings.value(explained, false).toBool()) {
            window.explain_missing_tray();
            settings.setValue(explained, true);
        }
    }
    return QApplication::exec();
}

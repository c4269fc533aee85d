// tulle: the unprivileged tray app of Tulle.
#include <QApplication>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QSystemTrayIcon>
#include <QTranslator>

#include "app/daemon_link.hpp"
#include "app/local_tunnels.hpp"
#include "app/main_window.hpp"
#include "app/screenshots.hpp"
#include "app/tray.hpp"
#include "app/tunnel_actions.hpp"
#include "app/tunnel_hub.hpp"
#include "ipc/protocol.hpp"
#include "ipc/version.hpp"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("tulle"));
    QApplication::setApplicationDisplayName(QStringLiteral("Tulle"));
    QApplication::setOrganizationName(QStringLiteral("Tulle"));
    QApplication::setApplicationVersion(QString::fromLatin1(tulle::kVersion));
    QApplication::setDesktopFileName(QStringLiteral("tulle"));
    QApplication::setQuitOnLastWindowClosed(false);

    // The app's own strings (compiled in) and Qt's, in the system's language.
    QTranslator own;
    if (own.load(QLocale(), QStringLiteral("tulle"), QStringLiteral("_"),
                 QStringLiteral(":/i18n"))) {
        QApplication::installTranslator(&own);
    }
    QTranslator qt;
    if (qt.load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QApplication::installTranslator(&qt);
    }

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate(
        "main", "Tulle tray app: shows and controls the tunnels of tulled."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption socket_option(
        QStringLiteral("socket"), QApplication::translate("main", "Control socket of tulled."),
        QStringLiteral("path"), QString::fromLatin1(tulle::ipc::kDefaultSocketPath.data()));
    parser.addOption(socket_option);
    const QCommandLineOption window_option(
        QStringLiteral("window"),
        QApplication::translate("main", "Open the window at start, not only the tray icon."));
    parser.addOption(window_option);
    const QCommandLineOption screenshots_option(
        QStringLiteral("screenshots"),
        QApplication::translate("main", "Save a picture of each page to a folder, then quit."),
        QStringLiteral("folder"));
    parser.addOption(screenshots_option);
    parser.process(app);

    tulle::app::DaemonLink link(parser.value(socket_option));
    tulle::app::TunnelHub hub(link);
    tulle::app::LocalTunnels local;
    tulle::app::TunnelActions actions(hub, local);
    tulle::app::MainWindow window(hub, actions);
    actions.set_window(&window);
    tulle::app::Tray tray(hub, actions);
    QObject::connect(&tray, &tulle::app::Tray::open_requested, &window, [&window] {
        window.show();
        window.raise();
        window.activateWindow();
    });
    QObject::connect(&tray, &tulle::app::Tray::quit_requested, &app, &QApplication::quit);

    link.start();
    if (parser.isSet(screenshots_option)) {
        constexpr int kSettleMs = 12000;  // a dozen stats events, so the chart has a line
        tulle::app::take_screenshots(window, hub, tray, parser.value(screenshots_option),
                                     kSettleMs);
        return QApplication::exec();
    }
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        tray.show();
        if (parser.isSet(window_option)) {
            window.show();
        }
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
